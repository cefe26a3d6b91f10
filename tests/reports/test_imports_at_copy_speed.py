"""Issue 18 item 2: the import reads with python-calamine behind caps on shared strings, rows
and columns, checks rows with plain functions, and writes new members and results set-wise
(COPY on PostgreSQL, executemany elsewhere) with their history and audit rows."""

import datetime
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from assessment.models import MemberAssessment
from members.models import Member
from organizations import bulk
from organizations.models import AuditAction, AuditEvent
from reports import imports
from reports.imports import workbook_import

from ..counts import assert_counts_agree
from .test_imports import VALID_MEMBERS, VALID_RESULTS, VALID_UNITS, messages, workbook

pytestmark = pytest.mark.django_db


def only_file_error(result) -> str:
    assert [e.sheet for e in result.errors] == [""], messages(result)
    return result.errors[0].message


# --- Caps, checked on the package before calamine reads it -------------------------------------


def test_too_many_shared_strings_are_refused_before_reading(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "MAX_SHARED_STRINGS", 5)
    path = tmp_path / "strings.xlsx"
    with xlsxwriter.Workbook(path) as book:  # as Excel, texts go to the shared strings
        sheet = book.add_worksheet("DangVien")
        sheet.write_row(0, 0, imports.HEADERS["DangVien"])
        for i in range(3):
            row = [f"90000000{i}", f"Tên {i}", "02/01/1985", "Nam", "C1", "03/04/2010"]
            sheet.write_row(i + 1, 0, row)
    with zipfile.ZipFile(path) as package:
        assert "xl/sharedStrings.xml" in package.namelist()

    message = only_file_error(workbook_import(file=path, by=None))

    assert message.startswith(str(imports.MSG_TOO_MANY_STRINGS).split("%")[0])
    assert "5" in message
    assert Member.objects.filter(card_number__startswith="90000000").count() == 0


def test_shared_strings_larger_than_the_cap_are_refused_on_their_size(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "MAX_SHARED_STRINGS_BYTES", 100)
    path = tmp_path / "strings.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("DangVien").write_row(0, 0, imports.HEADERS["DangVien"])

    message = only_file_error(workbook_import(file=path, by=None))

    assert message.startswith(str(imports.MSG_TOO_MANY_STRINGS).split("%")[0])


def test_a_cell_far_to_the_right_is_refused_before_reading(tree, tmp_path):
    path = workbook(tmp_path / "wide.xlsx", DangVien=[])
    book = openpyxl.load_workbook(path)
    book["DangVien"]["CZ2"] = "x"  # column 104
    book.save(path)

    message = only_file_error(workbook_import(file=path, by=None))

    assert message == str(
        imports.MSG_TOO_MANY_COLUMNS
        % {"sheet": "DangVien", "column": "CZ", "max": imports.MAX_COLUMNS}
    )


def test_a_cell_far_below_is_refused_before_reading(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    path = workbook(tmp_path / "long.xlsx", DangVien=[])
    book = openpyxl.load_workbook(path)
    book["DangVien"]["A60"] = "x"
    book.save(path)

    message = only_file_error(workbook_import(file=path, by=None))

    assert message == str(imports.MSG_TOO_MANY_ROWS % {"sheet": "DangVien", "max": "50"})


def test_a_sheet_spanning_too_many_cells_is_refused(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "MAX_CELLS", 100)
    path = workbook(tmp_path / "area.xlsx", DangVien=[])
    book = openpyxl.load_workbook(path)
    book["DangVien"]["A30"] = "x"  # 30 rows × 7 columns
    book.save(path)

    message = only_file_error(workbook_import(file=path, by=None))

    assert message == str(
        imports.MSG_TOO_MANY_CELLS % {"sheet": "DangVien", "rows": "30", "columns": 7, "max": "100"}
    )


# --- Reading ---------------------------------------------------------------------------------


def test_errors_keep_their_excel_place_when_column_a_is_empty(tree, tmp_path):
    """calamine's range starts at the first filled cell: the rows and columns are placed as
    Excel shows them all the same."""
    path = tmp_path / "shifted.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DangVien"
    sheet.append([None, *imports.HEADERS["DangVien"]])
    sheet.append([None, "900000011", "Phạm Văn Một", "02/01/1985", "Nam", "C1", "03/04/2010"])
    sheet.append([None, "900000012", "Lê Thị Hai", "31/02/1985", "Nữ", "C1", "03/04/2010"])
    book.save(path)

    result = workbook_import(file=path, by=None)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("DangVien", 3, imports.COL_BIRTH)
    ], messages(result)


def test_dates_typed_as_text_are_read_as_strptime_read_them(tree, tmp_path):
    for text, expected in (("1/2/2010", datetime.date(2010, 2, 1)), ("03/04/2010", None)):
        assert imports._date(text) == (expected or datetime.date(2010, 4, 3))
    for bad in ("2010-02-01", "1/2/10", "32/01/2010", "1/2/2010/5", "a/b/cdef"):
        with pytest.raises(ValueError):
            imports._date(bad)


# --- Writing set-wise, with history and audit ------------------------------------------------


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "executemany"])
def test_new_members_and_results_get_history_and_audit_rows(
    tree, tmp_path, monkeypatch, provincial, copy
):
    monkeypatch.setattr(bulk, "uses_copy", lambda: copy)
    path = workbook(
        tmp_path / "valid.xlsx", ToChuc=VALID_UNITS, DangVien=VALID_MEMBERS, KetQua=VALID_RESULTS
    )

    result = workbook_import(file=path, by=provincial)

    assert result.ok, messages(result)
    reason = str(imports.MSG_IMPORT_REASON % {"name": "valid.xlsx"})
    for card, name, *_rest in VALID_MEMBERS:
        member = Member.objects.get(card_number=card)
        assert member.full_name == name
        (created,) = member.history.all()
        assert (created.history_type, created.history_user, created.history_change_reason) == (
            "+",
            provincial,
            reason,
        )
        assert created.cell_id == member.cell_id and created.full_name == name
        event = AuditEvent.objects.get(
            object_type=str(Member._meta.verbose_name), object_id=str(member.pk)
        )
        assert (event.action, event.actor, event.reason) == (AuditAction.CREATE, provincial, reason)
        assert event.object_repr == str(member)
        assert event.unit_path == member.cell.path
        result_row = MemberAssessment.objects.get(member=member)
        assert result_row.status_overridden and result_row.status_note == reason
        assert result_row.history.get().history_type == "+"
        event = AuditEvent.objects.get(
            object_type=str(MemberAssessment._meta.verbose_name), object_id=str(result_row.pk)
        )
        assert event.object_repr == str(result_row)
        assert event.unit_path == result_row.cell_year.cell.path
    assert_counts_agree()  # the summary's kept counts follow the set-wise writes


def test_a_member_added_meanwhile_leaves_nothing_written(tree, tmp_path, monkeypatch):
    """All or nothing: a card inserted by someone else between the check and the write fails
    the set-wise insert, and the transaction leaves no member, history or audit row."""
    path = workbook(tmp_path / "race.xlsx", DangVien=VALID_MEMBERS[2:])
    real = imports._write_members

    def racing(plan, *args, **kwargs):
        Member.objects.create(
            card_number="900000003",
            full_name="Người khác",
            gender="male",
            cell=tree.c1,
            admission_date=datetime.date(2000, 1, 1),
        )
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(imports, "_write_members", racing)
    members = AuditEvent.objects.filter(object_type=str(Member._meta.verbose_name))
    events = members.count()

    result = workbook_import(file=path, by=None)

    assert [e.message for e in result.errors] == [str(imports.MSG_CHANGED_MEANWHILE)]
    assert not Member.objects.filter(card_number="900000003").exists()
    assert not Member.history.filter(card_number="900000003").exists()
    assert members.count() == events


# --- The demo's SQLite: the executemany path, end to end --------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def test_the_sqlite_demo_imports_members_and_results_with_history_and_audit(tmp_path):
    """`make demo` runs on SQLite: no COPY there, the staging table is filled by executemany;
    the command imports a unit tree, 300 members and their 2024 results, each with its history
    and audit."""
    database = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("TEST_DATABASE_URL", None)

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "-v0")
    cards = [f"95{i:07d}" for i in range(300)]
    path = workbook(
        tmp_path / "demo.xlsx",
        ToChuc=[
            ("T95", "Tỉnh ủy Demo", "tinh_uy", ""),
            ("G95", "Đảng bộ xã Demo", "dang_bo_co_so", "T95"),
            ("C95", "Chi bộ thôn Demo", "chi_bo_truc_thuoc", "G95"),
        ],
        DangVien=[
            (card, f"Đảng viên {i}", "02/01/1985", "Nữ", "C95", "03/04/2010", "")
            for i, card in enumerate(cards)
        ],
        KetQua=[(2024, "dang_vien", card, "HTTNV", "") for card in cards],
    )

    manage("import_workbook", str(path))

    with sqlite3.connect(database) as db:
        count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT COUNT(*) FROM members_member WHERE card_number LIKE '95%'") == 300
        assert (
            count(
                "SELECT COUNT(*) FROM members_historicalmember "
                "WHERE card_number LIKE '95%' AND history_type = '+'"
            )
            == 300
        )
        assert (
            count(
                "SELECT COUNT(*) FROM assessment_memberassessment a JOIN members_member m "
                "ON m.id = a.member_id WHERE m.card_number LIKE '95%' AND a.status_overridden"
            )
            == 300
        )
        assert (
            count(
                "SELECT COUNT(*) FROM organizations_auditevent WHERE action = 'create' "
                "AND object_repr LIKE 'Đảng viên %'"
            )
            == 600  # each member and each of their results
        )
