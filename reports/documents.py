"""The summary table (R23–R24) and Biểu 6F (R28) as official documents (issue 17): headed by the
organization board (BAN TỔ CHỨC) under its committee, with a number left for the office to fill,
the place and date, the preparer ("NGƯỜI LẬP BIỂU") and the head ("TRƯỞNG BAN"); landscape A4
with header rows repeated on every page. Rendered by the one base layout (PDF and .docx)."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from organizations.documents import (
    Cell,
    Document,
    Para,
    Signature,
    Table,
    head_signature,
    heading_for,
    official_name,
    symbol,
)

from .exports import review_count_headers, review_count_rows, summary_tables
from .summary import Summary


def _value(value, kind: str) -> Cell:
    if value is None:
        return Cell("—", align="right")
    text = number_format(value, 2, use_l10n=True) if kind == "percent" else intcomma(value)
    return Cell(str(text), align="right")


def _summary_table(table: dict) -> Table:
    """One section of the summary with the page's column heads (the same msgids as
    templates/reports/partials/summary_table.html and the workbook), in the active language."""
    levels, kpl, cpl = table["levels"], table["not_classified"], table["pending"]
    header = [
        [
            Cell(_("Party organization"), rowspan=2),
            Cell(_("Total"), rowspan=2),
            Cell(_("Assessed"), rowspan=2),
            Cell(_("Not classified"), colspan=len(kpl) + 1),
            Cell(_("Not yet classified"), colspan=len(cpl) + 1),
            *[Cell(level.short_name, colspan=2) for level in levels],
            Cell(table["ratio_label"], rowspan=2),
            Cell(_("Commendation proposals"), rowspan=2),
            Cell(_("Given review prompts"), colspan=len(table["prompt_columns"])),
        ],
        [
            _("Total"),
            *[str(label) for label in kpl],
            _("Total"),
            *[str(label) for label in cpl],
            *[c for _level in levels for c in (_("Number"), "%")],
            *[str(label) for label in table["prompt_columns"]],
        ],
    ]
    rows = [
        [Cell(row["name"], bold=row["head"]), *[_value(v, k) for v, k in row["values"]]]
        for row in table["rows"]
    ]
    # The unit's name gets room for a line of its own; the counts share the rest.
    return Table(header=header, rows=rows, widths=[5] + [1.2] * (len(rows[0]) - 1), size=8)


def _review_counts_table(summary: Summary) -> Table:
    """Biểu 6F (R28): rows 1–4 with row 3's reasons and 4.1–4.3, columns collectives and
    members; the numbered rows bold, their breakdowns indented."""
    return Table(
        header=[[Cell(str(label), align="center") for label in review_count_headers()]],
        rows=[
            [
                Cell(row.number, bold=row.total, align="center"),
                Cell(row.label if row.number else f"- {row.label}", bold=row.total),
                *(Cell(intcomma(v), bold=row.total, align="right") for v in row.values),
            ]
            for row in review_count_rows(summary)
        ],
        widths=[8, 52, 20, 20],
        size=9,
    )


def summary_document(
    summary: Summary, *, preparer: str = "", signer_title: str = "", signer_name: str = ""
) -> Document:
    """The summary table and Biểu 6F of `summary.unit` for `summary.period` as one document;
    the names are left blank to be written by hand unless given; a deputy head signs "K/T"."""
    with translation.override("vi"):
        unit, year = summary.unit, summary.period.year
        tables = summary_tables(summary)
        body: list = []
        for i, table in enumerate(tables, start=1):
            body += [Para(f"{i}. {table['title']}", style="heading"), _summary_table(table)]
        body += [
            Para(f"BIỂU 6F-BTCTW: SỐ LIỆU KIỂM ĐIỂM NĂM {year}", style="heading"),
            _review_counts_table(summary),
            Para(
                "Tỷ lệ phần trăm tính trên số đã đánh giá, làm tròn đến hai chữ số thập phân.",
                style="note",
            ),
        ]
        return Document(
            heading=heading_for(
                unit,
                number=None,
                kind="BC",
                day=timezone.localdate(),
                superior=official_name(unit),
                issuer="BAN TỔ CHỨC",
                symbol_text=f"BTC{symbol(unit)}",
            ),
            title="BIỂU TỔNG HỢP",
            subtitle=(
                "kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên "
                f"năm {year}"
            ),
            body=body,
            signatures=[
                Signature("", "NGƯỜI LẬP BIỂU", preparer.strip()),
                head_signature("TRƯỞNG BAN", signer_title=signer_title, signer_name=signer_name),
            ],
            landscape=True,
            keep_last=3,  # Biểu 6F, its heading and its note stay with the signatures
            filename=f"bieu-tong-hop-{unit.code}-{year}",
        )
