"""Steps 7 → 8 (issue 4 item 6): a grassroots organization submits its own level; its superior
committee's board decides it (R7, R10) or returns it (R17)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import decisions, grassroots
from assessment.decisions import Choice
from assessment.models import CellState, CellYear
from members.models import DisciplineRecord
from organizations.models import Notification, Organization

from .tables import table_post
from .test_decisions import decided_cell

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


def g1_done(period, tree, secretary, committee, level):
    """G1's members and both cells decided and locked."""
    cells = [
        decided_cell(period, c, secretary, committee, 2, {"HTTNV": 2}) for c in (tree.c1, tree.c2)
    ]
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        by=committee,
        choices={cy.pk: Choice(level["HTTNV"]) for cy in cells},
    ).raise_refusals()
    decisions.cells_decision_issue(
        grassroots=tree.g1,
        period=period,
        by=committee,
        signed_on=datetime.date(2025, 12, 30),
        signer_name="A",
        signer_title="Bí thư",
    )
    return grassroots.grassroots_year_open(period=period, organization=tree.g1)


def test_the_superior_of_a_unit_is_its_superior_committee_or_the_province(tree):
    assert Organization.objects.deciding_superior(tree.g1) == tree.district_a
    direct = tree.province.__class__.objects.add_child(
        tree.province,
        instance=Organization(code="D1", name="Đảng bộ trực thuộc", kind="dang_bo_co_so"),
    )
    assert Organization.objects.deciding_superior(direct) == tree.province


def test_r8_the_organization_submits_after_its_cells_are_decided(
    period, tree, secretary, committee, district_board, level
):
    year = grassroots.grassroots_year_open(period=period, organization=tree.g1)
    with pytest.raises(ValidationError) as error:
        grassroots.grassroots_submit(
            grassroots_year=year, report="x", proposed_level=level["HTTNV"], by=committee
        )
    assert error.value.code == "order"
    year = g1_done(period, tree, secretary, committee, level)
    submitted = grassroots.grassroots_submit(
        grassroots_year=year,
        report="Báo cáo kiểm điểm",
        proposed_level=level["HTTNV"],
        by=committee,
    )
    assert submitted.state == CellState.SUBMITTED
    assert Notification.objects.filter(user=district_board, text__contains="Đảng bộ xã G1")


def test_the_board_decides_and_issues_and_the_levels_lock(
    period, tree, secretary, committee, district_board, level
):
    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="", proposed_level=level["HTTNV"], by=committee
    )
    [row] = grassroots.unit_rows(tree.district_a, period)
    assert row.level == level["HTTNV"] and row.checks == []
    grassroots.grassroots_levels_decide(
        superior=tree.district_a,
        period=period,
        by=district_board,
        choices={year.pk: Choice(level["HTTNV"])},
    ).raise_refusals()
    decision = grassroots.grassroots_decision_issue(
        superior=tree.district_a,
        period=period,
        signed_on=datetime.date(2026, 1, 10),
        signer_name="Lê Văn Trưởng",
        signer_title="Phó Bí thư Thường trực",
        by=district_board,
    )
    year.refresh_from_db()
    assert (year.state, year.decision, decision.number, decision.issuer) == (
        CellState.DECIDED,
        decision,
        1,
        tree.district_a,
    )
    with pytest.raises(ValidationError):
        grassroots.grassroots_levels_decide(
            superior=tree.district_a,
            period=period,
            by=district_board,
            choices={year.pk: Choice(level["HTXSNV"], note="x")},
        ).raise_refusals()


def test_r7_an_excellent_organization_has_no_disciplined_leader(
    period, tree, secretary, committee, district_board, level
):
    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="", proposed_level=level["HTXSNV"], by=committee
    )
    leader = CellYear.objects.get(cell=tree.c1).assessments.first().member
    leader.holds_leadership_post = True
    leader.save()
    DisciplineRecord.objects.create(
        member=leader,
        form="canh_cao",
        duty_related=True,
        decided_on=datetime.date(2025, 8, 8),
        reason="x",
    )
    [row] = grassroots.unit_rows(tree.district_a, period)
    assert [c.rule for c in row.checks] == ["R7"]
    with pytest.raises(ValidationError):
        grassroots.grassroots_levels_decide(
            superior=tree.district_a,
            period=period,
            by=district_board,
            choices={year.pk: Choice(level["HTXSNV"])},
        ).raise_refusals()


def test_r17_the_board_returns_with_a_reason(
    period, tree, secretary, committee, district_board, level
):
    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="", proposed_level=level["HTTNV"], by=committee
    )
    with pytest.raises(ValidationError):
        grassroots.grassroots_return(grassroots_year=year, reason=" ", by=district_board)
    returned = grassroots.grassroots_return(
        grassroots_year=year, reason="Bổ sung số liệu", by=district_board
    )
    assert returned.state == CellState.RETURNED
    assert returned.history.first().history_user == district_board
    grassroots.grassroots_submit(
        grassroots_year=year, report="Đã bổ sung", proposed_level=level["HTTNV"], by=committee
    )


def test_through_the_pages_the_board_decides_and_the_pdf_lists_the_organization(
    login, period, tree, secretary, committee, district_board, level
):
    import subprocess

    from django.urls import reverse

    g1_done(period, tree, secretary, committee, level)
    response = login(committee).post(
        reverse("assessment:grassroots_year", args=[2025, tree.g1.pk]),
        {"report": "Báo cáo kiểm điểm của Đảng ủy", "proposed_level": level["HTTNV"].pk},
    )
    assert response.status_code == 302
    board = login(district_board)
    url = reverse("assessment:superior", args=[2025, tree.district_a.pk])
    page = board.get(url)
    [(row, _)] = page.context["rows"]
    changes = {row.grassroots_year.pk: {"level": level["HTTNV"].pk}}
    assert board.post(url, table_post(page, changes)).status_code == 302
    board.post(
        reverse("assessment:superior_issue", args=[2025, tree.district_a.pk]),
        {
            "signed_on": "10/01/2026",
            "signer_name": "Lê Văn Trưởng",
            "signer_title": "Phó Bí thư Thường trực Huyện ủy",
        },
    )
    page = board.get(reverse("assessment:grassroots_year", args=[2025, tree.g1.pk]))
    assert 'data-testid="grassroots-decided"' in page.content.decode()
    decision = page.context["grassroots_year"].decision
    pdf = board.get(reverse("assessment:decision_pdf", args=[decision.pk]))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Đảng bộ xã G1" in text and "Hoàn thành tốt nhiệm vụ" in text
    assert "HUYỆN ỦY A" in text


def test_the_board_page_reads_its_queue_once_and_shows_the_services_quotas(
    login, period, tree, secretary, committee, district_board, level
):
    """Issue 18: the rows and the quotas (R10) of the superior board's page come from one read
    of its queue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    g1_done(period, tree, secretary, committee, level)
    login(committee).post(
        reverse("assessment:grassroots_year", args=[2025, tree.g1.pk]),
        {"report": "Báo cáo kiểm điểm của Đảng ủy", "proposed_level": level["HTTNV"].pk},
    )
    board = login(district_board)
    url = reverse("assessment:superior", args=[2025, tree.district_a.pk])
    board.get(url)
    with CaptureQueriesContext(connection) as context:
        page = board.get(url)
    queue = [
        q
        for q in context.captured_queries
        if q["sql"].startswith('SELECT "assessment_grassrootsyear"."id"')
    ]
    assert len(queue) == 1
    assert len(page.context["rows"]) == 1
    assert page.context["quotas"] == grassroots.units_quotas(
        superior=tree.district_a, period=period
    )
