"""Leadership collectives as assessed subjects (issue 14 items 1 and 4; DOMAIN.md R7, R8)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import collectives, decisions, grassroots, machine
from assessment.decisions import Choice
from assessment.models import CellState, Decision, DecisionKind
from members.models import DisciplineForm, DisciplineRecord
from organizations.models import CollectiveKind, CollectiveSeat, LeadershipCollective, SeatRole

from ..factories import MemberFactory
from .test_decisions import accept_proposals, issue
from .test_decisions import submitted_cell as submitted_new_members

pytestmark = pytest.mark.django_db

DOC = {
    "signed_on": datetime.date(2025, 12, 20),
    "signer_name": "Lê Văn Ký",
    "signer_title": "Bí thư",
}


def party_committee(unit, members, *, head=None, name=None):
    """A party committee on `unit` whose seats (2025) are `members`, `head` heading it."""
    collective = LeadershipCollective.objects.create(
        organization=unit,
        kind=CollectiveKind.PARTY_COMMITTEE,
        name=name or f"Ban Chấp hành {unit.name}",
    )
    for member in members:
        CollectiveSeat.objects.create(
            collective=collective,
            member=member,
            role=SeatRole.HEAD if member == head else SeatRole.MEMBER,
            start=datetime.date(2020, 10, 1),
        )
    return collective


def reviewed(collective, period, by, *, votes, present=None):
    """The collective's review written and its meeting held with `votes` (level code → n)."""
    row = collectives.collective_year_open(period=period, collective=collective, by=by)
    row = collectives.collective_review_save(
        row=row,
        by=by,
        version=row.version,
        strengths="Lãnh đạo hoàn thành các chỉ tiêu nghị quyết.",
        shortcomings="Công tác kiểm tra còn chậm.",
        causes="",
        remedies="Tăng cường kiểm tra, giám sát.",
        self_score="88,5",
    )
    seats = collective.seats.count()
    return collectives.collective_meeting_save(
        row=row,
        by=by,
        version=row.version,
        held_on=datetime.date(2025, 12, 5),
        present=seats if present is None else present,
        minutes="Các đồng chí góp ý thẳng thắn.",
        votes=votes,
    )


def decide(manager, period, by, row, level, note=""):
    decisions_outcome = collectives.collective_levels_decide(
        manager=manager,
        period=period,
        choices={row.pk: Choice(level, note=note, version=row.version)},
        by=by,
    )
    decisions_outcome.raise_refusals()
    return collectives.collectives_decision_issue(manager=manager, period=period, by=by, **DOC)


def submitted_cell(period, cell, by, n, votes):
    """`submitted_new_members` with every member of the cell present, those already there too."""
    from assessment import cell_year as work

    for member in cell.members.all():
        meeting = work.meeting_for(work.cell_year_open(period=period, cell=cell))
        work.attendance_set(meeting=meeting, member=member, present=True, absence_reason="", by=by)
    return submitted_new_members(period, cell, by, n, votes)


@pytest.fixture
def g1_committee(tree):
    members = MemberFactory.create_batch(3, cell=tree.c1)
    return party_committee(tree.g1, members, head=members[0]), members


def test_it_runs_a_grassroots_committee_through_review_meeting_proposal_and_decision(
    tree, period, level, committee, district_board, g1_committee
):
    collective, _members = g1_committee
    assert collectives.managing_unit(collective) == tree.district_a
    row = reviewed(collective, period, committee, votes={"HTTNV": 3})
    assert row.proposed_level == level["HTTNV"] and row.self_score == 88.5
    assert row.state == CellState.IN_PROGRESS

    row = collectives.collective_submit(row=row, by=committee)
    assert row.state == CellState.SUBMITTED
    decision = decide(tree.district_a, period, district_board, row, level["HTTNV"])
    row.refresh_from_db()
    assert row.state == CellState.DECIDED and row.decision == decision
    assert decision.kind == DecisionKind.COLLECTIVES and decision.issuer == tree.district_a
    # the history names who decided, with the decision as the reason
    last = row.history.first()
    assert last.history_user == district_board and str(decision) in last.history_change_reason


def test_each_step_of_a_collective_writes_one_history_row_named_by_the_step(
    tree, period, committee, g1_committee
):
    collective, _members = g1_committee
    row = reviewed(collective, period, committee, votes={"HTTNV": 3})
    row = collectives.collective_submit(row=row, by=committee)
    reasons = [h.history_change_reason for h in row.history.order_by("history_date", "pk")]
    # opened; the review saved (it starts the work: one row, not a start then a save); the
    # meeting saved; the submission, named by its step and not by the state again
    assert reasons == [
        None,
        "Đã lưu bản kiểm điểm",  # Review saved
        "Đã lưu hội nghị",  # Meeting saved
        "Gửi báo cáo kiểm điểm của tập thể lên cấp ủy quản lý",  # the step, not "Submitted"
    ]
    assert [h.state for h in row.history.order_by("history_date", "pk")][1:] == [
        CellState.IN_PROGRESS,
        CellState.IN_PROGRESS,
        CellState.SUBMITTED,
    ]


def test_the_submission_needs_the_review_a_quorum_and_a_proposal(
    tree, period, committee, g1_committee
):
    collective, _members = g1_committee
    row = collectives.collective_year_open(period=period, collective=collective, by=committee)
    with pytest.raises(machine.Refused) as refused:
        collectives.collective_submit(row=row, by=committee)
    assert refused.value.code == "documents"
    row = reviewed(collective, period, committee, votes={"HTTNV": 1}, present=1)
    with pytest.raises(machine.Refused) as refused:
        collectives.collective_submit(row=row, by=committee)
    text = " ".join(refused.value.messages)
    assert "1" in text and "3" in text  # 1 of 3 present: no quorum, and no proposal


def test_it_refuses_more_present_than_seats_and_votes_above_present(
    tree, period, committee, g1_committee
):
    collective, _members = g1_committee
    with pytest.raises(ValidationError) as error:
        reviewed(collective, period, committee, votes={"HTTNV": 1}, present=4)
    assert "meeting_present" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        reviewed(collective, period, committee, votes={"HTTNV": 3}, present=2)
    assert "votes" in error.value.message_dict


def test_only_the_managing_board_decides_and_the_unit_submits(
    tree, period, level, committee, district_board, outsider_board, secretary, g1_committee
):
    collective, _members = g1_committee
    row = reviewed(collective, period, committee, votes={"HTTNV": 3})
    with pytest.raises(machine.Refused) as refused:
        collectives.collective_submit(row=row, by=secretary)
    assert refused.value.code == "who"
    row = collectives.collective_submit(row=row, by=committee)
    assert not machine.may(row, "return", by=outsider_board, reason="x")
    row = collectives.collective_return(row=row, reason="Bổ sung phần hạn chế.", by=district_board)
    assert row.state == CellState.RETURNED and row.return_reason == "Bổ sung phần hạn chế."


def test_the_collective_comes_before_its_members_and_the_head_is_capped(
    tree, period, level, committee, district_board, g1_committee
):
    """R8 (Quy định 366 art. 12): members who sat on the collective are decided after it, and
    its head's level may not exceed the collective's."""
    collective, members = g1_committee
    head = members[0]
    cell_year = submitted_cell(period, tree.c1, committee, 0, {"HTTNV": 3})
    head_row = cell_year.assessments.get(member=head)
    row = reviewed(collective, period, committee, votes={"HTTNV": 3})
    outcome = decisions.member_levels_decide(
        cell_year=cell_year,
        choices={head_row.pk: Choice(level["HTTNV"], note="x", version=head_row.version)},
        by=committee,
    )
    assert "Ban Chấp hành" in " ".join(outcome.errors[head_row.pk])  # the collective first

    row = collectives.collective_submit(row=row, by=committee)
    decide(tree.district_a, period, district_board, row, level["HTNV"], note="Còn hạn chế")
    head_row.refresh_from_db()
    outcome = decisions.member_levels_decide(
        cell_year=cell_year,
        choices={head_row.pk: Choice(level["HTTNV"], note="x", version=head_row.version)},
        by=committee,
    )
    assert outcome.errors[head_row.pk] == [
        str(collectives.MSG_HEAD_ABOVE_COLLECTIVE)
        % {"collective": collective.name, "level": level["HTNV"].name}
    ]
    # at the collective's level, and the others as proposed, the decision is issued
    accept_proposals(
        cell_year, committee, {head_row.pk: Choice(level["HTNV"], note="Theo tập thể")}
    )
    assert issue(cell_year, committee).kind == DecisionKind.MEMBERS


def test_lower_levels_come_first(tree, period, level, committee, district_board, provincial):
    """R8: a commune committee's collective is decided after those of its grassroots units."""
    district_members = MemberFactory.create_batch(2, cell=tree.c2)
    upper = party_committee(tree.district_a, district_members)
    lower = party_committee(tree.g1, MemberFactory.create_batch(2, cell=tree.c1))
    board_a = district_board
    upper_row = collectives.collective_submit(
        row=reviewed(upper, period, board_a, votes={"HTTNV": 2}), by=board_a
    )
    collectives.collective_levels_decide(
        manager=tree.province,
        period=period,
        choices={upper_row.pk: Choice(level["HTTNV"], version=upper_row.version)},
        by=provincial,
    )
    reviewed(lower, period, committee, votes={"HTTNV": 2})
    with pytest.raises(machine.Refused) as refused:
        collectives.collectives_decision_issue(
            manager=tree.province, period=period, by=provincial, **DOC
        )
    assert lower.name in " ".join(refused.value.messages)
    assert not Decision.objects.filter(kind=DecisionKind.COLLECTIVES).exists()


def test_the_organization_comes_after_its_collective(tree, period, level, committee, g1_committee):
    collective, _members = g1_committee
    collectives.collective_year_open(period=period, collective=collective, by=committee)
    row = grassroots.grassroots_year_open(period=period, organization=tree.g1, by=committee)
    assert collective.name in " ".join(
        m
        for _code, m in machine.refusals(row, "submit", by=committee, proposed_level=level["HTTNV"])
    )


def test_an_excellent_collective_needs_no_member_disciplined(
    tree, period, level, committee, district_board, g1_committee
):
    """R7 (2025–, Quy định 366): no member of the collective disciplined in the year."""
    collective, members = g1_committee
    DisciplineRecord.objects.create(
        member=members[2],
        decided_on=datetime.date(2025, 6, 1),
        form=DisciplineForm.REPRIMAND,
        reason="Vi phạm quy chế làm việc",
    )
    row = collectives.collective_submit(
        row=reviewed(collective, period, committee, votes={"HTXSNV": 3}), by=committee
    )
    outcome = collectives.collective_levels_decide(
        manager=tree.district_a,
        period=period,
        choices={row.pk: Choice(level["HTXSNV"], version=row.version)},
        by=district_board,
    )
    assert "1" in " ".join(outcome.errors[row.pk])


def test_a_unit_is_not_rated_below_its_head(
    tree, period, level, committee, district_board, g1_committee
):
    """R8 for every kind of head: the grassroots committee's secretary (the head of its party
    committee) caps nothing above, but the organization may not be rated below them."""
    collective, members = g1_committee
    row = collectives.collective_submit(
        row=reviewed(collective, period, committee, votes={"HTTNV": 3}), by=committee
    )
    decide(tree.district_a, period, district_board, row, level["HTTNV"])
    for cell, votes in ((tree.c1, 4), (tree.c2, 1)):
        cell_year = submitted_cell(period, cell, committee, 1, {"HTTNV": votes})
        accept_proposals(cell_year, committee)
        issue(cell_year, committee)
    cells = decisions.cell_rows(tree.g1, period)
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        choices={r.cell_year.pk: Choice(r.cell_year.proposed_level) for r in cells},
        by=committee,
    ).raise_refusals()
    decisions.cells_decision_issue(grassroots=tree.g1, period=period, by=committee, **DOC)
    gy = grassroots.grassroots_submit(
        grassroots_year=grassroots.grassroots_year_find(period=period, organization=tree.g1),
        report="Báo cáo",
        proposed_level=level["HTNV"],
        by=committee,
    )
    (unit_row,) = grassroots.unit_rows(tree.district_a, period)
    assert [c.rule for c in unit_row.checks] == ["R8"]
    outcome = grassroots.grassroots_levels_decide(
        superior=tree.district_a,
        period=period,
        choices={gy.pk: Choice(level["HTNV"], version=gy.version)},
        by=district_board,
    )
    assert outcome.errors[gy.pk]


def test_a_decision_on_collectives_is_not_reopened_once_a_member_relies_on_it(
    tree, period, level, committee, district_board, g1_committee
):
    collective, members = g1_committee
    row = collectives.collective_submit(
        row=reviewed(collective, period, committee, votes={"HTTNV": 3}), by=committee
    )
    decision = decide(tree.district_a, period, district_board, row, level["HTTNV"])
    cell_year = submitted_cell(period, tree.c1, committee, 0, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    with pytest.raises(machine.Refused) as refused:
        decisions.decision_reopen(decision=decision, reason="Sai sót", by=district_board)
    assert refused.value.code == "order"


def test_seats_are_taken_from_the_party_posts_on_the_unit(tree, period, committee):
    """Issue 14 item 5: a party post on the unit is typed once; the seat follows it."""
    from members.models_posts import Post, PostKind

    secretary_post, deputy_post, member_post = (
        Post.objects.create(
            member=MemberFactory(cell=tree.c1),
            kind=PostKind.PARTY,
            title=title,
            organization=tree.g1,
            leadership=True,
            start=datetime.date(2020, 10, 1),
        )
        for title in ("Bí thư Đảng ủy", "Phó Bí thư Đảng ủy", "Đảng ủy viên")
    )
    Post.objects.create(  # a post on another unit is not a seat here
        member=MemberFactory(cell=tree.c3),
        kind=PostKind.PARTY,
        title="Bí thư Đảng ủy",
        organization=tree.g2,
        start=datetime.date(2020, 10, 1),
    )
    collective = party_committee(tree.g1, [])
    seats = collectives.seats_from_posts(collective=collective, by=committee)
    assert {(s.member, s.role) for s in seats} == {
        (secretary_post.member, SeatRole.HEAD),
        (deputy_post.member, SeatRole.DEPUTY),
        (member_post.member, SeatRole.MEMBER),
    }
    member_post.end = datetime.date(2025, 3, 31)
    member_post.save()
    (changed,) = collectives.seats_from_posts(collective=collective, by=committee)
    assert changed.end == datetime.date(2025, 3, 31) and changed.history.first().history_user
    assert collectives.seats_from_posts(collective=collective, by=committee) == []
    assert [s.member for s in collectives.seats_in(collective, 2025)][0] == secretary_post.member


def test_a_standing_committee_post_seats_its_holder_on_both_committees(tree, period, committee):
    """A member of the standing committee sits on the party committee too: one post, one seat
    on each (a post is typed once, whatever the number of collectives it seats on)."""
    from members.models_posts import Post, PostKind

    standing_post = Post.objects.create(
        member=MemberFactory(cell=tree.c1),
        kind=PostKind.PARTY,
        title="Ủy viên Ban Thường vụ Đảng ủy",
        organization=tree.g1,
        leadership=True,
        start=datetime.date(2020, 10, 1),
    )
    party = party_committee(tree.g1, [])
    standing = LeadershipCollective.objects.create(
        organization=tree.g1, kind=CollectiveKind.STANDING_COMMITTEE, name="Ban Thường vụ"
    )
    (on_party,) = collectives.seats_from_posts(collective=party, by=committee)
    (on_standing,) = collectives.seats_from_posts(collective=standing, by=committee)
    assert on_party.post == on_standing.post == standing_post
    assert (on_party.collective, on_standing.collective) == (party, standing)
    assert collectives.seats_from_posts(collective=standing, by=committee) == []  # once each
    # the same rule for bulk writers (the demo): the seats a post gives, unsaved
    (planned,) = collectives.post_seats(standing, [standing_post])
    assert (planned.member_id, planned.role, planned.start) == (
        on_standing.member_id,
        on_standing.role,
        on_standing.start,
    )
