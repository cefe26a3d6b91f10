"""Biểu 6F-BTCTW (R28, issue 14 item 8) of a Bắc Bình-shaped import: the district's 2017 results
go in through the workbook import (units, members, results), and the form reads what the
district reported: 2,904 members due, 2,584 reviewed, 320 not yet reviewed of which 313 not
reviewed by rule and 7 not yet classified (ill, working far away); one test per row of the form,
on the screen, in the workbook and in the PDF."""

import datetime
import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from assessment.counts import counts_refresh
from assessment.models import (
    CellYear,
    InputKind,
    MemberAssessment,
    Period,
    PromptLevel,
    ReviewInput,
)
from organizations.models import Kind, Organization, Role
from reports.imports import HEADERS, workbook_import
from reports.review_counts import review_counts_build
from reports.summary import summary_build

from ..counts import counts_rebuild
from ..documents.conftest import pdf_pages, save_pngs
from ..factories import OrganizationFactory, UserFactory, assign

pytestmark = pytest.mark.django_db


YEAR = 2017
# 18 communes and towns with their grassroots committees, 5 subordinate cells each (one of them
# newly established that year), and 8 grassroots cells of agencies: 98 cells, 26 grassroots.
COMMUNES, CELLS_PER_COMMUNE, AGENCY_CELLS = 18, 5, 8
# Members by what the district reported for 2017 (Biểu 6F): 2,584 reviewed and rated,
# 313 not reviewed by rule (R13), 7 not yet classified (R14).
LEVELS = {"HTXSNV": 311, "HTTNV": 1934, "HTNV": 321, "HTNV_HAN_CHE": 12, "KHTNV": 6}
BY_RULE = {"mien_sinh_hoat": 198, "moi_ket_nap": 96, "dinh_chi": 3, "chuyen_tam_thoi": 16}
NOT_YET = {"om_dau": 4, "di_xa": 3}


def bac_binh_workbook(path):
    units = [("BB", "Huyện ủy Bắc Bình", "cap_tren_co_so", "P")]
    cells = []
    for i in range(1, COMMUNES + 1):
        units.append((f"BB{i:02}", f"Đảng bộ xã {i:02} Bắc Bình", "dang_bo_co_so", "BB"))
        for j in range(1, CELLS_PER_COMMUNE + 1):
            code = f"BB{i:02}C{j}"
            units.append((code, f"Chi bộ thôn {j}, xã {i:02}", "chi_bo_truc_thuoc", f"BB{i:02}"))
            cells.append(code)
    for k in range(1, AGENCY_CELLS + 1):
        code = f"BBCQ{k}"
        units.append((code, f"Chi bộ cơ quan {k} Bắc Bình", "chi_bo_co_so", "BB"))
        cells.append(code)
    marks = [(code, "") for code, n in LEVELS.items() for _ in range(n)]
    marks += [("KPL", reason) for reason, n in BY_RULE.items() for _ in range(n)]
    marks += [("CPL", reason) for reason, n in NOT_YET.items() for _ in range(n)]
    members, results = [], []
    for n, (mark, reason) in enumerate(marks, start=1):
        card = f"60{n:07}"
        admitted = "01/10/2017" if reason == "moi_ket_nap" else "03/02/2001"
        cell = cells[n % len(cells)]
        members.append((card, f"Đảng viên {n:04}", None, "Nam", cell, admitted, ""))
        results.append((YEAR, "dang_vien", card, mark, reason))
    for code, _name, kind, _parent in units[1:]:
        new = kind == "chi_bo_truc_thuoc" and code.endswith("C5") and code <= "BB03C5"
        results.append(
            (YEAR, "to_chuc", code, "KPL" if new else "HTTNV", "moi_thanh_lap" if new else "")
        )
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (("ToChuc", units), ("DangVien", members), ("KetQua", results)):
        sheet = book.create_sheet(name)
        sheet.append(list(HEADERS[name]))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture(scope="module")
def bac_binh(django_db_setup, django_db_blocker, tmp_path_factory):
    """The import, once for the module (some 20 s), in a transaction rolled back at its end;
    each test runs inside it and rolls back its own changes."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            province = OrganizationFactory(code="P", name="Tỉnh ủy Bình Thuận", kind=Kind.PROVINCE)
            path = bac_binh_workbook(tmp_path_factory.mktemp("bac-binh") / "bac-binh-2017.xlsx")
            result = workbook_import(file=path, by=None)
            assert result.ok, [str(e) for e in result.errors]
            board = UserFactory(username="bantochuc-binh-thuan")
            assign(board, Role.PROVINCIAL_BOARD, province)
            yield Organization.objects.get(code="BB"), Period.objects.get(year=YEAR), board
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def form(db, bac_binh):
    unit, period, _board = bac_binh
    counts = review_counts_build(summary_build(unit=unit, period=period))
    return {row.key: row.values for row in counts.rows()}


# Collectives: the column counts leadership collectives (tests/reports/
# test_review_counts_collectives.py); the 2017 workbook names none, so the column is empty
# even though three of its subordinate cells are newly established.
def test_row_1_counts_everyone_due_for_review(form):
    assert form["1"] == (0, 2904)


def test_row_2_counts_only_those_reviewed(form):
    assert form["2"] == (0, 2584)


def test_row_3_counts_the_not_yet_reviewed_with_the_not_yet_classified(form):
    assert form["3"] == (0, 320)
    assert form["3.1"] == (0, 313)  # not reviewed by rule
    assert form["3.2"] == (0, 7)  # not yet classified (R14): ill, working far away


def test_row_3_gives_each_reason(form):
    assert "moi_thanh_lap" not in form  # new collectives: no leadership collective here
    assert form["mien_sinh_hoat"] == (0, 198)  # exempted
    assert form["moi_ket_nap"] == (0, 96)  # admitted less than 6 months before
    assert form["dinh_chi"] == (0, 3)  # suspended
    assert form["chuyen_tam_thoi"] == (0, 16)  # temporarily elsewhere (a KPL reason until 2018)
    assert form["om_dau"] == (0, 4)  # ill
    assert form["di_xa"] == (0, 3)  # working far away
    assert "xem_xet_ky_luat" not in form  # a reason nobody has is not listed
    assert "3.3" not in form  # a closed year: every review was held or has its reason


def _prompt(assessment_or_cell_year, level: str, on=datetime.date(YEAR, 11, 20)):
    cell_year = getattr(assessment_or_cell_year, "cell_year", assessment_or_cell_year)
    ReviewInput.objects.create(
        cell_year=cell_year,
        assessment=assessment_or_cell_year if cell_year is not assessment_or_cell_year else None,
        kind=InputKind.PROMPT,
        issuing_level=level,
        source="Ban Thường vụ",
        given_on=on,
        text="Làm rõ trách nhiệm",
    )
    counts_rebuild()  # written directly: the summary's kept counts follow (issue 18)


def test_row_4_splits_prompts_by_the_managing_level_that_gave_them(db, bac_binh):
    unit, period, _board = bac_binh
    members = list(MemberAssessment.objects.filter(cell_year__period=period).order_by("pk")[:4])
    cells = list(CellYear.objects.filter(period=period).order_by("pk")[:3])
    _prompt(members[0], PromptLevel.PROVINCE)
    _prompt(members[0], PromptLevel.SUPERIOR)  # one person, two levels: once in row 4
    _prompt(members[1], PromptLevel.SUPERIOR)
    _prompt(members[2], PromptLevel.CENTRAL)
    _prompt(cells[0], PromptLevel.SUPERIOR)
    _prompt(cells[1], PromptLevel.PROVINCE)
    ReviewInput.objects.create(  # feedback is not a prompt
        cell_year=cells[2],
        kind=InputKind.FEEDBACK,
        source="Đoàn Thanh niên",
        given_on=datetime.date(YEAR, 11, 2),
        text="…",
    )
    counts_refresh(period=period)  # the kept counts hold the prompts' totals (issue 18)
    rows = {
        row.number: row.values
        for row in review_counts_build(summary_build(unit=unit, period=period)).rows()
    }
    assert rows["4"] == (0, 3)  # cells are not leadership collectives
    assert rows["4.1"] == (0, 1)
    assert rows["4.2"] == (0, 1)
    assert rows["4.3"] == (0, 2)


def test_the_summary_page_shows_the_form(client, bac_binh):
    unit, period, board = bac_binh
    client.force_login(board)
    page = client.get(reverse("reports:summary", args=[YEAR, unit.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    row_3 = html.split('data-row="3">', 1)[1].split("</tr>", 1)[0]
    assert ">Chưa kiểm điểm</th>" in row_3  # the form's words, not "không kiểm điểm"
    for number, collectives, members in (
        ("1", "0", "2.904"),
        ("2", "0", "2.584"),
        ("3", "0", "320"),
        ("3.1", "0", "313"),
        ("3.2", "0", "7"),
    ):
        assert f'data-row="{number}"><td>{number}</td>' in html, number
        row = html.split(f'data-row="{number}">', 1)[1].split("</tr>", 1)[0]
        assert row.count('class="num text-end"') == 2
        assert f">{collectives}</td>" in row and f">{members}</td>" in row, row


def test_the_workbook_has_the_form(client, bac_binh):
    unit, period, board = bac_binh
    client.force_login(board)
    response = client.post(reverse("reports:export", args=[YEAR, unit.pk, "summary_xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Bieu6F"]
    rows = {r[0]: r[2:4] for r in sheet.iter_rows(values_only=True) if r[0] and r[2] is not None}
    assert rows["1"] == (0, 2904)
    assert rows["2"] == (0, 2584)
    assert rows["3"] == (0, 320)
    assert rows["3.1"] == (0, 313)
    assert rows["3.2"] == (0, 7)
    assert rows["4"] == (0, 0)
    labels = [r[1] for r in sheet.iter_rows(values_only=True) if r[0] == "3"]
    assert labels == ["Chưa kiểm điểm"]


def test_the_pdf_has_the_form(client, bac_binh):
    unit, period, board = bac_binh
    client.force_login(board)
    response = client.get(reverse("reports:summary_document", args=[YEAR, unit.pk, "pdf"]))
    assert response.status_code == 200
    save_pngs(response.content, "bieu-6f-bac-binh-2017")
    text = "\n".join(pdf_pages(response.content))
    form = text.split("BIỂU 6F-BTCTW", 1)[1]
    lines = {line.split()[0]: line.split() for line in form.splitlines() if line.split()}
    assert lines["1"][-2:] == ["0", "2.904"]
    assert lines["2"][-2:] == ["0", "2.584"]
    assert lines["3"][1:3] == ["Chưa", "kiểm"] and lines["3"][-2:] == ["0", "320"]
    assert lines["3.1"][-2:] == ["0", "313"]
    assert lines["3.2"][-2:] == ["0", "7"]
