"""The progress dashboard of a unit and a year (issue 5, item 1; DOMAIN.md section 6 and R19).

For each child unit: its own work against its level's deadline, its cells by state, on time or
late, and its members self-reviewed, proposed and decided; the late units of the whole subtree;
the distribution of decided member levels, this year and the year before.

Everything is counted in PostgreSQL, grouped on the tree path prefix of the child units (as in
organizations/counts.py and reports/summary.py), so the number of queries is fixed whatever the
size of the subtree (STYLE.md rule 7).

Words, as in the rest of the app: a cell's work is *done* once submitted (then decided); a
returned cell is open again. R19: done work is late when submitted after its level's deadline,
open work is late once the deadline has passed (`assessment.progress`, the one home of these
rules). A cell answers to
the cells' meeting deadline, a grassroots organization to the grassroots decision deadline
(its own submission follows its decisions on every cell, R8), a superior committee that
submits its own level to the superior deadline. Members are counted as reports/summary.py
counts them: the year's roster, plus in an open year the current members of cells whose roster
has not been drawn yet.
"""

from __future__ import annotations

import datetime
import functools
import html
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from assessment import rules
from assessment.models import (
    AssessmentStatus,
    CanonicalLevel,
    CellState,
    CellYear,
    CountSubject,
    Deadline,
    DeadlineLevel,
    GrassrootsYear,
    MemberAssessment,
    Period,
    UnitYearCount,
)
from assessment.progress import DONE_STATES, late_q, not_on_roster, on_time_q
from assessment.quota import percent
from assessment.working_groups import units_without_attendee
from members.models import Member
from organizations.counts import counts_by_path
from organizations.models import GRASSROOTS_KINDS, Kind, Organization

from .exports import number_texts

# How many late units the page lists; the rest is a count.
LATE_SHOWN = 20
# The deadline each kind of unit answers to for its own work (R19).
KIND_DEADLINES = {
    Kind.GRASSROOTS_CELL: DeadlineLevel.GRASSROOTS,
    Kind.GRASSROOTS_COMMITTEE: DeadlineLevel.GRASSROOTS,
    Kind.SUBORDINATE_CELL: DeadlineLevel.CELL,
    Kind.SUPERIOR: DeadlineLevel.SUPERIOR,
}
# The parts of a deadline's bar, in the chart and its table.
DEADLINE_SERIES = {
    "on_time": _("Done on time"),
    "late_done": _("Done late"),
    "open_late": _("Overdue, not done"),
    "open": _("Not yet due"),
}
# Bar order in the charts and tables: from not started to decided.
STATE_ORDER = (
    CellState.NOT_STARTED,
    CellState.IN_PROGRESS,
    CellState.RETURNED,
    CellState.SUBMITTED,
    CellState.DECIDED,
)


@dataclass
class CellCounts:
    total: int = 0
    not_started: int = 0
    in_progress: int = 0
    returned: int = 0
    submitted: int = 0
    decided: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def done(self) -> int:
        return self.submitted + self.decided

    @property
    def done_percent(self) -> Decimal | None:
        return percent(self.done, self.total)


@dataclass
class MemberCounts:
    total: int = 0
    to_assess: int = 0
    self_reviewed: int = 0
    proposed: int = 0
    decided: int = 0


@dataclass
class OrganizationCounts:
    """Grassroots organizations against the grassroots decision deadline."""

    total: int = 0
    done: int = 0
    on_time: int = 0
    late: int = 0


@dataclass(frozen=True)
class OwnWork:
    """A unit's own record for the year (a cell's year, a grassroots organization's year)."""

    state: str
    submitted_at: datetime.datetime | None
    level: str  # the DeadlineLevel it answers to
    due: datetime.date | None
    late: bool

    @property
    def state_label(self) -> str:
        return CellState(self.state).label


@dataclass
class Row:
    unit: Organization
    own: OwnWork | None = None
    cells: CellCounts = field(default_factory=CellCounts)
    members: MemberCounts = field(default_factory=MemberCounts)
    grassroots: OrganizationCounts = field(default_factory=OrganizationCounts)


@dataclass(frozen=True)
class LateUnit:
    unit: Organization
    parent_name: str
    level: str
    due: datetime.date
    state: str
    submitted_at: datetime.datetime | None
    days_late: int

    @property
    def level_label(self) -> str:
        return DeadlineLevel(self.level).label

    @property
    def state_label(self) -> str:
        return CellState(self.state).label


@dataclass(frozen=True)
class LateList:
    units: list[LateUnit]
    total: int

    @property
    def rest(self) -> int:
        return self.total - len(self.units)


@dataclass(frozen=True)
class DeadlineProgress:
    """One deadline of the year; `total` is None for a step the app does not track."""

    level: str
    due: datetime.date
    days_left: int
    total: int | None = None
    on_time: int = 0
    late_done: int = 0
    open_late: int = 0

    @property
    def label(self) -> str:
        return DeadlineLevel(self.level).label

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)

    @property
    def open(self) -> int:
        """Not done and not yet late."""
        return (self.total or 0) - self.on_time - self.late_done - self.open_late

    @property
    def done_percent(self) -> Decimal | None:
        return percent(self.on_time + self.late_done, self.total or 0)


@dataclass(frozen=True)
class LevelShare:
    code: str
    label: str
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class Distribution:
    """Decided member levels, mapped onto today's four levels so that years under different
    rule sets compare (CanonicalLevel); the percent base is the members decided."""

    year: int
    levels: list[LevelShare]

    @property
    def total(self) -> int:
        return sum(share.count for share in self.levels)


@dataclass
class Dashboard:
    unit: Organization
    period: Period
    today: datetime.date
    head: Row  # the unit and its whole subtree
    rows: list[Row]  # one per child unit
    deadlines: list[DeadlineProgress]
    late: LateList
    this_year: Distribution
    last_year: Distribution | None
    # Issue 15 item 7: grassroots organizations whose review meeting has no attending official
    # of a working group recorded (the first WITHOUT_ATTENDEE_SHOWN, and how many in all).
    without_attendee: list[Organization] = field(default_factory=list)
    without_attendee_total: int = 0

    @property
    def without_attendee_rest(self) -> int:
        return self.without_attendee_total - len(self.without_attendee)

    @property
    def table_rows(self) -> list[Row]:
        """The child units, then the unit's total."""
        return [*self.rows, self.head]

    @functools.cached_property
    def shows_grassroots(self) -> bool:
        """Whether any child unit holds grassroots organizations (a column worth showing)."""
        return any(row.grassroots.total for row in self.rows)

    def table_figures(self) -> list[tuple[Row, SafeString]]:
        """The units table: each of `table_rows` with its figure cells as one safe HTML string
        (`<td class="num">1.234</td>`…, grouped as `intcomma` writes them, each escaped), the
        grassroots columns only when `shows_grassroots`. Formatted once in Python rather than a
        template filter per cell (issue 18: a province's 110 rows × 17 cells)."""
        parts = FIGURE_COLUMNS if self.shows_grassroots else FIGURE_COLUMNS[:2]
        text = number_texts()
        return [(row, _figure_cells(row, parts, text)) for row in self.table_rows]

    def chart_data(self) -> dict:
        """The charts' figures for static/js/dashboard.js, the same as the page's tables."""
        tracked = [d for d in self.deadlines if d.total is not None]
        return {
            "deadlines": {
                "labels": [f"{d.label} ({d.due:%d/%m/%Y})" for d in tracked],
                "series": [
                    {"key": key, "label": str(label), "data": [getattr(d, key) for d in tracked]}
                    for key, label in DEADLINE_SERIES.items()
                ],
            },
            "units": {
                "labels": [row.unit.name for row in self.rows],
                "series": [
                    {
                        "key": state,
                        "label": str(CellState(state).label),
                        "data": [getattr(row.cells, state) for row in self.rows],
                    }
                    for state in STATE_ORDER
                ],
            },
            "levels": {
                "labels": [str(label) for label in CanonicalLevel.labels],
                "series": [
                    {
                        "key": "this_year" if d is self.this_year else "last_year",
                        "label": str(d.year),
                        "data": [float(s.percent or 0) for s in d.levels],
                        "counts": [s.count for s in d.levels],
                    }
                    for d in (self.this_year, self.last_year)
                    if d is not None
                ],
            },
        }


# The units table's figure columns: each part of a Row and its counts, in column order; a
# part's first column opens a group (a border), a late count other than 0 is red.
CELL_FIGURES = (
    "total",
    "not_started",
    "in_progress",
    "returned",
    "submitted",
    "decided",
    "on_time",
    "late",
)
FIGURE_COLUMNS = (
    ("cells", CELL_FIGURES),
    ("members", ("total", "self_reviewed", "proposed", "decided")),
    ("grassroots", ("total", "done", "late")),
)


def _figure_cells(row: Row, parts, text) -> SafeString:
    cells = []
    for part, names in parts:
        counts = getattr(row, part)
        for index, name in enumerate(names):
            value = getattr(counts, name)
            css = "num border-start" if index == 0 else "num"
            if name == "late" and value:
                css = "num text-danger"
            cells.append(f'<td class="{css}">{html.escape(text(value))}</td>')
    return mark_safe("".join(cells))  # every figure escaped above


def dashboard_build(
    *, unit: Organization, period: Period, today: datetime.date | None = None
) -> Dashboard:
    today = today or timezone.localdate()
    deadlines = list(Deadline.objects.filter(period=period).order_by("due"))
    due = {d.level: d.due for d in deadlines}
    steps = superior_steps(
        unit=unit, period=period, due=due.get(DeadlineLevel.SUPERIOR), today=today
    )
    head, rows = unit_rows(unit=unit, period=period, due=due, today=today, superior_work=steps)
    previous = Period.objects.filter(year=period.year - 1).first()
    this_year, *before = level_distributions(
        unit=unit, periods=[period, previous] if previous else [period]
    )
    last_year = before[0] if before else None
    return Dashboard(
        unit=unit,
        period=period,
        today=today,
        head=head,
        rows=rows,
        deadlines=deadline_progress(
            head=head,
            deadlines=deadlines,
            today=today,
            superiors=_superior_counts(steps),
        ),
        late=late_units(unit=unit, period=period, due=due, today=today, head=head),
        this_year=this_year,
        last_year=last_year,
        **_without_attendee(unit, period),
    )


WITHOUT_ATTENDEE_SHOWN = 50


def _without_attendee(unit: Organization, period: Period) -> dict:
    if unit.is_cell:
        return {}
    # One query: the first rows, each carrying the count of all (a window over the whole set).
    rows = list(
        units_without_attendee(unit, period).annotate(total=Window(Count("pk")))[
            :WITHOUT_ATTENDEE_SHOWN
        ]
    )
    return {"without_attendee": rows, "without_attendee_total": rows[0].total if rows else 0}


def _superior_counts(steps: dict[int, OwnWork]) -> OrganizationCounts:
    done = [w for w in steps.values() if w.state == CellState.DECIDED]
    return OrganizationCounts(
        total=len(steps),
        done=len(done),
        on_time=sum(1 for w in done if not w.late),
        late=sum(1 for w in steps.values() if w.late),
    )


# --- R19 in SQL -------------------------------------------------------------------------------


def _with_year(queryset: QuerySet, kind: str, period: Period) -> QuerySet:
    """Units joined to their record of the year (LEFT JOIN, one row per unit) as `year_row`."""
    related = "cell_years" if kind == "cells" else "grassroots_years"
    return queryset.alias(
        year_row=FilteredRelation(related, condition=Q(**{f"{related}__period": period}))
    )


# --- Rows per child unit ----------------------------------------------------------------------


def unit_rows(
    *,
    unit: Organization,
    period: Period,
    due: dict[str, datetime.date],
    today: datetime.date,
    superior_work: dict[int, OwnWork] | None = None,
) -> tuple[Row, list[Row]]:
    """The unit's row (its whole subtree) and one row per child unit; `superior_work` is
    superior_steps for the unit when the caller has it already."""
    children = list(Organization.objects.in_subtree(unit).filter(depth=unit.depth + 1))
    length = (unit.depth + 1) * Organization.steplen
    by_prefix = {unit.path: Row(unit), **{child.path: Row(child) for child in children}}

    def row_of(prefix: str) -> Row:
        # A record of the unit itself (the unit is a cell, say) has the unit's path as prefix.
        return by_prefix.get(prefix, by_prefix[unit.path])

    for prefix, counts in _cell_counts(unit, period, length, due.get(DeadlineLevel.CELL), today):
        _add(row_of(prefix).cells, counts)
    grassroots = _grassroots_counts(unit, period, length, due.get(DeadlineLevel.GRASSROOTS), today)
    for prefix, counts in grassroots:
        _add(row_of(prefix).grassroots, counts)
    for prefix, counts in _member_counts(unit, period, length):
        _add(row_of(prefix).members, counts)
    own = own_work(
        units=[unit, *children], period=period, due=due, today=today, superior_work=superior_work
    )
    for row in by_prefix.values():
        row.own = own.get(row.unit.pk)

    head = Row(unit, own=by_prefix[unit.path].own)
    for row in by_prefix.values():
        for part in ("cells", "members", "grassroots"):
            _add(getattr(head, part), getattr(row, part))
    return head, [by_prefix[child.path] for child in children]


def _add(into, other) -> None:
    for f in fields(into):
        setattr(into, f.name, getattr(into, f.name) + getattr(other, f.name))


def _grouped(queryset: QuerySet, path: str, length: int, cls, **counts) -> list[tuple[str, object]]:
    grouped = counts_by_path(queryset, path=path, depth=length // Organization.steplen, **counts)
    return [(prefix, cls(**row)) for prefix, row in grouped.items()]


def _cell_counts(unit, period, length, due, today) -> list[tuple[str, CellCounts]]:
    cells = _with_year(Organization.objects.in_subtree(unit).cells(), "cells", period)
    states = {
        state: Count("id", filter=Q(year_row__state=state))
        for state in STATE_ORDER
        if state != CellState.NOT_STARTED
    }
    return _grouped(
        cells,
        "path",
        length,
        CellCounts,
        total=Count("id"),
        not_started=Count(
            "id", filter=Q(year_row__isnull=True) | Q(year_row__state=CellState.NOT_STARTED)
        ),
        **states,
        on_time=Count("id", filter=on_time_q("year_row", due=due)),
        late=Count("id", filter=late_q("year_row", due=due, today=today)),
    )


def _grassroots_counts(unit, period, length, due, today) -> list[tuple[str, OrganizationCounts]]:
    organizations = _with_year(
        Organization.objects.in_subtree(unit).filter(kind__in=GRASSROOTS_KINDS),
        "grassroots",
        period,
    )
    return _grouped(
        organizations,
        "path",
        length,
        OrganizationCounts,
        total=Count("id"),
        done=Count("id", filter=Q(year_row__state__in=DONE_STATES)),
        on_time=Count("id", filter=on_time_q("year_row", due=due)),
        late=Count("id", filter=late_q("year_row", due=due, today=today)),
    )


def _member_counts(unit, period, length) -> list[tuple[str, MemberCounts]]:
    roster = MemberAssessment.objects.filter(
        cell_year__period=period, cell_year__cell__path__startswith=unit.path
    )
    counted = _grouped(
        roster,
        "cell_year__cell__path",
        length,
        MemberCounts,
        total=Count("id"),
        to_assess=Count("id", filter=Q(status=AssessmentStatus.ASSESS)),
        self_reviewed=Count("id", filter=Q(self_level__isnull=False)),
        proposed=Count("id", filter=Q(proposed_level__isnull=False)),
        decided=Count("id", filter=Q(decided_level__isnull=False)),
    )
    if period.is_open():
        not_drawn = not_on_roster(Member.objects.in_subtree(unit), period)
        # Not on a roster yet: still to be assessed (assessment.progress).
        counted += _grouped(
            not_drawn, "cell__path", length, MemberCounts, total=Count("id"), to_assess=Count("id")
        )
    return counted


def own_work(
    *,
    units: list[Organization],
    period: Period,
    due: dict[str, datetime.date],
    today: datetime.date,
    superior_work: dict[int, OwnWork] | None = None,
) -> dict[int, OwnWork]:
    """Each unit's own record of the year, on time or late against its level's deadline; a
    returned record is open again, its earlier submission void. A superior committee's own
    work is its step 8 (superior_steps). `units` start with the one whose subtree holds the
    others."""
    records = _own_records(units, period)
    result = {}

    @functools.cache
    def steps() -> dict[int, OwnWork]:  # every superior under the first unit, at once
        if superior_work is not None:
            return superior_work
        return superior_steps(
            unit=units[0], period=period, due=due.get(DeadlineLevel.SUPERIOR), today=today
        )

    for unit in units:
        level = KIND_DEADLINES.get(unit.kind)
        if level is None:
            continue
        if unit.kind == Kind.SUPERIOR:  # its step is its decision on the organizations below
            result[unit.pk] = steps()[unit.pk]
            continue
        state, submitted_at = records.get(unit.pk, (CellState.NOT_STARTED, None))
        done_at = submitted_at if state in DONE_STATES else None
        day = rules.unit_due(due.get(level), year_ends_later=unit.year_ends_later)
        result[unit.pk] = OwnWork(
            state=state,
            submitted_at=done_at,
            level=level,
            due=day,
            late=rules.is_late(done_at=done_at, due=day, today=today),
        )
    return result


def superior_steps(
    *, unit: Organization, period: Period, due: datetime.date | None, today: datetime.date
) -> dict[int, OwnWork]:
    """Step 8 of each superior committee in `unit`'s subtree (the unit itself included): its
    decision on the grassroots organizations directly below it. Done (decided) once each of
    them is locked by an issued decision, on the day of the last one; in progress while some
    have reported or been decided; late against the superior committees' deadline (R19).
    Returns {superior pk: OwnWork}; two queries (one more per further depth of superiors)."""
    superiors = list(
        Organization.objects.filter(path__startswith=unit.path, kind=Kind.SUPERIOR).only(
            "pk", "path", "depth"
        )
    )
    result = {}
    for depth in {s.depth for s in superiors}:
        below = _with_year(
            Organization.objects.filter(
                path__startswith=unit.path[: depth * Organization.steplen],
                depth=depth + 1,
                kind__in=GRASSROOTS_KINDS,
            ),
            "grassroots",
            period,
        )
        grouped = counts_by_path(
            below,
            path="path",
            depth=depth,
            total=Count("pk"),
            reported=Count("pk", filter=Q(year_row__state__in=DONE_STATES)),
            locked=Count("pk", filter=Q(year_row__decision__isnull=False)),
            last=Max("year_row__decision__issued_at"),
        )
        for superior in (s for s in superiors if s.depth == depth):
            row = grouped.get(superior.path, {"total": 0, "reported": 0, "locked": 0})
            if row["total"] and row["locked"] == row["total"]:
                state, done_at = CellState.DECIDED, row["last"]
            else:
                state = CellState.IN_PROGRESS if row["reported"] else CellState.NOT_STARTED
                done_at = None
            result[superior.pk] = OwnWork(
                state=state,
                submitted_at=done_at,
                level=DeadlineLevel.SUPERIOR,
                due=due,
                late=rules.is_late(done_at=done_at, due=due, today=today),
            )
    return result


def _own_records(units: list[Organization], period: Period) -> dict[int, tuple]:
    """(state, submitted_at) by unit: a subordinate cell's year; for the others their
    organization's year (a grassroots cell holds a meeting too, but its own work is its level)."""
    cells = [u.pk for u in units if u.kind == Kind.SUBORDINATE_CELL]
    others = [u.pk for u in units if u.kind in KIND_DEADLINES and u.kind != Kind.SUBORDINATE_CELL]
    rows = [
        *CellYear.objects.filter(period=period, cell__in=cells).values_list(
            "cell", "state", "submitted_at"
        ),
        *GrassrootsYear.objects.filter(period=period, organization__in=others).values_list(
            "organization", "state", "submitted_at"
        ),
    ]
    return {pk: (state, submitted_at) for pk, state, submitted_at in rows}


# --- Deadlines, late units, levels ------------------------------------------------------------


def deadline_progress(
    *,
    head: Row,
    deadlines: list[Deadline],
    today: datetime.date,
    superiors: OrganizationCounts | None = None,
) -> list[DeadlineProgress]:
    """Every deadline of the year; the cells', the grassroots organizations' and the superior
    committees' (`superiors`, their step 8) with their figures (the other steps are not
    tracked in the app)."""
    result = []
    for deadline in deadlines:
        days_left = (deadline.due - today).days
        if deadline.level == DeadlineLevel.CELL and head.cells.total:
            counts, done = head.cells, head.cells.done
        elif deadline.level == DeadlineLevel.GRASSROOTS and head.grassroots.total:
            counts, done = head.grassroots, head.grassroots.done
        elif deadline.level == DeadlineLevel.SUPERIOR and superiors and superiors.total:
            counts, done = superiors, superiors.done
        else:
            result.append(DeadlineProgress(deadline.level, deadline.due, days_left))
            continue
        late_done = done - counts.on_time
        result.append(
            DeadlineProgress(
                deadline.level,
                deadline.due,
                days_left,
                total=counts.total,
                on_time=counts.on_time,
                late_done=late_done,
                open_late=counts.late - late_done,
            )
        )
    return result


def late_units(
    *,
    unit: Organization,
    period: Period,
    due: dict[str, datetime.date],
    today: datetime.date,
    head: Row,
    limit: int = LATE_SHOWN,
) -> LateList:
    """Grassroots organizations late to decide, then cells late to submit, across the subtree;
    at most `limit` of them, the totals from the head row's counts."""
    shown: list[LateUnit] = []
    for kind, level, units in (
        (
            "grassroots",
            DeadlineLevel.GRASSROOTS,
            Organization.objects.filter(kind__in=GRASSROOTS_KINDS),
        ),
        ("cells", DeadlineLevel.CELL, Organization.objects.cells()),
    ):
        day = due.get(level)
        if day is None or len(shown) >= limit:
            continue
        late = (
            _with_year(units.in_subtree(unit), kind, period)
            .filter(late_q("year_row", due=day, today=today))
            .annotate(
                year_state=F("year_row__state"),
                year_submitted_at=F("year_row__submitted_at"),
                parent_name=Subquery(
                    Organization.objects.filter(
                        path=Left(OuterRef("path"), Length(OuterRef("path")) - Organization.steplen)
                    ).values("name")[:1]
                ),
            )
            .order_by("path")[: limit - len(shown)]
        )
        shown += [
            _late_unit(org, level, rules.unit_due(day, year_ends_later=org.year_ends_later), today)
            for org in late
        ]
    return LateList(units=shown, total=head.grassroots.late + head.cells.late)


def _late_unit(org: Organization, level: str, due: datetime.date, today: datetime.date) -> LateUnit:
    state = org.year_state or CellState.NOT_STARTED
    submitted_at = org.year_submitted_at if state in DONE_STATES else None
    done_on = timezone.localtime(submitted_at).date() if submitted_at else today
    return LateUnit(
        unit=org,
        parent_name=org.parent_name or "",
        level=level,
        due=due,
        state=state,
        submitted_at=submitted_at,
        days_late=(done_on - due).days,
    )


def level_distributions(*, unit: Organization, periods: list[Period]) -> list[Distribution]:
    """Decided member levels in the unit's subtree for each of `periods`, by canonical level,
    in the order given: read from the kept counts (assessment/counts.py, a few rows per cell)
    rather than the years' records (issue 18: the province's dashboard read every record of
    this year and the last), all years in one query."""
    counts: dict[int, dict[str, int]] = {period.pk: {} for period in periods}
    rows = (
        UnitYearCount.objects.filter(
            period__in=periods,
            subject=CountSubject.MEMBERS,
            unit__path__startswith=unit.path,
            level__isnull=False,
        )
        .order_by()
        .values_list("period", "level__maps_to")
        .annotate(n=Sum("n"))
    )
    for period_pk, code, n in rows:
        counts[period_pk][code] = n
    return [_distribution(period.year, counts[period.pk]) for period in periods]


def _distribution(year: int, counts: dict[str, int]) -> Distribution:
    total = sum(counts.values())
    return Distribution(
        year=year,
        levels=[
            LevelShare(code, str(label), counts.get(code, 0), percent(counts.get(code, 0), total))
            for code, label in CanonicalLevel.choices
        ],
    )
