"""Issue 16: the cell's meetings, attendance, quality rules (Hướng dẫn 12-HD/BTCTW), the
Statute's three months, and the committee's inspection (R21)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import meetings
from assessment.cell_year import Conflict
from assessment.models import (
    AbsenceReason,
    CellMeeting,
    CellMeetingAttendance,
    CellMeetingKind,
    Period,
    PeriodState,
)
from members.models import StatusKind, StatusPeriod
from tests.factories import MemberFactory

D = datetime.date


def all_criteria(year=2025):
    return {
        code: True for code, _label in meetings.criteria_labels(meetings.meeting_rules_for(year))
    }


def meet(cell, day, absences=None, *, by=None, kind=CellMeetingKind.REGULAR, **details):
    details.setdefault("duration_minutes", 120)
    details.setdefault("criteria", all_criteria(day.year))
    return meetings.cell_meeting_record(
        cell=cell, kind=kind, held_on=day, absences=absences or {}, by=by, **details
    )


def counted(meeting):
    return meetings.with_counts(CellMeeting.objects.filter(pk=meeting.pk)).get()


@pytest.fixture
def cell20(tree, period):
    return MemberFactory.create_batch(20, cell=tree.c1)


def test_it_records_everyone_present_but_the_absent_with_their_reasons(tree, cell20, secretary):
    absent = {cell20[0].pk: AbsenceReason.ILL, cell20[1].pk: AbsenceReason.UNEXCUSED}
    meeting = meet(tree.c1, D(2025, 3, 10), absent, by=secretary, chair="Bí thư")
    rows = {a.member_id: a for a in meeting.attendance_rows.all()}
    assert len(rows) == 20
    assert sum(a.present for a in rows.values()) == 18
    assert rows[cell20[0].pk].absence_reason == "ill"
    assert not rows[cell20[1].pk].present
    # attributable: the meeting and every attendance row have a history row naming the secretary
    assert meeting.history.get().history_user == secretary
    assert CellMeetingAttendance.history.filter(history_user=secretary).count() == 20


def test_the_roster_leaves_out_the_exempted_and_takes_in_guests(tree, cell20):
    exempted, away = cell20[0], cell20[1]
    StatusPeriod.objects.create(
        member=exempted, kind=StatusKind.EXEMPTION, start=D(2025, 1, 1), reason="tuổi cao"
    )
    StatusPeriod.objects.create(
        member=away,
        kind=StatusKind.TEMPORARY_TRANSFER,
        start=D(2025, 1, 1),
        reason="công tác",
        host_unit=tree.c2.code,
    )
    roster = meetings.meeting_roster(cell=tree.c1, day=D(2025, 4, 5))
    assert {e.member.pk for e in roster} == {m.pk for m in cell20[2:]}
    # the member temporarily active in C2 is on C2's roster, as a guest
    MemberFactory.create_batch(2, cell=tree.c2)
    host = meetings.meeting_roster(cell=tree.c2, day=D(2025, 4, 5))
    assert [e.member for e in host if e.guest] == [away]
    meet(tree.c2, D(2025, 4, 5), {away.pk: AbsenceReason.UNEXCUSED})
    # …and the official cell sees it in the member's year
    assert meetings.attendance_by_member(members=[away.pk], year=2025)[away.pk].unexcused == 1


@pytest.mark.parametrize(
    "case",
    ["future", "second_regular", "not_on_roster", "bad_reason", "closed_year", "bad_criterion"],
)
def test_it_refuses_bad_meetings_and_writes_nothing(tree, cell20, c3_member, case):
    day, absences, details = D(2025, 5, 6), {}, {}
    if case == "future":
        day = datetime.date.today() + datetime.timedelta(days=1)
    elif case == "second_regular":
        meet(tree.c1, D(2025, 5, 2))
    elif case == "not_on_roster":
        absences = {c3_member.pk: AbsenceReason.EXCUSED}
    elif case == "bad_reason":
        absences = {cell20[0].pk: "lazy"}
    elif case == "closed_year":
        Period.objects.filter(year=2025).update(state=PeriodState.CLOSED)
    elif case == "bad_criterion":
        details["criteria"] = {"free_lunch": True}
    before = CellMeeting.objects.count(), CellMeetingAttendance.objects.count()
    with pytest.raises(ValidationError) as error:
        meet(tree.c1, day, absences, **details)
    assert error.value.message_dict
    assert (CellMeeting.objects.count(), CellMeetingAttendance.objects.count()) == before


def test_a_thematic_meeting_may_share_the_month(tree, cell20):
    meet(tree.c1, D(2025, 6, 2))
    meet(tree.c1, D(2025, 6, 20), kind=CellMeetingKind.THEMATIC)
    assert CellMeeting.objects.filter(cell=tree.c1).count() == 2


def test_an_update_changes_attendance_and_refuses_a_stale_version(tree, cell20, secretary):
    meeting = meet(tree.c1, D(2025, 7, 7))
    updated = meetings.cell_meeting_update(
        meeting=meeting,
        version=1,
        absences={cell20[3].pk: AbsenceReason.FAR_AWAY},
        by=secretary,
        chair="Phó bí thư",
        criteria=all_criteria(),
        duration_minutes=90,
    )
    assert updated.version == 2 and updated.chair == "Phó bí thư"
    row = CellMeetingAttendance.objects.get(meeting=meeting, member=cell20[3])
    assert (row.present, row.absence_reason) == (False, "far_away")
    # only the changed row got a new history row
    assert CellMeetingAttendance.history.filter(history_type="~").count() == 1
    with pytest.raises(Conflict):
        meetings.cell_meeting_update(meeting=meeting, version=1, absences={}, by=secretary)


# --- Quality: one test per rule of Hướng dẫn 12 -------------------------------------------------


def quality(meeting):
    rules = meetings.meeting_rules_for(meeting.held_on.year)
    row = counted(meeting)
    [figures] = meetings.meeting_figures(year=meeting.held_on.year, cells=[meeting.cell_id])
    result = meetings.meeting_quality(row, rules)
    assert result.meets == (figures.quality == 1)  # the page and the reports judge alike
    return result


def failing(result):
    return [c.code for c in result.checks if not c.ok]


def test_a_meeting_with_everything_meets_quality(tree, cell20):
    result = quality(meet(tree.c1, D(2025, 1, 8), {cell20[0].pk: AbsenceReason.ILL}))
    assert result.meets and result.rate == meetings.percent(19, 20)


def test_attendance_must_exceed_85_percent(tree, cell20):
    # 17 of 20 is exactly 85 %: not above it
    absent = {m.pk: AbsenceReason.EXCUSED for m in cell20[:3]}
    result = quality(meet(tree.c1, D(2025, 1, 8), absent))
    assert failing(result) == ["attendance"] and str(result.rate) == "85.00"


def test_an_unexcused_absence_fails_the_meeting(tree, cell20):
    result = quality(meet(tree.c1, D(2025, 1, 8), {cell20[0].pk: AbsenceReason.UNEXCUSED}))
    assert failing(result) == ["unexcused"]


def test_a_meeting_shorter_than_90_minutes_fails(tree, cell20):
    result = quality(meet(tree.c1, D(2025, 1, 8), duration_minutes=60))
    assert failing(result) == ["duration"]


@pytest.mark.parametrize(
    "code",
    [
        c["code"]
        for c in __import__("json").load(open("fixtures/meeting_rules/hd12-2018.json"))[
            "content_criteria"
        ]
    ],
)
def test_each_content_criterion_counts(tree, cell20, code):
    criteria = all_criteria() | {code: False}
    result = quality(meet(tree.c1, D(2025, 1, 8), criteria=criteria))
    assert failing(result) == [code]


def test_before_2018_length_is_not_a_criterion(tree, cell20):
    Period.objects.create(
        year=2016, rule_set=Period.objects.get(year=2025).rule_set, assessment_date=D(2016, 12, 1)
    )
    result = quality(meet(tree.c1, D(2016, 3, 3), duration_minutes=30))
    assert result.meets and "duration" not in [c.code for c in result.checks]


# --- The cell's year and each member's year ------------------------------------------------------


def test_a_full_year_of_quality_meetings_is_good(tree, cell20):
    for month in range(1, 13):
        meet(tree.c1, D(2025, month, 5))
    for month in (2, 5, 8, 11):
        meet(tree.c1, D(2025, month, 20), kind=CellMeetingKind.THEMATIC)
    record = meetings.cell_meeting_year(cell=tree.c1, year=2025, today=D(2026, 1, 10))
    assert (record.regular_held, record.regular_due, record.thematic_held, record.thematic_due) == (
        12,
        12,
        4,
        4,
    )
    assert record.quality_met == 16 and not record.short
    assert record.level["code"] == "tot"
    assert record.attendance_rate == meetings.percent(100, 100)


def test_missing_meetings_lower_the_year(tree, cell20):
    for month in range(1, 10):  # nine of twelve, no thematic: 9 / 16 held
        meet(tree.c1, D(2025, month, 5))
    record = meetings.cell_meeting_year(cell=tree.c1, year=2025, today=D(2026, 1, 10))
    assert record.short and record.level["code"] == "kem"
    # the due count follows the year so far
    assert (
        meetings.cell_meeting_year(cell=tree.c1, year=2025, today=D(2025, 7, 15)).regular_due == 6
    )


def test_three_months_unexcused_flag_a_member(tree, cell20):
    lazy, careless, ill = cell20[0], cell20[1], cell20[2]
    for month in (2, 4, 9):
        meet(
            tree.c1,
            D(2025, month, 3),
            {lazy.pk: AbsenceReason.UNEXCUSED, ill.pk: AbsenceReason.ILL},
        )
    # two unexcused absences in one month (regular + thematic) and one more month: two months
    meet(tree.c1, D(2025, 5, 3), {careless.pk: AbsenceReason.UNEXCUSED})
    meet(tree.c1, D(2025, 5, 25), {careless.pk: AbsenceReason.UNEXCUSED}, kind="thematic")
    meet(tree.c1, D(2025, 6, 3), {careless.pk: AbsenceReason.UNEXCUSED})
    by_member = meetings.attendance_by_member(members=[m.pk for m in cell20], year=2025)
    assert by_member[lazy.pk].flagged and by_member[lazy.pk].unexcused_months == 3
    assert by_member[careless.pk].unexcused == 3 and not by_member[careless.pk].flagged
    assert by_member[ill.pk].excused == 3 and not by_member[ill.pk].flagged
    assert by_member[cell20[5].pk].held == 6 and by_member[cell20[5].pk].present == 6


# --- The committee's inspection ------------------------------------------------------------------


def test_an_inspection_is_required_from_2018(tree, period, committee):
    assert meetings.inspection_missing(cell=tree.c1, period=period)
    assert meetings.inspection_problems(cell=tree.c1, period=period)
    meetings.meeting_inspection_record(
        cell=tree.c1,
        period=period,
        inspected_on=D(2025, 12, 1),
        inspector="Đ/c Kiểm Tra",
        findings="Sinh hoạt đều",
        by=committee,
    )
    assert not meetings.inspection_missing(cell=tree.c1, period=period)
    old = Period.objects.create(year=2017, rule_set=period.rule_set, assessment_date=D(2017, 12, 1))
    assert not meetings.inspection_missing(cell=tree.c1, period=old)


def test_an_inspection_cannot_precede_its_year(tree, period, committee):
    with pytest.raises(ValidationError):
        meetings.meeting_inspection_record(
            cell=tree.c1,
            period=period,
            inspected_on=D(2024, 12, 1),
            inspector="X",
            findings="Y",
            by=committee,
        )


def test_the_demo_database_path_gives_the_same_figures(tree, cell20):
    """SQLite (make demo) takes the portable path; on PostgreSQL both must agree."""
    meet(tree.c1, D(2025, 2, 3), {cell20[0].pk: AbsenceReason.UNEXCUSED})
    meet(tree.c1, D(2025, 3, 3), duration_minutes=60)
    meet(tree.c1, D(2025, 4, 3))
    meet(tree.c1, D(2025, 4, 23), kind=CellMeetingKind.THEMATIC)
    rules = meetings.meeting_rules_for(2025)

    def key(row):
        return (row.cell, row.month, row.kind)

    sql = sorted(meetings.meeting_figures(year=2025, root=tree.province), key=key)
    portable = meetings._figures_portable(year=2025, cells=None, root=tree.province, rules=rules)
    assert sql == sorted(portable, key=key)
    assert sum(r.quality for r in sql) == 2
