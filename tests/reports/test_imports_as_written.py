"""Issue 13, items 11–15: workbooks and forms read as people write them. Identifiers keep what
was typed, every sheet is accounted for, cells without a value say what they hold, text is
normalized at every entry point, coded columns take the Vietnamese words."""

import unicodedata

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from members.models import MSG_CARD, Gender, Member
from organizations.text import clean_line, clean_text
from reports import imports
from reports.imports import HEADERS, workbook_import

from ..members.test_views import valid_member
from .test_imports import messages, the_error, workbook

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

CARD = "Số thẻ đảng viên"


def member_row(card, name="Phạm Văn Một", gender="Nam", cell="C1"):
    return (card, name, "02/01/1985", gender, cell, "03/04/2010", "03/04/2011")


# --- 11. Identifiers keep what was typed --------------------------------------------------------


def test_a_card_typed_as_a_number_is_refused_and_never_makes_a_second_member(tree, tmp_path):
    """0100001234 imported as text; later the same person typed as the number 100001234 (Excel
    dropped the zero): refused with its row and column, not a second member."""
    first = workbook(tmp_path / "text.xlsx", DangVien=[member_row("0100001234")])
    assert workbook_import(file=first, by=None).ok
    second = workbook(tmp_path / "number.xlsx", DangVien=[member_row(100001234)])
    result = workbook_import(file=second, by=None)
    assert the_error(result, "DangVien", 2, CARD) == str(
        imports.MSG_NUMBER_IDENTIFIER % {"value": "100001234"}
    )
    assert Member.objects.count() == 1  # nothing written, and no "a value is required" too
    codes = workbook(
        tmp_path / "codes.xlsx", ToChuc=[(101, "Chi bộ 101", "chi_bo_truc_thuoc", "G1")]
    )
    result = workbook_import(file=codes, by=None)
    assert the_error(result, "ToChuc", 2, "Mã") == str(
        imports.MSG_NUMBER_IDENTIFIER % {"value": "101"}
    )


def test_a_card_in_full_width_digits_is_refused_in_the_form_and_in_the_import(
    login, tree, committee, tmp_path
):
    full_width = "９３０１２３４５６７８"  # what some keyboards type for 93012345678
    response = login(committee).post(
        reverse("members:member_create", args=[tree.g1.pk]),
        valid_member(tree.c2, card_number=full_width),
    )
    assert response.status_code == 200 and str(MSG_CARD) in response.content.decode()
    path = workbook(tmp_path / "fullwidth.xlsx", DangVien=[member_row(full_width)])
    result = workbook_import(file=path, by=None)
    assert the_error(result, "DangVien", 2, CARD) == str(MSG_CARD)
    assert not Member.objects.exists()


# --- 12. Every sheet is accounted for ------------------------------------------------------------


def test_a_sheet_named_with_a_trailing_space_is_read_and_the_others_are_named_as_ignored(
    tree, tmp_path
):
    book = openpyxl.Workbook()
    book.active.title = "Ghi chú"
    sheet = book.create_sheet("DangVien ")  # trailing space, as typed
    sheet.append([f"  {h.upper()} " for h in HEADERS["DangVien"]] + ["Số điện thoại"])
    sheet.append(list(member_row("0100001234")) + ["0912345678"])
    book.create_sheet("tochuc").append([h.lower() for h in HEADERS["ToChuc"]])  # no rows yet
    book.save(tmp_path / "ten.xlsx")

    result = workbook_import(file=tmp_path / "ten.xlsx", by=None)
    assert result.ok, messages(result)
    assert Member.objects.get().card_number == "0100001234"
    assert result.run.ignored == [
        str(imports.MSG_IGNORED_SHEET % {"sheet": "Ghi chú"}),
        str(imports.MSG_IGNORED_COLUMN % {"sheet": "DangVien", "column": "số điện thoại"}),
    ]


# --- 13. Cells that do not hold a value ----------------------------------------------------------


def test_formulas_without_value_errors_and_hidden_rows_say_what_the_cell_holds(tree, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DangVien"
    sheet.append(list(HEADERS["DangVien"]))
    sheet.append(member_row("0100000001", name='=CONCATENATE("Phạm ","Văn")'))  # no value
    sheet.append(member_row("0100000002", gender="#N/A"))
    sheet.append(member_row("0100000003", cell=None))
    sheet.row_dimensions[4].hidden = True
    book.save(tmp_path / "o.xlsx")

    result = workbook_import(file=tmp_path / "o.xlsx", by=None)
    formula = the_error(result, "DangVien", 2, "Họ và tên")
    assert formula == str(imports.MSG_FORMULA_NO_VALUE % {"formula": '=CONCATENATE("Phạm ","Văn")'})
    assert the_error(result, "DangVien", 3, "Giới tính") == str(
        imports.MSG_CELL_ERROR % {"value": "#N/A"}
    )
    hidden = the_error(result, "DangVien", 4, "Mã chi bộ")
    assert hidden == f"{imports.MSG_REQUIRED} {imports.MSG_HIDDEN_ROW}"
    assert not Member.objects.exists()


def test_an_error_on_a_hidden_sheet_says_the_sheet_is_hidden(tree, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DangVien"
    sheet.append(list(HEADERS["DangVien"]))
    sheet.append(member_row("0100000001", gender="Không rõ"))
    sheet.sheet_state = "hidden"
    book.create_sheet("Bìa")
    book.save(tmp_path / "an.xlsx")
    message = the_error(
        workbook_import(file=tmp_path / "an.xlsx", by=None), "DangVien", 2, "Giới tính"
    )
    assert message.endswith(str(imports.MSG_HIDDEN_SHEET))


# --- 14. Text normalized at every entry point --------------------------------------------------


DECOMPOSED = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
HIDDEN = "Nguyễn\u200b Thị\u202e Hằng\ufeff"  # zero-width space, right-to-left override, BOM


def test_clean_text_gives_nfc_without_invisible_characters():
    assert clean_text(DECOMPOSED) == "Nguyễn Thị Hằng" != DECOMPOSED
    assert clean_line(HIDDEN) == "Nguyễn Thị Hằng"
    assert clean_text("dòng 1\ndòng\u00a02") == "dòng 1\ndòng 2"  # line breaks stay


def test_a_name_typed_decomposed_is_stored_nfc_and_found_by_a_decomposed_search(
    login, tree, committee
):
    client = login(committee)
    client.post(
        reverse("members:member_create", args=[tree.g1.pk]),
        valid_member(tree.c2, full_name=DECOMPOSED + "\u200b"),
    )
    member = Member.objects.get()
    assert member.full_name == "Nguyễn Thị Hằng"
    page = client.get(reverse("organizations:unit", args=[tree.c2.pk]), {"q": DECOMPOSED[:8]})
    assert "Nguyễn Thị Hằng" in page.content.decode()


def test_the_import_removes_invisible_characters_so_a_duplicate_cannot_hide(tree, tmp_path):
    path = workbook(
        tmp_path / "an.xlsx",
        DangVien=[member_row("0100000009", name=HIDDEN, cell="C1\u200b")],
    )
    result = workbook_import(file=path, by=None)
    assert result.ok, messages(result)
    member = Member.objects.get()
    assert (member.full_name, member.cell) == ("Nguyễn Thị Hằng", tree.c1)


# --- 15. Coded columns take the Vietnamese words --------------------------------------------------


@override_settings(LOCALE_PATHS=[])  # as if the catalogue were not compiled
def test_nam_nu_kinds_and_level_names_are_read_without_the_translation_catalogue(
    tree, tmp_path, c1_members
):
    with translation.override("vi"):
        assert str(Gender.FEMALE.label) == "Female"  # no catalogue here
        path = workbook(
            tmp_path / "vi.xlsx",
            ToChuc=[("C8", "Chi bộ Thôn 8", "Chi bộ trực thuộc", "G1")],
            DangVien=[member_row("0100000011", gender="nữ"), member_row("0100000012")],
            KetQua=[
                (2017, "dang_vien", "0100000011", "Hoàn thành tốt nhiệm vụ", ""),
                (2017, "dang_vien", "0100000012", "Không phân loại", "moi_ket_nap"),
            ],
        )
        result = workbook_import(file=path, by=None)
    assert result.ok, messages(result)
    assert Member.objects.get(card_number="0100000011").gender == Gender.FEMALE
    assert Member.objects.get(card_number="0100000012").gender == Gender.MALE
    levels = dict(
        Member.objects.filter(card_number__startswith="01000000").values_list(
            "card_number", "assessments__decided_level__code"
        )
    )
    # the 2017 rule set's level read by its Vietnamese name; "Không phân loại" as KPL
    assert levels == {"0100000011": "HTTNV", "0100000012": None}
