"""Step 7 (issue 4): the committee decides members' levels and issues a numbered decision."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment import cell_year as work
from assessment import decisions, rules
from assessment.access import can_enter_cell_work
from assessment.decisions import Choice
from assessment.meetings import meeting_inspection_record
from assessment.models import CellState
from members.models import DisciplineRecord
from organizations.models import Role

from ..factories import MemberFactory, assign, cell_documents_write
from ..messages import says

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


def submitted_cell(period, cell, secretary, n, votes):
    """A cell whose n members were all proposed at `votes` (e.g. {"HTTNV": n}); `secretary`
    is made the cell's secretary, the role the machine asks of who submits."""
    if not can_enter_cell_work(secretary, cell):
        assign(secretary, Role.CELL_SECRETARY, cell)
        del secretary._xeploai_assignments  # the per-request cache of roles
    members = MemberFactory.create_batch(n, cell=cell)
    cell_year = work.cell_year_open(period=period, cell=cell)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(2025, 12, 10), "chair": "A", "recorder": "B"},
    )
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    for assessment in [None, *cell_year.assessments.all()]:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes=votes,
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    cell_documents_write(cell_year, secretary)
    # R21 (issue 16): the committee inspects the cell's meetings before classifying the cell
    meeting_inspection_record(
        cell=cell,
        period=period,
        inspected_on=datetime.date(2025, 12, 12),
        inspector="Ủy ban kiểm tra",
        findings="Sinh hoạt đều đặn",
        by=None,
    )
    return work.cell_submit(cell_year=cell_year, by=secretary)


def accept_proposals(cell_year, by, overrides=None):
    choices = {a.pk: Choice(a.proposed_level) for a in cell_year.assessments.all()}
    choices.update(overrides or {})
    decisions.member_levels_decide(cell_year=cell_year, choices=choices, by=by).raise_refusals()


def issue(cell_year, by, **kw):
    return decisions.members_decision_issue(
        cell_year=cell_year,
        signed_on=datetime.date(2025, 12, 28),
        signer_name="Trần Văn Bí",
        signer_title="Bí thư Đảng ủy",
        by=by,
        **kw,
    )


def test_a_level_other_than_the_proposal_needs_a_reason(period, tree, secretary, committee, level):
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    first = cell_year.assessments.first()
    with pytest.raises(ValidationError) as error:
        accept_proposals(cell_year, committee, {first.pk: Choice(level["HTNV"])})
    assert str(first.pk) in error.value.message_dict
    first.refresh_from_db()
    assert first.decided_level is None
    accept_proposals(
        cell_year, committee, {first.pk: Choice(level["HTNV"], note="Chậm tiến độ 2 nhiệm vụ")}
    )
    first.refresh_from_db()
    assert first.decided_level == level["HTNV"]
    assert first.history.first().history_user == committee


def test_r4_discipline_needs_a_written_override_to_rate_above_not_completed(
    period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    disciplined = cell_year.assessments.first()
    DisciplineRecord.objects.create(
        member=disciplined.member,
        form="khien_trach",
        decided_on=datetime.date(2025, 6, 1),
        reason="x",
    )
    with pytest.raises(ValidationError):
        accept_proposals(cell_year, committee)
    accept_proposals(
        cell_year,
        committee,
        {
            disciplined.pk: Choice(
                level["HTTNV"], override_note="Vi phạm do khách quan, đã khắc phục; cấp ủy xem xét"
            )
        },
    )
    disciplined.refresh_from_db()
    assert disciplined.decided_level == level["HTTNV"] and disciplined.override_note


def test_r6_the_state_level_caps_and_cannot_be_overridden(
    period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    employee = cell_year.assessments.first()
    with pytest.raises(ValidationError) as error:
        accept_proposals(
            cell_year,
            committee,
            {employee.pk: Choice(level["HTTNV"], override_note="x", state_level=level["KHTNV"])},
        )
    assert says(rules.MSG_STATE_NOT_COMPLETED, str(error.value))
    accept_proposals(
        cell_year,
        committee,
        {
            employee.pk: Choice(
                level["KHTNV"],
                note="Công chức không hoàn thành nhiệm vụ",
                state_level=level["KHTNV"],
            )
        },
    )


def test_a_cell_not_yet_submitted_cannot_be_decided(period, tree, committee, c1_members, level):
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    with pytest.raises(ValidationError) as error:
        decisions.member_levels_decide(
            cell_year=cell_year, choices={}, by=committee
        ).raise_refusals()
    assert error.value.code == "state"


def test_r10_the_quota_counts_the_whole_grassroots_organization(
    period, tree, secretary, committee, level
):
    # 2025 (R11, Quy định 366 art. 11): the base is those rated good
    c1 = submitted_cell(period, tree.c1, secretary, 4, {"HTXSNV": 4})
    submitted_cell(period, tree.c2, secretary, 21, {"HTTNV": 21})
    check = decisions.grassroots_quota(grassroots=tree.g1, period=period)
    assert (check.excellent, check.base, check.ok) == (4, 21, True)  # 4 of 21 good: allowed
    one_more = next(a for a in period.cell_years.get(cell=tree.c2).assessments.all())
    what_if = decisions.grassroots_quota(
        grassroots=tree.g1, period=period, what_if={one_more.pk: level["HTXSNV"]}
    )
    assert (what_if.excellent, what_if.base, what_if.ok) == (5, 20, False)  # 5 > 20 % of 20
    assert c1.state == CellState.SUBMITTED


def test_r12_exceeding_the_quota_needs_a_justification_that_the_decision_keeps(
    period, tree, secretary, committee
):
    cell_year = submitted_cell(period, tree.c1, secretary, 5, {"HTXSNV": 5})
    submitted_cell(period, tree.c2, secretary, 19, {"HTTNV": 19})  # 5 of 19 good > 20 %
    accept_proposals(cell_year, committee)
    with pytest.raises(ValidationError) as error:
        issue(cell_year, committee)
    assert error.value.code == "quota"
    assert "20%" in error.value.messages[0] and "tối đa 3" in error.value.messages[0]
    decision = issue(cell_year, committee, quota_justification="Đơn vị có thành tích nổi bật")
    assert decision.quota_justification == "Đơn vị có thành tích nổi bật"


def test_r10_a_recorded_decision_may_raise_the_cap_to_25_percent(
    period, tree, secretary, committee
):
    cell_year = submitted_cell(period, tree.c1, secretary, 5, {"HTXSNV": 5})
    submitted_cell(period, tree.c2, secretary, 20, {"HTTNV": 20})  # 5 of 20 good = 25 %
    accept_proposals(cell_year, committee)
    with pytest.raises(ValidationError):
        issue(cell_year, committee, raised_cap_percent=Decimal(30), quota_raise_reference="x")
    with pytest.raises(ValidationError):
        issue(cell_year, committee, raised_cap_percent=Decimal(25))
    decision = issue(
        cell_year,
        committee,
        raised_cap_percent=Decimal(25),
        quota_raise_reference="Quyết định 15-QĐ/HU ngày 20/12/2025",
    )
    assert decision.quota_cap_percent == 25 and decision.quota_justification == ""


def test_decisions_are_numbered_per_issuing_body_and_year(
    period, tree, secretary, committee, outsider, outsider_board
):
    from organizations.models import Role
    from tests.factories import UserFactory, assign

    first = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    second = submitted_cell(period, tree.c2, secretary, 2, {"HTTNV": 2})
    other = submitted_cell(period, tree.c3, outsider, 2, {"HTTNV": 2})
    other_committee = UserFactory(username="g2")
    assign(other_committee, Role.GRASSROOTS_COMMITTEE, tree.g2)
    for cell_year, by in ((first, committee), (second, committee), (other, other_committee)):
        accept_proposals(cell_year, by)
    numbers = [
        issue(first, committee).number,
        issue(second, committee).number,
        issue(other, other_committee).number,
    ]
    assert numbers == [1, 2, 1]


def test_an_issued_decision_locks_its_levels_at_the_service_level(
    period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee)
    cell_year.refresh_from_db()
    assert cell_year.state == CellState.DECIDED
    assert {a.decision for a in cell_year.assessments.all()} == {decision}
    first = cell_year.assessments.first()
    with pytest.raises(ValidationError) as error:
        decisions.member_levels_decide(
            cell_year=cell_year,
            by=committee,
            choices={first.pk: Choice(level["HTXSNV"], note="đổi")},
        ).raise_refusals()
    assert error.value.code == "locked"
    with pytest.raises(ValidationError):
        issue(cell_year, committee)
    first.refresh_from_db()
    assert first.decided_level == level["HTTNV"]


def test_a_decision_needs_every_member_decided(period, tree, secretary, committee):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    with pytest.raises(ValidationError) as error:
        issue(cell_year, committee)
    assert error.value.code == "undecided"


def test_r17_a_decision_is_reopened_only_with_a_reason_and_keeps_its_history(
    period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee)
    with pytest.raises(ValidationError):
        decisions.decision_reopen(decision=decision, reason="  ", by=committee)
    decisions.decision_reopen(decision=decision, reason="Phát hiện sai sót", by=committee)
    cell_year.refresh_from_db()
    assert cell_year.state == CellState.SUBMITTED
    first = cell_year.assessments.first()
    assert first.decision is None
    assert first.history.first().history_change_reason == "Phát hiện sai sót"
    assert first.history.all()[1].decision_id == decision.pk  # the locked state stays on record
    decisions.member_levels_decide(
        cell_year=cell_year,
        by=committee,
        choices={first.pk: Choice(level["HTNV"], note="Sửa theo kết luận kiểm tra")},
    ).raise_refusals()
    second = issue(cell_year, committee)
    assert (decision.number, second.number) == (1, 2)
    with pytest.raises(ValidationError):
        decisions.decision_reopen(decision=decision, reason="lần nữa", by=committee)


def decided_cell(period, cell, secretary, committee, n, votes):
    cell_year = submitted_cell(period, cell, secretary, n, votes)
    accept_proposals(cell_year, committee)
    issue(cell_year, committee, quota_justification="Kết quả nổi bật")
    cell_year.refresh_from_db()
    return cell_year


def issue_cells(by, period, tree, **kw):
    return decisions.cells_decision_issue(
        grassroots=tree.g1,
        period=period,
        signed_on=datetime.date(2025, 12, 30),
        signer_name="Trần Văn Bí",
        signer_title="Bí thư Đảng ủy",
        by=by,
        **kw,
    )


def test_r8_a_cell_is_decided_after_its_members(period, tree, secretary, committee, level):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    [row] = decisions.cell_rows(tree.g1, period)
    assert [c.rule for c in row.checks] == ["R8"]
    with pytest.raises(ValidationError):
        decisions.cell_levels_decide(
            grassroots=tree.g1,
            period=period,
            by=committee,
            choices={cell_year.pk: Choice(level["HTTNV"])},
        ).raise_refusals()
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={cell_year.pk: Choice(level["HTTNV"])},
    ).raise_refusals()
    cell_year.refresh_from_db()
    assert cell_year.decided_level == level["HTTNV"]


def test_r7_2025_an_excellent_cell_has_no_disciplined_leader(
    period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTXSNV": 2})
    leader = cell_year.assessments.first().member
    leader.holds_leadership_post = True
    leader.save()
    DisciplineRecord.objects.create(
        member=leader,
        form="khien_trach",
        duty_related=False,
        decided_on=datetime.date(2025, 3, 1),
        reason="x",
    )
    accept_proposals(cell_year, committee)
    issue(cell_year, committee, quota_justification="Chi bộ nhỏ, thành tích nổi bật")
    with pytest.raises(ValidationError) as error:
        decisions.cell_levels_decide(
            grassroots=tree.g1,
            period=period,
            by=committee,
            choices={cell_year.pk: Choice(level["HTXSNV"])},
        ).raise_refusals()
    assert any(
        says(message, str(error.value))
        for message in (
            rules.MSG_BELOW_COMPLETED,
            rules.MSG_GOOD_SHARE,
            rules.MSG_DISCIPLINE_BELOW,
        )
    )
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={cell_year.pk: Choice(level["HTTNV"], note="Cấp ủy viên bị kỷ luật")},
    ).raise_refusals()


def test_the_cells_decision_is_numbered_after_the_members_and_locks(
    period, tree, secretary, committee, level
):
    c1 = decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    c2 = decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={c1.pk: Choice(level["HTTNV"]), c2.pk: Choice(level["HTTNV"])},
    ).raise_refusals()
    decision = issue_cells(committee, period, tree)
    assert (decision.number, decision.kind) == (3, "units")  # after two members' decisions
    assert set(decision.cell_years.all()) == {c1, c2}
    with pytest.raises(ValidationError) as error:
        decisions.cell_levels_decide(
            grassroots=tree.g1,
            period=period,
            by=committee,
            choices={c1.pk: Choice(level["HTXSNV"], note="x")},
        ).raise_refusals()
    assert error.value.code == "locked"


def test_r10_the_cells_quota_counts_the_cells_of_the_committee(
    period, tree, secretary, committee, level
):
    c1 = decided_cell(period, tree.c1, secretary, committee, 2, {"HTXSNV": 2, "HTTNV": 0})
    decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    check = decisions.cells_quota(grassroots=tree.g1, period=period)
    # the cells proposed HTXSNV (c1) and HTTNV (c2): 1 of 1 good exceeds 20 %
    assert (check.excellent, check.base, check.ok) == (1, 1, False)
    assert c1.proposed_level.code == "HTXSNV"


def test_r8_the_cell_may_not_be_rated_below_its_head(period, tree, secretary, committee, level):
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    head = cell_year.assessments.first()
    head.member.is_unit_head = True
    head.member.save()
    accept_proposals(cell_year, committee, {head.pk: Choice(level["HTXSNV"], note="Nổi bật")})
    issue(cell_year, committee, quota_justification="Bí thư có thành tích nổi bật")
    with pytest.raises(ValidationError) as error:
        decisions.cell_levels_decide(
            grassroots=tree.g1,
            period=period,
            by=committee,
            choices={cell_year.pk: Choice(level["HTTNV"])},
        ).raise_refusals()
    assert says(rules.MSG_HEAD_ABOVE_UNIT, str(error.value))
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={cell_year.pk: Choice(level["HTXSNV"], note="Chi bộ tiêu biểu")},
    ).raise_refusals()
