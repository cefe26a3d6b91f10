"""Issue 12: the faults found at the seams of the decision chain, each through the real HTTP
interface (fault 8 is tests/assessment/test_cell_year_views.py::
test_looking_at_a_cell_writes_nothing_and_opening_is_attributed)."""

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessment import cell_year as work
from assessment import decisions, rules
from assessment.models import (
    CellState,
    CellYear,
    Decision,
    DecisionKind,
    DecisionState,
    GrassrootsYear,
    MemberAssessment,
    Tally,
)
from organizations.models import Role

from ..factories import UserFactory, assign
from .tables import table_post
from .test_decisions import decided_cell, submitted_cell
from .test_step_8b_and_reopen import g1_decided_by_district

pytestmark = pytest.mark.django_db

DOCUMENT = {"signed_on": "28/12/2025", "signer_name": "Trần Văn Bí", "signer_title": "Bí thư"}


def client_of(user) -> Client:
    """A browser of its own per person (the `login` fixture shares one client)."""
    client = Client()
    client.force_login(user)
    return client


def vi(message, **params) -> str:
    with translation.override("vi"):
        return str(message) % params if params else str(message)


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, *args):
    return reverse(f"assessment:{name}", args=args)


def decide_all(client, cell, changes=None):
    page = client.get(url("decide", 2025, cell.pk))
    return client.post(url("decide", 2025, cell.pk), table_post(page, changes), follow=True)


def test_fault_1_issuing_runs_the_checks_on_the_rows_as_they_stand(
    login, period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    board, cell = client_of(committee), client_of(secretary)
    decide_all(board, tree.c1)
    board.post(url("decision_issue", 2025, tree.c1.pk), DOCUMENT)
    decision = Decision.objects.get()
    board.post(reverse("assessment:decision_reopen", args=[decision.pk]), {"reason": "Xem lại"})
    board.post(url("return", 2025, tree.c1.pk), {"reason": "Kiểm phiếu lại"})
    raised = cell_year.assessments.order_by("member__full_name").first()
    tally = Tally.objects.get(assessment=raised)
    cell.post(
        url("tally", 2025, tree.c1.pk),
        {"subject": raised.pk, "version": tally.version, "votes_HTXSNV": "3"},
    )
    cell.post(url("submit", 2025, tree.c1.pk), {"confirm": "on"})
    raised.refresh_from_db()
    assert raised.proposed_level == level["HTXSNV"] and raised.decided_level == level["HTTNV"]

    response = board.post(url("decision_issue", 2025, tree.c1.pk), DOCUMENT, follow=True)
    assert raised.member.full_name in text(response)
    assert vi(decisions.MSG_NOTE_NEEDED) in text(response)
    assert not Decision.objects.filter(state=DecisionState.ISSUED).exists()

    decide_all(board, tree.c1, {raised.pk: {"note": "Giữ mức cũ theo kiểm tra"}})
    board.post(url("decision_issue", 2025, tree.c1.pk), DOCUMENT)
    raised.refresh_from_db()
    assert raised.decision.state == DecisionState.ISSUED and raised.decision_note


def test_fault_2_a_cells_decision_is_not_issued_over_reopened_members(
    login, period, tree, secretary, committee, level
):
    c1 = decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    board = client_of(committee)
    cells_url = url("decide_cells", 2025, tree.g1.pk)
    board.post(cells_url, table_post(board.get(cells_url)))
    assert CellYear.objects.filter(decided_level__isnull=False).count() == 2
    members = c1.assessments.first().decision
    board.post(reverse("assessment:decision_reopen", args=[members.pk]), {"reason": "Xem lại"})

    response = board.post(url("decide_cells_issue", 2025, tree.g1.pk), DOCUMENT, follow=True)
    assert vi(decisions.MSG_MEMBERS_FIRST) in text(response)
    assert not Decision.objects.filter(kind=DecisionKind.UNITS).exists()
    page = board.get(url("grassroots_year", 2025, tree.g1.pk))
    assert page.context["lower_done"] is False and "bi-x-circle-fill" in text(page)


def test_fault_3_a_board_acts_only_on_the_units_it_decides(
    login, period, tree, secretary, committee, district_board, provincial, level
):
    decision = g1_decided_by_district(period, tree, secretary, committee, district_board, level)
    board, province = client_of(district_board), client_of(provincial)
    board.post(
        url("grassroots_year", 2025, tree.district_a.pk),
        {"report": "Báo cáo", "proposed_level": level["HTTNV"].pk},
    )
    own = GrassrootsYear.objects.get(organization=tree.district_a)
    assert own.state == CellState.SUBMITTED
    # A commune committee's own report (step 8b) is the province's to return, not its own.
    answer = board.post(
        url("superior_return", 2025, tree.district_a.pk, tree.district_a.pk), {"reason": "x"}
    )
    assert answer.status_code == 404
    own.refresh_from_db()
    assert own.state == CellState.SUBMITTED and not own.return_reason
    province.post(
        url("superior_return", 2025, tree.province.pk, tree.district_a.pk), {"reason": "Bổ sung"}
    )
    own.refresh_from_db()
    assert own.state == CellState.RETURNED

    # The province's board does not decide G1 (its commune committee does): as if missing.
    board.post(reverse("assessment:decision_reopen", args=[decision.pk]), {"reason": "Xem lại"})
    g1 = GrassrootsYear.objects.get(organization=tree.g1)
    assert g1.state == CellState.SUBMITTED
    listed = province.get(url("superior", 2025, tree.province.pk)).context["rows"]
    assert g1 not in [row.grassroots_year for row, _ in listed]
    answer = province.post(
        url("superior_return", 2025, tree.province.pk, tree.g1.pk), {"reason": "Không phải việc"}
    )
    assert answer.status_code == 404
    g1.refresh_from_db()
    assert g1.state == CellState.SUBMITTED and not g1.return_reason
    # The board that decides it does return it.
    board.post(url("superior_return", 2025, tree.district_a.pk, tree.g1.pk), {"reason": "Bổ sung"})
    g1.refresh_from_db()
    assert g1.state == CellState.RETURNED and g1.return_reason == "Bổ sung"


def test_fault_4_a_table_never_reverts_another_users_row(
    login, period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    decisions.member_levels_decide(
        cell_year=cell_year,
        by=committee,
        choices={
            a.pk: decisions.Choice(a.proposed_level, version=a.version)
            for a in cell_year.assessments.all()
        },
    ).raise_refusals()
    x, y = cell_year.assessments.order_by("pk")
    colleague = UserFactory(username="committee2")
    assign(colleague, Role.GRASSROOTS_COMMITTEE, tree.g1)
    a, b = client_of(committee), client_of(colleague)
    before = x.history.count()
    page_a = a.get(url("decide", 2025, tree.c1.pk))
    page_b = b.get(url("decide", 2025, tree.c1.pk))
    reason = "Chậm hai nhiệm vụ"
    b.post(
        url("decide", 2025, tree.c1.pk),
        table_post(page_b, {x.pk: {"level": level["HTNV"].pk, "note": reason}}),
    )
    response = a.post(
        url("decide", 2025, tree.c1.pk),
        table_post(page_a, {y.pk: {"level": level["HTNV"].pk, "note": "Chậm một nhiệm vụ"}}),
        follow=True,
    )
    assert response.status_code == 200
    x.refresh_from_db()
    y.refresh_from_db()
    assert (x.decided_level, x.decision_note) == (level["HTNV"], reason)  # B's change stands
    assert y.decided_level == level["HTNV"]  # A's own change is saved
    assert x.history.count() == before + 1  # B's save only: A never rewrote X
    assert x.history.first().history_user == colleague

    # A changes X from the stale page: a conflict shown on X's row, X untouched.
    response = a.post(
        url("decide", 2025, tree.c1.pk),
        table_post(page_a, {x.pk: {"level": level["HTXSNV"].pk, "note": "Xuất sắc"}}),
    )
    assert response.status_code == 200
    assert vi(work.MSG_CONFLICT) in response.context["errors"][x.pk]
    x.refresh_from_db()
    assert (x.decided_level, x.decision_note) == (level["HTNV"], reason)


def test_fault_5_rows_that_pass_are_saved_and_the_failing_row_says_why(
    login, period, tree, secretary, committee, level
):
    c1 = decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    c2 = decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    board = client_of(committee)
    members = c2.assessments.first().decision
    board.post(reverse("assessment:decision_reopen", args=[members.pk]), {"reason": "Xem lại"})
    cells_url = url("decide_cells", 2025, tree.g1.pk)
    response = board.post(cells_url, table_post(board.get(cells_url)))
    assert response.status_code == 200
    assert response.context["errors"] == {c2.pk: [vi(decisions.MSG_MEMBERS_FIRST)]}
    assert 'data-testid="row-error-C2"' in text(response)
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert c1.decided_level == level["HTTNV"] and c2.decided_level is None


SCORES_60 = {
    "politics_ethics": 10,
    "capacity_attitude": 10,
    "self_criticism": 5,
    "volume": 15,
    "progress": 10,
    "quality": 10,
}


def test_fault_7_the_gap_check_does_not_depend_on_the_language(
    login, period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    gap = cell_year.assessments.order_by("pk").first()
    CellYear.objects.filter(pk=cell_year.pk).update(state=CellState.IN_PROGRESS)
    with translation.override("en"):  # the member writes in English
        work.self_review_save(
            assessment=gap, texts={}, scores=SCORES_60, conditions={}, by=secretary, version=None
        )
    CellYear.objects.filter(pk=cell_year.pk).update(state=CellState.SUBMITTED)
    gap.refresh_from_db()
    assert gap.self_level_gap and vi(rules.MSG_GAP) not in gap.self_level_notes
    page = login(committee).get(url("decide", 2025, tree.c1.pk))  # the decider reads Vietnamese
    [row] = [row for row, _ in page.context["rows"] if row.assessment.pk == gap.pk]
    assert [c.rule for c in row.checks] == ["R3"]
    assert vi(rules.MSG_GAP) in text(page)
    response = decide_all(login(committee), tree.c1)
    assert gap.pk in response.context["errors"]  # needs a written override
    gap.refresh_from_db()
    assert gap.decided_level is None


def test_fault_11_each_party_sees_the_result_that_concerns_them(
    login, period, tree, secretary, committee, alice_member, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    board = client_of(committee)
    page = board.get(url("decide", 2025, tree.c1.pk))
    own = cell_year.assessments.get(member=alice_member)
    body = text(page)
    assert f'href="{url("meeting", 2025, tree.c1.pk)}#tally-{own.pk}"' in body
    assert f'data-testid="review-{own.pk}"' in body and f'data-testid="feedback-{own.pk}"' in body
    assert reverse("assessment:self_review", args=[own.pk]) in body
    member = client_of(alice_member.user)
    assert 'data-testid="own-awaiting"' in text(member.get(reverse("home")))
    decide_all(board, tree.c1)
    board.post(url("decision_issue", 2025, tree.c1.pk), DOCUMENT)
    decision = Decision.objects.get()
    cell_page = text(client_of(secretary).get(url("cell_year", 2025, tree.c1.pk)))
    assert f'data-testid="decided-{own.pk}"><strong>HTTNV</strong>' in cell_page
    assert str(decision) in cell_page
    home = text(member.get(reverse("home")))
    assert 'data-testid="own-result"' in home and 'data-testid="own-self-review"' not in home
    assert level["HTTNV"].name in home and str(decision) in home
    assert MemberAssessment.objects.get(pk=own.pk).decision == decision
