"""Import of a workbook (issue 5): units (ToChuc), members (DangVien) and final results of past
years (KetQua), all or nothing.

Everything is read and checked first; every error is collected with its place (sheet, row as
Excel shows it, column header) and nothing is written when there is one. The write then runs in
one transaction, attributed to the user, and each run (dry or real) leaves an ImportRun row for
the audit (issue 7).

Why not django-import-export resources: a resource imports one model a sheet, reports errors by
row, and validates by writing and rolling back. Here sheets refer to each other (a member's cell
may be a unit of the same workbook, units may come before their parents), and the place of each
error down to the column matters more; plain functions over openpyxl rows say it more simply.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook, SheetVisibleEnum
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessment import machine
from assessment.cell_year import form_code_for
from assessment.counts import counts_refresh
from assessment.models import (
    AbsenceReason,
    AssessmentStatus,
    CellMeetingKind,
    CellYear,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
    PeriodState,
    RuleSet,
)
from assessment.rules import CPL_REASONS, KPL_REASONS, UNIT_KPL_REASONS
from assessment.services import period_create, rule_set_for_year
from members.models import MSG_NOT_A_CELL, Gender, Member, member_record_errors
from members.services import member_transfer
from organizations.access import can_manage, is_administrator
from organizations.bulk import AuditSql, staged_insert
from organizations.database import ANALYZE_AFTER_ROWS, refresh_statistics
from organizations.models import (
    CELL_KINDS,
    CODE_VALIDATOR,
    OWN_LEVEL_KINDS,
    Kind,
    Organization,
)
from organizations.services import organization_add_child
from organizations.text import clean_text

from .imports_signing import SIGNING_COLUMNS, apply_signing, read_signing
from .models import ImportRun, ImportState

# Checked before the workbook is opened: a larger file is refused without being read.
MAX_FILE_BYTES = 50 * 1024 * 1024
# A sheet's rows are held in memory while checked; a province has at most some 300,000 members.
MAX_ROWS = 1_000_000
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip package
# A package's parts are inflated as they are read, and deflate packs up to about 1,000 to 1: a
# small file can hold gigabytes of XML (a "zip bomb") that openpyxl would hold in memory (shared
# strings, a cell's text). The sizes the package declares are checked before openpyxl opens it;
# Python's zipfile never inflates a part beyond its declared size, so they bound what is read.
# Real workbooks pack their parts some 5 to 20 to 1; a members sheet of MAX_ROWS rows unpacks to
# about 400 MB.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_PACKING_RATIO = 100
PACKING_CHECKED_FROM = 1024 * 1024  # small parts may pack tightly (an empty sheet, a style)

SHEET_UNITS, SHEET_MEMBERS, SHEET_RESULTS = "ToChuc", "DangVien", "KetQua"
COL_CODE, COL_NAME, COL_KIND, COL_PARENT = "Mã", "Tên", "Loại", "Mã cấp trên"
COL_CARD, COL_FULL_NAME, COL_BIRTH, COL_GENDER = (
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
)
COL_CELL, COL_ADMISSION, COL_FULL = "Mã chi bộ", "Ngày vào Đảng", "Ngày chính thức"
COL_YEAR, COL_TARGET, COL_ID, COL_LEVEL, COL_REASON = "Năm", "Đối tượng", "Mã", "Xếp loại", "Lý do"
HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_UNITS: (COL_CODE, COL_NAME, COL_KIND, COL_PARENT),
    SHEET_MEMBERS: (
        COL_CARD,
        COL_FULL_NAME,
        COL_BIRTH,
        COL_GENDER,
        COL_CELL,
        COL_ADMISSION,
        COL_FULL,
    ),
    SHEET_RESULTS: (COL_YEAR, COL_TARGET, COL_ID, COL_LEVEL, COL_REASON),
}
TARGET_UNIT, TARGET_MEMBER = "to_chuc", "dang_vien"
# The names the template's drop-down of `Đối tượng` offers for the two codes.
TARGET_NAMES = {
    TARGET_UNIT: _("Party organization"),
    TARGET_MEMBER: _("Party member"),
}
MARK_NOT_CLASSIFIED, MARK_PENDING = "KPL", "CPL"
MARKS = {
    MARK_NOT_CLASSIFIED: AssessmentStatus.NOT_CLASSIFIED,
    MARK_PENDING: AssessmentStatus.PENDING,
}
DATE_FORMAT = "%d/%m/%Y"

MSG_AT = _("Sheet %(sheet)s, row %(row)s, column “%(column)s”: %(message)s")
MSG_EMPTY_FILE = _("The file is empty.")
MSG_TOO_LARGE = _("The file has %(size)s; a workbook must be smaller than %(max)s.")
MSG_TOO_MANY_ROWS = _("The sheet %(sheet)s has more than %(max)s rows.")
MSG_NOT_XLSX = _("The file is not an Excel workbook (.xlsx).")
MSG_UNPACKED_TOO_LARGE = _(
    "The workbook unpacks to %(size)s; at most %(max)s can be read. Split it into smaller "
    "workbooks."
)
MSG_PACKED_TOO_TIGHTLY = _(
    "The part %(part)s of the file unpacks to %(size)s from %(packed)s; no real workbook is "
    "packed that tightly, so the file was not read."
)
MSG_NO_SHEETS = _("The workbook has none of the sheets %(sheets)s.")
MSG_NO_ROWS = _("The workbook has no data rows.")
MSG_MISSING_HEADER = _("This column is missing from the header row.")
MSG_DUPLICATE_HEADER = _("This column appears more than once in the header row.")
MSG_REQUIRED = _("A value is required.")
MSG_TOO_LONG = _("At most %(max)s characters.")
MSG_BAD_KIND = _("Unknown kind “%(value)s”; use one of: %(choices)s.")
MSG_DUPLICATE_CODE = _("The code %(code)s already appears in row %(row)s.")
MSG_DUPLICATE_CARD = _("The card number %(card)s already appears in row %(row)s.")
MSG_UNKNOWN_UNIT = _("No unit has the code %(code)s, in this workbook or in the database.")
MSG_CYCLE = _("The parents form a cycle: %(cycle)s.")
MSG_KIND_CHANGED = _(
    "The unit %(code)s exists with the kind “%(kind)s”; an import does not change a unit's kind."
)
MSG_PARENT_CHANGED = _(
    "The unit %(code)s exists under “%(parent)s”; an import does not move units."
)
MSG_UNIT_OUT_OF_SCOPE = _("The unit %(code)s is outside your scope.")
MSG_ROOT_ADMINISTRATOR = _("Only an administrator may add a unit at the top of the tree.")
MSG_BAD_DATE = _("“%(value)s” is not a date; use an Excel date or dd/mm/yyyy.")
MSG_BAD_GENDER = _("Unknown gender “%(value)s”; use one of: %(choices)s.")
MSG_MEMBER_OUT_OF_SCOPE = _("The member %(card)s belongs to a cell outside your scope.")
MSG_BAD_YEAR = _("“%(value)s” is not a year.")
MSG_NO_RULE_SET = _("No rule set is in force in %(year)s: add one before importing its results.")
MSG_YEAR_NOT_CLOSED = _(
    "The year %(year)s is open: its results come from the assessment process, not from an import."
)
MSG_BAD_TARGET = _("Unknown object “%(value)s”; use %(unit)s or %(member)s.")
MSG_UNKNOWN_MEMBER = _(
    "No member has the card number %(card)s, in this workbook or in the database."
)
MSG_NO_OWN_LEVEL = _("A unit of kind “%(kind)s” has no level of its own.")
MSG_UNKNOWN_LEVEL = _(
    "“%(value)s” is not a level of the rule set %(rule_set)s; use one of: %(choices)s."
)
MSG_BAD_REASON = _("“%(value)s” is not a reason for %(mark)s; use one of: %(choices)s.")
MSG_REASON_NOT_ALLOWED = _("A reason is given only with KPL or CPL.")
MSG_DUPLICATE_RESULT = _("The result of %(code)s for %(year)s already appears in row %(row)s.")
MSG_LOCKED = _(
    "The result of %(code)s for %(year)s is locked by the decision %(decision)s; re-rate it "
    "(form 03) instead."
)
MSG_CHANGED_MEANWHILE = _(
    "The data changed while the workbook was being imported; nothing was written. Try again."
)
MSG_IMPORT_REASON = _("Imported from the workbook “%(name)s”.")
MSG_RUN_DONE = _("This dry run has already been imported or its file is no longer kept.")
MSG_RUN_NOT_CONFIRMABLE = _("Only a dry run without errors can be imported.")


# --- Results and errors -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem, placed as a user finds it in Excel; file-wide problems have no sheet."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return self.message
        return str(
            MSG_AT
            % {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def file_error(message) -> RowError:
    return RowError("", None, "", str(message))


@dataclass
class ImportResult:
    errors: list[RowError]
    counts: dict[str, dict[str, int]]
    dry_run: bool
    run: ImportRun | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class Errors(list):
    def add(self, sheet: str, row: int, column: str, message, /, **params) -> None:
        self.append(RowError(sheet, row, column, str(message % params if params else message)))


# --- Reading cells ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if type(value) is str:  # most cells: the other cases below only for the others
        return clean_text(value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    return clean_text(str(value)).strip()


def _key(value: Any) -> str:
    """How names are matched: NFC without invisible characters, trimmed, inner spaces
    collapsed, case-folded ("DangVien ", "Số thẻ  đảng viên", "NAM")."""
    return " ".join(_text(value).split()).casefold()


def _date(value: Any) -> datetime.date | None:
    """An Excel date, or text dd/mm/yyyy; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return _text_date(value.strip())
    raise ValueError(value)


@functools.lru_cache(maxsize=65536)
def _text_date(text: str) -> datetime.date:
    """dd/mm/yyyy (one or two digits for the day and month, as strptime takes them), read
    without strptime, which took a third of a 100,000-member import (issue 18)."""
    day, month, year = text.split("/")  # ValueError unless exactly three parts
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise ValueError(text)
    if not (len(day) <= 2 and len(month) <= 2 and day.isascii() and month.isascii()):
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


# Issue 13 item 15: the Vietnamese words people write in coded columns, held here so that the
# import reads them whatever the process's language and whether or not the translation
# catalogue is compiled. The first word of each is the one error messages suggest.
VIETNAMESE_WORDS: dict[str, tuple[str, ...]] = {
    Gender.MALE: ("Nam",),
    Gender.FEMALE: ("Nữ",),
    Kind.PROVINCE: ("Tỉnh ủy", "Thành ủy trực thuộc Trung ương"),
    Kind.SUPERIOR: (
        "Cấp ủy cấp trên trực tiếp cơ sở",
        "Cấp trên cơ sở",
        "Huyện ủy",
        "Quận ủy",
        "Thị ủy",
        "Đảng ủy xã",
        "Đảng ủy phường",
        "Đảng ủy trực thuộc",
    ),
    Kind.GRASSROOTS_COMMITTEE: ("Đảng bộ cơ sở", "Đảng ủy cơ sở"),
    Kind.GRASSROOTS_CELL: ("Chi bộ cơ sở",),
    Kind.PARTIAL_COMMITTEE: ("Đảng bộ bộ phận",),
    Kind.SUBORDINATE_CELL: ("Chi bộ trực thuộc", "Chi bộ trực thuộc đảng ủy cơ sở"),
    Kind.NATION: ("Trung ương",),
    # the meetings workbook (reports/meetings_import.py, issue 16)
    CellMeetingKind.REGULAR: ("Sinh hoạt thường kỳ", "Thường kỳ", "Sinh hoạt định kỳ"),
    CellMeetingKind.THEMATIC: ("Sinh hoạt chuyên đề", "Chuyên đề"),
    AbsenceReason.EXCUSED: ("Vắng có lý do", "Có lý do"),
    AbsenceReason.ILL: ("Ốm đau", "Ốm"),
    AbsenceReason.FAR_AWAY: ("Công tác xa", "Đi công tác xa"),
    AbsenceReason.UNEXCUSED: ("Vắng không lý do", "Không lý do"),
}
# "Không phân loại" / "Chưa phân loại" in the Xếp loại column, beside the marks KPL and CPL.
MARK_WORDS = {"không phân loại": "KPL", "chưa phân loại": "CPL"}
# The Vietnamese names the template's drop-downs offer in the results' Đối tượng and Lý do
# columns (reports/import_template.py, choice_lists), held here like VIETNAMESE_WORDS.
RESULT_WORDS: dict[str, tuple[str, ...]] = {
    TARGET_UNIT: ("Tổ chức đảng",),
    TARGET_MEMBER: ("Đảng viên",),
    "mien_sinh_hoat": ("Miễn công tác và sinh hoạt đảng",),
    "dinh_chi": ("Đình chỉ sinh hoạt đảng",),
    "moi_ket_nap": ("Vào Đảng chưa đủ số tháng quy định tính đến ngày tính đánh giá",),
    "chuyen_tam_thoi": ("Chuyển sinh hoạt tạm thời",),
    "moi_thanh_lap": ("Tổ chức mới thành lập",),
    "om_dau": ("Ốm đau",),
    "di_xa": ("Công tác xa",),
    "xem_xet_ky_luat": ("Đang xem xét kỷ luật",),
    "khac": ("Lý do khác",),
}


@functools.cache
def _result_codes() -> dict[str, str]:
    """The results' Đối tượng and Lý do as codes: each code, and the names the template's
    drop-downs offer for it in Vietnamese and English, matched by `_key`. Read without the
    translation catalogue for Vietnamese (RESULT_WORDS), with it for English."""
    named = {**TARGET_NAMES, **KPL_REASONS, **UNIT_KPL_REASONS, **CPL_REASONS}
    lookup = {}
    for code, label in named.items():
        lookup[_key(code)] = code
        with translation.override("en"):
            lookup.setdefault(_key(str(label)), code)
        for word in RESULT_WORDS.get(code, ()):
            lookup.setdefault(_key(word), code)
    return lookup


def _result_code(value: Any) -> str:
    """A result's Đối tượng or Lý do cell as its code (the cell's own key when unknown, for
    the error to name)."""
    key = _key(value)
    return _result_codes().get(key, key)


def _labels(choices) -> dict[str, str]:
    """Codes, their English labels and the Vietnamese words people write, matched after
    trimming and case folding (never through the translation catalogue)."""
    lookup = {}
    for choice in choices:
        lookup[_key(choice.value)] = choice.value
        with translation.override("en"):
            lookup[_key(str(choice.label))] = choice.value
        for word in VIETNAMESE_WORDS.get(choice.value, ()):
            lookup[_key(word)] = choice.value
    return lookup


def _vi_labels(choices) -> str:
    return ", ".join(
        f"{c.value} ({VIETNAMESE_WORDS.get(c.value, (str(c.label),))[0]})" for c in choices
    )


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, tuple]]  # (Excel row number, values in the order of `columns`)
    columns: tuple[str, ...] = ()
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)  # without a value
    errors_at: dict[tuple[int, str], str] = field(default_factory=dict)  # error cells (#N/A)
    filled: set[tuple[int, str]] = field(default_factory=set)  # formulas with a value
    flagged: set[tuple[int, str]] = field(default_factory=set)  # cells already explained
    cell_errors: Errors = field(default_factory=lambda: Errors())  # checked with the rows
    # DangVien rows are parsed as they are read (a MemberRow each, not the raw values), so that
    # 100,000 members are held once (issue 18); their errors wait here for the check.
    parse: Any = None
    on_rows: Any = None  # told every ROWS_BETWEEN_PROGRESS rows read
    row_errors: Errors = field(default_factory=lambda: Errors())

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each row as (Excel row number, header → value), one dict at a time."""
        columns = self.columns
        for number, values in self.rows:
            yield number, dict(zip(columns, values, strict=True))


# Columns that hold identifiers: a number cell there has lost what was typed (Excel drops the
# leading zero of 0100001234), so it is refused, never guessed (issue 13 item 11).
IDENTIFIER_COLUMNS = frozenset({COL_CODE, COL_PARENT, COL_CARD, COL_CELL, COL_ID})
EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
)
MSG_NUMBER_IDENTIFIER = _(
    "The cell holds the number %(value)s, not text: Excel drops the leading zeros of numbers, "
    "so the identifier may have lost some. Format the column as Text and type it again."
)
MSG_CELL_ERROR = _(
    "The cell holds the error %(value)s, not a value: correct the formula or type the value."
)
MSG_FORMULA_NO_VALUE = _(
    "The cell holds the formula %(formula)s but no computed value: open the workbook in Excel, "
    "let it calculate, save it and upload it again (or type the value)."
)
MSG_HIDDEN_ROW = _("(this row is hidden in Excel)")
MSG_HIDDEN_SHEET = _("(this sheet is hidden in Excel)")
MSG_DUPLICATE_SHEET = _("The workbook has two sheets named %(sheet)s: %(names)s.")
MSG_IGNORED_SHEET = _("The sheet “%(sheet)s” is not one the import reads; it was ignored.")
MSG_IGNORED_COLUMN = _(
    "Sheet %(sheet)s: the column “%(column)s” is not one the import reads; it was ignored."
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- The package: parts, caps, and what calamine does not say ---------------------------------

# Checked on the package before python-calamine reads it (issue 18): calamine holds the shared
# strings and each sheet's range of cells in memory, a range being rows × columns whether the
# cells are filled or not, so one cell typed at XFD1048576 would ask for billions of cells. A
# province has some 300,000 members; its DangVien sheet has 7 columns and 3 texts a row.
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_COLUMNS = 64
MAX_CELLS = 4_000_000  # rows × columns of one sheet
MSG_TOO_MANY_STRINGS = _(
    "The workbook holds %(count)s distinct texts (%(size)s); at most %(max)s can be read. Split "
    "it into smaller workbooks."
)
MSG_TOO_MANY_COLUMNS = _(
    "The sheet %(sheet)s reaches column %(column)s; an import reads at most %(max)s columns. "
    "Delete the columns to the right of the data."
)
MSG_TOO_MANY_CELLS = _(
    "The sheet %(sheet)s spans %(rows)s rows by %(columns)s columns; at most %(max)s cells can "
    "be read. Delete what lies below or to the right of the data, or split the workbook."
)
SCAN_CHUNK = 1 << 20
ROWS_BETWEEN_PROGRESS = 10_000
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Each pattern starts with a literal, which the regular expression engine finds at C speed.
ROW_REF = re.compile(rb'row [^>]*?r="(\d+)"')
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[ >/]")
FORMULA_MARKS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ")  # <f> or <x:f> (a namespace prefix)
HIDDEN_ROW = re.compile(rb'hidden="(?:1|true)"')
CELL_REF = re.compile(rb' r="([A-Z]+)\d')


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _wider(columns: int) -> re.Pattern:
    """A cell reference beyond `columns` (fewer than 26): found at C speed in a chunk of XML."""
    return re.compile(
        rb'<(?:\w+:)?c r="(?:[A-Z]{2}|[%s-Z])' % _column_letters(columns + 1).encode()
    )


@dataclass
class PartScan:
    rows: int = 0
    columns: int = 0
    details: bool = False  # formulas, error cells or hidden rows: read them (_cell_details)


def _scan_part(package: zipfile.ZipFile, part: str) -> PartScan:
    """The last row, the last column and whether there are formulas, error cells or hidden rows,
    from the sheet's XML read in chunks (never all of it in memory)."""
    scan, tail, wider = PartScan(), b"", None
    with package.open(part) as source:
        while chunk := source.read(SCAN_CHUNK):
            text = tail + chunk
            scan.rows = max([scan.rows, *map(int, ROW_REF.findall(text))])
            if wider is None or wider.search(text):
                found = [_column_number(c.decode()) for c in CELL_REF.findall(text)]
                scan.columns = max([scan.columns, *found])
                wider = _wider(scan.columns) if scan.columns < 26 else None
            scan.details = scan.details or _has_details(text)
            tail = chunk[-512:]
    return scan


def _has_details(text: bytes) -> bool:
    """Whether a chunk of sheet XML has a formula, an error cell or a hidden row (a false alarm
    only costs the detailed reading)."""
    return (
        b't="e"' in text
        or any(mark in text for mark in FORMULA_MARKS)
        or (b"hidden=" in text and HIDDEN_ROW.search(text) is not None)
    )


def _shared_strings(package: zipfile.ZipFile, part: str | None) -> tuple[int, int]:
    """How many distinct texts the workbook holds and how many bytes they take unpacked."""
    if part is None or part not in package.namelist():
        return 0, 0
    size = package.getinfo(part).file_size
    if size > MAX_SHARED_STRINGS_BYTES:
        return size, size  # refused on its size, without being read
    count = 0
    with package.open(part) as source:
        while chunk := source.read(SCAN_CHUNK):
            count += len(SHARED_STRING.findall(chunk))  # one cut at a chunk's end is no matter
    return count, size


def _part_name(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = []
    for step in f"{base}/{target}".split("/"):
        if step == "..":
            parts.pop() if parts else None
        elif step and step != ".":
            parts.append(step)
    return "/".join(parts)


def _package_parts(package: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """{sheet title: its XML part} and the shared strings' part, from the workbook's XML."""
    from openpyxl.xml.functions import fromstring  # defusedxml's parser when installed

    root = fromstring(package.read("_rels/.rels"))
    book = next(
        _part_name("", r.get("Target"))
        for r in root.iter(f"{PACKAGE_REL_NS}Relationship")
        if r.get("Type", "").endswith("/officeDocument")
    )
    folder, _slash, name = book.rpartition("/")
    rels = fromstring(package.read(f"{folder}/_rels/{name}.rels"))
    targets = {
        r.get("Id"): (_part_name(folder, r.get("Target")), r.get("Type", ""))
        for r in rels.iter(f"{PACKAGE_REL_NS}Relationship")
    }
    sheets = {
        s.get("name"): targets[s.get(f"{REL_NS}id")][0]
        for s in fromstring(package.read(book)).iter(f"{MAIN_NS}sheet")
        if s.get(f"{REL_NS}id") in targets
    }
    strings = next((t for t, kind in targets.values() if kind.endswith("/sharedStrings")), None)
    # calamine also finds the shared strings where Excel puts them, listed or not
    fallback = next((n for n in package.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    return sheets, strings or fallback


def _cell_details(package: zipfile.ZipFile, part: str, sheet: Sheet, columns: dict[int, str]):
    """The formulas, error cells and hidden rows of a sheet (issue 13 item 13), which calamine
    reads as empty cells: a workbook saved by a program that does not calculate keeps formulas
    without values. `columns` maps the read columns' numbers (from 1) to their headers."""
    from openpyxl.xml.functions import iterparse

    with package.open(part) as source:
        for _event, element in iterparse(source, events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "row":
                if element.get("hidden") in ("1", "true"):
                    sheet.hidden_rows.add(int(element.get("r", 0)))
                element.clear()
                continue
            if tag != "c":
                continue
            ref = element.get("r", "")
            letters = ref.rstrip("0123456789")
            column = columns.get(_column_number(letters)) if letters else None
            if column is not None:
                number = int(ref[len(letters) :])
                value = element.find(f"{MAIN_NS}v")
                formula = element.find(f"{MAIN_NS}f")
                if element.get("t") == "e" and value is not None and value.text:
                    sheet.errors_at[(number, column)] = value.text
                elif formula is not None and (value is None or not value.text):
                    sheet.formulas[(number, column)] = f"={formula.text or ''}"
            element.clear()


def _read_sheet(calamine_sheet, errors: Errors, ignored: list[str], sheet: Sheet, details):
    """Read the sheet's rows into `sheet` as tuples in the order of `sheet.columns`; `details`
    (the package and the sheet's part) when it has formulas, error cells or hidden rows."""
    name = sheet.name
    top, left = calamine_sheet.start or (0, 0)
    rows = calamine_sheet.iter_rows()
    first = [None] * left + list(next(rows, [])) if top == 0 else []
    # "Số thẻ  đảng viên" with a doubled or non-breaking space, or " Họ và tên" in capitals,
    # is still the column: headers are matched after trimming and case folding (item 12).
    header = [_key(v) for v in first]
    for column in HEADERS[name]:
        if _key(column) not in header:
            errors.add(name, 1, column, MSG_MISSING_HEADER)
        elif header.count(_key(column)) > 1:
            errors.add(name, 1, column, MSG_DUPLICATE_HEADER)
    optional = tuple(SIGNING_COLUMNS) if name == SHEET_UNITS else ()
    wanted = {_key(c): c for c in (*HEADERS[name], *optional)}
    positions = {wanted[k]: header.index(k) for k in wanted if k in header}
    for key in header:
        if key and key not in wanted:
            ignored.append(str(MSG_IGNORED_COLUMN % {"sheet": name, "column": key}))
    sheet.columns = tuple(positions)
    if details is not None:
        _cell_details(*details, sheet, {i + 1: c for c, i in positions.items()})
    indexes = [positions[c] - left for c in sheet.columns]
    identifiers = [c in IDENTIFIER_COLUMNS for c in sheet.columns]
    width = calamine_sheet.width
    for number, values in enumerate(rows, start=top + 2 if top == 0 else top + 1):
        if number > MAX_ROWS + 1:
            errors.append(file_error(MSG_TOO_MANY_ROWS % {"sheet": name, "max": MAX_ROWS}))
            break
        row = tuple(
            (values[i] if values[i] != "" else None) if 0 <= i < width else None for i in indexes
        )
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        if (
            sheet.formulas
            or sheet.errors_at
            or any(
                (identifier and _is_number(v)) or (isinstance(v, str) and v.strip() in EXCEL_ERRORS)
                for identifier, v in zip(identifiers, row, strict=True)
            )
        ):
            row = _flag_cells(sheet, number, row)
        sheet.rows.append(sheet.parse(number, row) if sheet.parse else (number, row))
        if sheet.on_rows is not None and number % ROWS_BETWEEN_PROGRESS == 0:
            sheet.on_rows(number)
    sheet.formulas = {p: f for p, f in sheet.formulas.items() if p not in sheet.filled}
    sheet.filled = set()


def _flag_cells(sheet: Sheet, number: int, row: tuple) -> tuple:
    """Cells that are not what they seem (item 11, item 13), each with its own message; their
    value is dropped, so that no other message is given about them."""
    found, values = sheet.cell_errors, list(row)
    for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True)):
        error = sheet.errors_at.get((number, column))
        if (number, column) in sheet.formulas and value is not None:
            sheet.filled.add((number, column))  # a formula with its computed value
        if error is None and isinstance(value, str) and value.strip() in EXCEL_ERRORS:
            error = value.strip()
        if column in IDENTIFIER_COLUMNS and _is_number(value):
            found.add(sheet.name, number, column, MSG_NUMBER_IDENTIFIER, value=_text(value))
        elif error is not None:
            found.add(sheet.name, number, column, MSG_CELL_ERROR, value=error)
        else:
            continue
        values[index] = None
        sheet.flagged.add((number, column))
    return tuple(values)


def _explained(errors: Errors, sheets: dict[str, Sheet]) -> Errors:
    """Each error as the cell really is (item 13): "a value is required" for a cell that holds
    a formula without value says so, is dropped where the cell already has its own message, and
    an error in a hidden row or sheet says it is hidden, so the user can find it."""
    result = Errors()
    for error in errors:
        sheet = sheets.get(error.sheet)
        if sheet is None or error.row is None:
            result.append(error)
            continue
        place, message = (error.row, error.column), error.message
        if message == str(MSG_REQUIRED):
            if place in sheet.flagged:
                continue
            if place in sheet.formulas:
                message = str(MSG_FORMULA_NO_VALUE % {"formula": sheet.formulas[place]})
        if error.row in sheet.hidden_rows:
            message = f"{message} {MSG_HIDDEN_ROW}"
        if sheet.hidden:
            message = f"{message} {MSG_HIDDEN_SHEET}"
        result.append(RowError(error.sheet, error.row, error.column, message))
    return result


def _file_size(file) -> int:
    if isinstance(file, str | os.PathLike):
        return os.path.getsize(file)
    if getattr(file, "size", None) is not None:
        return file.size
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _file_name(file) -> str:
    if isinstance(file, str | os.PathLike):
        return Path(file).name
    return Path(getattr(file, "name", "") or "").name


def _read_workbook(
    file, errors: Errors, ignored: list[str] | None = None, progress=None
) -> dict[str, Sheet]:
    """The known sheets of the workbook; file-wide problems go to `errors`."""
    size = _file_size(file)
    if size == 0:
        errors.append(file_error(MSG_EMPTY_FILE))
        return {}
    if size >= MAX_FILE_BYTES:
        sizes = {"size": filesizeformat(size), "max": filesizeformat(MAX_FILE_BYTES)}
        errors.append(file_error(MSG_TOO_LARGE % sizes))
        return {}
    handle: IO[bytes] = open(file, "rb") if isinstance(file, str | os.PathLike) else file  # noqa: SIM115
    try:
        handle.seek(0)
        if handle.read(len(XLSX_MAGIC)) != XLSX_MAGIC:
            errors.append(file_error(MSG_NOT_XLSX))
            return {}
        handle.seek(0)
        if problem := _package_problem(handle):
            errors.append(file_error(problem))
            return {}
        handle.seek(0)
        return _sheets(handle, errors, ignored if ignored is not None else [], progress)
    finally:
        if handle is not file:
            handle.close()


def _package_problem(handle: IO[bytes]) -> str | None:
    """Why the zip package may not be opened (a zip bomb, too much to unpack), from the sizes
    its directory declares; nothing is inflated."""
    try:
        with zipfile.ZipFile(handle) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return str(MSG_NOT_XLSX)
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size >= PACKING_CHECKED_FROM and part.file_size > MAX_PACKING_RATIO * packed:
            return str(
                MSG_PACKED_TOO_TIGHTLY
                % {
                    "part": part.filename,
                    "size": filesizeformat(part.file_size),
                    "packed": filesizeformat(part.compress_size),
                }
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        sizes = {"size": filesizeformat(total), "max": filesizeformat(MAX_UNPACKED_BYTES)}
        return str(MSG_UNPACKED_TOO_LARGE % sizes)
    return None


def _sheets(
    handle: IO[bytes], errors: Errors, ignored: list[str], progress=None
) -> dict[str, Sheet]:
    """The known sheets, read by python-calamine (issue 18) once the package has passed the
    caps on shared strings, rows and columns; openpyxl's safe XML parser reads only what
    calamine does not say (formulas without a value, error cells, hidden rows)."""
    try:
        package = zipfile.ZipFile(handle)
        parts, strings = _package_parts(package)
        handle.seek(0)
        book = CalamineWorkbook.from_filelike(handle)
        visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in book.sheets_metadata}
    except Exception:  # a package that is not a workbook fails in many ways
        errors.append(file_error(MSG_NOT_XLSX))
        return {}
    count, size = _shared_strings(package, strings)
    if count > MAX_SHARED_STRINGS or size > MAX_SHARED_STRINGS_BYTES:
        number = f"{count:,}".replace(",", ".")
        errors.append(
            file_error(
                MSG_TOO_MANY_STRINGS
                % {
                    "count": number,
                    "size": filesizeformat(size),
                    "max": f"{MAX_SHARED_STRINGS:,}".replace(",", "."),
                }
            )
        )
        return {}
    # Sheet names are matched after trimming and case folding ("DangVien ", "dangvien"); every
    # other sheet is named in the report as ignored (item 12).
    known = {_key(name): name for name in HEADERS}
    found: dict[str, list[str]] = {}
    for title in book.sheet_names:
        if _key(title) in known:
            found.setdefault(known[_key(title)], []).append(title)
        else:
            ignored.append(str(MSG_IGNORED_SHEET % {"sheet": title}))
    sheets = {}
    try:
        for name, titles in found.items():
            if len(titles) > 1:
                names = ", ".join(f"“{t}”" for t in titles)
                errors.append(file_error(MSG_DUPLICATE_SHEET % {"sheet": name, "names": names}))
                continue
            title = titles[0]
            scan = _scan_part(package, parts[title])
            if problem := _size_problem(name, scan):
                errors.append(file_error(problem))
                continue
            sheet = Sheet(name, [], hidden=not visible.get(title, True))
            if name == SHEET_MEMBERS:
                sheet.parse = _member_parser(sheet)
            if progress is not None and scan.rows:
                sheet.on_rows = lambda done, total=scan.rows: progress(done * 70 // total)
            details = (package, parts[title]) if scan.details else None
            _read_sheet(book.get_sheet_by_name(title), errors, ignored, sheet, details)
            sheets[name] = sheet
    except Exception:  # a damaged sheet inside a valid package
        errors.append(file_error(MSG_NOT_XLSX))
        return {}
    finally:
        book.close()
        package.close()
    if not sheets and not errors:
        errors.append(file_error(MSG_NO_SHEETS % {"sheets": ", ".join(HEADERS)}))
    elif not errors and not any(sheet.rows for sheet in sheets.values()):
        errors.append(file_error(MSG_NO_ROWS))
    return sheets


def _size_problem(name: str, scan: PartScan) -> str | None:
    """Why a sheet is refused before calamine reads it (MAX_ROWS, MAX_COLUMNS, MAX_CELLS)."""
    if scan.rows > MAX_ROWS + 1:
        return str(MSG_TOO_MANY_ROWS % {"sheet": name, "max": f"{MAX_ROWS:,}".replace(",", ".")})
    if scan.columns > MAX_COLUMNS:
        return str(
            MSG_TOO_MANY_COLUMNS
            % {"sheet": name, "column": _column_letters(scan.columns), "max": MAX_COLUMNS}
        )
    if scan.rows * scan.columns > MAX_CELLS:
        return str(
            MSG_TOO_MANY_CELLS
            % {
                "sheet": name,
                "rows": f"{scan.rows:,}".replace(",", "."),
                "columns": scan.columns,
                "max": f"{MAX_CELLS:,}".replace(",", "."),
            }
        )
    return None


# --- Parsed rows ------------------------------------------------------------------------------


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str | None
    parent_code: str
    existing: Organization | None = None
    ok: bool = True
    signing: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class MemberRow:
    row: int
    card: str
    values: tuple  # in the order of MEMBER_FIELDS
    cell_code: str
    existing: Member | None = None

    @property
    def fields(self) -> dict[str, Any]:
        return dict(zip(MEMBER_FIELDS, self.values, strict=True))


@dataclass
class ResultRow:
    row: int
    year: int
    target: str
    code: str
    status: str
    reason: str
    level: Level | None


@dataclass
class Plan:
    """What the workbook asks for, checked; `errors` empty means it can be written."""

    errors: Errors
    sheets: set[str]
    ignored: list[str] = field(default_factory=list)  # sheets and columns not read (item 12)
    units: list[UnitRow] = field(default_factory=list)  # parents before children
    members: list[MemberRow] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)
    organizations: dict[str, Organization] = field(default_factory=dict)  # CODE → existing
    known_members: dict[str, Member] = field(default_factory=dict)  # card → existing
    periods: dict[int, Period] = field(default_factory=dict)
    new_periods: dict[int, RuleSet] = field(default_factory=dict)
    existing_results: dict[int, Any] = field(default_factory=dict)  # result row → its record

    def counts(self) -> dict[str, dict[str, int]]:
        counts = {}
        for sheet, rows in (
            (SHEET_UNITS, self.units),
            (SHEET_MEMBERS, self.members),
            (SHEET_RESULTS, self.results),
        ):
            if sheet in self.sheets:
                updated = sum(1 for r in rows if _is_update(r, self))
                counts[sheet] = {"created": len(rows) - updated, "updated": updated}
        if self.new_periods:
            counts["periods"] = {"created": len(self.new_periods), "updated": 0}
        return counts


def _is_update(row, plan: Plan) -> bool:
    if isinstance(row, ResultRow):
        return row.row in plan.existing_results
    return row.existing is not None


# --- Checking ---------------------------------------------------------------------------------


def _chunks(values: Iterable, size: int = 5000) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _among(values: list[str]) -> list[str] | RawSQL:
    """The right side of an `__in` lookup over many values: on PostgreSQL one array parameter
    (Django and psycopg spent some 10 s preparing 100,000 placeholders, issue 18)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [values])
    return values


def _existing_units(codes: set[str]) -> dict[str, Organization]:
    found = {}
    for chunk in _chunks(codes):
        for unit in Organization.objects.annotate(key=Upper("code")).filter(key__in=_among(chunk)):
            found[unit.key] = unit
    return found


def _existing_members(cards: set[str]) -> dict[str, Member]:
    found = {}
    for chunk in _chunks(cards):
        members = Member.objects.filter(card_number__in=_among(chunk)).select_related("cell")
        for member in members:
            found[member.card_number] = member
    return found


def _in_scope(by: AbstractBaseUser | None, unit: Organization) -> bool:
    """The command (no user) may write anywhere; a user within the units they manage."""
    return by is None or can_manage(by, unit)


def _parse_units(sheet: Sheet, errors: Errors) -> dict[str, UnitRow]:
    kinds = _labels(Kind)
    units: dict[str, UnitRow] = {}
    for number, values in sheet.records():
        code = _text(values.get(COL_CODE)).upper()
        parent = _text(values.get(COL_PARENT)).upper()
        name = _text(values.get(COL_NAME))
        kind_text = _text(values.get(COL_KIND))
        row = UnitRow(number, code, name, kinds.get(_key(kind_text)), parent)
        place = (SHEET_UNITS, number)
        row.signing = read_signing(
            values, lambda column, at=place, **p: errors.add(*at, column, MSG_TOO_LONG, **p)
        )
        if not code:
            errors.add(*place, COL_CODE, MSG_REQUIRED)
            continue
        if not CODE_VALIDATOR.regex.match(code):
            errors.add(*place, COL_CODE, CODE_VALIDATOR.message)
            row.ok = False
        if code in units:
            errors.add(*place, COL_CODE, MSG_DUPLICATE_CODE, code=code, row=units[code].row)
            continue
        if not name:
            errors.add(*place, COL_NAME, MSG_REQUIRED)
        elif len(name) > Organization._meta.get_field("name").max_length:
            errors.add(*place, COL_NAME, MSG_TOO_LONG, max=255)
        if row.kind is None:
            row.ok = False
            if kind_text:
                errors.add(
                    *place, COL_KIND, MSG_BAD_KIND, value=kind_text, choices=_vi_labels(Kind)
                )
            else:
                errors.add(*place, COL_KIND, MSG_REQUIRED)
        units[code] = row
    return units


def _ordered(units: dict[str, UnitRow], errors: Errors) -> list[UnitRow]:
    """Parents before children among the workbook's units; a cycle is an error on each of its
    rows (and leaves them out of the order)."""
    order, done = [], set()
    for start in units:
        path: list[str] = []
        code = start
        while code in units and code not in done and code not in path:
            path.append(code)
            code = units[code].parent_code
        done.update(path)
        if code in path:
            cycle = path[path.index(code) :]
            text = " → ".join([*cycle, code])
            for member in cycle:
                errors.add(SHEET_UNITS, units[member].row, COL_PARENT, MSG_CYCLE, cycle=text)
                units[member].ok = False
            path = path[: path.index(code)]
        order.extend(units[c] for c in reversed(path))
    return order


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label)


def _check_unit(row: UnitRow, units, plan: Plan, parents_by_path, by, errors: Errors) -> None:
    place = (SHEET_UNITS, row.row)
    existing = plan.organizations.get(row.code)
    row.existing = existing
    parent_row = units.get(row.parent_code)
    parent = plan.organizations.get(row.parent_code)
    if row.parent_code and parent_row is None and parent is None:
        errors.add(*place, COL_PARENT, MSG_UNKNOWN_UNIT, code=row.parent_code)
        return
    parent_kind = parent_row.kind if parent_row else (parent.kind if parent else None)
    if existing is not None:
        if row.kind and existing.kind != row.kind:
            errors.add(
                *place, COL_KIND, MSG_KIND_CHANGED, code=row.code, kind=existing.get_kind_display()
            )
        current = parents_by_path.get(existing.path[: -Organization.steplen])
        if (current.code.upper() if current else "") != row.parent_code:
            where = current.name if current else "—"
            errors.add(*place, COL_PARENT, MSG_PARENT_CHANGED, code=row.code, parent=where)
        if not _in_scope(by, existing):
            errors.add(*place, COL_CODE, MSG_UNIT_OUT_OF_SCOPE, code=row.code)
        return
    if row.kind and (parent_kind or not row.parent_code):
        try:
            Organization(kind=row.kind).check_parent(
                Organization(kind=parent_kind) if row.parent_code else None
            )
        except ValidationError as error:
            for message in error.message_dict["kind"]:
                errors.add(*place, COL_KIND, message)
    if not row.parent_code and by is not None and not is_administrator(by):
        errors.add(*place, COL_PARENT, MSG_ROOT_ADMINISTRATOR)
    elif parent is not None and parent_row is None and not _in_scope(by, parent):
        errors.add(*place, COL_PARENT, MSG_UNIT_OUT_OF_SCOPE, code=row.parent_code)


def _check_units(units: dict[str, UnitRow], plan: Plan, by, errors: Errors) -> None:
    order = _ordered(units, errors)
    paths = {
        unit.path[: -Organization.steplen]
        for code, unit in plan.organizations.items()
        if code in units and unit.depth > 1
    }
    parents_by_path = {u.path: u for u in Organization.objects.filter(path__in=paths)}
    for row in order:
        if row.ok:
            _check_unit(row, units, plan, parents_by_path, by, errors)
    plan.units = order


def _unit_kind(code: str, units: dict[str, UnitRow], plan: Plan) -> str | None:
    if code in units:
        return units[code].kind
    existing = plan.organizations.get(code)
    return existing.kind if existing else None


def _parse_member(
    number: int, values: dict, genders: dict, errors: Errors, today: datetime.date
) -> MemberRow:
    """One DangVien row checked by plain functions (no model instance, issue 18)."""
    place = (SHEET_MEMBERS, number)
    fields: dict[str, Any] = {}
    card = _text(values.get(COL_CARD))
    for column, name in (
        (COL_BIRTH, "birth_date"),
        (COL_ADMISSION, "admission_date"),
        (COL_FULL, "full_membership_date"),
    ):
        try:
            fields[name] = _date(values.get(column))
        except ValueError:
            errors.add(*place, column, MSG_BAD_DATE, value=_text(values.get(column)))
            fields[name] = None
    fields["full_name"] = _text(values.get(COL_FULL_NAME))
    gender_text = _text(values.get(COL_GENDER))
    fields["gender"] = genders.get(_key(gender_text))
    cell = _text(values.get(COL_CELL))
    for column, value in (
        (COL_CARD, card),
        (COL_FULL_NAME, fields["full_name"]),
        (COL_GENDER, gender_text),
        (COL_CELL, cell),
        (COL_ADMISSION, fields["admission_date"] or _text(values.get(COL_ADMISSION))),
    ):
        if not value:
            errors.add(*place, column, MSG_REQUIRED)
    if gender_text and fields["gender"] is None:
        errors.add(
            *place, COL_GENDER, MSG_BAD_GENDER, value=gender_text, choices=_vi_labels(Gender)
        )
    if len(fields["full_name"]) > FULL_NAME_MAX:
        errors.add(*place, COL_FULL_NAME, MSG_TOO_LONG, max=FULL_NAME_MAX)
    _member_rules(card, fields, place, errors, today)
    # One string per cell, not per row: 100,000 members of 5,000 cells (issue 18, memory).
    cell_code = sys.intern(cell.upper())
    return MemberRow(number, card, tuple(fields[n] for n in MEMBER_FIELDS), cell_code)


def _member_parser(sheet: Sheet):
    """The DangVien rows' parser, called by _read_sheet with each row's values."""
    genders, today = _labels(Gender), timezone.localdate()

    def parse(number: int, values: tuple) -> MemberRow:
        record = dict(zip(sheet.columns, values, strict=True))
        return _parse_member(number, record, genders, sheet.row_errors, today)

    return parse


FULL_NAME_MAX = Member._meta.get_field("full_name").max_length
MEMBER_COLUMNS = {
    "card_number": COL_CARD,
    "birth_date": COL_BIRTH,
    "admission_date": COL_ADMISSION,
    "full_membership_date": COL_FULL,
}


def _member_rules(
    card: str, fields: dict, place: tuple[str, int], errors: Errors, today: datetime.date
) -> None:
    """The member record's own rules (card format, date order): members.models'
    member_record_errors, the same that Member.clean applies, without a model instance."""
    if not card:
        return
    found = member_record_errors(
        card_number=card,
        birth_date=fields["birth_date"],
        admission_date=fields["admission_date"],
        full_membership_date=fields["full_membership_date"],
        today=today,
    )
    for name, message in found.items():
        errors.add(*place, MEMBER_COLUMNS.get(name, COL_CARD), message)


def _check_members(
    sheet: Sheet, units, plan: Plan, by, errors: Errors, *, result_cards: set[str]
) -> None:
    rows: dict[str, MemberRow] = {}
    errors.extend(sheet.row_errors)
    for row in sheet.rows:
        number = row.row
        if not row.card:
            continue
        if row.card in rows:
            errors.add(
                SHEET_MEMBERS,
                number,
                COL_CARD,
                MSG_DUPLICATE_CARD,
                card=row.card,
                row=rows[row.card].row,
            )
            continue
        rows[row.card] = row
    plan.known_members = _existing_members(set(rows) | result_cards)
    for row in rows.values():
        _check_member(row, units, plan, by, errors)
    plan.members = list(rows.values())


def _check_member(row: MemberRow, units, plan: Plan, by, errors: Errors) -> None:
    place = (SHEET_MEMBERS, row.row)
    row.existing = plan.known_members.get(row.card)
    if row.existing is not None and not _in_scope(by, row.existing.cell):
        errors.add(*place, COL_CARD, MSG_MEMBER_OUT_OF_SCOPE, card=row.card)
    if not row.cell_code:
        return
    kind = _unit_kind(row.cell_code, units, plan)
    if kind is None and row.cell_code not in units:
        errors.add(*place, COL_CELL, MSG_UNKNOWN_UNIT, code=row.cell_code)
    elif kind is not None and kind not in CELL_KINDS:
        errors.add(*place, COL_CELL, MSG_NOT_A_CELL)
    elif row.cell_code not in units and not _in_scope(by, plan.organizations[row.cell_code]):
        errors.add(*place, COL_CELL, MSG_UNIT_OUT_OF_SCOPE, code=row.cell_code)


def _result_refs(sheet: Sheet | None) -> tuple[set[str], set[str]]:
    codes, cards = set(), set()
    for _number, values in sheet.records() if sheet else []:
        target = _result_code(values.get(COL_TARGET))
        ident = _text(values.get(COL_ID))
        (codes if target == TARGET_UNIT else cards).add(
            ident.upper() if target == TARGET_UNIT else ident
        )
    return codes, cards


def _year(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2999 else None


def _period_for(year: int, plan: Plan) -> Period | RuleSet | None:
    if year in plan.periods:
        return plan.periods[year]
    if year not in plan.new_periods:
        rule_set = rule_set_for_year(year)
        if rule_set is None:
            return None
        plan.new_periods[year] = rule_set
    return plan.new_periods[year]


class Levels:
    """Each rule set's level codes, for organizations and for members, read once."""

    def __init__(self):
        self._cache: dict[tuple[int, bool], dict[str, Level]] = {}

    def of(self, rule_set: RuleSet, *, member: bool) -> dict[str, Level]:
        key = (rule_set.pk, member)
        if key not in self._cache:
            levels = (
                rule_set.levels.for_members() if member else rule_set.levels.for_organizations()
            )
            found = {level.code.upper(): level for level in levels.order_by("rank")}
            # Item 15: the level's Vietnamese name or abbreviation, as people write it.
            for level in levels.order_by("rank"):
                for word in (level.short_name, level.name_vi):
                    found.setdefault(" ".join(_text(word).split()).upper(), level)
            self._cache[key] = found
        return self._cache[key]


def _parse_result(number: int, values: dict, plan: Plan, levels: Levels, errors: Errors):
    place = (SHEET_RESULTS, number)
    year, target = _year(values.get(COL_YEAR)), _result_code(values.get(COL_TARGET))
    ident = _text(values.get(COL_ID))
    mark = (
        MARK_WORDS.get(_key(values.get(COL_LEVEL)))
        or " ".join(_text(values.get(COL_LEVEL)).split()).upper()
    )
    reason = _result_code(values.get(COL_REASON))
    for column in (COL_YEAR, COL_TARGET, COL_ID, COL_LEVEL):
        if not _text(values.get(column)):
            errors.add(*place, column, MSG_REQUIRED)
    if _text(values.get(COL_YEAR)) and year is None:
        errors.add(*place, COL_YEAR, MSG_BAD_YEAR, value=_text(values.get(COL_YEAR)))
    if target and target not in (TARGET_UNIT, TARGET_MEMBER):
        errors.add(
            *place,
            COL_TARGET,
            MSG_BAD_TARGET,
            value=_text(values.get(COL_TARGET)),
            unit=f"{TARGET_UNIT} ({RESULT_WORDS[TARGET_UNIT][0]})",
            member=f"{TARGET_MEMBER} ({RESULT_WORDS[TARGET_MEMBER][0]})",
        )
        target = ""
    rule_set = None
    if year is not None:
        found = _period_for(year, plan)
        if found is None:
            errors.add(*place, COL_YEAR, MSG_NO_RULE_SET, year=year)
        elif isinstance(found, Period) and found.state != PeriodState.CLOSED:
            errors.add(*place, COL_YEAR, MSG_YEAR_NOT_CLOSED, year=year)
        else:
            rule_set = found.rule_set if isinstance(found, Period) else found
    status, level = _mark(place, mark, reason, target, rule_set, levels, errors)
    if year is None or not target or not ident or status is None:
        return None
    code = ident.upper() if target == TARGET_UNIT else ident
    return ResultRow(number, year, target, code, status, reason, level)


def _mark(place, mark, reason, target, rule_set, levels: Levels, errors: Errors):
    """The status and level a `Xếp loại` cell says, with its reason checked."""
    if mark in MARKS:
        allowed = dict(KPL_REASONS if mark == MARK_NOT_CLASSIFIED else CPL_REASONS)
        if mark == MARK_NOT_CLASSIFIED and target == TARGET_UNIT:
            allowed |= UNIT_KPL_REASONS
        if reason not in allowed:
            if reason:
                errors.add(
                    *place,
                    COL_REASON,
                    MSG_BAD_REASON,
                    value=reason,
                    mark=mark,
                    choices=", ".join(allowed),
                )
            else:
                errors.add(*place, COL_REASON, MSG_REQUIRED)
            return None, None
        return MARKS[mark], None
    if reason:
        errors.add(*place, COL_REASON, MSG_REASON_NOT_ALLOWED)
    if not mark or rule_set is None or not target:
        return None, None
    codes = levels.of(rule_set, member=target == TARGET_MEMBER)
    if mark not in codes:
        listed = [c for c, level in codes.items() if c == level.code.upper()]
        choices = ", ".join([*listed, MARK_NOT_CLASSIFIED, MARK_PENDING])
        errors.add(
            *place,
            COL_LEVEL,
            MSG_UNKNOWN_LEVEL,
            value=mark,
            rule_set=rule_set.code,
            choices=choices,
        )
        return None, None
    return AssessmentStatus.ASSESS, codes[mark]


def _check_results(sheet: Sheet, units, members_rows, plan: Plan, by, errors: Errors) -> None:
    levels, seen, results = Levels(), {}, []
    for number, values in sheet.records():
        row = _parse_result(number, values, plan, levels, errors)
        if row is None:
            continue
        key = (row.year, row.target, row.code)
        if key in seen:
            errors.add(
                SHEET_RESULTS,
                number,
                COL_ID,
                MSG_DUPLICATE_RESULT,
                code=row.code,
                year=row.year,
                row=seen[key],
            )
            continue
        seen[key] = number
        if _check_target(row, units, members_rows, plan, by, errors):
            results.append(row)
    plan.results = results
    _check_locked(plan, errors)


def _check_target(row: ResultRow, units, members_rows, plan: Plan, by, errors: Errors) -> bool:
    place = (SHEET_RESULTS, row.row)
    if row.target == TARGET_UNIT:
        kind = _unit_kind(row.code, units, plan)
        if kind is None:
            if row.code not in units:
                errors.add(*place, COL_ID, MSG_UNKNOWN_UNIT, code=row.code)
            return False
        if kind not in OWN_LEVEL_KINDS and kind != Kind.SUBORDINATE_CELL:
            errors.add(*place, COL_ID, MSG_NO_OWN_LEVEL, kind=_kind_label(kind))
            return False
        existing = plan.organizations.get(row.code)
        if row.code not in units and existing is not None and not _in_scope(by, existing):
            errors.add(*place, COL_ID, MSG_UNIT_OUT_OF_SCOPE, code=row.code)
            return False
        return True
    member = plan.known_members.get(row.code)
    if member is None and row.code not in members_rows:
        errors.add(*place, COL_ID, MSG_UNKNOWN_MEMBER, card=row.code)
        return False
    if row.code not in members_rows and not _in_scope(by, member.cell):
        errors.add(*place, COL_ID, MSG_MEMBER_OUT_OF_SCOPE, card=row.code)
        return False
    return True


def _existing_results(plan: Plan) -> dict[int, Any]:
    """For each result row, the existing record it would update (rows of existing years)."""
    found: dict[int, Any] = {}
    for year, period in plan.periods.items():
        rows = [r for r in plan.results if r.year == year]
        unit_ids = {
            plan.organizations[r.code].pk: r
            for r in rows
            if r.target == TARGET_UNIT and r.code in plan.organizations
        }
        member_ids = {
            plan.known_members[r.code].pk: r
            for r in rows
            if r.target == TARGET_MEMBER and r.code in plan.known_members
        }
        for model, lookup in ((CellYear, "cell_id"), (GrassrootsYear, "organization_id")):
            for chunk in _chunks(unit_ids):
                for record in model.objects.filter(period=period, **{f"{lookup}__in": chunk}):
                    row = unit_ids[getattr(record, lookup)]
                    if _unit_model(plan.organizations[row.code].kind) is model:
                        found[row.row] = record
        for chunk in _chunks(member_ids):
            for record in MemberAssessment.objects.filter(
                cell_year__period=period, member_id__in=chunk
            ).order_by("pk"):
                found.setdefault(member_ids[record.member_id].row, record)
    return found


def _unit_model(kind: str):
    """A subordinate cell's level is on its cell year; a grassroots organization's, or a commune
    or ward committee's, on its grassroots year (steps 7, 8 and 8b)."""
    return CellYear if kind == Kind.SUBORDINATE_CELL else GrassrootsYear


def _check_locked(plan: Plan, errors: Errors) -> None:
    """R9: a result locked by an issued decision changes only by re-rating (form 03)."""
    plan.existing_results = _existing_results(plan)
    for row in plan.results:
        record = plan.existing_results.get(row.row)
        if record is None or not record.decision_id:
            continue
        new = (row.status, row.reason, row.level.pk if row.level else None)
        if (record.status, record.reason_code, record.decided_level_id) != new:
            errors.add(
                SHEET_RESULTS,
                row.row,
                COL_LEVEL,
                MSG_LOCKED,
                code=row.code,
                year=row.year,
                decision=str(record.decision),
            )


def workbook_check(
    file, *, by: AbstractBaseUser | None, progress: Callable[[int], None] | None = None
) -> Plan:
    """Read and check the whole workbook; nothing is written. The plan's `errors` say what is
    wrong, by sheet, row and column; its `ignored` names the sheets and columns not read."""
    errors, ignored = Errors(), []
    sheets = _read_workbook(file, errors, ignored, progress)
    plan = Plan(errors=errors, sheets=set(sheets), ignored=ignored)
    if errors:
        for sheet in sheets.values():
            errors.extend(sheet.cell_errors)
        plan.errors = _explained(errors, sheets)
        plan.errors.sort(key=_error_order)
        return plan
    units = _parse_units(sheets[SHEET_UNITS], errors) if SHEET_UNITS in sheets else {}
    result_codes, result_cards = _result_refs(sheets.get(SHEET_RESULTS))
    member_cells = {row.cell_code for row in sheets.get(SHEET_MEMBERS, Sheet("", [])).rows}
    plan.organizations = _existing_units(
        set(units) | {u.parent_code for u in units.values()} | member_cells | result_codes
    )
    _check_units(units, plan, by, errors)
    if progress is not None:
        progress(80)
    if SHEET_MEMBERS in sheets:
        _check_members(sheets[SHEET_MEMBERS], units, plan, by, errors, result_cards=result_cards)
    else:
        plan.known_members = _existing_members(result_cards)
    if SHEET_RESULTS in sheets:
        years = {y for _n, v in sheets[SHEET_RESULTS].records() if (y := _year(v.get(COL_YEAR)))}
        plan.periods = {
            p.year: p for p in Period.objects.filter(year__in=years).select_related("rule_set")
        }
        members_rows = {m.card: m for m in plan.members}
        if progress is not None:
            progress(90)
        _check_results(sheets[SHEET_RESULTS], units, members_rows, plan, by, errors)
    for sheet in sheets.values():
        errors.extend(sheet.cell_errors)
    plan.errors = _explained(errors, sheets)
    plan.errors.sort(key=_error_order)
    return plan


SHEET_ORDER = {"": 0, SHEET_UNITS: 1, SHEET_MEMBERS: 2, SHEET_RESULTS: 3}


def _error_order(error: RowError) -> tuple:
    columns = HEADERS.get(error.sheet, ())
    column = columns.index(error.column) if error.column in columns else len(columns)
    return (SHEET_ORDER.get(error.sheet, 9), error.row or 0, column)


# --- Writing ----------------------------------------------------------------------------------


def _write_units(plan: Plan, by, reason: str) -> dict[str, Organization]:
    """Units in the order checked (parents first); an existing code only gets its new name."""
    units = dict(plan.organizations)
    for row in plan.units:
        if row.existing is not None:
            changed = apply_signing(row.existing, row.signing)
            if row.existing.name != row.name or changed:
                row.existing.name = row.name
                row.existing._history_user, row.existing._change_reason = by, reason
                row.existing.save(update_fields=["name", *changed])
            continue
        unit = Organization(code=row.code, name=row.name, kind=row.kind)
        apply_signing(unit, row.signing)
        unit._change_reason = reason
        parent = units[row.parent_code] if row.parent_code else None
        units[row.code] = organization_add_child(parent=parent, unit=unit, by=by)
    return units


MEMBER_FIELDS = ["full_name", "birth_date", "gender", "admission_date", "full_membership_date"]


@dataclass(frozen=True, slots=True)
class NewMember:
    """What the results of a member created by this import need (no model instance each)."""

    pk: int
    cell_id: int
    holds_leadership_post: bool = False
    outside_political_system: bool = False


MEMBER_AUDIT = AuditSql(
    object_repr="t.full_name || ' (' || t.card_number || ')'",
    unit_path="u.path",
    joins="JOIN organizations_organization u ON u.id = t.cell_id",
)


def _write_members(plan: Plan, units: dict[str, Organization], by, reason: str) -> dict:
    """New members set-wise (staged_insert: COPY, history and audit rows); changed ones
    updated; a new cell is a transfer (R16). Returns {card: Member or NewMember}; new members
    only if the workbook has results for members (reading 100,000 ids back for nothing cost a
    members-only import some 20 MB at its peak, issue 18)."""
    members: dict[str, Any] = dict(plan.known_members)
    with_results = any(r.target == TARGET_MEMBER for r in plan.results)
    new, changed, moves = [], [], []
    for row in plan.members:
        cell = units[row.cell_code]
        member = row.existing
        if member is None:
            new.append((row, cell.pk))
            continue
        fields = row.fields
        if any(getattr(member, name) != fields[name] for name in MEMBER_FIELDS):
            for name in MEMBER_FIELDS:
                setattr(member, name, fields[name])
            changed.append(member)
        if member.cell_id != cell.pk:
            moves.append((member, cell))
    if new:
        inserted = staged_insert(
            model=Member,
            columns=["card_number", "cell_id", *MEMBER_FIELDS],
            rows=((row.card, cell_id, *row.values) for row, cell_id in new),
            keys=["card_number"],
            by=by,
            reason=reason,
            audit=MEMBER_AUDIT,
            returning=["id", "card_number", "cell_id"] if with_results else (),
        )
        members.update((card, NewMember(pk, cell_id)) for pk, card, cell_id in inserted)
    bulk_update_with_history(
        changed, Member, MEMBER_FIELDS, default_user=by, default_change_reason=reason
    )
    for member, cell in moves:
        member_transfer(member=member, to_cell=cell, on=timezone.localdate(), reason=reason, by=by)
        member.cell = cell
    return members


def _write_periods(plan: Plan, by) -> dict[int, Period]:
    """A year met only in the workbook is created closed, under the rule set in force then."""
    periods = dict(plan.periods)
    for year, rule_set in sorted(plan.new_periods.items()):
        periods[year] = period_create(year=year, by=by, rule_set=rule_set, state=PeriodState.CLOSED)
    return periods


def _set_result(record, row: ResultRow) -> None:
    record.status = row.status
    record.reason_code = row.reason if row.status != AssessmentStatus.ASSESS else ""
    record.decided_level = row.level


UNIT_RESULT_FIELDS = ["status", "reason_code", "decided_level", "state", "version"]
MEMBER_RESULT_FIELDS = [
    "status",
    "reason_code",
    "decided_level",
    "status_overridden",
    "status_note",
    "version",
]


def _save_all(model, new: list, changed: list, fields: list[str], by, reason: str) -> None:
    bulk_create_with_history(new, model, default_user=by, default_change_reason=reason)
    bulk_update_with_history(changed, model, fields, default_user=by, default_change_reason=reason)


def _write_unit_results(plan: Plan, rows, period: Period, units, by, reason: str) -> set[int]:
    """Final unit levels: a subordinate cell's on its cell year, the others' on their
    grassroots year, both decided. Returns the ids of the units written."""
    new: dict[type, list] = {CellYear: [], GrassrootsYear: []}
    changed: dict[type, list] = {CellYear: [], GrassrootsYear: []}
    for row in rows:
        unit = units[row.code]
        model = _unit_model(unit.kind)
        record = plan.existing_results.get(row.row)
        if record is None:
            lookup = "cell" if model is CellYear else "organization"
            record = model(period=period, **{lookup: unit})
            new[model].append(record)
        else:
            record.version += 1
            changed[model].append(record)
        _set_result(record, row)
    machine.record_imported(
        [*new[CellYear], *new[GrassrootsYear], *changed[CellYear], *changed[GrassrootsYear]]
    )
    for model in (CellYear, GrassrootsYear):
        _save_all(model, new[model], changed[model], UNIT_RESULT_FIELDS, by, reason)
    return {units[row.code].pk for row in rows}


def _host_cell_years(period: Period, cells: set[int], by, reason: str) -> dict[int, CellYear]:
    """The cell years that receive new member results: existing ones, else new, decided."""
    hosts = {}
    for chunk in _chunks(cells):
        hosts.update(
            {cy.cell_id: cy for cy in CellYear.objects.filter(period=period, cell_id__in=chunk)}
        )
    missing = [CellYear(period=period, cell_id=pk) for pk in sorted(cells - set(hosts))]
    machine.record_imported(missing)
    for cell_year in bulk_create_with_history(
        missing, CellYear, default_user=by, default_change_reason=reason
    ):
        hosts[cell_year.cell_id] = cell_year
    return hosts


RESULT_AUDIT = AuditSql(
    object_repr="m.full_name || ' (' || m.card_number || ') ' || %s",
    unit_path="u.path",
    joins="JOIN members_member m ON m.id = t.member_id "
    "JOIN assessment_cellyear cy ON cy.id = t.cell_year_id "
    "JOIN organizations_organization u ON u.id = cy.cell_id",
)
NEW_RESULT_FIELDS = [
    "cell_year_id",
    "member_id",
    "form_code",
    "status",
    "reason_code",
    "decided_level_id",
    "status_overridden",
    "status_note",
]


def _write_member_results(plan: Plan, rows, period: Period, members, by, reason: str) -> set[int]:
    """A member's final result updates their record of the year, or goes into the year of
    their current cell (new records set-wise, as new members are). Returns the ids of the
    cells whose records were written."""
    fresh = [r for r in rows if r.row not in plan.existing_results]
    # The form follows the member's posts (issue 14 item 5): read them in one query (a member
    # this import creates has none yet).
    prefetch_related_objects(
        [m for m in (members[r.code] for r in fresh) if isinstance(m, Member)], "posts"
    )
    hosts = _host_cell_years(period, {members[r.code].cell_id for r in fresh}, by, reason)
    new, changed = [], []
    for row in rows:
        member = members[row.code]
        record = plan.existing_results.get(row.row)
        if record is None:
            new.append(
                (
                    hosts[member.cell_id].pk,
                    member.pk,
                    form_code_for(member, period.rule_set, period.assessment_date),
                    row.status,
                    row.reason if row.status != AssessmentStatus.ASSESS else "",
                    row.level.pk if row.level else None,
                    True,
                    reason,
                )
            )
            continue
        record.version += 1
        changed.append(record)
        _set_result(record, row)
        record.status_overridden, record.status_note = True, reason
    if new:
        staged_insert(
            model=MemberAssessment,
            columns=NEW_RESULT_FIELDS,
            rows=new,
            keys=["cell_year_id", "member_id"],
            by=by,
            reason=reason,
            audit=RESULT_AUDIT,
            params=[str(period)],
        )
    bulk_update_with_history(
        changed,
        MemberAssessment,
        MEMBER_RESULT_FIELDS,
        default_user=by,
        default_change_reason=reason,
    )
    written = {record.cell_year_id for record in changed}
    cells = {hosts[members[row.code].cell_id].cell_id for row in fresh}
    return cells | set(CellYear.objects.filter(pk__in=written).values_list("cell_id", flat=True))


def _write(plan: Plan, *, by, reason: str) -> None:
    units = _write_units(plan, by, reason)
    members = _write_members(plan, units, by, reason)
    periods = _write_periods(plan, by)
    for year in sorted({r.year for r in plan.results}):
        rows = [r for r in plan.results if r.year == year]
        unit_rows = [r for r in rows if r.target == TARGET_UNIT]
        member_rows = [r for r in rows if r.target == TARGET_MEMBER]
        touched = _write_unit_results(plan, unit_rows, periods[year], units, by, reason)
        touched |= _write_member_results(plan, member_rows, periods[year], members, by, reason)
        # The summary's counts of the units written, in the import's transaction (issue 18).
        counts_refresh(period=periods[year], units=touched)


# --- The service ------------------------------------------------------------------------------


def _record(
    *,
    by,
    name: str,
    size: int,
    dry_run: bool,
    errors,
    counts,
    confirms,
    ignored=(),
    into: ImportRun | None = None,
) -> ImportRun:
    """The run's row, created, or `into` (a background run) filled in and marked done."""
    values = {
        "ignored": list(ignored),
        "user": by if by is not None and by.is_authenticated else None,
        "file_name": name[: ImportRun._meta.get_field("file_name").max_length],
        "size": size,
        "dry_run": dry_run,
        "ok": not errors,
        "counts": counts,
        "errors": [e.as_json() for e in errors],
        "confirms": confirms,
        "state": ImportState.DONE,
        "progress": 100,
        "finished_at": timezone.now(),
    }
    if into is None:
        return ImportRun.objects.create(**values)
    ImportRun.objects.filter(pk=into.pk).update(**values)
    into.refresh_from_db()
    return into


# The tables a large import writes, analyzed after it (issue 18: no autovacuum on our servers).
IMPORTED_MODELS = (
    Organization,
    Member,
    Member.history.model,
    CellYear,
    GrassrootsYear,
    MemberAssessment,
    MemberAssessment.history.model,
)


def workbook_import(
    *,
    file: str | os.PathLike | IO[bytes],
    by: AbstractBaseUser | None,
    dry_run: bool = False,
    file_name: str = "",
    confirms: ImportRun | None = None,
    into: ImportRun | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check the workbook and, unless `dry_run` or any error, write it all in one transaction.
    Every run is recorded (ImportRun): a new row, or `into`, the row of a background run.
    `progress(percent)` is told how far the run has got. `by` None is the command line, which
    may write anywhere.

    The check reads the database outside the write's transaction (so that a worker's progress
    shows); a change made meanwhile that the write meets (a card or code taken, a row gone)
    rolls the write back whole and says so (MSG_CHANGED_MEANWHILE)."""
    name, size = file_name or _file_name(file), _file_size(file)
    reason = str(MSG_IMPORT_REASON % {"name": name})
    tell = progress or (lambda percent: None)
    record = {"by": by, "name": name, "size": size, "confirms": confirms, "into": into}
    tell(5)
    plan = workbook_check(file, by=by, progress=lambda done: tell(5 + done * 65 // 100))
    errors, counts = list(plan.errors), plan.counts()
    if errors or dry_run:
        counts = counts if not errors else {}
        run = _record(**record, dry_run=dry_run, errors=errors, counts=counts, ignored=plan.ignored)
        return ImportResult(errors=errors, counts=counts, dry_run=dry_run, run=run)
    tell(75)
    try:
        with transaction.atomic():
            _write(plan, by=by, reason=reason)
            if len(plan.units) + len(plan.members) + len(plan.results) > ANALYZE_AFTER_ROWS:
                refresh_statistics(IMPORTED_MODELS)  # the planner must see the new rows
            run = _record(**record, dry_run=False, errors=[], counts=counts, ignored=plan.ignored)
            return ImportResult(errors=[], counts=counts, dry_run=False, run=run)
    except (IntegrityError, ValidationError):  # a concurrent change since the check
        errors = [file_error(MSG_CHANGED_MEANWHILE)]
    run = _record(**record, dry_run=False, errors=errors, counts={}, ignored=plan.ignored)
    return ImportResult(errors=errors, counts={}, dry_run=False, run=run)


# --- Who may import, and the web flow's kept file ---------------------------------------------


# Who may import and which runs one sees: reports.access (one module for reports' objects).
from .access import can_import, get_import_run_for_user, visible_import_runs  # noqa: E402,F401


def kept_file_path(run: ImportRun) -> Path:
    """Where the web flow keeps a dry run's file until it is confirmed: named by the run's id,
    never by anything the client sends."""
    return Path(settings.MEDIA_ROOT) / "imports" / f"{int(run.pk)}.xlsx"


def kept_file_save(*, run: ImportRun, upload) -> Path:
    path = kept_file_path(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with path.open("wb") as out:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(upload.read, b""):
            out.write(chunk)
    return path


def is_confirmable(run: ImportRun) -> bool:
    """A dry run without errors whose file is kept, neither imported nor being imported."""
    pending = Q(ok=True) | Q(state__in=[ImportState.QUEUED, ImportState.RUNNING])
    return (
        run.dry_run
        and run.ok
        and run.state == ImportState.DONE
        and kept_file_path(run).exists()
        and not run.confirmations.filter(pending).exists()
    )


def import_confirm(
    *,
    run: ImportRun,
    by: AbstractBaseUser | None,
    into: ImportRun | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the file kept from an error-free dry run. In the request, the run's row is locked
    so that two clicks import once; a background import (`into`, its queued confirmation) was
    claimed that way when it was queued (reports.import_jobs). The kept file goes once it is
    imported. Raises ValidationError when the dry run cannot be imported."""
    path = kept_file_path(run)
    if into is not None:
        result = workbook_import(
            file=path,
            by=by,
            file_name=run.file_name,
            confirms=run,
            into=into,
            progress=progress,
        )
    else:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            if not (run.dry_run and run.ok):
                raise ValidationError(MSG_RUN_NOT_CONFIRMABLE, code="not_confirmable")
            if not is_confirmable(run):
                raise ValidationError(MSG_RUN_DONE, code="done")
            result = workbook_import(file=path, by=by, file_name=run.file_name, confirms=run)
    if result.ok:
        path.unlink(missing_ok=True)
    return result
