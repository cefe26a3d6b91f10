"""Import of a year of cell meetings and their attendance from a workbook (issue 16, item 6),
with the same all-or-nothing checks as the roster import (reports/imports.py): the file's size,
type and packing are checked before it is opened; every row is checked and every error placed
by sheet, row and column; nothing is written when there is one; the write is one transaction
attributed to the user; each run leaves an ImportRun row for the audit.

Sheets:
- `SinhHoat`, one row a meeting: Mã chi bộ, Ngày, Loại (thuong_ky / chuyen_de or their labels),
  Chủ trì, Thư ký, Thời gian (phút), Nội dung, Kết luận, Tiêu chí đạt (criterion codes separated
  by commas, or `*` for all of them).
- `VangMat`, one row an absence: Mã chi bộ, Ngày, Số thẻ đảng viên, Lý do vắng (a reason code
  or its label). As on the phone form, everyone else on the cell's roster that day was present.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from assessment.meetings import RosterEntry, criteria_labels, meeting_roster, meeting_rules_for
from assessment.models import (
    AbsenceReason,
    CellMeeting,
    CellMeetingAttendance,
    CellMeetingKind,
    Period,
    PeriodState,
)
from members.models import Member
from organizations.access import can_manage
from organizations.models import CELL_KINDS, Organization

from .imports import (
    MAX_FILE_BYTES,
    MSG_BAD_DATE,
    MSG_CHANGED_MEANWHILE,
    MSG_DUPLICATE_HEADER,
    MSG_EMPTY_FILE,
    MSG_IMPORT_REASON,
    MSG_MISSING_HEADER,
    MSG_NOT_XLSX,
    MSG_REQUIRED,
    MSG_UNIT_OUT_OF_SCOPE,
    MSG_UNKNOWN_MEMBER,
    XLSX_MAGIC,
    Errors,
    ImportResult,
    RowError,
    _date,
    _file_name,
    _file_size,
    _labels,
    _package_problem,
    _record,
    _text,
    file_error,
)

SHEET_MEETINGS, SHEET_ABSENCES = "SinhHoat", "VangMat"
COL_CELL, COL_DATE, COL_KIND = "Mã chi bộ", "Ngày", "Loại"
COL_CHAIR, COL_RECORDER, COL_MINUTES = "Chủ trì", "Thư ký", "Thời gian (phút)"
COL_AGENDA, COL_RESOLUTIONS, COL_CRITERIA = "Nội dung", "Kết luận", "Tiêu chí đạt"
COL_CARD, COL_REASON = "Số thẻ đảng viên", "Lý do vắng"
HEADERS = {
    SHEET_MEETINGS: (
        COL_CELL,
        COL_DATE,
        COL_KIND,
        COL_CHAIR,
        COL_RECORDER,
        COL_MINUTES,
        COL_AGENDA,
        COL_RESOLUTIONS,
        COL_CRITERIA,
    ),
    SHEET_ABSENCES: (COL_CELL, COL_DATE, COL_CARD, COL_REASON),
}
KIND_CODES = {"thuong_ky": CellMeetingKind.REGULAR, "chuyen_de": CellMeetingKind.THEMATIC}
ALL_CRITERIA = "*"

MSG_NO_MEETING_SHEET = _("The workbook has no sheet %(sheet)s.")
MSG_NOT_A_CELL = _("No cell has the code %(code)s.")
MSG_FUTURE = _("The date %(value)s is in the future.")
MSG_CLOSED_YEAR = _("The year %(year)s is closed: its meetings can no longer change.")
MSG_BAD_KIND = _("Unknown kind “%(value)s”; use one of: %(choices)s.")
MSG_BAD_MINUTES = _("“%(value)s” is not a number of minutes.")
MSG_BAD_CRITERION = _("“%(value)s” is not a criterion of %(rules)s; use %(choices)s or *.")
MSG_SAME_MONTH = _("The cell %(code)s already has a regular meeting in %(month)s (%(where)s).")
MSG_IN_DATABASE = _("in the database")
MSG_ROW = _("row %(row)s")
MSG_NO_SUCH_MEETING = _("No meeting of %(code)s on %(day)s in the sheet %(sheet)s.")
MSG_NOT_ON_ROSTER = _("The member %(card)s is not on the roster of %(code)s on %(day)s.")
MSG_BAD_REASON = _("Unknown reason “%(value)s”; use one of: %(choices)s.")
MSG_DUPLICATE_ABSENCE = _("This absence already appears in row %(row)s.")
MSG_DUPLICATE_MEETING = _("This meeting already appears in row %(row)s.")


@dataclass
class MeetingRow:
    number: int
    cell: Organization
    day: datetime.date
    kind: str
    details: dict[str, Any]
    roster: list[RosterEntry] = field(default_factory=list)
    absences: dict[int, str] = field(default_factory=dict)


@dataclass
class MeetingsPlan:
    errors: Errors
    meetings: dict[tuple[str, datetime.date], MeetingRow] = field(default_factory=dict)

    def counts(self) -> dict[str, dict[str, int]]:
        absences = sum(len(m.absences) for m in self.meetings.values())
        rows = sum(len(m.roster) for m in self.meetings.values())
        return {
            SHEET_MEETINGS: {"created": len(self.meetings), "updated": 0},
            SHEET_ABSENCES: {"created": absences, "updated": 0},
            "attendance": {"created": rows, "updated": 0},
        }


# --- Reading -----------------------------------------------------------------------------------


def _read(file, errors: Errors) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    size = _file_size(file)
    if size == 0 or size >= MAX_FILE_BYTES:
        errors.append(file_error(MSG_EMPTY_FILE if size == 0 else MSG_NOT_XLSX))
        return {}
    handle: IO[bytes] = open(file, "rb") if isinstance(file, str | os.PathLike) else file  # noqa: SIM115
    try:
        handle.seek(0)
        if handle.read(len(XLSX_MAGIC)) != XLSX_MAGIC:
            errors.append(file_error(MSG_NOT_XLSX))
            return {}
        handle.seek(0)
        if problem := _package_problem(handle):
            errors.append(file_error(problem))
            return {}
        handle.seek(0)
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of error on what is not a workbook
            errors.append(file_error(MSG_NOT_XLSX))
            return {}
        try:
            return {n: _rows(book[n], n, errors) for n in HEADERS if n in book.sheetnames}
        finally:
            book.close()
    finally:
        if handle is not file:
            handle.close()


def _rows(worksheet, name: str, errors: Errors) -> list[tuple[int, dict[str, Any]]]:
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header = [" ".join(_text(v).split()) for v in next(rows, ())]
    for column in HEADERS[name]:
        if column not in header:
            errors.add(name, 1, column, MSG_MISSING_HEADER)
        elif header.count(column) > 1:
            errors.add(name, 1, column, MSG_DUPLICATE_HEADER)
    positions = {c: header.index(c) for c in HEADERS[name] if c in header}
    return [
        (number, {c: values[i] if i < len(values) else None for c, i in positions.items()})
        for number, values in enumerate(rows, start=2)
        if any(_text(v) for v in values)
    ]


# --- Checking ----------------------------------------------------------------------------------


def _day(values, sheet, number, errors: Errors, closed: set[int]) -> datetime.date | None:
    raw = values.get(COL_DATE)
    try:
        day = _date(raw)
    except ValueError:
        errors.add(sheet, number, COL_DATE, MSG_BAD_DATE, value=_text(raw))
        return None
    if day is None:
        errors.add(sheet, number, COL_DATE, MSG_REQUIRED)
    elif day > timezone.localdate():
        errors.add(sheet, number, COL_DATE, MSG_FUTURE, value=day.strftime("%d/%m/%Y"))
        return None
    elif day.year in closed:
        errors.add(sheet, number, COL_DATE, MSG_CLOSED_YEAR, year=day.year)
        return None
    return day


def _cell(values, sheet, number, cells, by, errors: Errors) -> Organization | None:
    code = _text(values.get(COL_CELL)).upper()
    cell = cells.get(code)
    if not code:
        errors.add(sheet, number, COL_CELL, MSG_REQUIRED)
    elif cell is None:
        errors.add(sheet, number, COL_CELL, MSG_NOT_A_CELL, code=code)
    elif by is not None and not can_manage(by, cell):
        errors.add(sheet, number, COL_CELL, MSG_UNIT_OUT_OF_SCOPE, code=code)
        return None
    return cell


def _criteria(values, number, day, errors: Errors) -> dict[str, bool]:
    rules = meeting_rules_for(day.year)
    known = [code for code, _label in criteria_labels(rules)]
    raw = _text(values.get(COL_CRITERIA))
    given = known if raw == ALL_CRITERIA else [c.strip() for c in raw.split(",") if c.strip()]
    for code in given:
        if code not in known:
            errors.add(
                SHEET_MEETINGS,
                number,
                COL_CRITERIA,
                MSG_BAD_CRITERION,
                value=code,
                rules=rules.code if rules else "—",
                choices=", ".join(known),
            )
    return {code: code in given for code in known}


def _meeting(number, values, cells, by, closed, kinds, errors: Errors) -> MeetingRow | None:
    before = len(errors)
    cell = _cell(values, SHEET_MEETINGS, number, cells, by, errors)
    day = _day(values, SHEET_MEETINGS, number, errors, closed)
    kind_raw = _text(values.get(COL_KIND)) or "thuong_ky"
    kind = KIND_CODES.get(kind_raw.casefold()) or kinds.get(kind_raw.casefold())
    if kind is None:
        choices = ", ".join(KIND_CODES)
        errors.add(SHEET_MEETINGS, number, COL_KIND, MSG_BAD_KIND, value=kind_raw, choices=choices)
    minutes_raw = values.get(COL_MINUTES)
    minutes = None
    if _text(minutes_raw):
        try:
            minutes = int(float(_text(minutes_raw).replace(",", ".")))
            if not 0 <= minutes <= 720:
                raise ValueError
        except ValueError:
            errors.add(
                SHEET_MEETINGS, number, COL_MINUTES, MSG_BAD_MINUTES, value=_text(minutes_raw)
            )
    criteria = _criteria(values, number, day, errors) if day else {}
    if len(errors) > before:
        return None
    details = {
        "chair": _text(values.get(COL_CHAIR))[:120],
        "recorder": _text(values.get(COL_RECORDER))[:120],
        "agenda": _text(values.get(COL_AGENDA)),
        "resolutions": _text(values.get(COL_RESOLUTIONS)),
        "duration_minutes": minutes,
        "criteria": criteria,
    }
    return MeetingRow(number, cell, day, kind, details)


def _check_months(plan: MeetingsPlan, errors: Errors) -> None:
    """One regular meeting a cell a month, in the workbook and against the database."""
    seen: dict[tuple[int, int, int], int] = {}
    regular = [m for m in plan.meetings.values() if m.kind == CellMeetingKind.REGULAR]
    cells = {m.cell.pk for m in regular}
    stored = set(
        CellMeeting.objects.filter(cell__in=cells, kind=CellMeetingKind.REGULAR)
        .filter(held_on__year__in={m.day.year for m in regular})
        .values_list("cell_id", "held_on__year", "held_on__month")
    )
    for m in sorted(regular, key=lambda m: m.number):
        key = (m.cell.pk, m.day.year, m.day.month)
        where = None
        if key in stored:
            where = str(MSG_IN_DATABASE)
        elif key in seen:
            where = str(MSG_ROW % {"row": seen[key]})
        if where:
            errors.add(
                SHEET_MEETINGS,
                m.number,
                COL_DATE,
                MSG_SAME_MONTH,
                code=m.cell.code,
                month=m.day.strftime("%m/%Y"),
                where=where,
            )
        seen.setdefault(key, m.number)


def _check_absences(rows, plan: MeetingsPlan, cells, errors: Errors, closed) -> None:
    cards = {_text(v.get(COL_CARD)) for _n, v in rows}
    members = {m.card_number: m for m in Member.objects.filter(card_number__in=cards)}
    reasons = _labels(AbsenceReason)
    seen: dict[tuple, int] = {}
    for number, values in rows:
        code = _text(values.get(COL_CELL)).upper()
        day = _day(values, SHEET_ABSENCES, number, errors, closed)
        card = _text(values.get(COL_CARD))
        reason_raw = _text(values.get(COL_REASON))
        reason = reasons.get(reason_raw.casefold())
        if reason is None:
            errors.add(
                SHEET_ABSENCES,
                number,
                COL_REASON,
                MSG_BAD_REASON,
                value=reason_raw,
                choices=", ".join(AbsenceReason.values),
            )
        member = members.get(card)
        if member is None:
            errors.add(SHEET_ABSENCES, number, COL_CARD, MSG_UNKNOWN_MEMBER, card=card)
        if day is None:
            continue
        meeting = plan.meetings.get((code, day))
        if meeting is None:
            errors.add(
                SHEET_ABSENCES,
                number,
                COL_DATE,
                MSG_NO_SUCH_MEETING,
                code=code,
                day=day.strftime("%d/%m/%Y"),
                sheet=SHEET_MEETINGS,
            )
            continue
        if member is None or reason is None:
            continue
        if member.pk not in {e.member.pk for e in meeting.roster}:
            errors.add(
                SHEET_ABSENCES,
                number,
                COL_CARD,
                MSG_NOT_ON_ROSTER,
                card=card,
                code=code,
                day=day.strftime("%d/%m/%Y"),
            )
        elif (code, day, card) in seen:
            errors.add(
                SHEET_ABSENCES, number, COL_CARD, MSG_DUPLICATE_ABSENCE, row=seen[(code, day, card)]
            )
        else:
            seen[(code, day, card)] = number
            meeting.absences[member.pk] = reason


def meetings_check(file, *, by: AbstractBaseUser | None) -> MeetingsPlan:
    """Read and check the whole workbook (see the module's docstring); nothing is written."""
    errors = Errors()
    sheets = _read(file, errors)
    plan = MeetingsPlan(errors=errors)
    if SHEET_MEETINGS not in sheets and not errors:
        errors.append(file_error(MSG_NO_MEETING_SHEET % {"sheet": SHEET_MEETINGS}))
    if errors:
        return plan
    codes = {_text(v.get(COL_CELL)).upper() for rows in sheets.values() for _n, v in rows}
    cells = {
        c.code.upper(): c for c in Organization.objects.filter(code__in=codes, kind__in=CELL_KINDS)
    }
    closed = set(Period.objects.filter(state=PeriodState.CLOSED).values_list("year", flat=True))
    kinds = _labels(CellMeetingKind)
    for number, values in sheets[SHEET_MEETINGS]:
        row = _meeting(number, values, cells, by, closed, kinds, errors)
        if row is None:
            continue
        key = (row.cell.code.upper(), row.day)
        if key in plan.meetings and plan.meetings[key].kind == row.kind:
            errors.add(
                SHEET_MEETINGS,
                number,
                COL_DATE,
                MSG_DUPLICATE_MEETING,
                row=plan.meetings[key].number,
            )
            continue
        row.roster = meeting_roster(cell=row.cell, day=row.day)
        plan.meetings[key] = row
    _check_months(plan, errors)
    _check_absences(sheets.get(SHEET_ABSENCES, []), plan, cells, errors, closed)
    errors.sort(key=lambda e: (e.sheet != SHEET_MEETINGS, e.sheet, e.row or 0, e.column))
    return plan


# --- Writing -----------------------------------------------------------------------------------


def _write(plan: MeetingsPlan, *, by, reason: str) -> None:
    by = by if by is not None and by.is_authenticated else None
    rows = sorted(plan.meetings.values(), key=lambda m: m.number)
    meetings = bulk_create_with_history(
        [
            CellMeeting(cell=m.cell, kind=m.kind, held_on=m.day, recorded_by=by, **m.details)
            for m in rows
        ],
        CellMeeting,
        default_user=by,
        default_change_reason=reason,
    )
    attendance = [
        CellMeetingAttendance(
            meeting=meeting,
            member=e.member,
            present=e.member.pk not in m.absences,
            absence_reason=m.absences.get(e.member.pk, ""),
        )
        for meeting, m in zip(meetings, rows, strict=True)
        for e in m.roster
    ]
    bulk_create_with_history(
        attendance,
        CellMeetingAttendance,
        batch_size=5000,
        default_user=by,
        default_change_reason=reason,
    )


def meetings_import(
    *,
    file: str | os.PathLike | IO[bytes],
    by: AbstractBaseUser | None,
    dry_run: bool = False,
    file_name: str = "",
) -> ImportResult:
    """Check the workbook and, unless `dry_run` or any error, write every meeting and its
    attendance in one transaction (R21). Every run is recorded (ImportRun). `by` None is the
    command line, which may write anywhere; a user writes only cells they manage."""
    name, size = file_name or _file_name(file), _file_size(file)
    reason = str(MSG_IMPORT_REASON % {"name": name})
    errors: list[RowError]
    try:
        with transaction.atomic():
            plan = meetings_check(file, by=by)
            errors, counts = list(plan.errors), plan.counts()
            if not errors and not dry_run:
                _write(plan, by=by, reason=reason)
    except (IntegrityError, ValidationError):  # a concurrent change since the check
        errors, counts = [file_error(MSG_CHANGED_MEANWHILE)], {}
    counts = counts if not errors else {}
    run = _record(
        by=by, name=name, size=size, dry_run=dry_run, errors=errors, counts=counts, confirms=None
    )
    return ImportResult(errors=errors, counts=counts, dry_run=dry_run, run=run)
