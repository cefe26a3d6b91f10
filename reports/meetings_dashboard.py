"""The meetings dashboard of a unit and a year, and its sheet in the summary workbook (issue 16,
item 5; DOMAIN.md R21): cells that held fewer meetings than due, average attendance, members
with repeated unexcused absences, meetings by month.

Every figure is aggregated in PostgreSQL on the tree path; the number of queries does not
depend on the number of cells, members or meetings (tests/reports/test_meetings_dashboard.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from assessment.meetings import (
    CellMeetingYear,
    FigureRow,
    cells_meeting_years,
    meeting_figures,
    meeting_rules_for,
    percent,
)
from assessment.models import (
    AbsenceReason,
    CellMeetingAttendance,
    CellMeetingKind,
    Period,
)
from members.models import Member
from organizations.models import Organization

LIST_LIMIT = 50  # rows of each list on the page; the counts cover them all
REPEATED = 2  # unexcused absences from which a member is listed


@dataclass
class ShortCell:
    pk: int
    name: str
    record: CellMeetingYear


@dataclass
class FlaggedMember:
    pk: int
    name: str
    cell: str
    unexcused: int
    months: int
    flagged: bool


@dataclass
class MonthRow:
    month: int
    regular: int = 0
    thematic: int = 0
    roster: int = 0
    present: int = 0

    @property
    def rate(self) -> Decimal | None:
        return percent(self.present, self.roster)


@dataclass
class UnitTotals:
    """The figures of the unit or of one child unit (a row of the workbook sheet)."""

    unit: Organization
    cells: int = 0
    cells_short: int = 0
    regular_held: int = 0
    thematic_held: int = 0
    quality_met: int = 0
    roster: int = 0
    present: int = 0
    inspected: int = 0
    flagged: int = 0

    @property
    def attendance_rate(self) -> Decimal | None:
        return percent(self.present, self.roster)

    def add(self, record: CellMeetingYear) -> None:
        self.cells += 1
        self.cells_short += record.short
        self.regular_held += record.regular_held
        self.thematic_held += record.thematic_held
        self.quality_met += record.quality_met
        self.roster += record.roster_total
        self.present += record.present_total
        self.inspected += record.inspected


@dataclass
class MeetingsDashboard:
    unit: Organization
    period: Period
    totals: UnitTotals
    regular_due: int
    thematic_due: int
    inspection_required: bool
    short_cells: list[ShortCell]
    members: list[FlaggedMember]
    repeated_count: int
    months: list[MonthRow] = field(default_factory=list)

    def chart_data(self) -> dict:
        """The figures of the chart by month, the same as the table beside it."""
        return {
            "labels": [f"{m.month:02d}/{self.period.year}" for m in self.months],
            "regular": [m.regular for m in self.months],
            "thematic": [m.thematic for m in self.months],
            "rate": [float(m.rate) if m.rate is not None else None for m in self.months],
            "names": {
                "regular": _("Regular meetings"),
                "thematic": _("Thematic meetings"),
                "rate": _("Average attendance"),
            },
        }


def _cells(unit: Organization) -> dict[int, tuple[str, str]]:
    """pk → (name, path) of every cell in the unit's subtree (one query)."""
    rows = Organization.objects.in_subtree(unit).cells().values_list("pk", "name", "path")
    return {pk: (name, path) for pk, name, path in rows}


def _repeated(unit: Organization, year: int):
    """Per member with an unexcused absence in the year: their count and distinct months
    (the partial index on unexcused rows keeps this to those rows)."""
    return (
        CellMeetingAttendance.objects.filter(
            meeting__cell__path__startswith=unit.path,
            meeting__held_on__year=year,
            present=False,
            absence_reason=AbsenceReason.UNEXCUSED,
        )
        .order_by()
        .values("member")
        .annotate(n=Count("pk"), months=Count(ExtractMonth("meeting__held_on"), distinct=True))
    )


def _flagged(
    unit: Organization, year: int, flag_months: int
) -> tuple[list[FlaggedMember], int, int]:
    """Members with at least REPEATED unexcused absences in the year, most months first (the
    first LIST_LIMIT), how many there are and how many reach `flag_months`. Two queries."""
    rows = sorted(
        (r for r in _repeated(unit, year) if r["n"] >= REPEATED),
        key=lambda r: (-r["months"], -r["n"], r["member"]),
    )
    top = rows[:LIST_LIMIT]
    names = {
        m["pk"]: m
        for m in Member.objects.filter(pk__in=[r["member"] for r in top]).values(
            "pk", "full_name", "cell__name"
        )
    }
    members = [
        FlaggedMember(
            r["member"],
            names[r["member"]]["full_name"],
            names[r["member"]]["cell__name"],
            r["n"],
            r["months"],
            r["months"] >= flag_months,
        )
        for r in top
    ]
    return members, len(rows), sum(1 for r in rows if r["months"] >= flag_months)


def _months(figures: list[FigureRow]) -> list[MonthRow]:
    """Meetings by kind and attendance, by month, from the figures by cell and month."""
    months = {m: MonthRow(m) for m in range(1, 13)}
    for row in figures:
        month = months[row.month]
        if row.kind == CellMeetingKind.REGULAR:
            month.regular += row.meetings
        else:
            month.thematic += row.meetings
        month.roster += row.roster
        month.present += row.present
    return list(months.values())


def meetings_dashboard_build(
    *, unit: Organization, period: Period, today: datetime.date | None = None
) -> MeetingsDashboard:
    """The meetings dashboard of `unit` (its whole subtree) in `period`'s year (R21)."""
    year = period.year
    rules = meeting_rules_for(year)
    cells = _cells(unit)
    figures = meeting_figures(year=year, root=unit)
    records = cells_meeting_years(cells=cells, year=year, today=today, root=unit, figures=figures)
    totals = UnitTotals(unit)
    for record in records.values():
        totals.add(record)
    short = sorted(
        (ShortCell(pk, cells[pk][0], r) for pk, r in records.items() if r.short),
        key=lambda c: (c.record.held, c.name),
    )
    members, repeated, totals.flagged = _flagged(
        unit, year, rules.unexcused_months_flag if rules else 3
    )
    any_record = next(iter(records.values()), None)
    return MeetingsDashboard(
        unit=unit,
        period=period,
        totals=totals,
        regular_due=any_record.regular_due if any_record else 0,
        thematic_due=any_record.thematic_due if any_record else 0,
        inspection_required=bool(rules and rules.inspection_required),
        short_cells=short[:LIST_LIMIT],
        members=members,
        repeated_count=repeated,
        months=_months(figures),
    )


# --- The sheet of the summary workbook ---------------------------------------------------------


def meetings_unit_rows(*, unit: Organization, period: Period) -> list[UnitTotals]:
    """The unit, then each child unit that holds cells (or is one), with its cells' meeting
    figures (R23's row layout). A constant number of queries."""
    cells = _cells(unit)
    records = cells_meeting_years(cells=cells, year=period.year, root=unit)
    flagged_paths = _flagged_paths(unit, period.year)
    head = UnitTotals(unit)
    below = Organization.objects.in_subtree(unit).filter(depth=unit.depth + 1)
    children = [UnitTotals(child) for child in below]
    for pk, record in records.items():
        path = cells[pk][1]
        head.add(record)
        for row in children:
            if path.startswith(row.unit.path):
                row.add(record)
    for path in flagged_paths:
        head.flagged += 1
        for row in children:
            if path.startswith(row.unit.path):
                row.flagged += 1
    return [head, *[row for row in children if row.cells]]


def _flagged_paths(unit: Organization, year: int) -> list[str]:
    """The cell path of each member flagged under the Statute's three months (one query)."""
    rules = meeting_rules_for(year)
    limit = rules.unexcused_months_flag if rules else 3
    return list(
        _repeated(unit, year).filter(months__gte=limit).values_list("member__cell__path", flat=True)
    )


def meetings_sheet(wb, summary) -> None:
    """Add the sheet "SinhHoatChiBo" to the summary workbook (reports/exports.summary_xlsx):
    per unit, cells, cells short of the meetings due, meetings held, of quality, average
    attendance (a percent computed from stored counts, R24), members flagged, inspections."""
    ws = wb.create_sheet("SinhHoatChiBo")
    ws.cell(1, 1, _("CELL MEETINGS, YEAR %(year)s") % {"year": summary.period.year}).font = Font(
        bold=True, size=12
    )
    ws.cell(2, 1, summary.unit.name)
    labels = [
        _("Party organization"),
        _("Cells"),
        _("Cells short of the meetings due"),
        _("Regular meetings"),
        _("Thematic meetings"),
        _("Meeting the quality criteria"),
        _("Average attendance"),
        _("Members flagged (three months unexcused)"),
        _("Cells inspected"),
    ]
    for c, label in enumerate(labels, start=1):
        cell = ws.cell(4, c, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for r, row in enumerate(meetings_unit_rows(unit=summary.unit, period=summary.period), start=5):
        rate = row.attendance_rate
        values = [
            row.unit.name,
            row.cells,
            row.cells_short,
            row.regular_held,
            row.thematic_held,
            row.quality_met,
            f"{formats.number_format(rate, 2)} %" if rate is not None else "",
            row.flagged,
            row.inspected,
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            if isinstance(value, int):
                cell.number_format = "#,##0"
    ws.column_dimensions["A"].width = 40
