"""Exports of issue 5: the summary table as an Excel workbook in the official layout and as a
PDF, and the classification list as a streamed Excel file (xlsxwriter, constant memory).

Numbers are written as numbers with display formats (Excel shows them the Vietnamese way under a
Vietnamese locale: 94.877 and 25,58); text that a spreadsheet would take for a formula (starting
with =, +, - or @) is written as text.
"""

from __future__ import annotations

import datetime
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import xlsxwriter
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from assessment import quota, rules
from assessment.models import AssessmentStatus, MemberAssessment, Period
from organizations.collation import name_order
from organizations.models import GRASSROOTS_KINDS, Organization

from .meetings_dashboard import meetings_sheet
from .review_counts import PROMPT_ROWS, FormRow, prompt_level_short, review_counts_build
from .summary import COLLECTIVES, NOT_STARTED, SECTIONS, UNDECIDED, Section, Summary

FORMULA_STARTS = ("=", "+", "-", "@")
FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"


def reason_labels() -> dict[str, str]:
    """Every reason code's label in the active language, built once per export."""
    labels = {
        **rules.KPL_REASONS,
        **rules.CPL_REASONS,
        **rules.UNIT_KPL_REASONS,
        UNDECIDED: _("On the roster, not yet decided"),
        NOT_STARTED: _("No review recorded yet"),
    }
    return {code: str(label) for code, label in labels.items()}


def reason_label(code: str) -> str:
    return reason_labels().get(code, code)


def section_title(name: str) -> str:
    return {
        "grassroots": _("Grassroots party organizations"),
        "cells": _("Subordinate party cells"),
        "members": _("Party members"),
        "leaders": _("Leaders and managers"),
        "collectives": _("Leadership collectives"),
    }[name]


@dataclass
class Columns:
    """The reason columns of one section: the regulation's reasons plus any found in the data."""

    not_classified: list[str]
    pending: list[str]


def columns(summary: Summary, section: str) -> Columns:
    found_kpl = {code for row in summary.rows for code in row.sections[section].not_classified}
    found_cpl = {code for row in summary.rows for code in row.sections[section].pending}
    persons = section in ("members", "leaders")
    standard_kpl = list(rules.KPL_REASONS if persons else rules.UNIT_KPL_REASONS)
    standard_cpl = list(rules.CPL_REASONS) if persons else []
    return Columns(
        standard_kpl + sorted(found_kpl - set(standard_kpl)),
        standard_cpl + sorted(found_cpl - set(standard_cpl)),
    )


def _set_text(cell, value) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


# --- The summary table as a workbook ------------------------------------------------------------


def _heading(ws, summary: Summary, width: int, title: str) -> int:
    """Party heading, issuing body, place and date, title (R25). Returns the next free row."""
    bold = Font(name=FONT, size=12, bold=True)
    half = max(width // 2, 2)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
    ws.merge_cells(start_row=1, start_column=half + 1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)
    _set_text(ws.cell(1, 1), summary.unit.name.upper())
    ws.cell(1, 1).font = bold
    ws.cell(1, half + 1, "ĐẢNG CỘNG SẢN VIỆT NAM").font = Font(
        name=FONT, size=12, bold=True, underline="single"
    )
    ws.cell(2, 1, "*").font = bold
    today = timezone.localdate()
    ws.cell(
        2,
        half + 1,
        _("day %(d)s month %(m)s year %(y)s")
        % {"d": f"{today:%d}", "m": f"{today:%m}", "y": f"{today:%Y}"},
    ).font = Font(name=FONT, size=12, italic=True)
    for row in (1, 2):
        for col in (1, half + 1):
            ws.cell(row, col).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    ws.cell(4, 1, title).font = Font(name=FONT, size=14, bold=True)
    ws.cell(4, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[4].height = 36
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    ws.cell(5, 1, f"{summary.rule_set.name}").font = Font(name=FONT, size=11, italic=True)
    ws.cell(5, 1).alignment = Alignment(horizontal="center")
    return 7


def _section_sheet(wb: Workbook, summary: Summary, name: str, sheet_title: str) -> None:
    ws = wb.create_sheet(sheet_title)
    cols = columns(summary, name)
    levels = summary.rows[0].sections[name].levels
    # Columns: unit | total | assessed | KPL total + reasons | CPL total + reasons |
    #          per level (count, %) | quota ratio | commendations | prompted + by level (R28)
    header = [_("Party organization"), _("Total"), _("Assessed")]
    width = (
        (3 + 1 + len(cols.not_classified) + 1 + len(cols.pending) + 2 * len(levels) + 2)
        + 1
        + len(PROMPT_ROWS)
    )
    top = _heading(
        ws,
        summary,
        width,
        _("SUMMARY OF THE QUALITY ASSESSMENT AND CLASSIFICATION, YEAR %(year)s")
        % {"year": summary.period.year}
        + f"\n{section_title(name).upper()}",
    )
    head_font = Font(name=FONT, size=10, bold=True)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def head(row, col, value, *, rows=1, cols_=1):
        if rows > 1 or cols_ > 1:
            ws.merge_cells(
                start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols_ - 1
            )
        cell = ws.cell(row, col, value)
        cell.font, cell.alignment = head_font, centered
        for r in range(row, row + rows):
            for c in range(col, col + cols_):
                ws.cell(r, c).border = BOX

    col = 1
    for label in header:
        head(top, col, label, rows=2)
        col += 1
    head(top, col, _("Not classified"), cols_=1 + len(cols.not_classified))
    head(top + 1, col, _("Total"))
    for i, code in enumerate(cols.not_classified, start=1):
        head(top + 1, col + i, reason_label(code))
    col += 1 + len(cols.not_classified)
    head(top, col, _("Not yet classified"), cols_=1 + len(cols.pending))
    head(top + 1, col, _("Total"))
    for i, code in enumerate(cols.pending, start=1):
        head(top + 1, col + i, reason_label(code))
    col += 1 + len(cols.pending)
    for level in levels:
        head(top, col, level.name, cols_=2)
        head(top + 1, col, _("Number"))
        head(top + 1, col + 1, "%")
        col += 2
    head(top, col, quota.ratio_label(summary.rule_set.quota_denominator), rows=2)
    head(top, col + 1, _("Commendation proposals"), rows=2)
    head(top, col + 2, _("Given review prompts"), cols_=1 + len(PROMPT_ROWS))
    for i, label in enumerate(prompt_columns()):
        head(top + 1, col + 2 + i, label)
    ws.row_dimensions[top + 1].height = 60

    for offset, row in enumerate(summary.rows):
        r = top + 2 + offset
        section = row.sections[name]
        values = _row_values(section, cols)
        _set_text(ws.cell(r, 1), row.unit.name)
        ws.cell(r, 1).font = Font(name=FONT, size=11, bold=offset == 0)
        ws.cell(r, 1).border = BOX
        for c, (value, fmt) in enumerate(values, start=2):
            cell = ws.cell(r, c, value)
            cell.number_format = fmt
            cell.font = Font(name=FONT, size=11, bold=offset == 0)
            cell.border = BOX
    ws.column_dimensions["A"].width = 34
    for c in range(2, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9
    ws.freeze_panes = ws.cell(top + 2, 2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{top + 1}"
    ws.print_options.horizontalCentered = True


def _row_values(section: Section, cols: Columns) -> list[tuple[object, str]]:
    values: list[tuple[object, str]] = [
        (section.total, COUNT_FORMAT),
        (section.assessed, COUNT_FORMAT),
        (section.not_classified_total, COUNT_FORMAT),
        *((section.not_classified.get(code, 0), COUNT_FORMAT) for code in cols.not_classified),
        (section.pending_total, COUNT_FORMAT),
        *((section.pending.get(code, 0), COUNT_FORMAT) for code in cols.pending),
    ]
    for _level, count, pct in section.level_rows():
        values += [(count, COUNT_FORMAT), (float(pct) if pct is not None else None, PERCENT_FORMAT)]
    ratio = section.quota.ratio
    values += [
        (float(ratio) if ratio is not None else None, PERCENT_FORMAT),
        (section.commendations, COUNT_FORMAT),
        (section.prompted, COUNT_FORMAT),
        *((section.prompted_by_level.get(level, 0), COUNT_FORMAT) for _n, level in PROMPT_ROWS),
    ]
    return values


def prompt_columns() -> list[str]:
    """The summary's prompt columns (R23, R28): all, then by the managing level that gave them."""
    return [_("Total"), *(prompt_level_short(level) for _n, level in PROMPT_ROWS)]


def _review_counts_sheet(wb: Workbook, summary: Summary) -> None:
    """R28, Biểu 6F-BTCTW in the form's layout: rows 1–4 (3 with its reasons, 4 split
    4.1–4.3 by the managing level that gave the prompts) × collectives and members."""
    ws = wb.create_sheet("Bieu6F")
    top = _heading(
        ws,
        summary,
        4,
        _("REVIEW COUNTS (FORM 6F-BTCTW), YEAR %(year)s") % {"year": summary.period.year},
    )
    for c, label in enumerate(review_count_headers(), start=1):
        cell = ws.cell(top, c, str(label))
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for r, row in enumerate(review_count_rows(summary), start=top + 1):
        font = Font(name=FONT, size=11, bold=row.total, italic=not row.number)
        for c, value in enumerate((row.number, row.label, *row.values), start=1):
            cell = ws.cell(r, c)
            _set_text(cell, value)
            cell.font, cell.border = font, BOX
            if isinstance(value, int):
                cell.number_format = COUNT_FORMAT
        ws.cell(r, 2).alignment = Alignment(indent=0 if row.number else 2, wrap_text=True)
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 56
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 16
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def review_count_headers() -> tuple[str, ...]:
    """Biểu 6F's columns: the row's number, its content, collectives, members (R28)."""
    return (_("No."), _("Content"), _("Collectives"), _("Members"))


def review_count_rows(summary: Summary) -> list[FormRow]:
    """Biểu 6F's rows for the summary's unit (reports.review_counts)."""
    return review_counts_build(summary).rows()


def summary_xlsx(summary: Summary) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        wb.remove(wb.active)
        for name, title in zip(SECTIONS, ("ToChucCoSo", "ChiBoTrucThuoc", "DangVien"), strict=True):
            _section_sheet(wb, summary, name, title)
        if COLLECTIVES in summary.shown_sections:  # issue 14 item 8 (R23)
            _section_sheet(wb, summary, COLLECTIVES, "TapTheLanhDao")
        _review_counts_sheet(wb, summary)
        meetings_sheet(wb, summary)  # issue 16: the cells' meetings
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


def number_texts() -> Callable[..., str]:
    """A formatter of the summary's numbers in the active language, its separators looked up
    once: `text(value, "count")` → "94.877" (grouped, as `intcomma`), `text(value, "percent")`
    → "25,58" (two decimals rounded half up, as `floatformat:2`), None → "—". A page formats
    its thousands of cells with it once in Python instead of a template filter per cell
    (issue 18: 63 % of the province's summary page went to those filters). Each distinct value
    is formatted once per formatter (a province's table repeats 0 and a few counts thousands of
    times)."""
    thousands = str(get_format("THOUSAND_SEPARATOR"))
    swap = str.maketrans({",": thousands, ".": str(get_format("DECIMAL_SEPARATOR"))})
    cent = Decimal("0.01")
    seen: dict[tuple[object, str], str] = {}

    def text(value, kind: str = "count") -> str:
        key = (value, kind)
        found = seen.get(key)
        if found is None:
            if value is None:
                found = "—"
            elif kind == "percent":
                found = f"{Decimal(value).quantize(cent, ROUND_HALF_UP)}".translate(swap)
            else:
                found = f"{int(value):,}".translate(swap)
            seen[key] = found
        return found

    return text


def number_cells() -> Callable[[list[tuple[object, str]]], str]:
    """A writer of a summary row's number cells as HTML, for the page: `cells(values)` takes
    (value, kind) pairs (`summary_tables`' `values`) and returns the row's
    `<td class="num text-end">…</td>` cells as one safe string, each figure as `number_texts`
    writes it (escaped). One string per row instead of a template node per cell (issue 18: the
    province's page has some 25,000 cells). Raises nothing."""
    text = number_texts()
    seen: dict[tuple[object, str], str] = {}

    def cell(key: tuple[object, str]) -> str:
        found = seen.get(key)
        if found is None:
            found = seen[key] = f'<td class="num text-end">{html.escape(text(*key))}</td>'
        return found

    def cells(values: list[tuple[object, str]]) -> str:
        return mark_safe("".join([cell(key) for key in values]))  # each figure escaped in cell()

    return cells


def summary_tables(summary: Summary, *, cells: bool = False) -> list[dict]:
    """The summary's tables for HTML and PDF (R23's three, and the leaders when the year has
    any): labels, and per row the values with their kind ("count" or "percent") in the column
    order of the workbook; with `cells`, also each row's `cells`, its figures formatted once as
    the page's HTML cells (`number_cells`)."""
    write_cells = number_cells() if cells else None
    ratio_label = quota.ratio_label(summary.rule_set.quota_denominator)
    prompts = prompt_columns()
    labels = reason_labels()
    tables = []
    for name in summary.shown_sections:
        cols = columns(summary, name)
        rows = []
        for i, row in enumerate(summary.rows):
            values = [
                (v, "percent" if fmt == PERCENT_FORMAT else "count")
                for v, fmt in _row_values(row.sections[name], cols)
            ]
            rows.append(
                {
                    "name": row.unit.name,
                    "head": i == 0,
                    "values": values,
                    "cells": write_cells(values) if write_cells else None,
                }
            )
        tables.append(
            {
                "name": name,
                "title": section_title(name),
                "ratio_label": ratio_label,
                "levels": summary.rows[0].sections[name].levels,
                "not_classified": [labels.get(c, c) for c in cols.not_classified],
                "pending": [labels.get(c, c) for c in cols.pending],
                "prompt_columns": prompts,
                "rows": rows,
            }
        )
    return tables


def summary_pdf(summary: Summary) -> bytes:
    """The summary and Biểu 6F as an official document (issue 17): reports/documents.py."""
    from organizations.documents import render_pdf

    from .documents import summary_document

    return render_pdf(summary_document(summary))


# --- The classification list, streamed ----------------------------------------------------------

LIST_CHUNK = 2000


def classification_rows(unit: Organization, period: Period):
    """One row per member of the subtree for the year, in tree order, read in chunks."""
    return (
        MemberAssessment.objects.filter(
            cell_year__period=period, cell_year__cell__path__startswith=unit.path
        )
        .order_by("cell_year__cell__path", *name_order("member__full_name"), "pk")
        .values_list(
            "member__card_number",
            "member__full_name",
            "cell_year__cell__name",
            "cell_year__cell__path",
            "status",
            "reason_code",
            "decided_level_id",
        )
        .iterator(chunk_size=LIST_CHUNK)
    )


LIST_WIDTHS = (16, 30, 30, 30, 30, 36)


def classification_list_xlsx(
    *,
    unit: Organization,
    period: Period,
    out,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the list to `out` (a path or a binary file) with xlsxwriter in constant-memory
    mode (issue 18): each row goes to disk as it is written, so memory stays flat whatever the
    number of rows, at some twice the speed of openpyxl's write-only mode. Text a spreadsheet
    would take for a formula is written as text with Excel's quote prefix (only that text).
    `progress(done, total)` is called every chunk. Returns the number of rows."""
    total = MemberAssessment.objects.filter(
        cell_year__period=period, cell_year__cell__path__startswith=unit.path
    ).count()
    grassroots = _grassroots_names(unit)
    with translation.override(settings.LANGUAGE_CODE):
        level_names = {level.pk: level.name for level in period.rule_set.levels.all()}
        status_labels = {code: str(label) for code, label in AssessmentStatus.choices}
        reasons = reason_labels()
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        plain = book.add_format({"font_name": FONT})
        quoted = book.add_format({"font_name": FONT, "quote_prefix": True})
        bold = book.add_format({"font_name": FONT, "bold": True})
        sheet = book.add_worksheet("DanhSach")
        for column, width in enumerate(LIST_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.write_string(0, 0, str(unit.name).upper(), bold)
        title = _("Classification list, year %(year)s") % {"year": period.year}
        sheet.write_string(0, 3, title, bold)
        headers = (
            _("Card number"),
            _("Full name"),
            _("Cell"),
            _("Grassroots organization"),
            _("Level"),
            _("Reason"),
        )
        for column, label in enumerate(headers):
            sheet.write_string(2, column, label, bold)
        done = 0
        for card, name, cell, path, status, reason, level in classification_rows(unit, period):
            result = level_names.get(level) or (
                status_labels[status] if status != AssessmentStatus.ASSESS else ""
            )
            values = (
                card,
                name,
                cell,
                _grassroots_of(path, grassroots),
                result,
                reasons.get(reason, reason),
            )
            row = 3 + done
            for column, value in enumerate(values):
                risky = value.startswith(FORMULA_STARTS)
                sheet.write_string(row, column, value, quoted if risky else plain)
            done += 1
            if progress and done % LIST_CHUNK == 0:
                progress(done, total)
        book.close()
    if progress:
        progress(done, total)
    return done


def _grassroots_names(unit: Organization) -> dict[str, str]:
    """Names of the grassroots organizations in and above the subtree, keyed by path."""
    step = Organization.steplen
    ancestors = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    rows = Organization.objects.filter(kind__in=GRASSROOTS_KINDS).filter(
        path__startswith=unit.path
    ) | Organization.objects.filter(kind__in=GRASSROOTS_KINDS, path__in=ancestors)
    return dict(rows.values_list("path", "name"))


def _grassroots_of(path: str, names: dict[str, str]) -> str:
    for end in range(len(path), 0, -Organization.steplen):
        name = names.get(path[:end])
        if name:
            return name
    return ""


def export_filename(kind: str, unit: Organization, period: Period, ext: str) -> str:
    stamp = datetime.date.today().strftime("%Y%m%d")
    return f"{kind}-{unit.code}-{period.year}-{stamp}.{ext}"
