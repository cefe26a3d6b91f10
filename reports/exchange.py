"""Export of a unit's subtree in exactly the import format (issue 5), so that what one
installation exports another imports: units (ToChuc), members (DangVien) and the year's final
results (KetQua)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessment.models import AssessmentStatus, CellYear, GrassrootsYear, MemberAssessment, Period
from members.models import Member
from organizations.collation import name_order, name_sort_key
from organizations.models import OWN_LEVEL_KINDS, Kind, Organization

from .imports import (
    HEADERS,
    MARK_NOT_CLASSIFIED,
    MARK_PENDING,
    SHEET_MEMBERS,
    SHEET_RESULTS,
    SHEET_UNITS,
    TARGET_MEMBER,
    TARGET_UNIT,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet takes text starting with these for a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_NUMBER_FORMAT = "DD/MM/YYYY"
MARK_OF_STATUS = {
    AssessmentStatus.NOT_CLASSIFIED: MARK_NOT_CLASSIFIED,
    AssessmentStatus.PENDING: MARK_PENDING,
}


def write_cell(sheet, row: int, column: int, value: Any) -> None:
    """Write one value: dates as dates shown dd/mm/yyyy, text that a spreadsheet would take for
    a formula as plain text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, datetime.date):
        cell.number_format = DATE_NUMBER_FORMAT
    elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_sheet(book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence]):
    sheet = book.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(14, len(header) + 4)
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            write_cell(sheet, number, column, value)
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def _unit_rows(unit: Organization) -> list[tuple]:
    units = list(Organization.objects.in_subtree(unit))
    code_of = {u.path: u.code for u in units}
    parent = Organization.objects.get_parent(unit) if unit.depth > 1 else None
    if parent is not None:
        code_of[parent.path] = parent.code
    return [
        (u.code, u.name, u.kind, code_of.get(u.path[: -Organization.steplen], "")) for u in units
    ]


def _members(unit: Organization, period: Period | None) -> list[tuple[Member, Organization]]:
    """Current members of the subtree, and members rated in it that year who have since moved
    out (placed in the cell of that year, so that the results import)."""
    rows = {
        m.pk: (m, m.cell) for m in Member.objects.current().in_subtree(unit).select_related("cell")
    }
    if period is not None:
        for a in MemberAssessment.objects.filter(
            cell_year__period=period, cell_year__cell__path__startswith=unit.path
        ).select_related("member", "cell_year__cell"):
            rows.setdefault(a.member_id, (a.member, a.cell_year.cell))
    return sorted(
        rows.values(), key=lambda pair: (pair[1].path, name_sort_key(pair[0].full_name), pair[0].pk)
    )


def _member_rows(members: list[tuple[Member, Organization]]) -> list[tuple]:
    """Genders in Vietnamese, as the import reads them whatever the exporter's language."""
    with translation.override("vi"):
        return [
            (
                m.card_number,
                m.full_name,
                m.birth_date,
                str(m.get_gender_display()),
                cell.code,
                m.admission_date,
                m.full_membership_date,
            )
            for m, cell in members
        ]


def _result(record) -> tuple[str, str] | None:
    """(Xếp loại, Lý do) of a final record; None for one not decided yet."""
    if record.status in MARK_OF_STATUS:
        return MARK_OF_STATUS[record.status], record.reason_code
    if record.decided_level is None:
        return None
    return record.decided_level.code, ""


def _result_rows(unit: Organization, period: Period) -> list[tuple]:
    """The year's final results: grassroots organizations and commune committees from their
    grassroots year, subordinate cells from their cell year (in tree order), then members."""
    organizations = GrassrootsYear.objects.filter(
        period=period,
        organization__path__startswith=unit.path,
        organization__kind__in=OWN_LEVEL_KINDS,
    ).select_related("organization", "decided_level")
    cells = CellYear.objects.filter(
        period=period, cell__path__startswith=unit.path, cell__kind=Kind.SUBORDINATE_CELL
    ).select_related("cell", "decided_level")
    units = sorted(
        [(r.organization, r) for r in organizations] + [(r.cell, r) for r in cells],
        key=lambda pair: pair[0].path,
    )
    rows = [
        (period.year, TARGET_UNIT, owner.code, *found)
        for owner, record in units
        if (found := _result(record))
    ]
    assessments = (
        MemberAssessment.objects.filter(
            cell_year__period=period, cell_year__cell__path__startswith=unit.path
        )
        .select_related("member", "decided_level")
        .order_by("cell_year__cell__path", *name_order("member__full_name"), "member_id")
    )
    rows += [
        (period.year, TARGET_MEMBER, a.member.card_number, *found)
        for a in assessments
        if (found := _result(a))
    ]
    return rows


def workbook_export(*, unit: Organization, year: int) -> bytes:
    """The unit's subtree and its results of `year` as an import workbook (.xlsx bytes)."""
    period = Period.objects.filter(year=year).select_related("rule_set").first()
    book = new_workbook()
    write_sheet(book, SHEET_UNITS, HEADERS[SHEET_UNITS], _unit_rows(unit))
    write_sheet(book, SHEET_MEMBERS, HEADERS[SHEET_MEMBERS], _member_rows(_members(unit, period)))
    results = _result_rows(unit, period) if period is not None else []
    write_sheet(book, SHEET_RESULTS, HEADERS[SHEET_RESULTS], results)
    return workbook_bytes(book)
