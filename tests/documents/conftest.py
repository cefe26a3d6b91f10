"""Helpers for the official documents' tests (issue 17): text of a PDF per page and of a .docx,
and PNGs of every page saved into test-artifacts/ to be looked at."""

import io
import subprocess
from pathlib import Path

import pytest
from docx import Document as WordDocument

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext -layout), pages split on form feeds."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


def docx_text(data: bytes) -> str:
    """Every paragraph of a .docx, tables included, one per line."""
    word = WordDocument(io.BytesIO(data))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def save_pngs(pdf: bytes, name: str) -> list[Path]:
    """Each page of `pdf` as test-artifacts/<name>-<n>.png (pdftoppm, 60 dpi)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-", str(ARTIFACTS / name)], input=pdf, check=True
    )
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


@pytest.fixture
def both(client):
    """GET a document URL as PDF and .docx: (pages of the PDF, text of the .docx)."""

    def _both(name: str, args: list, png: str):
        from django.urls import reverse

        pdf = client.get(reverse(name, args=[*args, "pdf"]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        docx = client.get(reverse(name, args=[*args, "docx"]))
        assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
        assert save_pngs(pdf.content, png)
        return pdf_pages(pdf.content), docx_text(docx.content)

    return _both
