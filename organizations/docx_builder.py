"""The editable Word copy of a party document (issue 17, item 4), built with python-docx from the
same `Document` as the PDF, in the format of Hướng dẫn 36-HD/VPTW (see organizations/documents.py):
A4, margins 20/20/30/15 mm, Times New Roman, heading blocks in a borderless table, page numbers
from the second page, table headers repeated, the closing lines kept with the signatures."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def build(document, *, cells) -> bytes:
    """Write `document` (organizations.documents.Document) as .docx bytes; `cells` normalises a
    table's rows into Cell objects."""
    from .documents import PARTY_TITLE, RECIPIENTS_LABEL

    word = WordDocument()
    _page(word, landscape=document.landscape)
    if document.form_label:
        _para(word, document.form_label, align="right", bold=True, size=12)
    _heading(word, document.heading, PARTY_TITLE)
    _para(word, document.title, align="center", bold=True, size=16, before=14)
    if document.subtitle:
        _para(word, document.subtitle, align="center", bold=True)
    _para(word, "-----", align="center", after=8)
    split = len(document.body) - document.keep_last if document.signatures else len(document.body)
    for index, block in enumerate(document.body):
        keep = index >= split
        if hasattr(block, "header"):
            _table(word, block, cells, keep=keep)
        else:
            _block(word, block, keep=keep)
    if document.signatures or document.recipients:
        _closing(word, document, RECIPIENTS_LABEL)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _page(word, *, landscape: bool) -> None:
    section = word.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(20), Mm(15)
        section.left_margin, section.right_margin = Mm(20), Mm(15)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = word.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.1
    # Page numbers from the second page, centred at the top.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph.add_run(), "PAGE")


def _field(run, code: str) -> None:
    for kind, text in (("begin", None), (None, code), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _para(
    container,
    text: str,
    *,
    align: str = "justify",
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = 14,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    lead: str = "",
    keep: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    fmt.keep_with_next = keep
    if lead:
        run = paragraph.add_run(lead + " ")
        run.bold, run.font.size = True, Pt(size)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _cell_para(cell, text: str, **kwargs):
    """Add a paragraph to a table cell, dropping the empty one a new cell starts with."""
    first = cell.paragraphs[0]
    fresh = len(cell.paragraphs) == 1 and not first.runs
    paragraph = _para(cell, text, **kwargs)
    if fresh:
        first._p.getparent().remove(first._p)
    return paragraph


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _heading(word, heading, party_title: str) -> None:
    table = word.add_table(rows=2, cols=2)
    _borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    if heading.superior:
        _cell_para(left, heading.superior, align="center")
    _cell_para(left, heading.issuer, align="center", bold=True)
    _cell_para(left, "*", align="center")
    _cell_para(right, party_title, align="center", bold=True, underline=True, size=15)
    number, date = table.rows[1].cells
    _cell_para(number, heading.number, align="center", before=4)
    _cell_para(date, heading.place_date, align="center", italic=True, before=4)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(7.5), Cm(9)


STYLE_ARGS = {
    "body": {"indent": True, "after": 6},
    "plain": {"after": 6},
    "center": {"align": "center", "after": 6},
    "heading": {"bold": True, "before": 8, "after": 6},
    "note": {"italic": True, "size": 12, "after": 6},
}


def _block(word, para, *, keep: bool) -> None:
    args = dict(STYLE_ARGS.get(para.style, STYLE_ARGS["body"]))
    if para.bold:
        args["bold"] = True
    _para(word, para.text, lead=para.lead, keep=keep, **args)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)
    _cant_split(row)


def _cant_split(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _table(word, spec, cells, *, keep: bool) -> None:
    header, rows = cells(spec.header), cells(spec.rows)
    width = _columns(header[0] if header else rows[0])
    grid = header + rows
    table = word.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if c >= width:
                break
            target = table.cell(r, c)
            last_r, last_c = r + cell.rowspan - 1, min(c + cell.colspan - 1, width - 1)
            if (last_r, last_c) != (r, c):
                target = target.merge(table.cell(min(last_r, len(grid) - 1), last_c))
            for rr in range(r, last_r + 1):
                for cc in range(c, last_c + 1):
                    taken.add((rr, cc))
            is_header = r < len(header)
            _cell_para(
                target,
                cell.text,
                align="center" if is_header else cell.align,
                bold=is_header or cell.bold,
                size=spec.size,
                keep=keep,
            )
            c = last_c + 1
    for r, row in enumerate(table.rows):
        if r < len(header):
            _repeat_header(row)
        else:
            _cant_split(row)
    if spec.widths:
        total = sum(spec.widths)
        usable = 24.7 if word.sections[0].orientation == WD_ORIENT.LANDSCAPE else 16.5
        for row in table.rows:
            for i, cell in enumerate(row.cells[: len(spec.widths)]):
                cell.width = Cm(usable * spec.widths[i] / total)
    _para(word, "", size=6)


def _columns(first_row) -> int:
    return sum(c.colspan for c in first_row)


def _closing(word, document, label: str) -> None:
    if len(document.signatures) == 2:
        table = word.add_table(rows=1, cols=2)
        _borderless(table)
        for cell, signature in zip(table.rows[0].cells, document.signatures, strict=True):
            _signature(cell, signature)
        _cant_split(table.rows[0])
        if document.recipients:
            _recipients(word, document.recipients, label)
        return
    table = word.add_table(rows=1, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    if document.recipients:
        _recipients(left, document.recipients, label)
    for signature in document.signatures:
        _signature(right, signature)
    _cant_split(table.rows[0])


def _recipients(container, recipients: list[str], label: str) -> None:
    _cell_para(container, label, align="left", underline=True, before=10)
    for line in recipients:
        _para(container, line, align="left", size=12)


def _signature(cell, signature) -> None:
    if signature.authority:
        _cell_para(cell, signature.authority, align="center", bold=True, before=10)
    _cell_para(cell, signature.title.upper(), align="center", bold=True)
    for _ in range(4):
        _para(cell, "", align="center")
    _para(cell, signature.name, align="center", bold=True)
