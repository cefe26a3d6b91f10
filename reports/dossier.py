"""The dossier of a unit's year as the province receives it (R26, Quy định 366 art. 17): the
whole list with the appraisal summary (the summary table this layer builds), form 04 listing
it in the party's document layout, and the archive of every document (built in the background
as an ExportJob, reports/jobs.py).

Form 04 prints one row per document of the regulation: how many the application produced or
recorded, how many signed scans were filed, and whether a required scan is missing."""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone, translation

from assessment.dossier import Dossier, DossierDocument, dossier_build
from assessment.models import DossierKind, Period
from organizations.documents import (
    Cell,
    Document,
    Para,
    Signature,
    Table,
    heading_for,
    official_name,
    render_pdf,
)
from organizations.models import Kind, Organization

from .summary_collectives import summary_with_collectives

# Folders of the archive, in form 04's order.
FOLDERS = {kind: f"{i:02d}-{kind}" for i, kind in enumerate(DossierKind.values, start=1)}
FORM_04_NAME = "00-mau-04-danh-muc-ho-so.pdf"


def dossier_for(*, unit: Organization, period: Period) -> Dossier:
    """`unit`'s dossier for `period` (assessment.dossier.dossier_build) with the appraisal
    summary: the summary table of the unit's subtree, as the organization board signs it."""

    def summary():
        from .documents import summary_document

        return summary_document(summary_with_collectives(unit=unit, period=period))

    with translation.override("vi"):
        title = f"Biểu tổng hợp kết quả đánh giá, xếp loại năm {period.year}"
    appraisal = DossierDocument(
        title=title,
        url=reverse("reports:summary_document", args=[period.year, unit.pk, "pdf"]),
        build=summary,
    )
    return dossier_build(unit=unit, period=period, produced={DossierKind.APPRAISAL: [appraisal]})


def _form_row(number: int, item) -> list:
    produced = sum(d.count for d in item.produced)
    scans = len(item.scans)
    forms = []
    if any(d.build for d in item.produced):
        forms.append("điện tử (hệ thống lập)")
    if any(not d.build for d in item.produced):
        forms.append("ghi trong hệ thống")
    if scans:
        forms.append("bản chụp có chữ ký")
    note = ""
    if item.scan_required:
        note = "Bắt buộc bản chụp; " + ("đã có" if item.complete else "CÒN THIẾU")
    return [
        Cell(str(number), align="center"),
        item.label,
        Cell(str(produced), align="right"),
        Cell(str(scans), align="right"),
        "; ".join(forms) or "—",
        note,
    ]


def _authority(unit: Organization) -> str:
    if unit.is_cell:
        return "T/M CHI BỘ"
    if unit.kind in (Kind.SUPERIOR, Kind.PROVINCE):
        return "T/M BAN THƯỜNG VỤ"
    return "T/M ĐẢNG ỦY"


def form04_document(dossier: Dossier, *, signer_name: str = "") -> Document:
    """Form 04 (danh mục hồ sơ) of `dossier`: the documents of Quy định 366 art. 17 with their
    counts and forms, headed by the unit and signed by its head (T/M); always in Vietnamese."""
    with translation.override("vi"):
        unit, year = dossier.unit, dossier.period.year
        missing = dossier.missing
        body: list = [
            Para(
                f"Hồ sơ đánh giá, xếp loại chất lượng năm {year} của {unit.name} gồm các tài "
                "liệu sau (Quy định 366-QĐ/TW, Điều 17):"
            ),
            Table(
                header=[
                    [
                        "STT",
                        "Tài liệu",
                        "Số bản do hệ thống lập hoặc ghi",
                        "Số bản chụp có chữ ký",
                        "Hình thức",
                        "Ghi chú",
                    ]
                ],
                rows=[_form_row(i, item) for i, item in enumerate(dossier.items, start=1)],
                widths=[5, 35, 11, 10, 21, 18],
                size=10,
            ),
            Para(
                "Hồ sơ đầy đủ theo yêu cầu."
                if not missing
                else "Hồ sơ còn thiếu: " + "; ".join(item.label for item in missing) + ".",
                style="note",
            ),
        ]
        return Document(
            heading=heading_for(
                unit, number=None, kind="", day=timezone.localdate(), numbered=False
            ),
            title="DANH MỤC HỒ SƠ",
            subtitle=f"đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {year}",
            body=body,
            recipients=[f"- {official_name(unit)} (lưu hồ sơ),", "- Cấp ủy cấp trên trực tiếp."],
            signatures=[Signature(_authority(unit), "BÍ THƯ", signer_name)],
            form_label="Mẫu 04",
            keep_last=1,
            filename=f"mau-04-danh-muc-ho-so-{unit.code}-{year}",
        )


def _entries(dossier: Dossier) -> list[tuple[str, DossierDocument]]:
    """(folder, document) of every file the archive holds: documents the application makes and
    the filed scans (records without a document of their own are listed by form 04 only)."""
    return [
        (FOLDERS[item.kind], document)
        for item in dossier.items
        for document in item.documents
        if document.build is not None or document.scan is not None
    ]


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    return keep.strip("-.")[:80] or "tai-lieu"


def dossier_archive_write(
    *,
    unit: Organization,
    period: Period,
    out,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write `unit`'s dossier for `period` as one zip archive to the binary file `out`: form 04
    first, then one folder per document of the regulation with the PDFs the application makes
    and the filed scans as uploaded. Calls `progress(done, total)` after each file; returns the
    number of files written."""
    dossier = dossier_for(unit=unit, period=period)
    entries = _entries(dossier)
    total = len(entries) + 1
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(FORM_04_NAME, render_pdf(form04_document(dossier)))
        written = 1
        for number, (folder, document) in enumerate(entries, start=1):
            if document.scan is not None:
                scan = document.scan
                name = f"{folder}/{number:04d}-ban-chup-{_safe(scan.original_name)}"
                if not name.endswith(f".{scan.stored_name.rsplit('.', 1)[-1]}"):
                    name += f".{scan.stored_name.rsplit('.', 1)[-1]}"
                with scan.file.open("rb") as source, archive.open(name, "w") as target:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        target.write(chunk)
            else:
                built = document.build()
                if built is None:
                    continue
                name = f"{folder}/{number:04d}-{_safe(built.filename)}.pdf"
                archive.writestr(name, render_pdf(built))
            written += 1
            if progress is not None:
                progress(written, total)
    return written
