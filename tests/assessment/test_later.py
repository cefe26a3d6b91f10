"""R14 (issue 15 item 1): a member left "not yet classified" is rated after the year through the
same self-review, the cell's vote and a numbered decision of the grassroots committee, on the
year they belong to, after the cell was decided and the year closed; each refusal says why."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import cell_year as work
from assessment import decisions, later, machine, rules
from assessment.decisions import Choice
from assessment.models import (
    AssessmentStatus,
    CellState,
    DecisionKind,
    LaterRatingState,
    PeriodState,
)
from organizations.models import Notification

from ..counts import assert_counts_agree
from ..factories import MemberFactory
from ..messages import says
from .test_decisions import accept_proposals, issue, submitted_cell

pytestmark = pytest.mark.django_db

SIGN = {
    "signed_on": datetime.date(2026, 3, 10),
    "signer_name": "Trần Văn Bí",
    "signer_title": "Bí thư Đảng ủy",
}
VOTE = {"held_on": datetime.date(2026, 3, 5), "counted": 4, "present": 4}


def pending_in(period, tree, secretary, reason="om_dau"):
    """A member of C1 set "not yet classified" by the secretary (R14)."""
    member = MemberFactory(cell=tree.c1, full_name="Nguyễn Văn Ốm")
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=member)
    from assessment.access import can_enter_cell_work
    from organizations.models import Role

    from ..factories import assign

    if not can_enter_cell_work(secretary, tree.c1):
        assign(secretary, Role.CELL_SECRETARY, tree.c1)
    return work.member_status_set(
        assessment=assessment,
        status=AssessmentStatus.PENDING,
        reason_code=reason,
        note="Điều trị dài ngày tại bệnh viện",
        by=secretary,
    )


@pytest.fixture
def pending(period, tree, secretary, committee, provincial):
    """C1: one member ill (not yet classified), three decided good and locked; 2025 closed."""
    assessment = pending_in(period, tree, secretary)
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    machine.take(period, "close", by=provincial)
    assessment.refresh_from_db()
    return assessment


def review(assessment, by):
    return work.self_review_save(
        assessment=assessment,
        texts={"strengths": "Hoàn thành nhiệm vụ được giao sau khi trở lại công tác"},
        scores={},
        conditions={},
        by=by,
        version=None,
    )


def proposed(assessment, secretary, votes=None):
    row = later.later_rating_open(assessment=assessment, by=secretary)
    review(assessment, secretary)
    return later.later_vote_record(
        later=row, by=secretary, version=None, votes=votes or {"HTTNV": 4}, **VOTE
    )


def test_r14_a_member_not_yet_classified_is_rated_in_the_next_first_quarter_of_a_closed_year(
    period, tree, secretary, committee, pending, level
):
    assert period.state == PeriodState.CLOSED or period.refresh_from_db() is None
    row = later.later_rating_open(assessment=pending, by=secretary)
    assert (row.state, row.pending_reason, row.due) == (
        LaterRatingState.OPEN,
        "om_dau",
        datetime.date(2026, 3, 31),
    )
    review(pending, secretary)  # the same self-review, in a closed year
    row = later.later_vote_record(
        later=row, by=secretary, version=row.version, votes={"HTTNV": 3, "HTNV": 1}, **VOTE
    )
    assert (row.state, row.proposed_level) == (LaterRatingState.PROPOSED, level["HTTNV"])
    assert Notification.objects.filter(user=committee, text__contains="Nguyễn Văn Ốm")
    decision = later.later_decision_issue(
        grassroots=tree.g1, period=period, choices={}, by=committee, **SIGN
    )
    pending.refresh_from_db()
    row.refresh_from_db()
    assert (decision.kind, decision.number, decision.issuer) == (DecisionKind.LATER, 2, tree.g1)
    assert (pending.status, pending.decided_level, pending.decision) == (
        AssessmentStatus.ASSESS,
        level["HTTNV"],
        decision,
    )
    assert (row.state, row.decision, row.is_late()) == (LaterRatingState.DECIDED, decision, False)
    before, after = pending.history.all()[1], pending.history.all()[0]
    assert (before.status, after.status) == (AssessmentStatus.PENDING, AssessmentStatus.ASSESS)
    assert after.history_user == committee
    assert [h.state for h in row.history.order_by("history_id")] == [
        LaterRatingState.OPEN,
        LaterRatingState.PROPOSED,
        LaterRatingState.DECIDED,
    ]
    # the cell's own result and the year's other members are untouched
    assert pending.cell_year.state == CellState.DECIDED
    assert_counts_agree()  # the summary's kept counts moved with the member (issue 18)


def test_r14_only_a_pending_member_is_rated_later(period, tree, secretary, pending):
    decided = pending.cell_year.assessments.exclude(pk=pending.pk).first()
    with pytest.raises(machine.Refused) as error:
        later.later_rating_open(assessment=decided, by=secretary)
    assert error.value.code == "not_pending"
    later.later_rating_open(assessment=pending, by=secretary)
    with pytest.raises(machine.Refused) as error:
        later.later_rating_open(assessment=pending, by=secretary)
    assert error.value.code == "state"


def test_r14_before_the_cell_is_decided_the_member_is_rated_with_it(period, tree, secretary):
    assessment = pending_in(period, tree, secretary)
    with pytest.raises(machine.Refused) as error:
        later.later_rating_open(assessment=assessment, by=secretary)
    assert error.value.code == "not_decided"


def test_r14_the_secretary_opens_and_votes_the_committee_returns(
    period, tree, secretary, committee, outsider, pending
):
    for who in (committee, outsider):
        with pytest.raises(machine.Refused) as error:
            later.later_rating_open(assessment=pending, by=who)
        assert error.value.code == "who"
    row = proposed(pending, secretary)
    with pytest.raises(machine.Refused) as error:
        later.later_rating_return(later=row, reason="  ", by=committee, version=None)
    assert error.value.code == "reason"
    row = later.later_rating_return(
        later=row, reason="Cần bổ sung nhận xét nơi cư trú", by=committee, version=None
    )
    assert row.state == LaterRatingState.RETURNED and Notification.objects.filter(
        user=secretary, text__contains="nơi cư trú"
    )
    row = later.later_vote_record(later=row, by=secretary, version=None, votes={"HTNV": 4}, **VOTE)
    assert row.state == LaterRatingState.PROPOSED and row.return_reason == ""


@pytest.mark.parametrize(
    ("meeting", "votes", "message"),
    [
        ({"held_on": datetime.date(2025, 12, 30)}, {"HTTNV": 4}, machine.MSG_LATER_MEETING_BEFORE),
        ({"present": 2}, {"HTTNV": 2}, machine.MSG_LATER_QUORUM),
        ({"present": 3}, {"HTTNV": 4}, rules.MSG_VOTES_ABOVE_PRESENT),
        ({}, {"HTTNV": 2}, machine.MSG_LATER_NO_PROPOSAL),
        ({"held_on": None}, {"HTTNV": 4}, machine.MSG_LATER_MEETING),
    ],
)
def test_r14_the_cells_later_vote_follows_r18(
    period, tree, secretary, pending, meeting, votes, message
):
    row = later.later_rating_open(assessment=pending, by=secretary)
    review(pending, secretary)
    with pytest.raises(machine.Refused) as error:
        later.later_vote_record(
            later=row, by=secretary, version=None, votes=votes, **(VOTE | meeting)
        )
    assert error.value.code == "votes"
    assert says(message, " ".join(error.value.messages))


def test_r14_the_vote_needs_the_self_review_first(period, tree, secretary, pending):
    row = later.later_rating_open(assessment=pending, by=secretary)
    with pytest.raises(machine.Refused) as error:
        later.later_vote_record(later=row, by=secretary, version=None, votes={"HTTNV": 4}, **VOTE)
    assert error.value.code == "review"


def test_r14_the_decision_runs_the_years_checks_and_is_not_reopened(
    period, tree, secretary, committee, pending, level
):
    with pytest.raises(ValidationError):  # nothing proposed: nothing to decide
        later.later_decision_issue(
            grassroots=tree.g1, period=period, choices={}, by=committee, **SIGN
        )
    proposed(pending, secretary)
    with pytest.raises(ValidationError) as error:  # another level than the cell's, no reason
        later.later_decision_issue(
            grassroots=tree.g1,
            period=period,
            choices={pending.pk: Choice(level["HTNV"])},
            by=committee,
            **SIGN,
        )
    assert error.value.code == "rows"
    pending.refresh_from_db()
    assert pending.status == AssessmentStatus.PENDING  # nothing written
    decision = later.later_decision_issue(
        grassroots=tree.g1,
        period=period,
        choices={pending.pk: Choice(level["HTNV"], note="Chưa hoàn thành 2 nhiệm vụ")},
        by=committee,
        **SIGN,
    )
    pending.refresh_from_db()
    assert pending.decided_level == level["HTNV"]
    assert pending.decision_note == "Chưa hoàn thành 2 nhiệm vụ"
    with pytest.raises(ValidationError) as error:
        decisions.decision_reopen(decision=decision, reason="Sai", by=committee)
    assert error.value.code == "later"


def test_r14_the_quota_counts_the_members_rated_later(
    period, tree, secretary, committee, pending, level
):
    """R10: three good and one excellent rated later: 1 of 4 (25 %) exceeds 20 %."""
    proposed(pending, secretary, votes={"HTXSNV": 4})
    with pytest.raises(ValidationError) as error:
        later.later_decision_issue(
            grassroots=tree.g1, period=period, choices={}, by=committee, **SIGN
        )
    assert error.value.code == "quota"
    decision = later.later_decision_issue(
        grassroots=tree.g1,
        period=period,
        choices={},
        by=committee,
        quota_justification="Đồng chí có thành tích đột xuất trong phòng chống thiên tai",
        **SIGN,
    )
    assert decision.quota_justification


def test_r14_a_member_rated_later_can_be_re_rated(
    period, tree, secretary, committee, pending, level
):
    from assessment import corrections
    from assessment.models import ReratingGrounds

    proposed(pending, secretary)
    first = later.later_decision_issue(
        grassroots=tree.g1, period=period, choices={}, by=committee, **SIGN
    )
    pending.refresh_from_db()
    decision = corrections.member_rerate(
        assessment=pending,
        grounds=ReratingGrounds.WRONG,
        level=level["HTNV"],
        reason="Phát hiện sai sót",
        by=committee,
        **SIGN,
    )
    assert decision.reratings.get().previous_decision == first
