"""Exports of the summary (issue 5 items 3–4): the same hand-computed figures in the JSON of the
command, the Excel workbook (read back with openpyxl) and the PDF (read back as text); the
classification list streamed; formulas never injected; access by scope."""

import io
import json
import re
import subprocess

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import MemberAssessment
from members.models import Member
from reports import exports
from reports.models import ExportJob, ExportState
from reports.summary import summary_build

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_command_writes_the_json_and_the_files(tree, year_2025, tmp_path):
    out = tmp_path / "a.json"
    call_command(
        "export_summary", year=2025, org=tree.district_a.code, format="json", output=str(out)
    )
    data = json.loads(out.read_text())
    members = data["sections"]["members"]
    assert (members["total"], members["assessed"], members["levels"][0]["percent"]) == (
        46,
        43,
        23.26,
    )
    for fmt in ("xlsx", "pdf"):
        call_command(
            "export_summary",
            year=2025,
            org=tree.district_a.code,
            format=fmt,
            output=str(tmp_path / f"a.{fmt}"),
        )
        assert (tmp_path / f"a.{fmt}").stat().st_size > 1000


def test_the_command_names_a_missing_year_or_unit(tree, period):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1999"):
        call_command("export_summary", year=1999, org="X", format="json", output="-")
    with pytest.raises(CommandError, match="NOPE"):
        call_command("export_summary", year=2025, org="NOPE", format="json", output="-")


def test_the_workbook_holds_the_same_figures_as_numbers(tree, year_2025):
    summary = summary_build(unit=tree.district_a, period=year_2025)
    wb = load_workbook(io.BytesIO(exports.summary_xlsx(summary)))
    assert wb.sheetnames == ["ToChucCoSo", "ChiBoTrucThuoc", "DangVien", "Bieu6F", "SinhHoatChiBo"]
    ws = wb["DangVien"]
    assert ws["A1"].value == tree.district_a.name.upper()
    assert ws.cell(1, ws.max_column // 2 + 1).value == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert "2025" in ws["A4"].value
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(
        ws.PAPERSIZE_A4
    )
    # header rows 7–8 (merged), the unit's row is 9
    headers = {ws.cell(7, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(7, c).value}
    row = 9
    assert ws.cell(row, 1).value == tree.district_a.name
    assert ws.cell(row, 2).value == 46 and ws.cell(row, 3).value == 43
    excellent = headers["Hoàn thành xuất sắc nhiệm vụ"]
    assert ws.cell(row, excellent).value == 10
    assert ws.cell(row, excellent + 1).value == 23.26
    assert ws.cell(row, excellent + 1).number_format == "0.00"
    assert ws.cell(row, 2).number_format == "#,##0"
    assert "A4:" in " ".join(str(r) for r in ws.merged_cells.ranges)  # the title spans the table
    zero = headers["Không hoàn thành nhiệm vụ"]
    assert ws.cell(row, zero).value == 0 and ws.cell(row, zero + 1).value == 0


def test_the_pdf_holds_the_same_figures(tree, year_2025):
    text = pdf_text(exports.summary_pdf(summary_build(unit=tree.district_a, period=year_2025)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "2025" in text
    assert "23,26" in text and "46,51" in text and "30,23" in text
    assert tree.district_a.name in text


def test_the_classification_list_is_streamed_and_never_holds_a_formula(tree, year_2025):
    member = Member.objects.filter(cell=tree.c1).first()
    member.full_name = '=HYPERLINK("http://evil")'
    member.save()
    out = io.BytesIO()
    rows = exports.classification_list_xlsx(unit=tree.district_a, period=year_2025, out=out)
    assert rows == MemberAssessment.objects.filter(cell_year__period=year_2025).count() == 46
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    values = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=4)]
    assert len(values) == 46
    evil = next(r for r in values if r[1].startswith("="))
    cell = next(c for r in ws.iter_rows(min_row=4) for c in r if c.value == evil[1])
    assert cell.data_type == "s"
    assert {r[3] for r in values} == {tree.g1.name}
    assert any(r[4] == "Hoàn thành xuất sắc nhiệm vụ" for r in values)
    assert any(r[5] == "Ill" or r[5] == "Ốm đau" for r in values)


def test_the_summary_page_and_a_small_export_answer_at_once(login, tree, year_2025, district_board):
    client = login(district_board)
    page = client.get(reverse("reports:summary", args=[2025, tree.district_a.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "23,26" in html and "46" in html
    response = client.post(
        reverse("reports:export", args=[2025, tree.district_a.pk, "summary_xlsx"])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(response.content))["DangVien"]["B9"].value == 46


@override_settings(EXPORT_SYNC_MAX_MEMBERS=10)
def test_a_large_export_is_queued_and_says_so_when_no_worker_runs(
    login, tree, year_2025, district_board, provincial
):
    client = login(district_board)
    response = client.post(reverse("reports:export", args=[2025, tree.district_a.pk, "list_xlsx"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:export_job", args=[job.pk]
    )
    page = client.get(response["Location"])
    assert job.state == ExportState.QUEUED
    assert "hàng đợi" in page.content.decode() or "queued" in page.content.decode()
    # the file of someone else's job is never served, even inside one's scope
    assert login(provincial).get(reverse("reports:export_job", args=[job.pk])).status_code == 404
    assert (
        login(provincial).get(reverse("reports:export_download", args=[job.pk])).status_code == 404
    )


def test_scope_outsiders_get_404(login, tree, year_2025, outsider_board, alice_member):
    client = login(outsider_board)
    assert (
        client.get(reverse("reports:summary", args=[2025, tree.district_a.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("reports:export", args=[2025, tree.district_a.pk, "summary_pdf"])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("reports:export", args=[2025, tree.district_b.pk, "nonsense"])
        ).status_code
        == 404
    )


def test_every_button_and_link_of_the_summary_page_answers(login, tree, year_2025, provincial):
    """The province board's summary page offers no export that answers 404: the dossier's
    archive is not among its buttons (the export view refuses it), its link leads to the
    dossier's page, which has the archive."""
    client = login(provincial)
    html = client.get(reverse("reports:summary", args=[2025, tree.province.pk])).content.decode()
    exports_div = re.search(r'data-testid="exports">(.*?)</div>', html, re.S).group(1)
    actions = re.findall(r'<form method="post" action="([^"]+)"', exports_div)
    links = re.findall(r'<a [^>]*href="([^"]+)"', exports_div)
    assert len(actions) == 4 and "dossier_zip" not in exports_div
    for action in actions:
        response = client.post(action)
        assert response.status_code == 200 or response["Location"].startswith("/exports/"), action
    dossier = reverse("reports:dossier", args=[2025, tree.province.pk])
    assert dossier in links
    for link in links:
        assert client.get(link).status_code == 200, link
