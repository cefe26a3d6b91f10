"""Commendations as a workflow (issue 15 item 3; R20): proposals by the cell and the committees,
their refusals, the province's quota, the numbered decision and the summary's column."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import commendations as comm
from assessment.machine import Refused
from assessment.models import (
    CellState,
    CommendationKind,
    CommendationState,
    DecisionKind,
    GrassrootsYear,
    MemberAssessment,
    ReratingGrounds,
)
from assessment.services import period_create
from organizations.models import Role
from reports.summary import summary_build

from ..counts import counts_rebuild
from ..factories import UserFactory, assign
from ..messages import says
from .test_decisions import accept_proposals, issue, submitted_cell

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]
SIGNED = {
    "signed_on": datetime.date(2026, 1, 15),
    "signer_name": "Nguyễn Văn Bí",
    "signer_title": "Bí thư Đảng ủy",
}


@pytest.fixture
def decided(period, tree, secretary, committee):
    """C1 submitted with its three members proposed good."""
    return submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})


def _excellent_cell(period, tree, secretary, committee):
    """C1 with two members decided excellent (the quota overridden with a justification)."""
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTXSNV": 2})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee, quota_justification="Chi bộ có thành tích nổi bật")
    cell_year.refresh_from_db()
    return cell_year


def test_a_tick_at_the_meeting_becomes_the_cells_proposal_and_the_summary_counts_it(
    period, tree, secretary
):
    from assessment import cell_year as work

    cell_year = submitted_cell(period, tree.c2, secretary, 2, {"HTXSNV": 2})
    assert not cell_year.commendations.exists()
    # C2's meeting ticked nobody: no proposal. Tick one member and resubmit after a return.
    first = cell_year.assessments.first()
    from assessment.models import CellYear, Meeting

    meeting = Meeting.objects.get(cell_year=cell_year)
    CellYear.objects.filter(pk=cell_year.pk).update(state=CellState.RETURNED)
    work.tally_save(
        meeting=meeting,
        assessment=first,
        votes={"HTXSNV": 2},
        commendation_proposed=True,
        by=secretary,
        version=None,
    )
    work.cell_submit(cell_year=cell_year, by=secretary)
    proposal = first.commendations.get()
    assert (proposal.kind, proposal.state, proposal.proposer, proposal.decider) == (
        CommendationKind.EXCELLENT_MEMBER,
        CommendationState.PROPOSED,
        tree.c2,
        tree.g1,
    )
    assert proposal.history.first().history_user == secretary
    summary = summary_build(unit=tree.g1, period=period)
    assert summary.rows[0].sections["members"].commendations == 1


def test_a_tick_taken_away_before_resubmitting_withdraws_the_proposal(period, tree, secretary):
    from assessment import cell_year as work
    from assessment.models import CellYear, Meeting

    cell_year = submitted_cell(period, tree.c2, secretary, 1, {"HTXSNV": 1})
    first = cell_year.assessments.get()
    meeting = Meeting.objects.get(cell_year=cell_year)
    for ticked in (True, False):
        CellYear.objects.filter(pk=cell_year.pk).update(state=CellState.RETURNED)
        work.tally_save(
            meeting=meeting,
            assessment=first,
            votes={"HTXSNV": 1},
            commendation_proposed=ticked,
            by=secretary,
            version=None,
        )
        work.cell_submit(cell_year=cell_year, by=secretary)
    proposal = first.commendations.get()
    assert proposal.state == CommendationState.WITHDRAWN and proposal.reason


def test_r20_a_member_not_rated_excellent_is_refused(period, tree, secretary, committee, decided):
    good = decided.assessments.first()
    with pytest.raises(Refused) as refused:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER, subject=good, proposer=tree.c1, by=secretary
        )
    assert refused.value.code == "r20"
    assert says(comm.MSG_NOT_EXCELLENT, " ".join(refused.value.messages))
    assert not good.commendations.exists()


def test_r20_an_organization_not_rated_excellent_is_refused(period, tree, district_board, level):
    row = GrassrootsYear.objects.create(
        period=period, organization=tree.g1, state=CellState.DECIDED, decided_level=level["HTTNV"]
    )
    counts_rebuild()  # a result written as test data
    with pytest.raises(Refused) as refused:
        comm.commendation_propose(
            kind=CommendationKind.EXEMPLARY_UNIT,
            subject=row,
            proposer=tree.district_a,
            by=district_board,
        )
    assert refused.value.code == "r20"


def test_a_member_award_is_refused_for_an_organization(period, tree, district_board, level):
    row = GrassrootsYear.objects.create(
        period=period, organization=tree.g1, state=CellState.DECIDED, decided_level=level["HTXSNV"]
    )
    counts_rebuild()  # a result written as test data
    with pytest.raises(Refused) as refused:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER,
            subject=row,
            proposer=tree.district_a,
            by=district_board,
        )
    assert says(comm.MSG_WRONG_SUBJECT, " ".join(refused.value.messages))


def test_only_the_proposers_role_may_propose_and_only_in_its_subtree(
    period, tree, secretary, committee, outsider
):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    member = cell_year.assessments.first()
    with pytest.raises(Refused) as refused:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER, subject=member, proposer=tree.c1, by=outsider
        )
    assert refused.value.code == "who"
    with pytest.raises(ValidationError) as error:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER, subject=member, proposer=tree.c3, by=outsider
        )
    assert error.value.code == "scope"


def test_a_subject_is_proposed_once_per_kind(period, tree, secretary, committee):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    member = cell_year.assessments.first()
    comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=member, proposer=tree.c1, by=secretary
    )
    with pytest.raises(ValidationError) as error:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER, subject=member, proposer=tree.g1, by=committee
        )
    assert error.value.code == "duplicate"


def test_the_provinces_quota_refuses_the_proposal_over_it(
    period, tree, secretary, committee, provincial
):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    first, second = cell_year.assessments.order_by("pk")
    comm.commendation_quota_set(
        period=period, unit=tree.g1, kind=CommendationKind.EXCELLENT_MEMBER, limit=1, by=provincial
    )
    comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=first, proposer=tree.c1, by=secretary
    )
    with pytest.raises(Refused) as refused:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER, subject=second, proposer=tree.c1, by=secretary
        )
    assert refused.value.code == "quota"
    assert says(comm.MSG_QUOTA, " ".join(refused.value.messages))
    # Another kind is not counted against it.
    comm.commendation_propose(
        kind=CommendationKind.EXEMPLARY_UNIT, subject=cell_year, proposer=tree.c1, by=secretary
    )


def test_the_decision_commends_the_listed_proposals_and_numbers_after_the_levels(
    period, tree, secretary, committee
):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    first = cell_year.assessments.order_by("pk").first()
    proposal = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER,
        subject=first,
        proposer=tree.c1,
        achievements="Dẫn đầu phong trào",
        by=secretary,
    )
    decision = comm.commendation_decision_issue(
        decider=tree.g1, period=period, commendation_ids=[proposal.pk], by=committee, **SIGNED
    )
    proposal.refresh_from_db()
    assert decision.kind == DecisionKind.COMMENDATION and decision.number == 2  # after the levels
    assert (proposal.state, proposal.decision) == (CommendationState.COMMENDED, decision)
    assert proposal.history.first().history_user == committee


def test_the_decision_is_refused_when_a_level_is_no_longer_excellent(
    period, tree, secretary, committee, level
):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    first = cell_year.assessments.order_by("pk").first()
    proposal = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=first, proposer=tree.c1, by=secretary
    )
    MemberAssessment.objects.filter(pk=first.pk).update(decided_level=level["HTTNV"])
    counts_rebuild()  # the level changed behind the workflow's back, as test data
    with pytest.raises(Refused) as refused:
        comm.commendation_decision_issue(
            decider=tree.g1, period=period, commendation_ids=[proposal.pk], by=committee, **SIGNED
        )
    assert refused.value.code == "rows"
    proposal.refresh_from_db()
    assert proposal.state == CommendationState.PROPOSED and proposal.decision is None


def test_an_empty_decision_and_another_bodys_board_are_refused(
    period, tree, secretary, committee, outsider_board
):
    with pytest.raises(Refused) as refused:
        comm.commendation_decision_issue(
            decider=tree.g1, period=period, commendation_ids=[], by=committee, **SIGNED
        )
    assert refused.value.code == "rows"
    with pytest.raises(Refused) as refused:
        comm.commendation_decision_issue(
            decider=tree.g1, period=period, commendation_ids=[], by=outsider_board, **SIGNED
        )
    assert refused.value.code == "who"


def test_refusing_and_withdrawing_need_a_reason_and_the_right_role(
    period, tree, secretary, committee
):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    first, second = cell_year.assessments.order_by("pk")
    one = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=first, proposer=tree.c1, by=secretary
    )
    two = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=second, proposer=tree.c1, by=secretary
    )
    with pytest.raises(Refused) as refused:
        comm.commendation_refuse(commendation=one, reason=" ", by=committee)
    assert refused.value.code == "reason"
    with pytest.raises(Refused) as refused:
        comm.commendation_refuse(commendation=one, reason="Chưa tiêu biểu", by=secretary)
    assert refused.value.code == "who"
    comm.commendation_refuse(commendation=one, reason="Chưa tiêu biểu", by=committee)
    comm.commendation_withdraw(commendation=two, reason="Chi bộ rút đề nghị", by=secretary)
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.state, two.state) == (CommendationState.REFUSED, CommendationState.WITHDRAWN)
    # a refused proposal frees its place: the member can be proposed again
    comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=first, proposer=tree.g1, by=committee
    )


def test_five_years_running_is_computed_from_the_decided_history(
    period, tree, secretary, committee, district_board
):
    cell_year = _excellent_cell(period, tree, secretary, committee)
    first, second = cell_year.assessments.order_by("pk")
    for year in range(2021, 2025):
        past = period_create(year=year, by=None)
        past_level = past.rule_set.levels.get(code="HTXSNV")
        from assessment.models import CellYear

        past_cell = CellYear.objects.create(period=past, cell=tree.c1, state=CellState.DECIDED)
        MemberAssessment.objects.create(
            cell_year=past_cell, member=first.member, decided_level=past_level
        )
        if year != 2022:  # the second member's run is broken in 2022
            MemberAssessment.objects.create(
                cell_year=past_cell, member=second.member, decided_level=past_level
            )
    counts_rebuild()  # past years written as test data (an import would recount)
    assert comm.excellent_years_running(first) == 5
    assert comm.excellent_years_running(second) == 3
    assert [a.pk for a in comm.five_year_candidates(tree.district_a, period)] == [first.pk]
    proposal = comm.commendation_propose(
        kind=CommendationKind.FIVE_YEARS, subject=first, proposer=tree.g1, by=committee
    )
    assert proposal.years_running == 5 and proposal.decider == tree.district_a
    with pytest.raises(Refused) as refused:
        comm.commendation_propose(
            kind=CommendationKind.FIVE_YEARS, subject=second, proposer=tree.g1, by=committee
        )
    assert says(comm.MSG_FIVE_YEARS, " ".join(refused.value.messages))
    decision = comm.commendation_decision_issue(
        decider=tree.district_a,
        period=period,
        commendation_ids=[proposal.pk],
        by=district_board,
        **SIGNED,
    )
    assert decision.issuer == tree.district_a


def test_an_exemplary_grassroots_organization_is_counted_in_the_summary(
    period, tree, district_board, level
):
    row = GrassrootsYear.objects.create(
        period=period, organization=tree.g1, state=CellState.DECIDED, decided_level=level["HTXSNV"]
    )
    counts_rebuild()  # a result written as test data
    proposal = comm.commendation_propose(
        kind=CommendationKind.EXEMPLARY_UNIT, subject=row, proposer=tree.g1, by=None
    )
    assert proposal.decider == tree.district_a
    summary = summary_build(unit=tree.district_a, period=period)
    assert summary.rows[0].sections["grassroots"].commendations == 1  # was always 0 before


def test_a_later_rerating_flags_the_commendation(period, tree, secretary, committee, level):
    from assessment import corrections
    from assessment.models import CorrectionRule

    cell_year = _excellent_cell(period, tree, secretary, committee)
    first = cell_year.assessments.order_by("pk").first()
    proposal = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=first, proposer=tree.c1, by=secretary
    )
    comm.commendation_decision_issue(
        decider=tree.g1, period=period, commendation_ids=[proposal.pk], by=committee, **SIGNED
    )
    period.rule_set.correction_rule = CorrectionRule.DISCIPLINE_RERATES
    period.rule_set.save()
    board = UserFactory(username="board_a")
    assign(board, Role.SUPERIOR_BOARD, tree.district_a)
    corrections.member_rerate(
        assessment=first,
        grounds=ReratingGrounds.LATER_DISCIPLINE,
        level=level["KHTNV"],
        reason="Kỷ luật khiển trách",
        by=board,
        **SIGNED,
    )
    listed = comm.proposals_in(tree.c1, period).get(pk=proposal.pk)
    assert listed.rerated == 1 and first.reratings.get().commendation_flagged


def test_the_bulk_seed_leaves_the_cells_proposals_that_the_summary_counts(db):
    from django.core.management import call_command

    from assessment.models import Commendation
    from organizations.models import Kind, Organization

    call_command("seed_demo", scale="tiny", year=2025, seed=1, results=90, bulk_results=True)
    proposals = Commendation.objects.all()
    assert proposals.exists()
    assert all(c.subject_level().maps_to == "excellent" for c in proposals)
    province = Organization.objects.get(kind=Kind.PROVINCE)
    summary = summary_build(unit=province, period=proposals.first().period)
    assert summary.rows[0].sections["members"].commendations == proposals.count()
