"""Official party documents in the prescribed format (issue 17; DOMAIN.md R25).

Every document the app prints (decisions, minutes, self-reviews, reports, notices, summaries) is
built as a `Document` and rendered by one base layout: `templates/reports/pdf/document.html` for
the PDF (WeasyPrint) and `organizations/docx_builder.py` for the editable Word copy (python-docx).
Both render the same parts, so the .docx an office adjusts before signing matches the PDF the app
keeps as the record.

The format follows Hướng dẫn 36-HD/VPTW (Văn phòng Trung ương Đảng, 03/4/2018) on the form and
presentation of party documents. The rules applied:

- Paper A4 (210 × 297 mm), portrait (wide statistical tables landscape); margins top 20 mm,
  bottom 20 mm, left 30 mm, right 15 mm.
- Font: Times New Roman (TCVN 6909:2001 Unicode). The PDF names "Times New Roman" first and falls
  back to Liberation Serif (Debian's fonts-liberation, installed by scripts/bootstrap.sh), whose
  glyphs have the same metrics, so lines and pages break as in Word. The .docx names Times New
  Roman.
- Heading, left block, centred: the superior's line in capitals (14 pt, regular), then the
  issuing body in bold capitals (14 pt), then a star "*", then the number and symbol
  "Số 01-QĐ/ĐU" (14 pt): number with two digits at least, a hyphen, the kind of document (QĐ, BB,
  BC, TB), a slash, the issuer's symbol (ĐU, HU, TU, CB…).
- Heading, right block: "ĐẢNG CỘNG SẢN VIỆT NAM" in bold capitals (15 pt) underlined by a line
  as long as the title; beneath it, level with the number, the place name and date in italics
  (14 pt): "<Place>, ngày 18 tháng 12 năm 2025"; days below 10 and the months 1 and 2 take a
  leading zero.
- Kind of document in bold capitals (16 pt) centred ("QUYẾT ĐỊNH", "BIÊN BẢN"), the summary of
  its subject (trích yếu) in bold (14 pt) beneath, then a short rule "-----".
- Body 14 pt, justified, first line indented 1 cm, 6 pt between paragraphs; the legal basis as
  "- Căn cứ …;" lines; articles led by a bold "Điều 1.", "Điều 2.", …
- Recipients (left, under the body): "Nơi nhận:" underlined (14 pt), then "- …," lines (12 pt),
  the last "- Lưu …".
- Signature block (right): the authority line in bold capitals, "T/M <collective>" when signing
  on behalf of a collective body (a committee, its standing committee, a cell) or
  "K/T <head>" when a deputy signs for the head of an agency (the organization board's
  "K/T TRƯỞNG BAN"), then the signer's title in capitals, room for the signature and seal, then
  the signer's full name in bold.
- Page numbers from the second page, centred at the top (14 pt).
- Never a signature block alone on a page: the last lines of the body, the recipients and the
  signatures are kept together (CSS `break-inside: avoid`; in Word "keep with next"); a long
  table repeats its header rows on every page.

Documents are always in Vietnamese, whatever the interface language: their wording is the
prescribed one (kept here and in the builders as Vietnamese text), and they are built under
`translation.override("vi")` so level names, numbers (94.877) and percentages (25,58) read as in
Vietnamese.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Organization

PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"
PDF_TYPE, DOCX_TYPE = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
FORMATS = {"pdf": PDF_TYPE, "docx": DOCX_TYPE}
MSG_SYMBOL_TAKEN = _("Another unit under the same superior already uses the symbol “%(symbol)s”.")

# The symbol a unit signs with when none is recorded, by kind (Hướng dẫn 36, appendix on symbols).
DEFAULT_SYMBOLS = {
    "tinh_uy": "TU",
    "cap_tren_co_so": "ĐU",
    "dang_bo_co_so": "ĐU",
    "chi_bo_co_so": "CB",
    "dang_bo_bo_phan": "ĐUBP",
    "chi_bo_truc_thuoc": "CB",
}
# Who a collective decision is signed on behalf of ("T/M …"), by kind.
ON_BEHALF = {
    "tinh_uy": "BAN THƯỜNG VỤ",
    "cap_tren_co_so": "BAN THƯỜNG VỤ",
    "dang_bo_co_so": "ĐẢNG ỦY",
    "chi_bo_co_so": "CHI BỘ",
    "dang_bo_bo_phan": "ĐẢNG ỦY",
    "chi_bo_truc_thuoc": "CHI BỘ",
}


# --- The parts of a document ---------------------------------------------------------------------


@dataclass
class Heading:
    """The heading blocks: `superior` and `issuer` are printed in capitals; `number` is the
    whole "Số …" text (empty for documents without one); `place_date` the italic date line."""

    superior: str
    issuer: str
    number: str
    place_date: str


@dataclass
class Para:
    """A paragraph. `lead` is printed in bold before the text ("Điều 1."); `style` is one of
    body (justified, indented), plain (justified, not indented), center, heading (bold section
    title), note (12 pt italic)."""

    text: str
    style: str = "body"
    lead: str = ""
    bold: bool = False


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False
    align: str = "left"  # left, center, right


@dataclass
class Table:
    """A grid with header rows repeated on every page; cells are `Cell`s or plain strings."""

    header: list[list[Cell | str]]
    rows: list[list[Cell | str]]
    widths: list[float] | None = None  # relative column widths
    size: float = 12  # points


@dataclass
class Signature:
    """One signature block: authority line ("T/M ĐẢNG ỦY", "K/T TRƯỞNG BAN" or ""), the
    signer's title and full name (either may be empty: written by hand)."""

    authority: str
    title: str
    name: str


@dataclass
class Document:
    heading: Heading
    title: str
    subtitle: str = ""
    body: list[Para | Table] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    filename: str = "van-ban"
    landscape: bool = False
    form_label: str = ""  # "Mẫu 2A" printed in the top right corner
    keep_last: int = 1  # trailing body blocks kept on the signatures' page


# --- What a unit signs with ---------------------------------------------------------------------


def official_name(unit: Organization) -> str:
    """The issuing committee's name as it signs (e.g. "Đảng ủy phường Kinh Bắc"): the recorded
    official name, else the unit's name with "Đảng bộ" read as its committee "Đảng ủy"."""
    if unit.official_name:
        return unit.official_name
    if unit.kind != "chi_bo_co_so" and unit.kind != "chi_bo_truc_thuoc":
        return re.sub(r"^Đảng bộ\b", "Đảng ủy", unit.name)
    return unit.name


def party_name(unit: Organization) -> str:
    """The party organization a committee leads, as the heading's superior line names it:
    "Đảng ủy xã An Phú" → "Đảng bộ xã An Phú", "Tỉnh ủy Bắc Ninh" → "Đảng bộ tỉnh Bắc Ninh"."""
    name = unit.official_name or unit.name
    for committee, body in (
        (r"^Đảng ủy\b", "Đảng bộ"),
        (r"^Tỉnh ủy\b", "Đảng bộ tỉnh"),
        (r"^Huyện ủy\b", "Đảng bộ huyện"),
        (r"^Thành ủy\b", "Đảng bộ thành phố"),
    ):
        if re.match(committee, name):
            return re.sub(committee, body, name)
    return name


def superior_line(unit: Organization) -> str:
    """The heading's first line: the recorded one, else the parent's party organization."""
    if unit.heading_superior:
        return unit.heading_superior
    parent = type(unit).objects.get_parent(unit) if unit.depth > 1 else None
    return party_name(parent) if parent is not None else ""


def symbol(unit: Organization) -> str:
    """The issuer's symbol in document numbers (ĐU, HU, TU, CB…)."""
    return unit.document_symbol or DEFAULT_SYMBOLS.get(unit.kind, "")


def place(unit: Organization) -> str:
    """The place name of the date line: the unit's, else the nearest ancestor's."""
    if unit.place_name:
        return unit.place_name
    for ancestor in reversed(type(unit).objects.get_ancestors(unit)) if unit.depth > 1 else []:
        if ancestor.place_name:
            return ancestor.place_name
    return ""


def check_symbol_unique(unit: Organization, parent: Organization | None = None) -> None:
    """Raise a ValidationError on `document_symbol` when a sibling under the same superior
    (`parent`, else the unit's own) already signs with the same symbol (issue 17, item 1)."""
    from .models import Organization

    if not unit.document_symbol:
        return
    if parent is None:
        if not unit.path or unit.depth <= 1:
            return
        parent = type(unit).objects.get_parent(unit)
    siblings = Organization.objects.filter(
        path__startswith=parent.path,
        depth=parent.depth + 1,
        document_symbol__iexact=unit.document_symbol,
    )
    if unit.pk:
        siblings = siblings.exclude(pk=unit.pk)
    if siblings.exists():
        raise ValidationError(
            {
                "document_symbol": ValidationError(
                    MSG_SYMBOL_TAKEN, params={"symbol": unit.document_symbol}, code="symbol"
                )
            }
        )


def head_signature(head: str, *, signer_title: str = "", signer_name: str = "") -> Signature:
    """The signature of an agency run by its head (the organization board): the head signs
    under the head's title; a deputy ("Phó …") signs "K/T <HEAD>" over the deputy's title."""
    title = signer_title.strip() or head
    deputy = title.lower().startswith("phó")
    return Signature(f"K/T {head.upper()}" if deputy else "", title, signer_name.strip())


# --- Numbers, dates, names ------------------------------------------------------------------------


def document_number(number: int | None, kind: str, issuer_symbol: str) -> str:
    """ "01-QĐ/ĐU" for (1, "QĐ", "ĐU"); a blank number leaves room to write it by hand
    ("    -BC/BTCTU"), as offices number a document when they register it."""
    digits = f"{number:02d}" if number else "\u00a0" * 6
    return f"{digits}-{kind}/{issuer_symbol}"


def vn_date(day: datetime.date) -> str:
    """ "ngày 05 tháng 02 năm 2026": days below 10 and months 1–2 with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place_name: str, day: datetime.date | None) -> str:
    """ "Kinh Bắc, ngày 18 tháng 12 năm 2025"; an unknown day leaves blanks to fill in."""
    text = vn_date(day) if day else "ngày\u00a0\u00a0\u00a0\u00a0 tháng\u00a0\u00a0\u00a0\u00a0 năm"
    return f"{place_name}, {text}" if place_name else text.capitalize()


def heading_for(
    unit: Organization,
    *,
    number: int | None,
    kind: str,
    day: datetime.date | None,
    issuer: str = "",
    superior: str = "",
    symbol_text: str = "",
    numbered: bool = True,
) -> Heading:
    """The heading of a document `unit` issues. `issuer`/`superior` replace the two lines (the
    organization board under its committee); `numbered=False` prints no number (minutes)."""
    return Heading(
        superior=(superior or superior_line(unit)).upper(),
        issuer=(issuer or official_name(unit)).upper(),
        number=f"Số {document_number(number, kind, symbol_text or symbol(unit))}"
        if numbered
        else "",
        place_date=place_date(place(unit), day),
    )


def percent(part: int, whole: int) -> str:
    """R24: a share rounded half up to two decimals with a decimal comma ("66,67"); "—" for an
    empty base."""
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value}".replace(".", ",")


# --- Rendering -------------------------------------------------------------------------------


def _cells(rows: list[list[Cell | str]]) -> list[list[Cell]]:
    return [[c if isinstance(c, Cell) else Cell(str(c)) for c in row] for row in rows]


def render_pdf(document: Document) -> bytes:
    """The PDF of `document` through the base layout (WeasyPrint), as bytes."""
    from weasyprint import HTML

    body = [
        (b, None) if isinstance(b, Para) else (None, (_cells(b.header), _cells(b.rows), b))
        for b in document.body
    ]
    split = len(body) - document.keep_last if document.signatures else len(body)
    with translation.override("vi"):
        html = render_to_string(
            "reports/pdf/document.html",
            {
                "doc": document,
                "body": body[:split],
                "kept": body[split:],
                "party_title": PARTY_TITLE,
                "recipients_label": RECIPIENTS_LABEL,
            },
        )
    return HTML(string=html).write_pdf()


def render_docx(document: Document) -> bytes:
    """The editable Word copy of `document` (python-docx), as bytes."""
    from .docx_builder import build

    with translation.override("vi"):
        return build(document, cells=_cells)


def render(document: Document, fmt: str) -> bytes:
    """`document` as "pdf" or "docx" bytes."""
    return render_pdf(document) if fmt == "pdf" else render_docx(document)


def response(document: Document, fmt: str):
    """An HttpResponse carrying `document` in `fmt` ("pdf" inline, "docx" as an attachment)."""
    from django.http import HttpResponse

    answer = HttpResponse(render(document, fmt), content_type=FORMATS[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    answer["Content-Disposition"] = f'{disposition}; filename="{document.filename}.{fmt}"'
    return answer
