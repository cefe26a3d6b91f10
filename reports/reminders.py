"""Deadlines that drive the year (issue 8, DOMAIN.md R19): reminders before each level's deadline,
late notices after it, and the calendar of a unit.

Who has work open at a level:
- cells' meetings: a cell (subordinate or grassroots) that has not submitted its review;
- grassroots decisions: a grassroots organization with submitted cells not yet decided, or its
  own report and level not submitted (step 7);
- superior committees: a superior committee with submitted grassroots organizations not yet
  decided, or its yearly report not submitted (steps 8–9);
- the province's dossier: the province with submitted units not yet decided (step 8b), or its
  yearly report not submitted.
The state-employee and central steps are not tracked in the app and send nothing.

A reminder goes out `offset` days before the deadline, for each offset of
settings.REMINDER_OFFSETS_DAYS (7, 3 and 1 by default). A day the task did not run is caught up:
the reminder due is the one of the smallest offset at or above the days left. From the day after
a missed deadline, for settings.REMINDER_LATE_NOTICE_DAYS days, the units still open get a late
notice, and their superior board one notice listing them. Each notice is claimed first as a
unique ReminderSent row, in the transaction that writes the notifications, so a second run (a
restarted beat or worker, two workers at once) sends nothing twice. Everything takes `today`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Left, Length
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from assessment import rules
from assessment.models import (
    AssessmentStatus,
    CellState,
    CellYear,
    Deadline,
    DeadlineLevel,
    GrassrootsYear,
    MemberAssessment,
    Period,
    PeriodState,
)
from assessment.progress import DONE_STATES, not_on_roster
from members.models import Member
from organizations.counts import path_prefix
from organizations.models import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    OWN_LEVEL_KINDS,
    Assignment,
    Kind,
    Organization,
    Role,
)
from organizations.notifications import notify

from . import dashboard
from .models import ReminderKind, ReminderSent, ReportSubmission

MSG_REMINDER = _(
    "Reminder: %(unit)s still has work for %(year)s due by %(due)s (%(step)s): %(work)s."
)
MSG_LATE = _(
    "Late: the deadline of %(due)s (%(step)s, %(year)s) has passed and %(unit)s still has "
    "work open: %(work)s."
)
MSG_LATE_BELOW = _(
    "Late units under %(unit)s: the deadline of %(due)s (%(step)s, %(year)s) has passed for "
    "%(units)s."
)
MSG_AND_MORE = ngettext_lazy("and %(n)s more", "and %(n)s more", "n")
WORK_CELL_REVIEW = _("the cell's review is not submitted")
WORK_UNVOTED = ngettext_lazy("%(n)s member without votes", "%(n)s members without votes", "n")
WORK_CELLS_TO_DECIDE = ngettext_lazy(
    "%(n)s submitted cell to decide", "%(n)s submitted cells to decide", "n"
)
WORK_OWN_LEVEL = _("its own report and level are not submitted")
WORK_UNITS_TO_DECIDE = ngettext_lazy(
    "%(n)s submitted organization to decide", "%(n)s submitted organizations to decide", "n"
)
WORK_YEARLY_REPORT = _("its yearly report is not submitted")

# The role that does a unit's work at each tracked level, and the board above a late unit.
LEVEL_ROLES = {
    DeadlineLevel.CELL: Role.CELL_SECRETARY,
    DeadlineLevel.GRASSROOTS: Role.GRASSROOTS_COMMITTEE,
    DeadlineLevel.SUPERIOR: Role.SUPERIOR_BOARD,
    DeadlineLevel.PROVINCE: Role.PROVINCIAL_BOARD,
}
TRACKED_LEVELS = tuple(LEVEL_ROLES)
BOARD_ROLES = {
    Kind.GRASSROOTS_COMMITTEE: Role.GRASSROOTS_COMMITTEE,
    Kind.GRASSROOTS_CELL: Role.GRASSROOTS_COMMITTEE,
    Kind.SUPERIOR: Role.SUPERIOR_BOARD,
    Kind.PROVINCE: Role.PROVINCIAL_BOARD,
}
# Notification.text holds 500 characters; a late list stops before.
LIST_LIMIT = 380


@dataclass
class OpenWork:
    """A unit with work still open at a level, and what it is (lazy translated phrases)."""

    unit: Organization
    work: list = field(default_factory=list)

    def describe(self) -> str:
        return "; ".join(str(item) for item in self.work)


@dataclass
class Sent:
    """What one run sent: claims by kind and notifications written."""

    reminders: int = 0
    late: int = 0
    late_below: int = 0
    notifications: int = 0


# --- When -------------------------------------------------------------------------------------


def reminder_offset(
    *, due: datetime.date, today: datetime.date, offsets: Sequence[int]
) -> int | None:
    """The reminder due today: the smallest offset at or above the days left (a day the task
    missed is caught up); None before the first offset and after the deadline."""
    days_left = (due - today).days
    if days_left < 0:
        return None
    applicable = [offset for offset in offsets if offset >= days_left]
    return min(applicable) if applicable else None


def late_notice_due(*, due: datetime.date, today: datetime.date, window: int) -> bool:
    """From the day after the deadline, for `window` days."""
    return rules.is_late(done_at=None, due=due, today=today) and (today - due).days <= window


# --- Who has work open ------------------------------------------------------------------------


def open_work(*, period: Period, level: str) -> list[OpenWork]:
    """Every unit with work open at `level` in the year, in tree order."""
    if level == DeadlineLevel.CELL:
        return _open_cells(period)
    if level == DeadlineLevel.GRASSROOTS:
        return _open_grassroots(period)
    if level == DeadlineLevel.SUPERIOR:
        return _open_reporting(period, Kind.SUPERIOR, GRASSROOTS_KINDS)
    if level == DeadlineLevel.PROVINCE:
        return _open_reporting(period, Kind.PROVINCE, OWN_LEVEL_KINDS)
    return []


def _open_cells(period: Period) -> list[OpenWork]:
    done = CellYear.objects.filter(period=period, state__in=DONE_STATES)
    cells = Organization.objects.cells().exclude(pk__in=done.values("cell"))
    unvoted = _counts(
        MemberAssessment.objects.filter(
            cell_year__period=period,
            cell_year__cell__in=cells,
            status=AssessmentStatus.ASSESS,
            tally__isnull=True,
        ),
        "cell_year__cell",
    )
    # Current members of a cell whose roster for the year is not drawn yet have no votes either.
    not_drawn = _counts(not_on_roster(Member.objects.filter(cell__in=cells), period), "cell")
    result = []
    for cell in cells:
        n = unvoted.get(cell.pk, 0) + not_drawn.get(cell.pk, 0)
        result.append(OpenWork(cell, [WORK_CELL_REVIEW] + ([WORK_UNVOTED % {"n": n}] if n else [])))
    return result


def _open_grassroots(period: Period) -> list[OpenWork]:
    organizations = Organization.objects.filter(kind__in=GRASSROOTS_KINDS)
    done = GrassrootsYear.objects.filter(period=period, state__in=DONE_STATES)
    own_open = set(
        organizations.exclude(pk__in=done.values("organization")).values_list("pk", flat=True)
    )
    by_path = {org.path: org for org in organizations}
    to_decide: dict[int, int] = {}
    submitted = CellYear.objects.filter(period=period, state=CellState.SUBMITTED)
    # A cell's grassroots organization is its ancestor of a grassroots kind: group the submitted
    # cells on the path prefix of each depth grassroots organizations stand at.
    for depth in {org.depth for org in by_path.values()}:
        for prefix, n in (
            submitted.annotate(prefix=path_prefix("cell__path", depth * Organization.steplen))
            .order_by()
            .values_list("prefix")
            .annotate(n=Count("id"))
        ):
            if prefix in by_path and by_path[prefix].depth == depth:
                to_decide[by_path[prefix].pk] = n
    result = []
    for org in by_path.values():
        work = []
        if to_decide.get(org.pk):
            work.append(WORK_CELLS_TO_DECIDE % {"n": to_decide[org.pk]})
        if org.pk in own_open:
            work.append(WORK_OWN_LEVEL)
        if work:
            result.append(OpenWork(org, work))
    return result


def _open_reporting(period: Period, kind: str, decided_kinds: Iterable[str]) -> list[OpenWork]:
    """Superior committees (or provinces): units below submitted and not decided, and the
    yearly report (reports/submissions.py)."""
    units = list(Organization.objects.filter(kind=kind))
    reported = set(
        ReportSubmission.objects.filter(period=period, unit__in=units).values_list(
            "unit", flat=True
        )
    )
    to_decide = dict(
        GrassrootsYear.objects.filter(
            period=period, state=CellState.SUBMITTED, organization__kind__in=decided_kinds
        )
        .annotate(
            parent=Left("organization__path", Length("organization__path") - Organization.steplen)
        )
        .order_by()
        .values_list("parent")
        .annotate(n=Count("id"))
    )
    result = []
    for unit in units:
        work = []
        if to_decide.get(unit.path):
            work.append(WORK_UNITS_TO_DECIDE % {"n": to_decide[unit.path]})
        if unit.pk not in reported:
            work.append(WORK_YEARLY_REPORT)
        if work:
            result.append(OpenWork(unit, work))
    return result


def _counts(queryset, key: str) -> dict[int, int]:
    return dict(queryset.order_by().values_list(key).annotate(n=Count("id")))


# --- Who is told ------------------------------------------------------------------------------


def _users_by_unit(units: Iterable[Organization], role_of) -> dict[int, list[AbstractBaseUser]]:
    """Active users holding, on each unit itself, the role `role_of(unit)` gives (one query)."""
    units = list(units)
    wanted = {(unit.pk, role_of(unit)) for unit in units}
    users: dict[int, list[AbstractBaseUser]] = defaultdict(list)
    assignments = (
        Assignment.objects.current()
        .filter(organization__in=units, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    for assignment in assignments:
        if (assignment.organization_id, assignment.role) in wanted:
            users[assignment.organization_id].append(assignment.user)
    return users


def _overseers(units: list[Organization], level: str) -> dict[int, Organization]:
    """The unit whose board oversees each late unit: a subordinate cell's grassroots
    organization; a grassroots organization's (or a grassroots cell's) deciding superior; the
    province for a superior committee; nobody above the province."""
    steplen = Organization.steplen

    def ancestor_paths(unit: Organization) -> list[str]:
        return [unit.path[:end] for end in range(steplen, len(unit.path), steplen)]

    paths = {path for unit in units for path in ancestor_paths(unit)}
    ancestors = {org.path: org for org in Organization.objects.filter(path__in=paths)}
    result = {}
    for unit in units:
        # The unit's ancestors, the root first.
        chain = [ancestors[path] for path in ancestor_paths(unit) if path in ancestors]
        if not chain:
            continue
        if level == DeadlineLevel.CELL and unit.kind == Kind.SUBORDINATE_CELL:
            grassroots = [org for org in chain if org.kind in GRASSROOTS_KINDS]
            result[unit.pk] = grassroots[-1] if grassroots else chain[0]
        elif level in (DeadlineLevel.CELL, DeadlineLevel.GRASSROOTS):
            parent = chain[-1]
            result[unit.pk] = parent if parent.kind == Kind.SUPERIOR else chain[0]
        else:
            result[unit.pk] = chain[0]
    return result


def _unit_url(unit: Organization, period: Period, level: str) -> str:
    if level == DeadlineLevel.CELL and unit.kind in CELL_KINDS:
        return reverse("assessment:cell_year", args=[period.year, unit.pk])
    return reverse("reports:calendar", args=[period.year, unit.pk])


# --- Sending ----------------------------------------------------------------------------------


def reminders_send(
    *,
    today: datetime.date,
    offsets: Sequence[int] | None = None,
    late_days: int | None = None,
) -> Sent:
    """Send what is due `today` for every tracked deadline of the open years."""
    offsets = settings.REMINDER_OFFSETS_DAYS if offsets is None else offsets
    late_days = settings.REMINDER_LATE_NOTICE_DAYS if late_days is None else late_days
    sent = Sent()
    deadlines = Deadline.objects.filter(
        period__state=PeriodState.OPEN, level__in=TRACKED_LEVELS
    ).select_related("period")
    with translation.override(settings.LANGUAGE_CODE):
        for deadline in deadlines.order_by("due"):
            offset = reminder_offset(due=deadline.due, today=today, offsets=offsets)
            if offset is not None:
                _send_reminders(deadline, offset, sent)
            elif late_notice_due(due=deadline.due, today=today, window=late_days):
                _send_late_notices(deadline, sent)
    return sent


def _params(deadline: Deadline, unit: Organization) -> dict:
    return {
        "unit": unit.name,
        "year": deadline.period.year,
        "due": formats.date_format(deadline.due, "SHORT_DATE_FORMAT"),
        "step": str(deadline.get_level_display()),
    }


def _claimed(deadline: Deadline, kind: str, offset: int) -> set[int]:
    return set(
        ReminderSent.objects.filter(
            period=deadline.period_id, level=deadline.level, kind=kind, offset=offset
        ).values_list("unit", flat=True)
    )


def _claim_and_notify(
    deadline: Deadline,
    unit: Organization,
    *,
    kind: str,
    offset: int,
    users: list,
    text: str,
    url: str,
) -> int:
    """Claim the notice, then write it to each user, in one transaction; 0 when another run
    has claimed it already."""
    with transaction.atomic():
        _, created = ReminderSent.objects.get_or_create(
            period=deadline.period,
            level=deadline.level,
            unit=unit,
            kind=kind,
            offset=offset,
            defaults={"due": deadline.due, "recipients": len(users), "text": text[:500]},
        )
        if not created:
            return 0
        return len(notify(users=users, text=text, url=url))


def _send_reminders(deadline: Deadline, offset: int, sent: Sent) -> None:
    work = open_work(period=deadline.period, level=deadline.level)
    sent.reminders += _notify_units(
        deadline, work, kind=ReminderKind.BEFORE, offset=offset, message=MSG_REMINDER, sent=sent
    )


def _send_late_notices(deadline: Deadline, sent: Sent) -> None:
    late = open_work(period=deadline.period, level=deadline.level)
    sent.late += _notify_units(
        deadline, late, kind=ReminderKind.LATE, offset=0, message=MSG_LATE, sent=sent
    )
    _send_late_below(deadline, late, sent)


def _notify_units(
    deadline: Deadline, items: list[OpenWork], *, kind: str, offset: int, message, sent: Sent
) -> int:
    """Tell each unit's holders of the level's role what they still have open; the number of
    units told."""
    claimed = _claimed(deadline, kind, offset)
    items = [item for item in items if item.unit.pk not in claimed]
    role = LEVEL_ROLES[deadline.level]
    users = _users_by_unit((item.unit for item in items), lambda unit: role)
    told = 0
    for item in items:
        if not users.get(item.unit.pk):
            continue  # nobody holds the role yet: try again at the next run
        written = _claim_and_notify(
            deadline,
            item.unit,
            kind=kind,
            offset=offset,
            users=users[item.unit.pk],
            text=str(message % {**_params(deadline, item.unit), "work": item.describe()}),
            url=_unit_url(item.unit, deadline.period, deadline.level),
        )
        told += bool(written)
        sent.notifications += written
    return told


def _send_late_below(deadline: Deadline, late: list[OpenWork], sent: Sent) -> None:
    """One notice per superior board, listing its late units and what each still has open."""
    overseers = _overseers([w.unit for w in late], deadline.level)
    by_overseer: dict[int, list[OpenWork]] = defaultdict(list)
    for item in late:
        if item.unit.pk in overseers:
            by_overseer[overseers[item.unit.pk].pk].append(item)
    units = {org.pk: org for org in overseers.values()}
    claimed = _claimed(deadline, ReminderKind.LATE_BELOW, 0)
    users = _users_by_unit(
        (u for pk, u in units.items() if pk not in claimed), lambda unit: BOARD_ROLES.get(unit.kind)
    )
    for pk, items in by_overseer.items():
        if pk in claimed or not users.get(pk):
            continue
        overseer = units[pk]
        text = str(MSG_LATE_BELOW % {**_params(deadline, overseer), "units": _late_list(items)})
        written = _claim_and_notify(
            deadline,
            overseer,
            kind=ReminderKind.LATE_BELOW,
            offset=0,
            users=users[pk],
            text=text,
            url=reverse("reports:calendar", args=[deadline.period.year, overseer.pk]),
        )
        sent.late_below += bool(written)
        sent.notifications += written


def _late_list(items: list[OpenWork]) -> str:
    """'C1 (what is open); C2 (…)', cut with 'and N more' to fit a notification."""
    parts: list[str] = []
    for i, item in enumerate(items):
        part = f"{item.unit.name} ({item.describe()})"
        if parts and len("; ".join([*parts, part])) > LIST_LIMIT:
            parts.append(str(MSG_AND_MORE % {"n": len(items) - i}))
            break
        parts.append(part)
    return "; ".join(parts)


# --- The calendar of a unit -------------------------------------------------------------------

# The deadlines a unit's own work answers to; the levels below come from its subtree's kinds.
OWN_LEVELS = {
    Kind.SUBORDINATE_CELL: (DeadlineLevel.CELL,),
    Kind.GRASSROOTS_CELL: (DeadlineLevel.CELL, DeadlineLevel.GRASSROOTS),
    Kind.GRASSROOTS_COMMITTEE: (DeadlineLevel.GRASSROOTS,),
    Kind.PARTIAL_COMMITTEE: (),
    Kind.SUPERIOR: (DeadlineLevel.SUPERIOR,),
    Kind.PROVINCE: (DeadlineLevel.PROVINCE,),
}
KIND_LEVELS = {
    Kind.PARTIAL_COMMITTEE: None,  # answers to no deadline of its own
    **{kind: DeadlineLevel.CELL for kind in CELL_KINDS},
    **{kind: DeadlineLevel.GRASSROOTS for kind in GRASSROOTS_KINDS},
    Kind.SUPERIOR: DeadlineLevel.SUPERIOR,
    Kind.PROVINCE: DeadlineLevel.PROVINCE,
}
REPORTING_KINDS = {DeadlineLevel.SUPERIOR: Kind.SUPERIOR, DeadlineLevel.PROVINCE: Kind.PROVINCE}
# Short names of the steps for the timeline picture (the table gives the full ones).
SHORT_LABELS = {
    DeadlineLevel.STATE_EMPLOYEE: _("State ratings"),
    DeadlineLevel.CELL: _("Cells"),
    DeadlineLevel.GRASSROOTS: _("Grassroots"),
    DeadlineLevel.SUPERIOR: _("Superior"),
    DeadlineLevel.PROVINCE: _("Province"),
    DeadlineLevel.CENTRAL: _("Centre"),
}
STATUS_LABELS = {
    "done": _("Done"),
    "done_late": _("Done, partly late"),
    "late": _("Late"),
    "coming": _("Coming"),
    "passed": _("Passed"),
    "nothing": _("Nothing to do here"),
}


@dataclass(frozen=True)
class CalendarEntry:
    progress: dashboard.DeadlineProgress
    own: bool  # the unit's own work answers to it

    @property
    def status(self) -> str:
        p = self.progress
        if p.total is None:
            return "coming" if p.days_left >= 0 else "passed"
        if p.total == 0:
            return "nothing"
        if p.open_late:
            return "late"
        if p.on_time + p.late_done == p.total:
            return "done_late" if p.late_done else "done"
        return "coming"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def short_label(self) -> str:
        return str(SHORT_LABELS[self.progress.level])


@dataclass(frozen=True)
class TimelineMark:
    entry: CalendarEntry
    x: float
    label_y: int


@dataclass(frozen=True)
class Timeline:
    """Positions for the server-drawn SVG picture (viewBox 0 0 WIDTH HEIGHT)."""

    marks: list[TimelineMark]
    today_x: float
    start_x: float
    end_x: float


@dataclass
class LateReporting:
    unit: Organization
    due: datetime.date
    submitted_at: datetime.datetime | None


@dataclass
class Calendar:
    unit: Organization
    period: Period
    today: datetime.date
    entries: list[CalendarEntry]
    own: dashboard.OwnWork | None
    own_report: ReportSubmission | None
    late: dashboard.LateList
    late_reporting: list[LateReporting]
    timeline: Timeline

    @property
    def late_total(self) -> int:
        return self.late.total + len(self.late_reporting)


def calendar_levels(unit: Organization) -> set[str]:
    """The unit's own levels and those of every kind of unit in its subtree below it; the
    state-employee step wherever there are members; the central report for a province."""
    kinds = set(
        Organization.objects.in_subtree(unit)
        .exclude(pk=unit.pk)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    levels = set(OWN_LEVELS[unit.kind]) | {KIND_LEVELS[kind] for kind in kinds} - {None}
    if unit.kind in CELL_KINDS or kinds & CELL_KINDS:
        levels.add(DeadlineLevel.STATE_EMPLOYEE)
    if unit.kind == Kind.PROVINCE:
        levels.add(DeadlineLevel.CENTRAL)  # where the province's dossier goes next
    return levels


def calendar_build(
    *, unit: Organization, period: Period, today: datetime.date | None = None
) -> Calendar:
    today = today or timezone.localdate()
    levels = calendar_levels(unit)
    deadlines = [
        d for d in Deadline.objects.filter(period=period).order_by("due") if d.level in levels
    ]
    due = {d.level: d.due for d in deadlines}
    head, _rows = dashboard.unit_rows(unit=unit, period=period, due=due, today=today)
    progress = dashboard.deadline_progress(head=head, deadlines=deadlines, today=today)
    reporting, late_reporting = _reporting_progress(unit, period, deadlines, today)
    own_levels = set(OWN_LEVELS[unit.kind])
    entries = [
        CalendarEntry(reporting.get(p.level, p), own=p.level in own_levels) for p in progress
    ]
    return Calendar(
        unit=unit,
        period=period,
        today=today,
        entries=entries,
        own=head.own,
        own_report=ReportSubmission.objects.filter(period=period, unit=unit)
        .order_by("-version")
        .first(),
        late=dashboard.late_units(unit=unit, period=period, due=due, today=today, head=head),
        late_reporting=late_reporting,
        timeline=timeline_layout(entries, today),
    )


def _reporting_progress(
    unit: Organization, period: Period, deadlines: list[Deadline], today: datetime.date
) -> tuple[dict[str, dashboard.DeadlineProgress], list[LateReporting]]:
    """Superior committees' and provinces' yearly reports in the subtree against their
    deadline: done when a first version is submitted (a correction does not make it late)."""
    result, late = {}, []
    for deadline in deadlines:
        kind = REPORTING_KINDS.get(deadline.level)
        if kind is None:
            continue
        units = (
            Organization.objects.in_subtree(unit)
            .filter(kind=kind)
            .annotate(
                first_at=Min(
                    "report_submissions__submitted_at",
                    filter=Q(report_submissions__period=period),
                )
            )
        )
        counts = {"total": 0, "on_time": 0, "late_done": 0, "open_late": 0}
        for org in units:
            counts["total"] += 1
            # R19: a unit whose working year ends later has until 15/01 (Hướng dẫn 43 §4.1)
            due = rules.unit_due(deadline.due, year_ends_later=org.year_ends_later)
            is_late = rules.is_late(done_at=org.first_at, due=due, today=today)
            if org.first_at:
                counts["late_done" if is_late else "on_time"] += 1
            elif is_late:
                counts["open_late"] += 1  # not submitted and past the day; else not yet due
            if is_late:
                late.append(LateReporting(org, due, org.first_at))
        result[deadline.level] = dashboard.DeadlineProgress(
            deadline.level, deadline.due, (deadline.due - today).days, **counts
        )
    return result, late


WIDTH = 1000
# The least distance between two days on the picture, wide enough for a short step name.
MIN_GAP = 120


def timeline_layout(entries: list[CalendarEntry], today: datetime.date) -> Timeline:
    """x of each deadline and of today on one axis. Spacing follows the days between them, but
    never below MIN_GAP (the longer gaps give way), so that the labels of close deadlines do
    not overlap; deadlines on the same day stack their names."""
    left, right = 60, WIDTH - 60
    days = sorted({e.progress.due for e in entries} | {today})
    steps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    available = right - left
    gaps = [available * step / max(sum(steps), 1) for step in steps]
    gaps = _at_least(gaps, MIN_GAP, available)
    x = {days[0]: float(left if gaps else (left + right) / 2)}
    for day, gap in zip(days[1:], gaps, strict=True):
        x[day] = x[_previous(days, day)] + gap
    seen: dict[datetime.date, int] = defaultdict(int)
    marks = []
    for entry in entries:
        due = entry.progress.due
        marks.append(TimelineMark(entry, round(x[due], 1), 50 - 18 * seen[due]))
        seen[due] += 1
    return Timeline(marks=marks, today_x=round(x[today], 1), start_x=left - 20, end_x=right + 20)


def _previous(days: list[datetime.date], day: datetime.date) -> datetime.date:
    return days[days.index(day) - 1]


def _at_least(gaps: list[float], minimum: float, total: float) -> list[float]:
    """Raise the short gaps to `minimum` (or to an equal share when there is no room) and take
    the difference from the long ones, in proportion to what they have above `minimum`."""
    if not gaps:
        return gaps
    minimum = min(minimum, total / len(gaps))
    raised = [max(gap, minimum) for gap in gaps]
    excess = sum(raised) - total
    spare = sum(gap - minimum for gap in raised)
    if excess <= 0 or spare <= 0:
        return raised
    return [gap - (gap - minimum) * excess / spare for gap in raised]
