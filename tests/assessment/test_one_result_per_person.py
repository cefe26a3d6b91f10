"""Issue 13, items 9–10: one result per person per year (R16), and demo data that obeys its
year's rule set (R13)."""

import datetime

import pytest
from django.core.management import call_command

from assessment import cell_year as work
from assessment import rules
from assessment.models import AssessmentStatus, InputKind, MemberAssessment, Period
from members.models import StatusKind
from members.services import member_transfer
from reports.summary import summary_build

from ..factories import MemberFactory
from .test_decisions import accept_proposals, issue, submitted_cell

pytestmark = pytest.mark.django_db


def members_total(unit, period) -> int:
    return summary_build(unit=unit, period=period).rows[0].sections["members"].total


def test_r16_a_member_moved_after_the_decision_keeps_one_result_and_the_totals_hold(
    period, tree, secretary, committee
):
    """Moved on 22/12 from a decided cell to a cell that has not started: the province's member
    total does not grow, and the person has one result row for the year."""
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    mover = cell_year.assessments.first().member
    before = members_total(tree.province, period)
    member_transfer(
        member=mover, to_cell=tree.c2, on=datetime.date(2025, 12, 22), reason="Chuyển", by=None
    )
    assert members_total(tree.province, period) == before
    work.cell_year_open(period=period, cell=tree.c2)  # the new cell starts its year
    assert members_total(tree.province, period) == before
    rows = MemberAssessment.objects.filter(member=mover, cell_year__period=period)
    assert [(r.cell_year.cell, r.decided_level.code) for r in rows] == [(tree.c1, "HTTNV")]


def test_r16_a_member_moved_before_the_review_leaves_the_old_roster_with_their_inputs(
    period, tree, secretary
):
    mover, stayer = MemberFactory.create_batch(2, cell=tree.c1)
    old = work.cell_year_open(period=period, cell=tree.c1)
    assessment = old.assessments.get(member=mover)
    work.review_input_add(
        cell_year=old,
        assessment=assessment,
        by=secretary,
        kind=InputKind.RESIDENCE,
        source="Chi bộ khu dân cư số 2",
        given_on=datetime.date(2025, 11, 5),
        text="Gương mẫu nơi cư trú.",
    )
    member_transfer(
        member=mover, to_cell=tree.c2, on=datetime.date(2025, 11, 20), reason="Chuyển", by=None
    )
    old = work.cell_year_open(period=period, cell=tree.c1)  # the old cell looks again
    assert list(old.assessments.values_list("member", flat=True)) == [stayer.pk]
    moved = MemberAssessment.objects.get(member=mover, cell_year__period=period)
    assert moved.cell_year.cell == tree.c2 and moved.pk == assessment.pk
    assert [i.text for i in moved.inputs.all()] == ["Gương mẫu nơi cư trú."]
    assert members_total(tree.province, period) == 2


@pytest.mark.parametrize("year", [2018, 2025])
def test_r13_the_demo_obeys_its_years_rule_set(year):
    """The demo's results: a temporary transfer is not classified only where the year's rules
    say so (up to 2018); from 2019 (Hướng dẫn 21 §II.B.6) the official cell rates them."""
    call_command(
        "seed_demo", "--scale", "tiny", "--year", str(year), "--seed", "3", "--results", "100"
    )
    period = Period.objects.get(year=year)
    rule_set = period.rule_set
    rows = list(MemberAssessment.objects.filter(cell_year__period=period).select_related("member"))
    assert rows
    transfers = [
        r
        for r in rows
        if r.member.status_periods.overlapping(
            datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        )
        .filter(kind=StatusKind.TEMPORARY_TRANSFER)
        .exists()
    ]
    assert transfers  # the demo has members temporarily active elsewhere
    for row in rows:
        expected = rules.derived_status(
            admission_date=row.member.admission_date,
            statuses=row.member.status_periods.all(),
            assessment_date=period.assessment_date,
            year=year,
            min_months_since_admission=rule_set.min_months_since_admission,
            temporary_transfer_not_classified=rule_set.temporary_transfer_not_classified,
        )
        assert (row.status, row.reason_code) == (expected.code, expected.reason), row.member
    not_classified = {r.reason_code for r in transfers if r.status != AssessmentStatus.ASSESS}
    if rule_set.temporary_transfer_not_classified:
        assert "chuyen_tam_thoi" in not_classified
    else:
        assert "chuyen_tam_thoi" not in not_classified
        assert any(r.decided_level_id for r in transfers)
