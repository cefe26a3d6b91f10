"""Issue 18 item 3: the classification list written by xlsxwriter in constant memory keeps the
official font and the formula guard (quote prefix on risky text only); the summary document of
a large scope, PDF or Word, is built in the background with its signing names."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook

from members.models import Member
from reports import exports
from reports.jobs import export_job_run
from reports.models import ExportJob, ExportKind, ExportState

from .test_exports import pdf_text

pytestmark = pytest.mark.django_db


def test_the_list_keeps_the_font_and_quotes_only_risky_text(tree, year_2025):
    member = Member.objects.filter(cell=tree.c1).order_by("pk").first()
    member.full_name = "-1+2 Nguyễn"
    member.save()
    out = io.BytesIO()

    rows = exports.classification_list_xlsx(unit=tree.district_a, period=year_2025, out=out)

    sheet = load_workbook(io.BytesIO(out.getvalue()))["DanhSach"]
    assert (sheet["A1"].value, sheet["A1"].font.b) == (tree.district_a.name.upper(), True)
    assert [c.value for c in sheet[3]] == [
        "Số thẻ đảng viên",
        "Họ và tên",
        "Chi bộ",
        "Tổ chức cơ sở đảng",
        "Xếp loại",
        "Lý do",
    ] or all(c.font.b for c in sheet[3])
    body = [c for row in sheet.iter_rows(min_row=4) for c in row if c.value is not None]
    assert rows == sheet.max_row - 3
    assert {c.font.name for c in body} == {exports.FONT}
    quoted = [c.value for c in body if c.quotePrefix]
    assert quoted == ["-1+2 Nguyễn"]
    assert sheet.column_dimensions["B"].width == pytest.approx(30, abs=1)


@override_settings(EXPORT_SYNC_MAX_MEMBERS=10)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_large_summary_document_is_built_in_the_background_with_its_names(
    login, tree, year_2025, district_board, fmt
):
    client = login(district_board)
    url = reverse("reports:summary_document", args=[2025, tree.district_a.pk, fmt])

    page = client.get(url, {"preparer": "Lê Văn Lập", "signer_name": "Trần Thị Ký"})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="document-prepare"' in html and "Trần Thị Ký" in html
    assert not ExportJob.objects.exists()  # a GET only offers to prepare it
    kind = ExportKind.SUMMARY_PDF if fmt == "pdf" else ExportKind.SUMMARY_DOCX
    response = client.post(
        reverse("reports:export", args=[2025, tree.district_a.pk, kind]),
        {"preparer": "Lê Văn Lập", "signer_name": "Trần Thị Ký", "other": "x"},
    )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])
    assert (job.state, job.kind) == (ExportState.QUEUED, kind)
    assert job.options == {
        "preparer": "Lê Văn Lập",
        "signer_title": "",
        "signer_name": "Trần Thị Ký",
    }

    export_job_run(job.pk)

    job.refresh_from_db()
    assert job.state == ExportState.DONE, job.error
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    if fmt == "pdf":
        text = pdf_text(content)
    else:
        word = WordDocument(io.BytesIO(content))
        cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
        text = "\n".join([p.text for p in word.paragraphs] + cells)
    assert "Trần Thị Ký" in text and "Lê Văn Lập" in text
    assert tree.district_a.name in text


def test_a_small_summary_document_answers_at_once(login, tree, year_2025, district_board):
    client = login(district_board)
    url = reverse("reports:summary_document", args=[2025, tree.district_a.pk, "pdf"])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert not ExportJob.objects.exists()
