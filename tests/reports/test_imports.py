"""Issue 5, imports: a workbook of units, members and past results goes in all or nothing, with
every error placed by sheet, row and column; the command, the web flow and the export that
round-trips through it."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from assessment.models import (
    AssessmentStatus,
    CellState,
    CellYear,
    Decision,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
    PeriodState,
)
from assessment.services import period_create
from members.models import Gender, Member, Transfer
from organizations.models import Kind, Organization
from reports import imports
from reports.exchange import workbook_export
from reports.import_template import SHEET_GUIDE
from reports.imports import HEADERS, MAX_FILE_BYTES, workbook_import
from reports.management.commands.import_workbook import MSG_COUNTS, MSG_DRY_RUN, errors_line
from reports.models import ImportRun

from ..counts import counts_rebuild
from ..factories import MemberFactory, OrganizationFactory

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

UNITS, MEMBERS, RESULTS = "ToChuc", "DangVien", "KetQua"


def workbook(path: Path, headers: dict | None = None, **sheets) -> Path:
    """A real .xlsx file: each keyword is a sheet with its data rows under the exact headers
    (or the headers given for it in `headers`)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list((headers or {}).get(name, HEADERS[name])))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def snapshot() -> dict[str, int]:
    models = (Organization, Member, Transfer, Period, CellYear, GrassrootsYear, MemberAssessment)
    return {model.__name__: model.objects.count() for model in models} | {
        "names": sorted(Organization.objects.values_list("code", "name"))
    }


def messages(result) -> list[str]:
    return [str(error) for error in result.errors]


def the_error(result, sheet, row, column) -> str:
    """The one error at this place; its text names the sheet, the row and the column (in the
    active language: assertions compare with the module's own messages)."""
    found = [e for e in result.errors if (e.sheet, e.row, e.column) == (sheet, row, column)]
    assert len(found) == 1, messages(result)
    text = str(found[0])
    place = {"sheet": sheet, "row": row, "column": column}
    assert text == str(imports.MSG_AT % (place | {"message": found[0].message})), text
    assert text.startswith(str(imports.MSG_AT % (place | {"message": ""}))), text
    return found[0].message


# --- A valid workbook -------------------------------------------------------------------------

VALID_UNITS = [
    # children before their parent: the import sorts them
    ("C9", "Chi bộ Thôn 9", "chi_bo_truc_thuoc", "G9"),
    ("G9", "Đảng bộ xã G9", "Đảng bộ cơ sở", "A"),
    ("C1", "Chi bộ Thôn 1 (đổi tên)", "chi_bo_truc_thuoc", "G1"),
]
VALID_MEMBERS = [
    ("900000001", "Phạm Văn Một", datetime.datetime(1985, 1, 2), "Nam", "C9", "03/04/2010", ""),
    ("900000002", "Lê Thị Hai", "15/06/1990", "Nữ", "C9", datetime.datetime(2015, 5, 1), None),
    ("900000003", "Hoàng Văn Ba", None, "male", "C1", "01/01/2000", "01/01/2001"),
]
VALID_RESULTS = [
    (2025, "to_chuc", "G9", "HTTNV", ""),
    (2025, "to_chuc", "C9", "HTXSNV", ""),
    (2025, "to_chuc", "C1", "KPL", "moi_thanh_lap"),
    (2025, "dang_vien", "900000001", "HTTNV", ""),
    (2025, "dang_vien", "900000002", "KPL", "moi_ket_nap"),
    (2025, "dang_vien", "900000003", "CPL", "om_dau"),
]


def valid_workbook(tmp_path) -> Path:
    return workbook(
        tmp_path / "hop-le.xlsx",
        ToChuc=VALID_UNITS,
        DangVien=VALID_MEMBERS,
        KetQua=VALID_RESULTS,
    )


def test_it_imports_a_valid_workbook(tree, tmp_path):
    result = workbook_import(file=valid_workbook(tmp_path), by=None)

    assert result.ok, messages(result)
    assert result.counts == {
        UNITS: {"created": 2, "updated": 1},
        MEMBERS: {"created": 3, "updated": 0},
        RESULTS: {"created": 6, "updated": 0},
        "periods": {"created": 1, "updated": 0},
    }
    g9 = Organization.objects.get(code="G9")
    c9 = Organization.objects.get(code="C9")
    assert (g9.kind, Organization.objects.get_parent(g9)) == (
        Kind.GRASSROOTS_COMMITTEE,
        tree.district_a,
    )
    assert Organization.objects.get_parent(c9) == g9
    assert Organization.objects.get(code="C1").name == "Chi bộ Thôn 1 (đổi tên)"
    assert Organization.objects.filter(code="C1").count() == 1
    one = Member.objects.get(card_number="900000001")
    assert (one.cell, one.birth_date, one.admission_date, one.gender) == (
        c9,
        datetime.date(1985, 1, 2),
        datetime.date(2010, 4, 3),
        Gender.MALE,
    )
    assert Member.objects.get(card_number="900000002").gender == Gender.FEMALE
    assert Member.objects.get(card_number="900000003").full_membership_date == datetime.date(
        2001, 1, 1
    )

    period = Period.objects.get(year=2025)
    assert period.state == PeriodState.CLOSED
    assert period.rule_set.code == "QD366-2025"
    g9_year = GrassrootsYear.objects.get(period=period, organization=g9)
    assert (g9_year.state, g9_year.decided_level.code) == (CellState.DECIDED, "HTTNV")
    c9_year = CellYear.objects.get(period=period, cell=c9)
    assert (c9_year.state, c9_year.decided_level.code) == (CellState.DECIDED, "HTXSNV")
    c1_year = CellYear.objects.get(period=period, cell=tree.c1)
    assert (c1_year.status, c1_year.reason_code, c1_year.decided_level) == (
        "kpl",
        "moi_thanh_lap",
        None,
    )
    rows = {
        a.member.card_number: (a.cell_year.cell.code, a.status, a.reason_code, a.decided_level)
        for a in MemberAssessment.objects.filter(cell_year__period=period).select_related(
            "member", "cell_year__cell", "decided_level"
        )
    }
    htt = Level.objects.get(rule_set=period.rule_set, code="HTTNV")
    assert rows == {
        "900000001": ("C9", AssessmentStatus.ASSESS, "", htt),
        "900000002": ("C9", AssessmentStatus.NOT_CLASSIFIED, "moi_ket_nap", None),
        "900000003": ("C1", AssessmentStatus.PENDING, "om_dau", None),
    }
    run = result.run
    assert (run.ok, run.dry_run, run.counts, run.errors) == (True, False, result.counts, [])


def test_the_import_is_attributed_in_history(tree, tmp_path, provincial):
    workbook_import(file=valid_workbook(tmp_path), by=provincial)

    g9 = Organization.objects.get(code="G9")
    assert g9.history.first().history_user == provincial
    member = Member.objects.get(card_number="900000001")
    record = member.history.first()
    assert record.history_user == provincial
    assert "hop-le.xlsx" in record.history_change_reason
    assert ImportRun.objects.get().user == provincial


def test_a_dry_run_writes_nothing(tree, tmp_path):
    before = snapshot()

    result = workbook_import(file=valid_workbook(tmp_path), by=None, dry_run=True)

    assert result.ok, messages(result)
    assert result.counts[UNITS] == {"created": 2, "updated": 1}
    assert result.counts[RESULTS] == {"created": 6, "updated": 0}
    assert snapshot() == before
    assert (result.run.dry_run, result.run.ok) == (True, True)


def test_an_existing_code_and_card_are_updated_not_duplicated(tree, tmp_path, c1_members):
    member = c1_members[0]
    path = workbook(
        tmp_path / "cap-nhat.xlsx",
        ToChuc=[("c2", "Chi bộ Thôn 2 mới", "chi_bo_truc_thuoc", "G1")],
        DangVien=[
            (member.card_number, "Tên Mới", "17/05/1980", "Nam", "C2", "26/03/2010", "26/03/2011")
        ],
    )

    result = workbook_import(file=path, by=None)

    assert result.ok, messages(result)
    assert result.counts == {
        UNITS: {"created": 0, "updated": 1},
        MEMBERS: {"created": 0, "updated": 1},
    }
    assert Organization.objects.filter(code__iexact="C2").count() == 1
    assert Organization.objects.get(code="C2").name == "Chi bộ Thôn 2 mới"
    member.refresh_from_db()
    assert (member.full_name, member.cell) == ("Tên Mới", tree.c2)
    transfer = Transfer.objects.get(member=member)  # a move is a transfer (R16)
    assert (transfer.from_cell, transfer.to_cell) == (tree.c1, tree.c2)


def test_results_update_a_closed_year(tree, tmp_path, c1_members):
    period = period_create(year=2025, by=None, state=PeriodState.CLOSED)
    first = workbook(
        tmp_path / "lan-1.xlsx", KetQua=[(2025, "dang_vien", c1_members[0].card_number, "HTNV", "")]
    )
    assert workbook_import(file=first, by=None).ok
    second = workbook(
        tmp_path / "lan-2.xlsx",
        KetQua=[(2025, "dang_vien", c1_members[0].card_number, "HTTNV", "")],
    )

    result = workbook_import(file=second, by=None)

    assert result.counts == {RESULTS: {"created": 0, "updated": 1}}
    assessment = MemberAssessment.objects.get(member=c1_members[0], cell_year__period=period)
    assert assessment.decided_level.code == "HTTNV"
    assert assessment.history.count() == 2  # the earlier result stays in history


# --- Rejections: each names sheet, row and column, and writes nothing -------------------------


def rejected(path, by=None):
    before = snapshot()
    result = workbook_import(file=path, by=by)
    assert not result.ok
    assert snapshot() == before
    assert result.run.ok is False and result.run.errors
    return result


def test_it_rejects_an_unknown_parent(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        ToChuc=[
            ("G9", "Đảng bộ G9", "dang_bo_co_so", "A"),
            ("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "KHONG"),
        ],
    )
    message = the_error(rejected(path), UNITS, 3, "Mã cấp trên")
    assert message == str(imports.MSG_UNKNOWN_UNIT % {"code": "KHONG"})


def test_it_rejects_a_cycle_in_parents(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        ToChuc=[
            ("P1", "Đảng bộ bộ phận 1", "dang_bo_bo_phan", "P2"),
            ("P2", "Đảng bộ bộ phận 2", "dang_bo_bo_phan", "P1"),
            ("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "G1"),
        ],
    )
    result = rejected(path)
    cycle = str(imports.MSG_CYCLE % {"cycle": "P1 → P2 → P1"})
    assert the_error(result, UNITS, 2, "Mã cấp trên") == cycle
    assert the_error(result, UNITS, 3, "Mã cấp trên") == cycle


def test_it_rejects_a_duplicate_code_in_the_file(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        ToChuc=[
            ("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "G1"),
            ("c9", "Chi bộ 9 lần nữa", "chi_bo_truc_thuoc", "G1"),
        ],
    )
    assert the_error(rejected(path), UNITS, 3, "Mã") == str(
        imports.MSG_DUPLICATE_CODE % {"code": "C9", "row": 2}
    )


def test_it_rejects_a_duplicate_card_number_in_the_file(tree, tmp_path):
    row = ("900000001", "Phạm Văn Một", "", "Nam", "C1", "03/04/2010", "")
    path = workbook(tmp_path / "x.xlsx", DangVien=[row, row])
    assert the_error(rejected(path), MEMBERS, 3, "Số thẻ đảng viên") == str(
        imports.MSG_DUPLICATE_CARD % {"card": "900000001", "row": 2}
    )


def test_it_rejects_an_unknown_level_code_for_the_year(tree, tmp_path, c1_members):
    path = workbook(
        tmp_path / "x.xlsx",
        KetQua=[
            (2025, "dang_vien", c1_members[0].card_number, "HTTNV", ""),
            (2025, "dang_vien", c1_members[1].card_number, "TSVM", ""),
        ],
    )
    assert the_error(rejected(path), RESULTS, 3, "Xếp loại") == str(
        imports.MSG_UNKNOWN_LEVEL
        % {
            "value": "TSVM",
            "rule_set": "QD366-2025",
            "choices": "HTXSNV, HTTNV, HTNV, KHTNV, KPL, CPL",
        }
    )


def test_it_rejects_a_bad_date(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        DangVien=[("900000001", "Phạm Văn Một", "31/02/1985", "Nam", "C1", "03/04/2010", "")],
    )
    assert the_error(rejected(path), MEMBERS, 2, "Ngày sinh") == str(
        imports.MSG_BAD_DATE % {"value": "31/02/1985"}
    )


def test_it_rejects_a_missing_header(tree, tmp_path):
    headers = {MEMBERS: [h for h in HEADERS[MEMBERS] if h != "Ngày vào Đảng"]}
    path = workbook(
        tmp_path / "x.xlsx", headers, DangVien=[("900000001", "A", "", "Nam", "C1", "")]
    )
    message = the_error(rejected(path), MEMBERS, 1, "Ngày vào Đảng")
    assert message == str(imports.MSG_MISSING_HEADER)


def test_it_rejects_a_file_that_is_not_a_workbook(tree, tmp_path):
    text_file = tmp_path / "x.xlsx"
    text_file.write_text("Mã;Tên\nC1;Chi bộ\n", encoding="utf-8")
    assert messages(rejected(text_file)) == [str(imports.MSG_NOT_XLSX)]
    import zipfile

    other_zip = tmp_path / "y.xlsx"
    with zipfile.ZipFile(other_zip, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    assert messages(rejected(other_zip)) == [str(imports.MSG_NOT_XLSX)]


def test_it_rejects_an_empty_file(tree, tmp_path):
    empty = tmp_path / "x.xlsx"
    empty.write_bytes(b"")
    assert messages(rejected(empty)) == [str(imports.MSG_EMPTY_FILE)]


def test_it_rejects_a_workbook_without_rows(tree, tmp_path):
    path = workbook(tmp_path / "x.xlsx", ToChuc=[], KetQua=[])
    assert messages(rejected(path)) == [str(imports.MSG_NO_ROWS)]


def test_it_refuses_a_50_mb_file_without_opening_it(tree, tmp_path):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as out:  # sparse: nothing to read, and not a zip either
        out.truncate(MAX_FILE_BYTES)
    result = rejected(big)
    assert len(result.errors) == 1
    size = filesizeformat(MAX_FILE_BYTES)
    assert messages(result) == [str(imports.MSG_TOO_LARGE % {"size": size, "max": size})]
    assert result.run.size == MAX_FILE_BYTES


def test_it_rejects_a_year_without_a_rule_set(tree, tmp_path, c1_members):
    path = workbook(
        tmp_path / "x.xlsx", KetQua=[(2007, "dang_vien", c1_members[0].card_number, "HTTNV", "")]
    )
    assert the_error(rejected(path), RESULTS, 2, "Năm") == str(
        imports.MSG_NO_RULE_SET % {"year": 2007}
    )


def test_it_rejects_results_of_an_open_year(tree, tmp_path, period, c1_members):
    path = workbook(
        tmp_path / "x.xlsx", KetQua=[(2025, "dang_vien", c1_members[0].card_number, "HTTNV", "")]
    )
    assert the_error(rejected(path), RESULTS, 2, "Năm") == str(
        imports.MSG_YEAR_NOT_CLOSED % {"year": 2025}
    )


def test_it_rejects_a_missing_or_wrong_reason(tree, tmp_path, c1_members):
    path = workbook(
        tmp_path / "x.xlsx",
        KetQua=[
            (2025, "dang_vien", c1_members[0].card_number, "KPL", ""),
            (2025, "dang_vien", c1_members[1].card_number, "CPL", "moi_ket_nap"),
            (2025, "dang_vien", c1_members[2].card_number, "KPL", "moi_thanh_lap"),  # units only
            (2025, "to_chuc", "C1", "HTTNV", "om_dau"),
        ],
    )
    result = rejected(path)
    for row in (2, 3, 4, 5):
        the_error(result, RESULTS, row, "Lý do")


def test_it_rejects_a_unit_under_a_parent_of_the_wrong_kind(tree, tmp_path):
    path = workbook(tmp_path / "x.xlsx", ToChuc=[("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "A")])
    the_error(rejected(path), UNITS, 2, "Loại")


def test_it_rejects_a_member_in_a_unit_that_is_not_a_cell(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        DangVien=[("900000001", "Phạm Văn Một", "", "Nam", "G1", "03/04/2010", "")],
    )
    the_error(rejected(path), MEMBERS, 2, "Mã chi bộ")


def test_it_rejects_results_for_unknown_units_and_members(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        KetQua=[
            (2025, "to_chuc", "KHONG", "HTTNV", ""),
            (2025, "dang_vien", "999999999", "HTTNV", ""),
        ],
    )
    result = rejected(path)
    the_error(result, RESULTS, 2, "Mã")
    the_error(result, RESULTS, 3, "Mã")


def test_one_bad_row_keeps_every_good_row_out(tree, tmp_path):
    rows = [*VALID_MEMBERS, ("900000009", "", "", "Nam", "C9", "03/04/2010", "")]
    path = workbook(tmp_path / "x.xlsx", ToChuc=VALID_UNITS, DangVien=rows, KetQua=VALID_RESULTS)
    result = rejected(path)
    the_error(result, MEMBERS, 5, "Họ và tên")
    assert not Organization.objects.filter(code="G9").exists()


def test_it_collects_every_error_in_sheet_order(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        ToChuc=[("C9", "", "khong_ro", "G1")],
        DangVien=[("12", "A", "xx", "Nam", "C1", "03/04/2010", "")],
        KetQua=[("năm", "dang_vien", "12", "HTTNV", "")],
    )
    places = [(e.sheet, e.row, e.column) for e in rejected(path).errors]
    assert places == [
        (UNITS, 2, "Tên"),
        (UNITS, 2, "Loại"),
        (MEMBERS, 2, "Số thẻ đảng viên"),
        (MEMBERS, 2, "Ngày sinh"),
        (RESULTS, 2, "Năm"),
    ]


def test_it_refuses_to_change_a_result_locked_by_a_decision(
    tree, tmp_path, c1_members, administrator
):
    path = workbook(
        tmp_path / "a.xlsx", KetQua=[(2025, "dang_vien", c1_members[0].card_number, "HTNV", "")]
    )
    assert workbook_import(file=path, by=None).ok
    assessment = MemberAssessment.objects.get(member=c1_members[0])
    decision = Decision.objects.create(
        period=assessment.cell_year.period,
        issuer=tree.g1,
        number=1,
        signed_on=datetime.date(2025, 12, 28),
        signer_name="Trần Văn Bí",
        signer_title="Bí thư",
        quota_cap_percent=20,
        issued_by=administrator,
    )
    MemberAssessment.objects.filter(pk=assessment.pk).update(decision=decision)
    same = workbook(
        tmp_path / "b.xlsx", KetQua=[(2025, "dang_vien", c1_members[0].card_number, "HTNV", "")]
    )
    assert workbook_import(file=same, by=None).ok  # the same result again changes nothing
    changed = workbook(
        tmp_path / "c.xlsx", KetQua=[(2025, "dang_vien", c1_members[0].card_number, "HTTNV", "")]
    )
    assert the_error(rejected(changed), RESULTS, 2, "Xếp loại") == str(
        imports.MSG_LOCKED
        % {"code": c1_members[0].card_number, "year": 2025, "decision": str(decision)}
    )


def test_a_provincial_board_imports_only_into_its_province(tree, tmp_path, provincial):
    other = OrganizationFactory(code="Q", name="Tỉnh ủy khác", kind=Kind.PROVINCE)
    other_committee = OrganizationFactory(code="QG", kind=Kind.GRASSROOTS_COMMITTEE, parent=other)
    path = workbook(
        tmp_path / "x.xlsx",
        ToChuc=[
            ("QC9", "Chi bộ tỉnh khác", "chi_bo_truc_thuoc", "QG"),
            ("Q", "Đổi tên tỉnh khác", "tinh_uy", ""),
            ("R", "Tỉnh mới", "tinh_uy", ""),
            ("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "G1"),
        ],
    )
    result = rejected(path, by=provincial)
    the_error(result, UNITS, 2, "Mã cấp trên")
    the_error(result, UNITS, 3, "Mã")
    the_error(result, UNITS, 4, "Mã cấp trên")
    assert len(result.errors) == 3
    assert Organization.objects.get_children_count(other_committee) == 0


# --- The command ------------------------------------------------------------------------------


def test_the_command_imports_and_prints_counts(tree, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", str(valid_workbook(tmp_path)), stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert str(MSG_COUNTS % {"sheet": UNITS, "created": 2, "updated": 1}) in lines
    assert str(MSG_COUNTS % {"sheet": MEMBERS, "created": 3, "updated": 0}) in lines
    assert err.getvalue() == ""
    assert Organization.objects.filter(code="G9").exists()


def test_the_command_dry_run_writes_nothing(tree, tmp_path):
    before, out = snapshot(), io.StringIO()
    call_command("import_workbook", str(valid_workbook(tmp_path)), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert str(MSG_COUNTS % {"sheet": RESULTS, "created": 6, "updated": 0}) in lines
    assert lines[-1] == str(MSG_DRY_RUN)
    assert snapshot() == before


def test_the_command_prints_each_error_and_exits_non_zero(tree, tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        ToChuc=[("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "KHONG")],
        DangVien=[("900000001", "A", "32/01/1980", "Nam", "C1", "03/04/2010", "")],
    )
    before, err = snapshot(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1  # manage.py exits with it
    assert str(failure.value) == errors_line(2)
    first, second = err.getvalue().splitlines()
    assert first == str(
        imports.MSG_AT
        % {
            "sheet": UNITS,
            "row": 2,
            "column": "Mã cấp trên",
            "message": imports.MSG_UNKNOWN_UNIT % {"code": "KHONG"},
        }
    )
    assert second == str(
        imports.MSG_AT
        % {
            "sheet": MEMBERS,
            "row": 2,
            "column": "Ngày sinh",
            "message": imports.MSG_BAD_DATE % {"value": "32/01/1980"},
        }
    )
    assert snapshot() == before


def test_the_command_exits_non_zero_from_the_shell(tree, tmp_path):
    """Through manage.py's own entry point: the exit status is 1."""
    from django.core.management import ManagementUtility

    empty = tmp_path / "x.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["manage.py", "import_workbook", str(empty)]).execute()
    assert exit_status.value.code == 1


# --- The web flow -----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, path):
    with open(path, "rb") as handle:
        return client.post(reverse("reports:import_upload"), {"file": handle})


def test_the_web_flow_checks_then_imports(tree, tmp_path, media, login, provincial):
    client = login(provincial)
    assert client.get(reverse("reports:import_upload")).status_code == 200

    response = upload(client, valid_workbook(tmp_path))

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:import_run", args=[run.pk])
    assert not Organization.objects.filter(code="G9").exists()  # a check writes nothing
    assert (media / "imports" / f"{run.pk}.xlsx").exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="import-confirm"' in page.content
    assert b'data-testid="import-counts"' in page.content

    confirmed = client.post(reverse("reports:import_confirm", args=[run.pk]))

    assert confirmed.status_code == 302
    real = ImportRun.objects.get(confirms=run)
    assert confirmed["Location"] == reverse("reports:import_run", args=[real.pk])
    assert (real.ok, real.dry_run, real.user) == (True, False, provincial)
    assert Organization.objects.filter(code="G9").exists()
    assert Member.objects.filter(card_number="900000001").exists()
    assert not (media / "imports" / f"{run.pk}.xlsx").exists()
    # A second click imports nothing more.
    again = client.post(reverse("reports:import_confirm", args=[run.pk]))
    assert again.status_code == 302
    assert ImportRun.objects.filter(confirms=run).count() == 1


def test_the_dry_run_page_lists_every_error(tree, tmp_path, media, login, administrator):
    client = login(administrator)
    path = workbook(
        tmp_path / "loi.xlsx",
        ToChuc=[("C9", "Chi bộ 9", "chi_bo_truc_thuoc", "KHONG")],
        DangVien=[("900000001", "A", "32/01/1980", "Nam", "C1", "03/04/2010", "")],
    )

    response = upload(client, path)

    run = ImportRun.objects.get()
    page = client.get(response["Location"])
    content = page.content.decode()
    assert 'data-testid="import-errors"' in content
    assert "Mã cấp trên" in content and "Ngày sinh" in content and "KHONG" in content
    assert 'data-testid="import-confirm"' not in content
    assert not (media / "imports" / f"{run.pk}.xlsx").exists()  # nothing to confirm, nothing kept
    refused = client.post(reverse("reports:import_confirm", args=[run.pk]))
    assert refused.status_code == 302
    assert not ImportRun.objects.filter(confirms=run).exists()


def test_an_empty_upload_is_reported_by_the_import(tree, tmp_path, media, login, provincial):
    client = login(provincial)
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    response = upload(client, empty)
    assert response.status_code == 302
    assert ImportRun.objects.get().errors == [
        {"sheet": "", "row": None, "column": "", "message": str(imports.MSG_EMPTY_FILE)}
    ]


def test_the_template_has_the_sheets_headers_and_codes(tree, login, provincial):
    response = login(provincial).get(reverse("reports:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [UNITS, MEMBERS, RESULTS, SHEET_GUIDE]
    for name, headers in HEADERS.items():
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0] == headers
        assert len(rows) >= 2  # example rows
    guide = {row[1] for row in book[SHEET_GUIDE].iter_rows(values_only=True)}
    expected = {k.value for k in Kind} | {"HTTNV", "HTNV", "KPL", "CPL"}
    expected |= {"mien_sinh_hoat", "dinh_chi", "moi_ket_nap", "chuyen_tam_thoi", "moi_thanh_lap"}
    expected |= {"om_dau", "di_xa", "xem_xet_ky_luat", "khac", "to_chuc", "dang_vien"}
    assert expected <= guide


def test_the_template_passes_its_own_check_as_it_stands(tree, login, provincial, tmp_path):
    """Its example rows import: a committee under the province, its cell, a member, and the
    member's result for a past year with no assessment year yet."""
    path = tmp_path / "mau.xlsx"
    path.write_bytes(login(provincial).get(reverse("reports:import_template")).content)
    with open(path, "rb") as handle:
        result = imports.workbook_import(file=handle, by=provincial, dry_run=True)
    assert result.errors == []
    assert result.counts["KetQua"]["created"] == 1


# --- Who may import ---------------------------------------------------------------------------


@pytest.fixture
def runs(tree, provincial, administrator):
    """A dry run of the provincial board's, and one of the administrator's."""
    own = ImportRun.objects.create(user=provincial, file_name="a.xlsx", dry_run=True, ok=True)
    others = ImportRun.objects.create(user=administrator, file_name="b.xlsx", dry_run=True, ok=True)
    return own, others


def test_anonymous_is_sent_to_login(client, runs):
    own, _ = runs
    for url in (
        reverse("reports:import_upload"),
        reverse("reports:import_template"),
        reverse("reports:import_run", args=[own.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(reverse("reports:import_confirm", args=[own.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["secretary", "committee", "district_board", "outsider_board"])
def test_lower_levels_may_not_import(request, login, runs, role, tmp_path, media):
    client = login(request.getfixturevalue(role))
    own, _ = runs
    assert client.get(reverse("reports:import_upload")).status_code == 403
    assert client.get(reverse("reports:import_template")).status_code == 403
    assert upload(client, valid_workbook(tmp_path)).status_code == 403
    assert client.get(reverse("reports:import_run", args=[own.pk])).status_code == 404
    assert client.post(reverse("reports:import_confirm", args=[own.pk])).status_code == 404
    assert ImportRun.objects.count() == 2


def test_a_member_may_not_import(login, alice_member, runs):
    client = login(alice_member.user)
    assert client.get(reverse("reports:import_upload")).status_code == 403


def test_the_provincial_board_and_the_administrator_may_import(
    login, runs, provincial, administrator
):
    own, others = runs
    for user in (provincial, administrator):
        client = login(user)
        assert client.get(reverse("reports:import_upload")).status_code == 200
        assert client.get(reverse("reports:import_template")).status_code == 200
        assert client.get(reverse("reports:import_run", args=[own.pk])).status_code == 200
    # Someone else's run is not the provincial board's to see; the administrator sees all.
    assert login(provincial).get(reverse("reports:import_run", args=[others.pk])).status_code == 404
    assert (
        login(administrator).get(reverse("reports:import_run", args=[others.pk])).status_code == 200
    )


def test_the_run_page_only_takes_get_and_confirm_only_post(login, runs, provincial):
    own, _ = runs
    client = login(provincial)
    assert client.post(reverse("reports:import_run", args=[own.pk])).status_code == 405
    assert client.get(reverse("reports:import_confirm", args=[own.pk])).status_code == 405
    assert client.post(reverse("reports:import_template")).status_code == 405


def test_a_kept_file_is_named_by_the_run_id(runs, media):
    own, _ = runs
    assert imports.kept_file_path(own) == Path(media) / "imports" / f"{own.pk}.xlsx"


# --- Export, and the round trip ---------------------------------------------------------------


def test_the_export_writes_formula_like_text_as_text(tree, tmp_path):
    tree.c2.name = '=HYPERLINK("http://x")'
    tree.c2.save()
    MemberFactory(cell=tree.c2, full_name="+Nguyễn Văn Cộng")

    book = openpyxl.load_workbook(io.BytesIO(workbook_export(unit=tree.province, year=2025)))

    names = {c.value: c for c in book[UNITS]["B"]} | {c.value: c for c in book[MEMBERS]["B"]}
    for text in ('=HYPERLINK("http://x")', "+Nguyễn Văn Cộng"):
        assert names[text].data_type == "s"
        assert names[text].quotePrefix


def _results_tree(tree):
    """A closed 2025 with final results for every unit and member, as the process leaves them."""
    period = period_create(year=2025, by=None, state=PeriodState.CLOSED)
    levels = {lv.code: lv for lv in period.rule_set.levels.all()}
    c1_members = MemberFactory.create_batch(3, cell=tree.c1)
    c3_members = MemberFactory.create_batch(2, cell=tree.c3)
    gc_member = MemberFactory(cell=tree.gc, birth_date=None, full_membership_date=None)
    for unit, level in ((tree.g1, "HTXSNV"), (tree.g2, "HTNV"), (tree.gc, "HTTNV")):
        GrassrootsYear.objects.create(
            period=period, organization=unit, state=CellState.DECIDED, decided_level=levels[level]
        )
    GrassrootsYear.objects.create(
        period=period,
        organization=tree.district_b,
        state=CellState.DECIDED,
        decided_level=levels["HTTNV"],
    )
    cell_years = {}
    for cell, level in ((tree.c1, "HTTNV"), (tree.c2, None), (tree.c3, "KHTNV"), (tree.gc, None)):
        cell_years[cell.pk] = CellYear.objects.create(
            period=period,
            cell=cell,
            state=CellState.DECIDED,
            decided_level=levels.get(level),
            status="kpl" if cell == tree.c2 else "assess",
            reason_code="moi_thanh_lap" if cell == tree.c2 else "",
        )
    for member, status, reason, level in (
        (c1_members[0], "assess", "", "HTXSNV"),
        (c1_members[1], "assess", "", "HTTNV"),
        (c1_members[2], "kpl", "dinh_chi", None),
        (c3_members[0], "cpl", "di_xa", None),
        (c3_members[1], "assess", "", "HTNV"),
        (gc_member, "assess", "", "KHTNV"),
    ):
        MemberAssessment.objects.create(
            cell_year=cell_years[member.cell_id],
            member=member,
            status=status,
            reason_code=reason,
            decided_level=levels.get(level),
        )
    counts_rebuild()  # rows written directly, as an import would
    return period


def _sheet_values(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def _delete_everything() -> None:
    MemberAssessment.objects.all().delete()
    CellYear.objects.all().delete()
    GrassrootsYear.objects.all().delete()
    Period.objects.all().delete()
    Transfer.objects.all().delete()
    Member.objects.all().delete()
    Organization.objects.all().delete()


def test_export_then_import_into_an_empty_database_round_trips(tree, tmp_path):
    from reports.summary import summary_json

    period = _results_tree(tree)
    before = summary_json(tree.province, period)
    exported = workbook_export(unit=tree.province, year=2025)
    path = tmp_path / "xuat.xlsx"
    path.write_bytes(exported)
    _delete_everything()

    result = workbook_import(file=path, by=None)

    assert result.ok, messages(result)
    province = Organization.objects.get(code="P")
    after = summary_json(province, Period.objects.get(year=2025))
    assert after == before
    assert before["sections"]["members"]["total"] == 6  # the comparison is not of empty tables
    assert _sheet_values(workbook_export(unit=province, year=2025)) == _sheet_values(exported)


def test_a_subtree_export_imports_under_its_parent_elsewhere(tree, tmp_path):
    """A district's export names its province as the parent of its top unit; imported where
    that province exists, the district lands under it."""
    from reports.summary import summary_json

    period = _results_tree(tree)
    before = summary_json(tree.district_b, period)
    path = tmp_path / "huyen-b.xlsx"
    path.write_bytes(workbook_export(unit=tree.district_b, year=2025))
    MemberAssessment.objects.filter(cell_year__cell__path__startswith=tree.district_b.path).delete()
    CellYear.objects.filter(cell__path__startswith=tree.district_b.path).delete()
    GrassrootsYear.objects.filter(organization__path__startswith=tree.district_b.path).delete()
    Member.objects.filter(cell__path__startswith=tree.district_b.path).delete()
    Organization.objects.filter(pk=tree.district_b.pk).delete()
    counts_rebuild()  # rows deleted directly: the province's subtree counts follow

    result = workbook_import(file=path, by=None)

    assert result.ok, messages(result)
    district = Organization.objects.get(code="B")
    assert Organization.objects.get_parent(district) == tree.province
    assert summary_json(district, period) == before


# --- The audit --------------------------------------------------------------------------------


def test_the_audit_finds_runs_by_error_text(tree, tmp_path, login, administrator):
    bad = workbook(
        tmp_path / "sai.xlsx",
        DangVien=[("900000001", "A", "32/01/1980", "Nam", "C1", "03/04/2010", "")],
    )
    workbook_import(file=bad, by=administrator)
    workbook_import(file=valid_workbook(tmp_path), by=administrator, dry_run=True)
    client = login(administrator)

    found = client.get(reverse("admin:reports_importrun_changelist"), {"q": "32/01/1980"})

    assert found.status_code == 200
    assert b"sai.xlsx" in found.content and b"hop-le.xlsx" not in found.content
    run = ImportRun.objects.get(file_name="sai.xlsx")
    page = client.get(reverse("admin:reports_importrun_change", args=[run.pk]))
    assert page.status_code == 200
