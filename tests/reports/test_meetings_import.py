"""Issue 16, item 6: a year of meetings and attendance from a workbook, all or nothing, every
error placed by sheet, row and column."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from assessment.models import CellMeeting, CellMeetingAttendance, Period, PeriodState
from reports.meetings_import import HEADERS, SHEET_ABSENCES, SHEET_MEETINGS, meetings_import
from reports.models import ImportRun
from tests.factories import MemberFactory

from ..assessment.test_meetings import meet


def workbook(meetings, absences=()) -> io.BytesIO:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in ((SHEET_MEETINGS, meetings), (SHEET_ABSENCES, absences)):
        sheet = book.create_sheet(name)
        sheet.append(list(HEADERS[name]))
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "sinh-hoat-2025.xlsx"
    return out


@pytest.fixture
def people(tree, period):
    return MemberFactory.create_batch(4, cell=tree.c1), MemberFactory.create_batch(2, cell=tree.c2)


def test_a_year_of_meetings_is_imported_with_the_absences(tree, people, provincial):
    c1, c2 = people
    rows = [
        ("C1", f"05/{m:02d}/2025", "thuong_ky", "Bí thư", "", 95, "", "", "*") for m in range(1, 13)
    ]
    rows.append(("c2", "10/03/2025", "Sinh hoạt chuyên đề", "", "", "", "", "", "minutes_complete"))
    absences = [
        ("C1", "05/03/2025", c1[0].card_number, "unexcused"),
        ("C1", "05/04/2025", c1[0].card_number, "Vắng không lý do"),
        ("C2", "10/03/2025", c2[1].card_number, "ill"),
    ]
    result = meetings_import(file=workbook(rows, absences), by=provincial)
    assert result.errors == []
    assert CellMeeting.objects.count() == 13
    assert CellMeetingAttendance.objects.count() == 12 * 4 + 2
    absent = CellMeetingAttendance.objects.filter(present=False)
    assert sorted(absent.values_list("absence_reason", flat=True)) == [
        "ill",
        "unexcused",
        "unexcused",
    ]
    thematic = CellMeeting.objects.get(cell=tree.c2)
    assert thematic.kind == "thematic" and thematic.criteria["minutes_complete"] is True
    assert thematic.history.get().history_user == provincial
    run = ImportRun.objects.get()
    assert run.ok and run.counts[SHEET_MEETINGS]["created"] == 13


@pytest.mark.parametrize(
    "meeting, absence, sheet, row, column",
    [
        (("ZZ", "05/01/2025", "thuong_ky"), None, SHEET_MEETINGS, 3, "Mã chi bộ"),
        (("C1", "31/02/2025", "thuong_ky"), None, SHEET_MEETINGS, 3, "Ngày"),
        (("C1", "06/01/2025", "thuong_ky"), None, SHEET_MEETINGS, 3, "Ngày"),  # same month
        (("C1", "06/02/2025", "monthly"), None, SHEET_MEETINGS, 3, "Loại"),
        (
            ("C1", "06/02/2025", "thuong_ky", "", "", "lâu"),
            None,
            SHEET_MEETINGS,
            3,
            "Thời gian (phút)",
        ),
        (
            ("C1", "06/02/2025", "thuong_ky", "", "", 90, "", "", "an_trua"),
            None,
            SHEET_MEETINGS,
            3,
            "Tiêu chí đạt",
        ),
        (("G1", "06/02/2025", "thuong_ky"), None, SHEET_MEETINGS, 3, "Mã chi bộ"),  # not a cell
        (None, ("C1", "05/01/2025", "999999999", "ill"), SHEET_ABSENCES, 2, "Số thẻ đảng viên"),
        (None, ("C1", "05/01/2025", "C3", "ill"), SHEET_ABSENCES, 2, "Số thẻ đảng viên"),
        (None, ("C1", "05/01/2025", "OWN", "lười"), SHEET_ABSENCES, 2, "Lý do vắng"),
        (None, ("C1", "07/01/2025", "OWN", "ill"), SHEET_ABSENCES, 2, "Ngày"),  # no such meeting
    ],
)
def test_any_error_is_placed_and_nothing_is_written(
    tree, people, provincial, c3_member, meeting, absence, sheet, row, column
):
    c1, _c2 = people
    rows = [("C1", "05/01/2025", "thuong_ky")] + ([meeting] if meeting else [])
    if absence:
        card = {"C3": c3_member.card_number, "OWN": c1[0].card_number}.get(absence[2], absence[2])
        absence = (*absence[:2], card, absence[3])
    result = meetings_import(file=workbook(rows, [absence] if absence else []), by=provincial)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(sheet, row, column)]
    assert str(result.errors[0]).startswith(f"Sheet {sheet}, row {row}") or sheet in str(
        result.errors[0]
    )
    assert not CellMeeting.objects.exists() and not CellMeetingAttendance.objects.exists()
    assert not ImportRun.objects.get().ok


def test_a_meeting_already_in_the_database_and_a_closed_year_are_refused(tree, people, provincial):
    meet(tree.c1, __import__("datetime").date(2025, 1, 2))
    result = meetings_import(file=workbook([("C1", "20/01/2025", "thuong_ky")]), by=provincial)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Ngày")]
    Period.objects.filter(year=2025).update(state=PeriodState.CLOSED)
    result = meetings_import(file=workbook([("C1", "20/02/2025", "thuong_ky")]), by=provincial)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Ngày")]
    assert CellMeeting.objects.count() == 1


def test_a_user_imports_only_within_their_scope(tree, people, district_board):
    result = meetings_import(
        file=workbook([("C1", "05/01/2025", "thuong_ky"), ("C3", "05/01/2025", "thuong_ky")]),
        by=district_board,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã chi bộ")]


def test_a_file_that_is_not_a_workbook_is_refused(tree, people):
    junk = io.BytesIO(b"not a workbook at all")
    junk.name = "x.xlsx"
    result = meetings_import(file=junk, by=None)
    assert len(result.errors) == 1 and result.errors[0].sheet == ""


def test_the_command_checks_and_imports(tree, people, tmp_path):
    path = tmp_path / "sh.xlsx"
    path.write_bytes(workbook([("C1", "05/01/2025", "thuong_ky")]).getvalue())
    out = io.StringIO()
    call_command("import_meetings", str(path), "--dry-run", stdout=out)
    assert not CellMeeting.objects.exists()
    call_command("import_meetings", str(path), stdout=out)
    assert CellMeeting.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_meetings", str(path), stdout=out, stderr=io.StringIO())


def test_the_page_checks_then_imports_for_an_importer_only(
    login, tree, people, provincial, committee
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("reports:meetings_import")
    assert login(committee).get(url).status_code == 403
    client = login(provincial)
    data = workbook(
        [("C1", "05/01/2025", "thuong_ky"), ("C9", "05/02/2025", "thuong_ky")]
    ).getvalue()
    bad = client.post(url, {"file": SimpleUploadedFile("s.xlsx", data)})
    assert 'data-testid="import-errors"' in bad.content.decode() and "C9" in bad.content.decode()
    good = workbook([("C1", "05/01/2025", "thuong_ky")]).getvalue()
    checked = client.post(url, {"file": SimpleUploadedFile("s.xlsx", good)})
    assert 'data-testid="import-counts"' in checked.content.decode()
    assert not CellMeeting.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("s.xlsx", good), "write": "on"})
    assert CellMeeting.objects.get().recorded_by == provincial
