"""The import template's drop-down lists (issue 19, item 5): every coded column offers the
Vietnamese names, the guide sheet explains them, and the reader takes what the lists offer."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from assessment.rules import CPL_REASONS, KPL_REASONS, UNIT_KPL_REASONS
from organizations.models import Kind
from reports import imports
from reports.import_template import FIRST_LIST_COLUMN, LIST_COLUMNS, SHEET_GUIDE
from reports.imports import (
    COL_GENDER,
    COL_KIND,
    COL_LEVEL,
    COL_REASON,
    COL_TARGET,
    HEADERS,
    SHEET_MEMBERS,
    SHEET_RESULTS,
    SHEET_UNITS,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(tree, login, provincial):
    answer = login(provincial).get(reverse("reports:import_template"))
    assert answer.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(answer.content))


def drop_down(book, sheet: str, column: str) -> list[str]:
    """The names the drop-down of `column` in `sheet` offers, read through its formula."""
    letter = openpyxl.utils.get_column_letter(HEADERS[sheet].index(column) + 1)
    found = [
        v
        for v in book[sheet].data_validations.dataValidation
        if v.type == "list" and any(str(r).startswith(f"{letter}2:") for r in v.sqref.ranges)
    ]
    assert len(found) == 1, (sheet, column)
    source = found[0].formula1  # 'HuongDan'!$E$2:$E$14
    assert source.startswith(f"{SHEET_GUIDE}!$") or source.startswith(f"'{SHEET_GUIDE}'!$")
    cells = book[SHEET_GUIDE][source.split("!")[1].replace("$", "")]
    return [row[0].value for row in cells]


def test_every_coded_column_offers_the_vietnamese_names(template):
    kinds = drop_down(template, SHEET_UNITS, COL_KIND)
    assert "Chi bộ trực thuộc" in kinds
    assert len(kinds) >= 6 and not any("_" in k for k in kinds)  # names, not codes
    assert drop_down(template, SHEET_MEMBERS, COL_GENDER) == ["Nam", "Nữ"]
    assert drop_down(template, SHEET_RESULTS, COL_TARGET) == ["Tổ chức đảng", "Đảng viên"]
    levels = drop_down(template, SHEET_RESULTS, COL_LEVEL)
    assert {"Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"} <= set(levels)
    assert {"Không phân loại", "Chưa phân loại"} <= set(levels)
    reasons = drop_down(template, SHEET_RESULTS, COL_REASON)
    assert len(reasons) == 9 and all(r[0].isupper() for r in reasons)


def test_the_lists_warn_and_let_a_typed_code_through(template):
    for sheet in (SHEET_UNITS, SHEET_MEMBERS, SHEET_RESULTS):
        for validation in template[sheet].data_validations.dataValidation:
            assert validation.errorStyle == "warning" and validation.showErrorMessage
            assert validation.allow_blank


def test_the_guide_heads_each_list_and_maps_names_to_codes(template):
    guide = template[SHEET_GUIDE]
    heads = [guide.cell(row=1, column=FIRST_LIST_COLUMN + i).value for i in range(5)]
    assert all(column in head for column, head in zip(LIST_COLUMNS, heads, strict=True))
    explained = {(row[0], row[1], row[2]) for row in guide.iter_rows(values_only=True)}
    assert (COL_TARGET, "dang_vien", "Đảng viên") in explained
    assert any(r[0] == COL_GENDER and r[1] == "Nữ" and "female" in r[2] for r in explained)


def fill(book, sheet: str, values: dict[str, object]) -> None:
    """Overwrite row 2 of `sheet` with `values` by column name."""
    for column, value in values.items():
        book[sheet].cell(row=2, column=HEADERS[sheet].index(column) + 1, value=value)


def check(book, provincial):
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return [
        (e.sheet, e.column, str(e.message))
        for e in imports.workbook_check(out, by=provincial).errors
    ]


def test_names_picked_for_units_and_members_are_read(template, provincial):
    with translation.override("vi"):
        committee = str(Kind.GRASSROOTS_COMMITTEE.label)
    assert committee in drop_down(template, SHEET_UNITS, COL_KIND)
    fill(template, SHEET_UNITS, {COL_KIND: committee})
    fill(template, SHEET_MEMBERS, {COL_GENDER: "Nữ"})
    del template[SHEET_RESULTS]
    assert check(template, provincial) == []


def test_names_picked_for_results_are_read(template, provincial):
    lists = {c: drop_down(template, SHEET_RESULTS, c) for c in (COL_TARGET, COL_LEVEL, COL_REASON)}
    member, not_classified = lists[COL_TARGET][1], "Không phân loại"
    assert member == "Đảng viên"
    fill(
        template,
        SHEET_RESULTS,
        {COL_TARGET: member, COL_LEVEL: not_classified, COL_REASON: lists[COL_REASON][0]},
    )
    assert check(template, provincial) == []

    fill(template, SHEET_RESULTS, {COL_LEVEL: "Hoàn thành tốt nhiệm vụ", COL_REASON: ""})
    assert check(template, provincial) == []
    # Every reason the list offers is read as its code (KPL's and CPL's, the units' one).
    codes = {imports._result_code(name) for name in lists[COL_REASON]}
    assert codes == {*KPL_REASONS, *UNIT_KPL_REASONS, *CPL_REASONS}


def test_a_reason_name_of_the_other_mark_is_refused_where_it_stands(template, provincial):
    ill = "Ốm đau"  # a reason for CPL (R14), not for KPL
    assert ill in drop_down(template, SHEET_RESULTS, COL_REASON)
    fill(
        template,
        SHEET_RESULTS,
        {COL_TARGET: "Đảng viên", COL_LEVEL: "Không phân loại", COL_REASON: ill},
    )
    errors = check(template, provincial)
    assert [(sheet, column) for sheet, column, _ in errors] == [(SHEET_RESULTS, COL_REASON)]
    assert "KPL" in errors[0][2]


def test_an_unknown_object_name_is_refused_where_it_stands(template, provincial):
    fill(template, SHEET_RESULTS, {COL_TARGET: "Chi bộ"})
    errors = check(template, provincial)
    assert [(sheet, column) for sheet, column, _ in errors] == [(SHEET_RESULTS, COL_TARGET)]
    assert "Chi bộ" in errors[0][2] and "dang_vien (Đảng viên)" in errors[0][2]
