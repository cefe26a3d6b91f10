"""The blank import workbook (issue 5): the three sheets with their exact headers and one example
row each, and a sheet `HuongDan` explaining every code the import accepts. Every coded column
offers a drop-down list (Excel data validation) of the Vietnamese names (issue 19, item 5); the
lists stand in columns of `HuongDan` beside the explanation of each name's code. A typed code is
still allowed: the lists warn, they do not refuse."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.models import AssessmentStatus, Period
from assessment.rules import CPL_REASONS, KPL_REASONS, UNIT_KPL_REASONS
from assessment.services import rule_set_for_year
from members.models import Gender
from organizations.models import Kind, Organization

from .exchange import new_workbook, workbook_bytes, write_sheet
from .imports import (
    COL_BIRTH,
    COL_CELL,
    COL_GENDER,
    COL_KIND,
    COL_LEVEL,
    COL_REASON,
    COL_TARGET,
    HEADERS,
    MARK_NOT_CLASSIFIED,
    MARK_PENDING,
    SHEET_MEMBERS,
    SHEET_RESULTS,
    SHEET_UNITS,
    TARGET_MEMBER,
    TARGET_NAMES,
    TARGET_UNIT,
)

SHEET_GUIDE = "HuongDan"
# The coded columns, each with a drop-down list of names, in the order of the lists in the guide.
LIST_COLUMNS = (COL_KIND, COL_GENDER, COL_TARGET, COL_LEVEL, COL_REASON)
FIRST_LIST_COLUMN = 5  # the lists start in column E of the guide, after topic, code, meaning
LAST_ROW = 1_048_576  # a drop-down covers the whole column below the header
TEMPLATE_FILE_NAME = "mau-nhap-du-lieu.xlsx"
EXAMPLE_CARD = "012345678"


def _examples(year: int, level_code: str, root_code: str) -> dict[str, list[tuple]]:
    """Rows that pass the import's own check as they stand: a grassroots committee under the
    province, its cell, a member of that cell and the member's result for a past year."""
    return {
        SHEET_UNITS: [
            ("DB01", "Đảng bộ xã Mẫu", Kind.GRASSROOTS_COMMITTEE.value, root_code),
            ("CB01", "Chi bộ Thôn 1", Kind.SUBORDINATE_CELL.value, "DB01"),
        ],
        SHEET_MEMBERS: [
            (
                EXAMPLE_CARD,
                "Nguyễn Văn A",
                datetime.date(1980, 5, 17),
                "Nam",
                "CB01",
                datetime.date(2010, 3, 26),
                datetime.date(2011, 3, 26),
            )
        ],
        SHEET_RESULTS: [(year, TARGET_MEMBER, EXAMPLE_CARD, level_code, "")],
    }


def _guide_rows(rule_set) -> list[tuple[str, str, str]]:
    """(topic, code, meaning) for every code the import reads."""
    rows = [
        (_("General"), "", _("Row 1 holds the headers exactly as written; data starts on row 2.")),
        (
            _("General"),
            "",
            _(
                "Coded columns offer a drop-down list of the Vietnamese names (the lists are in "
                "columns E to I of this sheet); the codes below are accepted as well."
            ),
        ),
        (_("General"), "", _("Dates are Excel dates or text dd/mm/yyyy.")),
        (
            _("General"),
            "",
            _("Everything is checked first; if any row has an error, nothing is imported."),
        ),
        (
            SHEET_UNITS,
            "",
            _("A unit whose code exists is renamed, never duplicated; rows may come in any order."),
        ),
        (SHEET_MEMBERS, "", _("A member whose card number exists is updated.")),
        (
            SHEET_RESULTS,
            "",
            _(
                "Final results of a past year; a year without an assessment year is created "
                "closed. The results of an open year come from the assessment process."
            ),
        ),
    ]
    rows += [(COL_KIND, kind.value, str(kind.label)) for kind in Kind]
    rows += [
        (COL_GENDER, str(g.label), _("also accepted: %(code)s") % {"code": g.value}) for g in Gender
    ]
    with translation.override("vi"):
        rows += [(COL_TARGET, code, str(name)) for code, name in TARGET_NAMES.items()]
    rows += [
        (COL_TARGET, TARGET_UNIT, _("a party organization (code in the column Mã)")),
        (COL_TARGET, TARGET_MEMBER, _("a party member (card number in the column Mã)")),
    ]
    if rule_set is not None:
        rows += [
            (f"{COL_LEVEL} ({rule_set.code})", level.code, level.name)
            for level in rule_set.levels.order_by("rank")
        ]
    rows += [
        (COL_LEVEL, MARK_NOT_CLASSIFIED, _("not classified (give a reason)")),
        (COL_LEVEL, MARK_PENDING, _("not yet classified (give a reason)")),
    ]
    rows += [(f"{COL_REASON} (KPL)", code, str(label)) for code, label in KPL_REASONS.items()]
    units_only = _("units only")
    rows += [
        (f"{COL_REASON} (KPL, {units_only})", code, str(label))
        for code, label in UNIT_KPL_REASONS.items()
    ]
    rows += [(f"{COL_REASON} (CPL)", code, str(label)) for code, label in CPL_REASONS.items()]
    rows += [
        (COL_CELL, "", _("The code of a grassroots cell or a subordinate cell.")),
        (COL_BIRTH, "", _("May be left empty.")),
    ]
    return rows


def template_workbook() -> bytes:
    """The blank workbook. Its example result is for a past year with no assessment year yet
    (results come in only for such years), under that year's rule set, and its example unit
    sits under the province."""
    years = set(Period.objects.values_list("year", flat=True))
    year = timezone.localdate().year - 1
    while year in years:
        year -= 1
    rule_set = rule_set_for_year(year) or rule_set_for_year(timezone.localdate().year)
    levels = list(rule_set.levels.for_members().order_by("rank")) if rule_set else []
    root = Organization.objects.filter(depth=1).order_by("path").first()
    examples = _examples(
        year, levels[1].code if len(levels) > 1 else "", root.code if root else "T01"
    )
    book = new_workbook()
    for sheet, headers in HEADERS.items():
        write_sheet(book, sheet, headers, examples[sheet])
    guide = write_sheet(
        book, SHEET_GUIDE, (_("Topic"), _("Code"), _("Meaning")), _guide_rows(rule_set)
    )
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 22
    guide.column_dimensions["C"].width = 90
    _add_drop_downs(book, guide, choice_lists(rule_set))
    return workbook_bytes(book)


def choice_lists(rule_set) -> dict[str, list[str]]:
    """The Vietnamese names each coded column's drop-down offers: unit kinds, genders, the two
    objects of a result, the levels of `rule_set` (the example year's) with KPL and CPL, and
    every reason of KPL and CPL (R13, R14, R28)."""
    with translation.override("vi"):
        levels = list(rule_set.levels.order_by("rank")) if rule_set else []
        marks = [str(AssessmentStatus.NOT_CLASSIFIED.label), str(AssessmentStatus.PENDING.label)]
        reasons = {**KPL_REASONS, **UNIT_KPL_REASONS, **CPL_REASONS}
        return {
            COL_KIND: [str(kind.label) for kind in Kind],
            COL_GENDER: [str(gender.label) for gender in Gender],
            COL_TARGET: [str(name) for name in TARGET_NAMES.values()],
            COL_LEVEL: list(dict.fromkeys([level.name_vi for level in levels] + marks)),
            COL_REASON: [str(label) for label in reasons.values()],
        }


def _add_drop_downs(book, guide, lists: dict[str, list[str]]) -> None:
    """Write each list in a column of the guide and attach it, as a list validation, to the
    column of that name in every data sheet."""
    for offset, column in enumerate(LIST_COLUMNS):
        values = lists[column]
        letter = get_column_letter(FIRST_LIST_COLUMN + offset)
        guide[f"{letter}1"] = _("List: %(column)s") % {"column": column}
        guide[f"{letter}1"].font = Font(bold=True)
        guide.column_dimensions[letter].width = 36
        for row, value in enumerate(values, start=2):
            guide[f"{letter}{row}"] = value
        source = f"{quote_sheetname(SHEET_GUIDE)}!${letter}$2:${letter}${len(values) + 1}"
        for sheet, headers in HEADERS.items():
            if column not in headers:
                continue
            target = get_column_letter(headers.index(column) + 1)
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                errorStyle="warning",
                errorTitle=column,
                error=_(
                    "This is not a name of the list; a code from the sheet HuongDan is "
                    "accepted too."
                ),
                promptTitle=column,
                prompt=_("Pick a name from the list."),
                showErrorMessage=True,
                showInputMessage=True,
            )
            validation.add(f"{target}2:{target}{LAST_ROW}")
            book[sheet].add_data_validation(validation)
