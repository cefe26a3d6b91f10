"""Issue 4 items 6–7: step 8b (the province decides commune and ward committees, after their
grassroots organizations) and reopening unit decisions with a reason, lower levels first."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import decisions, grassroots
from assessment.decisions import Choice
from assessment.models import CellState, CellYear, DecisionState, GrassrootsYear
from organizations.models import Notification

from .test_grassroots import g1_done

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

DOC = {
    "signed_on": datetime.date(2026, 1, 10),
    "signer_name": "Lê Văn Trưởng",
    "signer_title": "Bí thư",
}


def g1_decided_by_district(period, tree, secretary, committee, district_board, level):
    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="", proposed_level=level["HTTNV"], by=committee
    )
    grassroots.grassroots_levels_decide(
        superior=tree.district_a,
        period=period,
        by=district_board,
        choices={year.pk: Choice(level["HTTNV"])},
    ).raise_refusals()
    return grassroots.grassroots_decision_issue(
        superior=tree.district_a, period=period, by=district_board, **DOC
    )


def test_8b_a_commune_committee_submits_after_its_grassroots_organizations(
    period, tree, secretary, committee, district_board, provincial, level
):
    commune = grassroots.grassroots_year_open(period=period, organization=tree.district_a)
    with pytest.raises(ValidationError) as error:
        grassroots.grassroots_submit(
            grassroots_year=commune, report="", proposed_level=level["HTTNV"], by=district_board
        )
    assert error.value.code == "order"
    g1_decided_by_district(period, tree, secretary, committee, district_board, level)
    assert grassroots.lower_levels_done(tree.district_a, period)
    grassroots.grassroots_submit(
        grassroots_year=commune, report="Báo cáo", proposed_level=level["HTXSNV"], by=district_board
    )
    assert Notification.objects.filter(user=provincial, text__contains=tree.district_a.name)


def test_8b_the_province_decides_commune_committees_in_their_own_quota_group(
    period, tree, secretary, committee, district_board, provincial, level
):
    g1_decided_by_district(period, tree, secretary, committee, district_board, level)
    commune = grassroots.grassroots_year_open(period=period, organization=tree.district_a)
    grassroots.grassroots_submit(
        grassroots_year=commune, report="", proposed_level=level["HTXSNV"], by=district_board
    )
    [row] = grassroots.unit_rows(tree.province, period)
    assert row.grassroots_year == commune
    # R7 for a commune committee looks at its grassroots organizations: G1 is good, which the
    # 2025 rule set admits below an excellent unit.
    assert row.checks == []
    [group] = grassroots.units_quotas(superior=tree.province, period=period)
    assert (group.check.excellent, group.check.allowed, group.check.ok) == (1, 0, False)
    grassroots.grassroots_levels_decide(
        superior=tree.province,
        period=period,
        by=provincial,
        choices={commune.pk: Choice(level["HTXSNV"])},
    ).raise_refusals()
    with pytest.raises(ValidationError) as error:
        grassroots.grassroots_decision_issue(
            superior=tree.province, period=period, by=provincial, **DOC
        )
    assert error.value.code == "quota"
    decision = grassroots.grassroots_decision_issue(
        superior=tree.province,
        period=period,
        by=provincial,
        quota_justification="Đơn vị duy nhất trong nhóm",
        **DOC,
    )
    commune.refresh_from_db()
    assert (commune.state, commune.decision, decision.issuer) == (
        CellState.DECIDED,
        decision,
        tree.province,
    )


def test_8b_through_the_pages_with_roles(
    login, period, tree, secretary, committee, district_board, provincial, outsider_board, level
):
    g1_decided_by_district(period, tree, secretary, committee, district_board, level)
    url = reverse("assessment:grassroots_year", args=[2025, tree.district_a.pk])
    proposal = {"report": "x", "proposed_level": level["HTTNV"].pk}
    assert login(provincial).post(url, proposal).status_code == 403  # sees it, may not submit
    assert login(committee).post(url, proposal).status_code == 404  # below: does not see it
    assert login(outsider_board).get(url).status_code == 404
    response = login(district_board).post(
        url, {"report": "Báo cáo", "proposed_level": level["HTTNV"].pk}
    )
    assert response.status_code == 302
    assert GrassrootsYear.objects.get(organization=tree.district_a).state == CellState.SUBMITTED
    board = login(provincial)
    page = board.get(reverse("assessment:superior", args=[2025, tree.province.pk]))
    assert [r.grassroots_year.organization for r, _ in page.context["rows"]] == [tree.district_a]
    assert (
        login(district_board)
        .get(reverse("assessment:superior", args=[2025, tree.province.pk]))
        .status_code
        == 404
    )


def test_r17_a_unit_decision_is_reopened_with_a_reason_only_after_the_work_above(
    login, period, tree, secretary, committee, district_board, level
):
    district_decision = g1_decided_by_district(
        period, tree, secretary, committee, district_board, level
    )
    cells_decision = tree.g1.decisions.get(kind="units")
    # G1's own level rests on the cells' levels: the cells' decision waits for the district's.
    with pytest.raises(ValidationError) as error:
        decisions.decision_reopen(decision=cells_decision, reason="Sai sót", by=committee)
    assert error.value.code == "order"
    with pytest.raises(ValidationError):
        decisions.decision_reopen(decision=district_decision, reason=" ", by=district_board)
    response = login(district_board).post(
        reverse("assessment:decision_reopen", args=[district_decision.pk]),
        {"reason": "Xem xét lại"},
    )
    assert response.status_code == 302
    district_decision.refresh_from_db()
    g1_year = GrassrootsYear.objects.get(organization=tree.g1)
    assert (district_decision.state, g1_year.state, g1_year.decision) == (
        DecisionState.REOPENED,
        CellState.SUBMITTED,
        None,
    )
    assert g1_year.history.first().history_change_reason == "Xem xét lại"
    # still submitted: the district returns it before the committee can reopen its own decision
    with pytest.raises(ValidationError):
        decisions.decision_reopen(decision=cells_decision, reason="Sai sót", by=committee)
    grassroots.grassroots_return(grassroots_year=g1_year, reason="Sửa", by=district_board)
    # a secretary may not reopen the committee's decision
    assert (
        login(secretary)
        .post(reverse("assessment:decision_reopen", args=[cells_decision.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    login(committee).post(
        reverse("assessment:decision_reopen", args=[cells_decision.pk]), {"reason": "Sai sót"}
    )
    cells_decision.refresh_from_db()
    assert cells_decision.state == DecisionState.REOPENED
    assert CellYear.objects.get(cell=tree.c2).decision_id is None
