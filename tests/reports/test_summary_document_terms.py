"""The summary as a document (PDF and .docx, reports/documents.py) heads its columns in the
page's words, the same msgids as the summary page and the workbook: "Được đánh giá",
"Không phân loại", "Chưa phân loại" (not "Đã đánh giá", "Không xếp loại", "Chưa xếp loại"),
the page's quota ratio, "Tổng số" and "Số lượng"."""

import html
import io
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from assessment.models import Level

from ..documents.conftest import docx_text

pytestmark = pytest.mark.django_db

OLD = ("Không xếp loại", "Chưa xếp loại", "Đã đánh giá", "Tỷ lệ HTXSNV")
PAGE = ("Được đánh giá", "Không phân loại", "Chưa phân loại")


def _words(text: str) -> str:
    return " ".join(text.split())


def _page_heads(page: str) -> list[str]:
    """The column heads of the page's summary tables (not Biểu 6F), in order."""
    heads = []
    for table in re.findall(r"<table[^>]*data-section=.*?</thead>", page, re.S):
        heads += [
            _words(html.unescape(text))
            for text in re.findall(r'<th[^>]*scope="col(?:group)?"[^>]*>([^<]*)</th>', table)
        ]
    return heads


@pytest.fixture
def documents(login, year_2025, tree, district_board, client):
    """The page's column heads, the PDF's text (reading order, whitespace folded), the
    .docx's text and the workbook's members' sheet, of district A's 2025 summary."""
    login(district_board)
    page = client.get(reverse("reports:summary", args=[2025, tree.district_a.pk]))
    pdf = client.post(reverse("reports:export", args=[2025, tree.district_a.pk, "summary_pdf"]))
    docx = client.get(reverse("reports:summary_document", args=[2025, tree.district_a.pk, "docx"]))
    xlsx = client.post(reverse("reports:export", args=[2025, tree.district_a.pk, "summary_xlsx"]))
    assert page.status_code == pdf.status_code == docx.status_code == xlsx.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    return _page_heads(page.content.decode()), _words(text), docx_text(docx.content), book


def test_the_pdf_uses_the_pages_terms(documents):
    heads, pdf, _docx, _book = documents
    for term in PAGE:
        assert term in heads, term
        assert term in pdf, term
    for term in OLD:
        assert term not in pdf, term


def test_the_word_document_heads_every_column_as_the_page_does(documents):
    heads, _pdf, docx, _book = documents
    lines = [_words(line) for line in docx.splitlines() if line.strip()]
    for head in set(heads):
        assert head in lines, head
    for term in OLD:
        assert not any(term in line for line in lines), term


def test_the_workbook_heads_every_column_as_the_page_does(documents):
    heads, _pdf, _docx, book = documents
    """The levels are headed by their full names there (the page shows them on hover)."""
    cells = {
        _words(str(c.value)) for sheet in book for row in sheet.iter_rows() for c in row if c.value
    }
    levels = set(Level.objects.values_list("short_name", flat=True))
    for head in set(heads) - levels - {"%"}:
        assert head in cells, head
    for term in OLD:
        assert not any(term in cell for cell in cells), term
