"""Issue 12, fault 6: `seed_demo --results` leaves what the real chain would leave (issued,
numbered decisions made by the services), and every demo account can walk its main pages with no
unit stuck half-way."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessment.models import (
    AssessmentStatus,
    CellState,
    CellYear,
    Decision,
    DecisionState,
    GrassrootsYear,
    MemberAssessment,
    Period,
)
from organizations.models import Assignment, Role

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

YEAR = 2025


@pytest.fixture
def demo():
    call_command("seed_demo", "--scale", "tiny", "--year", str(YEAR), "--results", "60")
    return Period.objects.get(year=YEAR)


def get_ok(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_seeded_demo_has_issued_decisions_and_every_account_walks_it(demo):
    """One seeding (the chain takes a while) for both halves."""
    assert_results_are_issued_numbered_decisions(demo)
    walk_every_account(demo)


def assert_results_are_issued_numbered_decisions(demo):
    decided = CellYear.objects.filter(period=demo, state=CellState.DECIDED)
    assert decided.count() >= 5
    for cell_year in decided:
        assessed = cell_year.assessments.filter(status=AssessmentStatus.ASSESS)
        assert assessed.exists()
        assert not assessed.filter(decided_level__isnull=True).exists()
        decisions = {a.decision for a in assessed.select_related("decision")}
        assert len(decisions) == 1, cell_year  # one members' decision per cell
        (decision,) = decisions
        assert decision.state == DecisionState.ISSUED and decision.number >= 1
        assert decision.history.filter(history_type="+").exists()  # written by the service
        assert cell_year.history.filter(history_user__isnull=False).exists()  # attributable
    # Nothing decided outside a decision, at any level.
    assert not MemberAssessment.objects.filter(
        decided_level__isnull=False, decision__isnull=True
    ).exists()
    assert not GrassrootsYear.objects.filter(
        state=CellState.DECIDED, decision__isnull=True
    ).exists()
    numbers = Decision.objects.values_list("issuer_id", "number")
    assert len(set(numbers)) == len(numbers)
    # Cells not chosen stay untouched for the walk-through (the demo accounts' own cells).
    for assignment in Assignment.objects.filter(role=Role.CELL_SECRETARY):
        assert not CellYear.objects.filter(
            cell=assignment.organization, state=CellState.DECIDED
        ).exists()


def walk_every_account(demo):
    client = Client()
    for assignment in Assignment.objects.select_related("user", "organization"):
        client.force_login(assignment.user)
        unit = assignment.organization
        get_ok(client, reverse("home"))
        if assignment.role == Role.MEMBER:  # a member sees their own record, not the unit's
            get_ok(client, reverse("members:member", args=[assignment.user.member.pk]))
            continue
        get_ok(client, reverse("organizations:unit", args=[unit.pk]))
        if assignment.role == Role.CELL_SECRETARY:
            get_ok(client, reverse("assessment:cell_year", args=[YEAR, unit.pk]))
        elif assignment.role == Role.GRASSROOTS_COMMITTEE:
            get_ok(client, reverse("assessment:inbox", args=[YEAR, unit.pk]))
            for cell_year in CellYear.objects.filter(
                period=demo, cell__path__startswith=unit.path, state=CellState.DECIDED
            ):
                assert_offers_its_decision(client, cell_year)
            html = get_ok(client, reverse("assessment:inbox", args=[YEAR, unit.pk]))
            for cell_year in CellYear.objects.filter(period=demo, cell__path__startswith=unit.path):
                assert cell_year.cell.name in html
        elif assignment.role in (Role.SUPERIOR_BOARD, Role.PROVINCIAL_BOARD):
            get_ok(client, reverse("assessment:superior", args=[YEAR, unit.pk]))
            get_ok(client, reverse("reports:progress", args=[YEAR, unit.pk]))
    # The administrator stands in for the committees the demo has no account for.
    client.force_login(get_user_model().objects.get(username="quantri"))
    decided = CellYear.objects.filter(period=demo, state=CellState.DECIDED)
    for cell_year in decided:
        assert_offers_its_decision(client, cell_year)
    decision = Decision.objects.filter(period=demo).first()
    pdf = client.get(reverse("assessment:decision_pdf", args=[decision.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def assert_offers_its_decision(client: Client, cell_year: CellYear) -> None:
    """A decided cell's decide page lists its issued decision with the PDF and the reopen form,
    so the committee is never blocked."""
    decision = cell_year.assessments.exclude(decision=None).first().decision
    html = get_ok(client, reverse("assessment:decide", args=[YEAR, cell_year.cell_id]))
    assert reverse("assessment:decision_pdf", args=[decision.pk]) in html
    assert reverse("assessment:decision_reopen", args=[decision.pk]) in html
