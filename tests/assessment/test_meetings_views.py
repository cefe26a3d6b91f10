"""Issue 16's pages: the secretary records a meeting, the committee inspects, and the evidence
shows where decisions are made (self-review, vote grid, decide pages)."""

import datetime

import pytest
from django.urls import reverse

from assessment import cell_year as work
from assessment import decisions, meetings
from assessment.decisions import Choice
from assessment.models import AbsenceReason, CellMeeting, CellMeetingAttendance, MeetingInspection
from tests.factories import MemberFactory

from .test_decisions import decided_cell
from .test_meetings import meet

D = datetime.date


def url(name, cell, *more):
    return reverse(f"assessment:{name}", args=[2025, cell.pk, *more])


@pytest.fixture
def five(tree, period):
    return MemberFactory.create_batch(5, cell=tree.c1)


def test_the_secretary_records_a_meeting_with_the_absent_and_their_reasons(
    login, tree, five, secretary
):
    client = login(secretary)
    page = client.get(url("cell_meeting_new", tree.c1))
    assert page.status_code == 200
    for m in five:
        assert f'value="{m.pk}"' in page.content.decode()
    answer = client.post(
        url("cell_meeting_new", tree.c1),
        {
            "held_on": "2025-04-05",
            "kind": "regular",
            "absent": [five[0].pk, five[1].pk],
            f"reason_{five[0].pk}": "ill",
            f"reason_{five[1].pk}": "unexcused",
            "duration_minutes": "95",
            "criteria": ["minutes_complete"],
        },
    )
    assert answer.status_code == 302
    meeting = CellMeeting.objects.get(cell=tree.c1)
    assert meeting.duration_minutes == 95 and meeting.criteria["minutes_complete"] is True
    assert meeting.criteria["members_spoke"] is False
    absent = dict(
        CellMeetingAttendance.objects.filter(meeting=meeting, present=False).values_list(
            "member_id", "absence_reason"
        )
    )
    assert absent == {five[0].pk: "ill", five[1].pk: "unexcused"}
    listing = client.get(url("meetings", tree.c1)).content.decode()
    assert "3 / 5" in listing


def test_an_absence_without_a_reason_names_the_member_and_writes_nothing(
    login, tree, five, secretary
):
    answer = login(secretary).post(
        url("cell_meeting_new", tree.c1),
        {"held_on": "2025-04-05", "kind": "regular", "absent": [five[2].pk]},
    )
    assert answer.status_code == 200
    assert five[2].full_name in answer.content.decode()
    assert not CellMeeting.objects.exists()


def test_a_second_regular_meeting_in_the_month_is_refused_on_the_form(login, tree, five, secretary):
    meet(tree.c1, D(2025, 4, 2))
    answer = login(secretary).post(
        url("cell_meeting_new", tree.c1), {"held_on": "2025-04-20", "kind": "regular"}
    )
    assert answer.status_code == 200 and "04/2025" in answer.content.decode()
    assert CellMeeting.objects.count() == 1


def test_a_meeting_of_another_year_or_place_is_out_of_reach(
    login, tree, five, secretary, outsider, committee
):
    meeting = meet(tree.c1, D(2025, 4, 2))
    assert login(outsider).get(url("cell_meeting", tree.c1, meeting.pk)).status_code == 404
    assert login(outsider).get(url("meetings", tree.c1)).status_code == 404
    other_year = reverse("assessment:cell_meeting", args=[2024, tree.c1.pk, meeting.pk])
    assert login(secretary).get(other_year).status_code == 404
    # the committee reads it but does not change it
    assert login(committee).get(url("cell_meeting", tree.c1, meeting.pk)).status_code == 200
    assert login(committee).post(url("cell_meeting", tree.c1, meeting.pk), {}).status_code == 403


def test_the_secretary_corrects_a_meeting_and_a_stale_form_is_refused(login, tree, five, secretary):
    meeting = meet(tree.c1, D(2025, 4, 2))
    client = login(secretary)
    form = {"held_on": "2025-04-02", "kind": "regular", "version": "1", "chair": "Bí thư"}
    absent = {"absent": [five[4].pk], f"reason_{five[4].pk}": "far_away"}
    assert client.post(url("cell_meeting", tree.c1, meeting.pk), form | absent).status_code == 302
    assert CellMeetingAttendance.objects.get(member=five[4]).absence_reason == "far_away"
    stale = client.post(url("cell_meeting", tree.c1, meeting.pk), form, follow=True)
    assert CellMeetingAttendance.objects.get(member=five[4]).absence_reason == "far_away"
    assert "meanwhile" in stale.content.decode() or "trong lúc" in stale.content.decode()


def test_the_self_review_and_the_vote_grid_show_the_year_of_meetings(
    login, tree, period, alice_member, five, secretary
):
    for month in (1, 2, 3):
        meet(tree.c1, D(2025, month, 4), {alice_member.pk: AbsenceReason.UNEXCUSED})
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=alice_member)
    own = login(alice_member.user).get(reverse("assessment:self_review", args=[assessment.pk]))
    text = own.content.decode()
    assert 'data-testid="member-meetings"' in text and 'data-testid="member-flag"' in text
    grid = login(secretary).get(url("meeting", tree.c1)).content.decode()
    assert f'data-testid="flag-{alice_member.pk}"' in grid
    assert f'data-testid="flag-{five[0].pk}"' not in grid


def test_the_decide_page_shows_attendance_and_the_cells_page_the_meeting_quality(
    login, tree, period, secretary, committee, level
):
    cells = [
        decided_cell(period, c, secretary, committee, 2, {"HTTNV": 2}) for c in (tree.c1, tree.c2)
    ]
    member = cells[0].assessments.first().member
    meet(tree.c1, D(2025, 5, 5), {member.pk: AbsenceReason.UNEXCUSED})
    client = login(committee)
    decide = client.get(url("decide", tree.c1)).content.decode()
    assert f'data-testid="attendance-{member.pk}"' in decide
    page = client.get(reverse("assessment:decide_cells", args=[2025, tree.g1.pk])).content.decode()
    assert f'data-testid="cell-meetings-{tree.c1.pk}"' in page
    assert "1 / 12" in page  # one regular meeting of the twelve due in 2025


def test_a_cell_without_inspection_cannot_be_decided(tree, period, secretary, committee, level):
    cells = [
        decided_cell(period, c, secretary, committee, 2, {"HTTNV": 2}) for c in (tree.c1, tree.c2)
    ]
    MeetingInspection.objects.filter(cell=tree.c2).delete()
    outcome = decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={cy.pk: Choice(level["HTTNV"]) for cy in cells},
    )
    # The inspected cell is saved; the other says why (rows are saved one by one, issue 12)
    assert outcome.saved == [cells[0].pk]
    assert list(outcome.errors) == [cells[1].pk]
    assert "HD12-2018" in outcome.errors[cells[1].pk][0]  # names the rules that require it
    cells[1].refresh_from_db()
    assert cells[1].decided_level is None
    meetings.meeting_inspection_record(
        cell=tree.c2,
        period=period,
        inspected_on=D(2025, 12, 1),
        inspector="X",
        findings="Y",
        by=committee,
    )
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={cy.pk: Choice(level["HTTNV"]) for cy in cells},
    )
    cells[1].refresh_from_db()
    assert cells[1].decided_level == level["HTTNV"]


def test_the_committee_records_its_inspection_through_the_page(
    login, tree, period, committee, secretary
):
    assert login(secretary).get(url("meeting_inspection", tree.c1)).status_code == 403
    client = login(committee)
    answer = client.post(
        url("meeting_inspection", tree.c1),
        {"inspected_on": "2025-11-20", "inspector": "Đ/c Kiểm", "findings": "Đủ 11 buổi"},
    )
    assert answer.status_code == 302
    inspection = MeetingInspection.objects.get(cell=tree.c1)
    assert inspection.history.get().history_user == committee
    assert not meetings.inspection_missing(cell=tree.c1, period=period)
    bad = client.post(url("meeting_inspection", tree.c1), {"inspected_on": "2024-01-01"})
    assert bad.status_code == 200 and MeetingInspection.objects.count() == 1


def test_the_year_of_meetings_page_reads_the_meeting_rules_once_and_keeps_its_budget(
    login, tree, five, secretary, django_assert_max_num_queries
):
    """Issue 18: 17 queries before, the year's meeting rules read four times; the page's count
    does not grow with its meetings."""
    for month in (1, 2, 3):
        meet(tree.c1, D(2025, month, 10), {five[0].pk: AbsenceReason.UNEXCUSED})
    client = login(secretary)
    client.get(url("meetings", tree.c1))
    with django_assert_max_num_queries(14) as context:
        page = client.get(url("meetings", tree.c1))
    assert page.status_code == 200
    rules = [q for q in context.captured_queries if "assessment_meetingruleset" in q["sql"]]
    assert len(rules) == 1
    attendance = {member.pk: found for member, found in page.context["members"]}
    assert attendance[five[0].pk].flagged  # three months unexcused (R21), with the rules read once
