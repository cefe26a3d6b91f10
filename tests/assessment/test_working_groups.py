"""Issue 15 item 7: a superior committee's working groups, the units they guide, who attended
each review meeting and what they concluded; the units still without an attendee."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment.cell_year import Conflict
from assessment.models import PeriodState, WorkingGroupUnit
from assessment.working_groups import (
    attendance_record,
    parse_officials,
    units_without_attendee,
    working_group_save,
)

from ..factories import OrganizationFactory

pytestmark = pytest.mark.django_db

OFFICIALS = [("Nguyễn Văn An", "Phó Bí thư Huyện ủy"), ("Trần Thị Bình", "Trưởng Ban Tổ chức")]


def group_for(period, tree, by, units, name="Tổ công tác số 1"):
    return working_group_save(
        superior=tree.district_a, period=period, name=name, officials=OFFICIALS, units=units, by=by
    )


def test_officials_are_read_one_a_line_with_their_title():
    assert parse_officials("Nguyễn Văn An — Phó Bí thư\n\n  Lê  Cường , Ủy viên\nHà Dung\n") == [
        ("Nguyễn Văn An", "Phó Bí thư"),
        ("Lê Cường", "Ủy viên"),
        ("Hà Dung", ""),
    ]
    with pytest.raises(ValidationError) as error:
        parse_officials("A — B\n — chỉ có chức vụ")
    assert "2" in error.value.messages[0]


def test_a_board_forms_a_group_and_records_the_attendee_and_conclusion(
    period, tree, district_board
):
    group = group_for(period, tree, district_board, [tree.g1])
    assert [o.full_name for o in group.officials.all()] == ["Nguyễn Văn An", "Trần Thị Bình"]
    row = group.units.get()
    assert list(units_without_attendee(tree.district_a, period)) == [tree.g1]
    official = group.officials.first()
    row = attendance_record(
        row=row,
        version=row.version,
        attendee=official,
        meeting_on=datetime.date(2025, 12, 15),
        conclusion="Hội nghị nghiêm túc, đúng quy trình.",
        by=district_board,
    )
    assert row.version == 2
    assert list(units_without_attendee(tree.district_a, period)) == []
    # District B's grassroots committee G2 and grassroots cell GC have no group
    assert list(units_without_attendee(tree.province, period)) == [tree.g2, tree.gc]
    last = row.history.first()
    assert last.history_user == district_board and last.attendee_id == official.pk
    again = attendance_record(
        row=row,
        version=row.version,
        attendee=official,
        meeting_on=datetime.date(2025, 12, 15),
        conclusion="Hội nghị nghiêm túc, đúng quy trình.",
        by=district_board,
    )
    assert again.version == 2 and row.history.count() == 2  # unchanged: not written


def test_a_stale_row_is_a_conflict(period, tree, district_board):
    row = group_for(period, tree, district_board, [tree.g1]).units.get()
    official = row.group.officials.first()
    attendance_record(
        row=row, version=1, attendee=official, meeting_on=None, conclusion="A", by=None
    )
    with pytest.raises(Conflict):
        attendance_record(
            row=row, version=1, attendee=None, meeting_on=None, conclusion="B", by=None
        )
    assert WorkingGroupUnit.objects.get().conclusion == "A"


def test_it_refuses_what_does_not_belong(period, tree, district_board):
    group = group_for(period, tree, district_board, [tree.g1])
    # G2 is decided by district B; a cell is not decided by a superior committee.
    for unit in (tree.g2, tree.c1):
        with pytest.raises(ValidationError) as error:
            group_for(period, tree, district_board, [unit], name="Tổ 2")
        assert unit.name in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        group_for(period, tree, district_board, [tree.g1], name="Tổ 2")
    assert error.value.code == "taken" and "Tổ công tác số 1" in error.value.messages[0]
    with pytest.raises(ValidationError):
        group_for(period, tree, district_board, [], name="Tổ công tác số 1")  # name taken
    other = group_for(period, tree, district_board, [], name="Tổ 3")
    row = group.units.get()
    with pytest.raises(ValidationError) as error:
        attendance_record(
            row=row,
            version=row.version,
            attendee=other.officials.first(),
            meeting_on=None,
            conclusion="",
            by=None,
        )
    assert "attendee" in error.value.message_dict


def test_changing_a_group_keeps_attended_units_and_its_version(period, tree, district_board):
    g3 = OrganizationFactory(
        code="G3", name="Đảng bộ xã G3", kind="dang_bo_co_so", parent=tree.district_a
    )
    group = group_for(period, tree, district_board, [tree.g1, g3])
    row = group.units.get(unit=tree.g1)
    attendance_record(
        row=row,
        version=1,
        attendee=group.officials.first(),
        meeting_on=None,
        conclusion="Đạt",
        by=None,
    )
    with pytest.raises(ValidationError) as error:
        working_group_save(
            superior=tree.district_a,
            period=period,
            name=group.name,
            officials=OFFICIALS,
            units=[g3],
            by=district_board,
            group=group,
            version=group.version,
        )
    assert error.value.code == "attended"
    changed = working_group_save(
        superior=tree.district_a,
        period=period,
        name="Tổ công tác số 1 (bổ sung)",
        officials=[*OFFICIALS, ("Lê Văn Cường", "Ủy viên")],
        units=[tree.g1],
        by=district_board,
        group=group,
        version=group.version,
    )
    assert changed.version == 2 and changed.officials.count() == 3
    assert list(changed.units.values_list("unit__code", flat=True)) == ["G1"]
    assert changed.units.get().attendee is not None  # the attendee kept their row
    with pytest.raises(Conflict):
        working_group_save(
            superior=tree.district_a,
            period=period,
            name="X",
            officials=OFFICIALS,
            units=[],
            by=None,
            group=group,
            version=1,
        )


def test_a_closed_year_keeps_its_groups(period, tree, district_board):
    group = group_for(period, tree, district_board, [tree.g1])
    type(period).objects.filter(pk=period.pk).update(state=PeriodState.CLOSED)
    period.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        group_for(period, tree, district_board, [], name="Tổ mới")
    assert error.value.code == "closed"
    row = group.units.get()
    with pytest.raises(ValidationError):
        attendance_record(
            row=row, version=1, attendee=None, meeting_on=None, conclusion="x", by=None
        )
