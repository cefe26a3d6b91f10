"""The cell's meetings through the year as evidence for the classification (issue 16).

DOMAIN.md R21: "a cell's meeting record (meetings held, attendance, quality) is evidence for the
year's classification of the cell and its members (Chỉ thị 10-CT/TW, Kết luận 18-KL/TW), and the
grassroots committee inspects every cell's meetings before classifying cells. A member absent
three months in a year without good reason is a case the Party Statute tells the cell to
consider for removal." The quality criteria come from Hướng dẫn 12-HD/BTCTW (06/7/2018) as
rule-set data (`MeetingRuleSet`, fixtures/meeting_rules/).

Everything here is a plain function or QuerySet expression, so the decision chain can call it
wherever its states end up: `inspection_missing`, `attendance_by_member`, `cell_meeting_year`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members.models import Member, StatusKind, StatusPeriod
from organizations.models import Organization

from .cell_year import Conflict
from .models import (
    AbsenceReason,
    CellMeeting,
    CellMeetingAttendance,
    CellMeetingKind,
    MeetingInspection,
    MeetingRuleSet,
    Period,
    PeriodState,
)

MEETING_RULES_DIR = Path(settings.BASE_DIR) / "fixtures" / "meeting_rules"

MSG_FUTURE = _("A meeting cannot be recorded before it is held.")
MSG_YEAR_CLOSED = _("The year %(year)s is closed: its meetings can no longer change.")
MSG_MONTH_TAKEN = _("The cell already has a regular meeting in %(month)s.")
MSG_NOT_ON_ROSTER = _("%(member)s is not on the cell's roster on that day.")
MSG_BAD_REASON = _("“%(value)s” is not a reason for absence; use one of: %(choices)s.")
MSG_UNKNOWN_CRITERION = _("“%(value)s” is not a criterion of the meeting rules in force.")
MSG_INSPECTION_MISSING = _(
    "The grassroots committee has not yet recorded its inspection of this cell's meetings "
    "(%(rules)s)."
)
MSG_INSPECTION_FUTURE = _("An inspection cannot be recorded before it takes place.")
MSG_INSPECTION_YEAR = _("The inspection of the meetings of %(year)s takes place from that year on.")

NOT_ON_ROSTER_KINDS = (StatusKind.EXEMPTION, StatusKind.SUSPENSION, StatusKind.TEMPORARY_TRANSFER)


# --- Rules -------------------------------------------------------------------------------------


def meeting_rules_load(data: Mapping[str, Any]) -> MeetingRuleSet:
    """Create or update the meeting rule set `data` describes (a fixtures/meeting_rules file)."""
    fields = {f.name for f in MeetingRuleSet._meta.concrete_fields} - {"id", "code"}
    rules, _created = MeetingRuleSet.objects.update_or_create(
        code=data["code"], defaults={k: v for k, v in data.items() if k in fields}
    )
    return rules


def meeting_rules_load_defaults() -> list[MeetingRuleSet]:
    """Load every file of fixtures/meeting_rules/ (idempotent). Returns the rule sets."""
    return [
        meeting_rules_load(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(MEETING_RULES_DIR.glob("*.json"))
    ]


# "Look the rules up": the callers below take the rules when the caller has them already (a
# page that shows a cell's meeting record and its members' attendance reads them once).
LOOK_UP = object()


def meeting_rules_for(year: int) -> MeetingRuleSet | None:
    """The meeting rules in force in `year` (the latest first year covering it), or None."""
    for rules in MeetingRuleSet.objects.filter(first_year__lte=year).order_by("-first_year"):
        if rules.covers(year):
            return rules
    return None


def criteria_labels(rules: MeetingRuleSet | None) -> list[tuple[str, str]]:
    """(code, label in the active language) of each content criterion."""
    english = (get_language() or "vi").startswith("en")
    return [
        (c["code"], c["en"] if english else c["vi"])
        for c in (rules.content_criteria if rules else [])
    ]


# --- The roster of a meeting -------------------------------------------------------------------


@dataclass
class RosterEntry:
    member: Member
    guest: bool = False  # temporarily active here, officially in another cell


def _on_status(day: datetime.date) -> QuerySet:
    return StatusPeriod.objects.overlapping(day, day).filter(kind__in=NOT_ON_ROSTER_KINDS)


def meeting_roster(*, cell: Organization, day: datetime.date) -> list[RosterEntry]:
    """Who is expected at `cell`'s meeting on `day`: its members then (admitted, not left), less
    those exempted, suspended or temporarily active elsewhere (R13), plus members of other
    cells temporarily active here (the status period's host unit names this cell's code or
    name). Ordered by name. Two queries."""
    away = _on_status(day).values("member_id")
    own = (
        Member.objects.filter(cell=cell, admission_date__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .exclude(pk__in=away)
    )
    guests = (
        Member.objects.filter(
            status_periods__in=_on_status(day).filter(
                kind=StatusKind.TEMPORARY_TRANSFER, host_unit__in=[cell.code, cell.name]
            )
        )
        .exclude(cell=cell)
        .filter(left_on__isnull=True)
    )
    entries = [RosterEntry(m) for m in own] + [RosterEntry(m, guest=True) for m in guests]
    return sorted(entries, key=lambda e: (e.member.full_name, e.member.pk))


# --- Recording a meeting -----------------------------------------------------------------------


MEETING_DETAILS = (
    "chair",
    "recorder",
    "agenda",
    "resolutions",
    "superior_attendee",
    "duration_minutes",
    "criteria",
)


def _check_day(held_on: datetime.date) -> None:
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": MSG_FUTURE}, code="future")
    if Period.objects.filter(year=held_on.year, state=PeriodState.CLOSED).exists():
        raise ValidationError(
            {"held_on": ValidationError(MSG_YEAR_CLOSED, params={"year": held_on.year})},
            code="closed",
        )


def _check_month(cell: Organization, kind: str, held_on: datetime.date, exclude: int | None):
    if kind != CellMeetingKind.REGULAR:
        return
    same = CellMeeting.objects.filter(
        cell=cell,
        kind=CellMeetingKind.REGULAR,
        held_on__year=held_on.year,
        held_on__month=held_on.month,
    ).exclude(pk=exclude)
    if same.exists():
        raise ValidationError(
            {"held_on": ValidationError(MSG_MONTH_TAKEN, params={"month": f"{held_on:%m/%Y}"})},
            code="month_taken",
        )


def _check_absences(roster: list[RosterEntry], absences: Mapping[int, str]) -> None:
    on_roster = {e.member.pk for e in roster}
    errors = []
    for member_pk, reason in absences.items():
        if member_pk not in on_roster:
            member = Member.objects.filter(pk=member_pk).first()
            errors.append(
                ValidationError(MSG_NOT_ON_ROSTER, params={"member": member or member_pk})
            )
        elif reason not in AbsenceReason.values:
            choices = ", ".join(str(label) for label in AbsenceReason.labels)
            errors.append(
                ValidationError(MSG_BAD_REASON, params={"value": reason, "choices": choices})
            )
    if errors:
        raise ValidationError({"absences": errors})


def _clean_criteria(rules: MeetingRuleSet | None, criteria: Mapping[str, bool]) -> dict[str, bool]:
    known = {code for code, _label in criteria_labels(rules)}
    unknown = [code for code in criteria if code not in known]
    if unknown:
        raise ValidationError(
            {"criteria": ValidationError(MSG_UNKNOWN_CRITERION, params={"value": unknown[0]})}
        )
    return {code: bool(criteria.get(code)) for code in sorted(known)}


@transaction.atomic
def cell_meeting_record(
    *,
    cell: Organization,
    kind: str,
    held_on: datetime.date,
    absences: Mapping[int, str],
    by: AbstractBaseUser | None,
    **details: Any,
) -> CellMeeting:
    """Record a meeting of `cell` with every member on its roster that day present except the
    keys of `absences` (member pk → an `AbsenceReason` value). `details` are any of
    MEETING_DETAILS (`criteria`: {criterion code: bool}). Writes the meeting and one attendance
    row per roster member, each with a history row naming `by`.

    Raises ValidationError (by field) for a future date, a closed year, a second regular
    meeting in a month, an absent member not on the roster or an unknown reason (R21)."""
    _check_day(held_on)
    _check_month(cell, kind, held_on, None)
    roster = meeting_roster(cell=cell, day=held_on)
    _check_absences(roster, absences)
    rules = meeting_rules_for(held_on.year)
    details["criteria"] = _clean_criteria(rules, details.get("criteria") or {})
    meeting = CellMeeting(cell=cell, kind=kind, held_on=held_on, recorded_by=by, **details)
    meeting._history_user = by
    meeting.save()
    bulk_create_with_history(
        [
            CellMeetingAttendance(
                meeting=meeting,
                member=e.member,
                present=e.member.pk not in absences,
                absence_reason=absences.get(e.member.pk, ""),
            )
            for e in roster
        ],
        CellMeetingAttendance,
        default_user=by,
    )
    return meeting


@transaction.atomic
def cell_meeting_update(
    *,
    meeting: CellMeeting,
    version: int,
    absences: Mapping[int, str],
    by: AbstractBaseUser | None,
    **details: Any,
) -> CellMeeting:
    """Change a recorded meeting: its details and who was absent (same checks as
    `cell_meeting_record`, the roster being the meeting's rows). Raises Conflict when the
    meeting changed since `version` was read; rows whose attendance did not change are not
    written."""
    row = CellMeeting.objects.select_for_update().get(pk=meeting.pk)
    if row.version != version:
        raise Conflict(row)
    _check_day(row.held_on)
    held_on = details.pop("held_on", row.held_on)
    _check_day(held_on)
    _check_month(row.cell, details.get("kind", row.kind), held_on, row.pk)
    attendance = list(row.attendance_rows.select_related("member"))
    _check_absences([RosterEntry(a.member) for a in attendance], absences)
    details["criteria"] = _clean_criteria(
        meeting_rules_for(held_on.year), details.get("criteria") or {}
    )
    for name, value in details.items():
        setattr(row, name, value)
    row.held_on, row.version = held_on, row.version + 1
    row._history_user = by
    row.save()
    changed = []
    for a in attendance:
        present, reason = a.member_id not in absences, absences.get(a.member_id, "")
        if (a.present, a.absence_reason) != (present, reason):
            a.present, a.absence_reason = present, reason
            changed.append(a)
    if changed:
        bulk_update_with_history(
            changed, CellMeetingAttendance, ["present", "absence_reason"], default_user=by
        )
    return row


# --- Quality (Hướng dẫn 12-HD/BTCTW §3) --------------------------------------------------------


def _count(condition: Q | None = None) -> Subquery:
    rows = CellMeetingAttendance.objects.filter(meeting=OuterRef("pk"))
    if condition is not None:
        rows = rows.filter(condition)
    return Coalesce(
        Subquery(
            rows.order_by().values("meeting").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_counts(meetings: QuerySet) -> QuerySet:
    """Annotate meetings with n_roster, n_present and n_unexcused (one subquery each)."""
    return meetings.annotate(
        n_roster=_count(),
        n_present=_count(Q(present=True)),
        n_unexcused=_count(Q(present=False, absence_reason=AbsenceReason.UNEXCUSED)),
    )


@dataclass
class QualityCheck:
    code: str
    label: str
    ok: bool


@dataclass
class MeetingQuality:
    rate: Decimal | None  # percent present of the roster, two decimals
    checks: list[QualityCheck]

    @property
    def meets(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failing(self) -> list[QualityCheck]:
        return [c for c in self.checks if not c.ok]


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percent rounded half up to two decimals (R24's rule); None if whole=0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def meeting_quality(meeting: CellMeeting, rules: MeetingRuleSet | None) -> MeetingQuality:
    """Each criterion of `rules` for one meeting annotated by `with_counts` (the same rules as
    `meets_quality_q`, one line each, for the page)."""
    rate = percent(meeting.n_present, meeting.n_roster)
    if rules is None:
        return MeetingQuality(rate, [])
    threshold = rules.min_attendance_percent
    checks = [
        QualityCheck(
            "attendance",
            str(_("More than %(percent)s %% of members present") % {"percent": threshold}),
            meeting.n_roster > 0 and meeting.n_present * 100 > threshold * meeting.n_roster,
        )
    ]
    if rules.no_unexcused_absence:
        checks.append(
            QualityCheck("unexcused", str(_("No unexcused absence")), meeting.n_unexcused == 0)
        )
    if rules.min_duration_minutes:
        checks.append(
            QualityCheck(
                "duration",
                str(_("At least %(minutes)s minutes") % {"minutes": rules.min_duration_minutes}),
                (meeting.duration_minutes or 0) >= rules.min_duration_minutes,
            )
        )
    for code, label in criteria_labels(rules):
        checks.append(QualityCheck(code, label, bool(meeting.criteria.get(code))))
    return MeetingQuality(rate, checks)


# --- A cell's year of meetings -----------------------------------------------------------------


def months_due(year: int, today: datetime.date | None = None) -> int:
    """Months of `year` already over on `today` (12 for a past year, 0 for a future one)."""
    today = today or timezone.localdate()
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


@dataclass
class CellMeetingYear:
    """A cell's meeting record for a year and its level under the rules in force."""

    rules: MeetingRuleSet | None
    regular_held: int = 0
    thematic_held: int = 0
    regular_due: int = 0
    thematic_due: int = 0
    quality_met: int = 0
    roster_total: int = 0
    present_total: int = 0
    level: dict | None = None
    inspected: bool = False

    @property
    def held(self) -> int:
        return self.regular_held + self.thematic_held

    @property
    def due(self) -> int:
        return self.regular_due + self.thematic_due

    @property
    def attendance_rate(self) -> Decimal | None:
        return percent(self.present_total, self.roster_total)

    @property
    def short(self) -> bool:
        return self.regular_held < self.regular_due or self.thematic_held < self.thematic_due

    @property
    def level_name(self) -> str:
        if not self.level:
            return ""
        english = (get_language() or "vi").startswith("en")
        return self.level["en"] if english else self.level["vi"]


def year_level(rules: MeetingRuleSet | None, record: CellMeetingYear) -> dict | None:
    """The first of `rules.year_levels` whose shares both hold: meetings held of those due
    (capped at 100 %) and meetings of quality of those held. None without rules or due."""
    if rules is None or not record.due:
        return None
    held = min(Decimal(100), Decimal(record.held) * 100 / record.due)
    quality = Decimal(record.quality_met) * 100 / record.held if record.held else Decimal(0)
    for level in rules.year_levels:
        if held >= Decimal(str(level["min_held_percent"])) and quality >= Decimal(
            str(level["min_quality_percent"])
        ):
            return level
    return None


@dataclass
class FigureRow:
    """Meetings of one cell, month and kind: how many, their attendance rows, and how many
    met every quality criterion."""

    cell: int
    month: int
    kind: str
    meetings: int
    roster: int
    present: int
    quality: int


# One scan of the attendance: per meeting (CTE `a`), then per cell, month and kind. The quality
# condition is `meeting_quality`'s, written in SQL (tests/assessment/test_meetings.py checks
# that both agree); the ORM cannot group on an aggregate of aggregates.
FIGURES_SQL = """
WITH m AS (
    SELECT m.id, m.cell_id, m.kind, EXTRACT(MONTH FROM m.held_on)::int AS month,
           ({content}) AS content_ok
    FROM assessment_cellmeeting m
    JOIN organizations_organization o ON o.id = m.cell_id
    WHERE {where} AND m.held_on BETWEEN %(start)s AND %(end)s
), a AS (
    SELECT a.meeting_id,
           COUNT(*) AS n,
           COUNT(*) FILTER (WHERE a.present) AS p,
           COUNT(*) FILTER (WHERE NOT a.present AND a.absence_reason = 'unexcused') AS u
    FROM assessment_cellmeetingattendance a
    JOIN m ON m.id = a.meeting_id
    GROUP BY a.meeting_id
)
SELECT m.cell_id, m.month, m.kind, COUNT(*),
       COALESCE(SUM(a.n), 0)::bigint, COALESCE(SUM(a.p), 0)::bigint,
       COUNT(*) FILTER (
           WHERE m.content_ok AND a.n > 0 AND a.p * 100 > %(percent)s * a.n
                 AND (NOT %(no_unexcused)s OR a.u = 0)
       )
FROM m LEFT JOIN a ON a.meeting_id = m.id
GROUP BY m.cell_id, m.month, m.kind
"""


def meeting_figures(
    *,
    year: int,
    cells: list[int] | None = None,
    root: Organization | None = None,
    rules: MeetingRuleSet | None | object = LOOK_UP,
) -> list[FigureRow]:
    """Meetings, attendance and meetings of quality (rules in force in `year`, or `rules` when
    given) by cell, month and kind, for the cells `cells` or every cell under `root`. One
    query, one scan of the attendance rows, whatever their number."""
    rules = meeting_rules_for(year) if rules is LOOK_UP else rules
    content, params = (
        ["TRUE"],
        {
            "start": datetime.date(year, 1, 1),
            "end": datetime.date(year, 12, 31),
            "percent": rules.min_attendance_percent if rules else Decimal(100),
            "no_unexcused": bool(rules and rules.no_unexcused_absence),
        },
    )
    if rules is None:
        content = ["FALSE"]
    else:
        if rules.min_duration_minutes:
            content.append("COALESCE(m.duration_minutes, 0) >= %(minutes)s")
            params["minutes"] = rules.min_duration_minutes
        codes = [c["code"] for c in rules.content_criteria]
        if codes:
            content.append("m.criteria @> %(criteria)s::jsonb")
            params["criteria"] = json.dumps(dict.fromkeys(codes, True))
    if root is not None:
        where, params["path"] = "o.path LIKE %(path)s", root.path + "%"
    else:
        where, params["cells"] = "m.cell_id = ANY(%(cells)s)", list(cells or [])
    if connection.vendor != "postgresql":
        return _figures_portable(year=year, cells=cells, root=root, rules=rules)
    sql = FIGURES_SQL.format(content=" AND ".join(content), where=where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [FigureRow(*row) for row in cursor.fetchall()]


def _figures_portable(*, year, cells, root, rules) -> list[FigureRow]:
    """`meeting_figures` for the demo's SQLite: counts per meeting in the database, the quality
    of each meeting by `meeting_quality`, summed per cell, month and kind."""
    meetings = CellMeeting.objects.filter(held_on__year=year)
    if root is not None:
        meetings = meetings.filter(cell__path__startswith=root.path)
    else:
        meetings = meetings.filter(cell__in=list(cells or []))
    rows: dict[tuple[int, int, str], FigureRow] = {}
    for meeting in with_counts(meetings).order_by():
        key = (meeting.cell_id, meeting.held_on.month, meeting.kind)
        row = rows.setdefault(key, FigureRow(*key, 0, 0, 0, 0))
        row.meetings += 1
        row.roster += meeting.n_roster
        row.present += meeting.n_present
        row.quality += meeting_quality(meeting, rules).meets
    return list(rows.values())


def cells_meeting_years(
    *,
    cells: Iterable[int],
    year: int,
    today: datetime.date | None = None,
    root: Organization | None = None,
    figures: list[FigureRow] | None = None,
    rules: MeetingRuleSet | None | object = LOOK_UP,
) -> dict[int, CellMeetingYear]:
    """The meeting record of each cell (by pk) in `year`: held by kind, due, of quality,
    attendance, the level, and whether its inspection exists. `root`, when every cell lies
    under it, filters on the tree path; `figures` reuses a `meeting_figures` result; `rules`,
    the rules in force that year when the caller has them. Three queries for any number of
    cells and meetings."""
    cells = list(cells)
    rules = meeting_rules_for(year) if rules is LOOK_UP else rules
    months = months_due(year, today)
    regular_due = rules.regular_per_year * months // 12 if rules else 0
    thematic_due = rules.thematic_per_year * (months // 3) // 4 if rules else 0
    result = {
        pk: CellMeetingYear(rules, regular_due=regular_due, thematic_due=thematic_due)
        for pk in cells
    }
    if figures is None:
        figures = meeting_figures(year=year, cells=cells, root=root, rules=rules)
    for row in figures:
        record = result.get(row.cell)
        if record is None:
            continue
        if row.kind == CellMeetingKind.REGULAR:
            record.regular_held += row.meetings
        else:
            record.thematic_held += row.meetings
        record.quality_met += row.quality
        record.roster_total += row.roster
        record.present_total += row.present
    inspections = MeetingInspection.objects.filter(period__year=year)
    if root is not None:
        inspections = inspections.filter(cell__path__startswith=root.path)
    else:
        inspections = inspections.filter(cell__in=cells)
    inspected = set(inspections.values_list("cell_id", flat=True))
    for pk, record in result.items():
        record.level = year_level(rules, record)
        record.inspected = pk in inspected
    return result


def cell_meeting_year(
    *,
    cell: Organization,
    year: int,
    today: datetime.date | None = None,
    rules: MeetingRuleSet | None | object = LOOK_UP,
) -> CellMeetingYear:
    """`cells_meeting_years` for one cell."""
    return cells_meeting_years(cells=[cell.pk], year=year, today=today, rules=rules)[cell.pk]


# --- Each member's attendance over the year ----------------------------------------------------


@dataclass
class MemberAttendance:
    held: int = 0  # meetings the member was on the roster of, wherever they were active
    present: int = 0
    excused: int = 0  # absent with a reason other than `unexcused`
    unexcused: int = 0
    unexcused_months: int = 0
    flagged: bool = False
    months: list[int] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.present, self.held)


def attendance_by_member(
    *,
    members: Iterable[int] | QuerySet,
    year: int,
    rules: MeetingRuleSet | None | object = LOOK_UP,
) -> dict[int, MemberAttendance]:
    """Per member pk: meetings held while on a roster in `year` (in the official cell or where
    temporarily active), present, excused, unexcused, the months with an unexcused absence, and
    the flag of the Party Statute art. 8 (R21): unexcused absences in at least the rules'
    `unexcused_months_flag` (3) months of the year (`rules`: those in force in `year`, looked
    up unless given). One query; members without a row are absent from the result."""
    rules = meeting_rules_for(year) if rules is LOOK_UP else rules
    limit = rules.unexcused_months_flag if rules else 3
    unexcused = Q(present=False, absence_reason=AbsenceReason.UNEXCUSED)
    rows = (
        CellMeetingAttendance.objects.filter(member__in=members, meeting__held_on__year=year)
        .order_by()
        .values("member")
        .annotate(
            held=Count("pk"),
            present_n=Count("pk", filter=Q(present=True)),
            unexcused_n=Count("pk", filter=unexcused),
            months_n=Count(ExtractMonth("meeting__held_on"), filter=unexcused, distinct=True),
        )
    )
    return {
        r["member"]: MemberAttendance(
            held=r["held"],
            present=r["present_n"],
            excused=r["held"] - r["present_n"] - r["unexcused_n"],
            unexcused=r["unexcused_n"],
            unexcused_months=r["months_n"],
            flagged=r["months_n"] >= limit,
        )
        for r in rows
    }


# --- The committee's inspection ----------------------------------------------------------------


def inspection_missing(
    *, cell: Organization, period: Period, rules: MeetingRuleSet | None | object = LOOK_UP
) -> bool:
    """True when the rules in force in the period's year (`rules`, looked up unless given)
    require the grassroots committee's inspection of the cell's meetings before the cell is
    classified (R21; default from 2018) and none is recorded."""
    rules = meeting_rules_for(period.year) if rules is LOOK_UP else rules
    if rules is None or not rules.inspection_required:
        return False
    return not MeetingInspection.objects.filter(cell=cell, period=period).exists()


def inspection_problems(*, cell: Organization, period: Period) -> list[str]:
    """The guard for deciding a cell's level: a message when `inspection_missing`."""
    if not inspection_missing(cell=cell, period=period):
        return []
    rules = meeting_rules_for(period.year)
    return [str(MSG_INSPECTION_MISSING % {"rules": rules.code})]


@transaction.atomic
def meeting_inspection_record(
    *,
    cell: Organization,
    period: Period,
    inspected_on: datetime.date,
    inspector: str,
    findings: str,
    by: AbstractBaseUser | None,
) -> MeetingInspection:
    """Record the committee's inspection of a cell's meetings in `period` (R21). Raises
    ValidationError for a closed year, a date in the future or before the year."""
    if period.state == PeriodState.CLOSED:
        raise ValidationError(MSG_YEAR_CLOSED, params={"year": period.year}, code="closed")
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": MSG_INSPECTION_FUTURE})
    if inspected_on.year < period.year:
        raise ValidationError(
            {"inspected_on": ValidationError(MSG_INSPECTION_YEAR, params={"year": period.year})}
        )
    inspection = MeetingInspection(
        cell=cell,
        period=period,
        inspected_on=inspected_on,
        inspector=inspector.strip(),
        findings=findings.strip(),
        recorded_by=by,
    )
    inspection._history_user = by
    inspection.full_clean(exclude=["recorded_by"])
    inspection.save()
    return inspection
