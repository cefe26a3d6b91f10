"""The summary from kept counts (issue 18 item 1): the counts follow the services that move them,
a drift is found and named, the not-started count stays inside the subtree, and the page
formats its numbers once in Python exactly as the template filters did."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.defaultfilters import floatformat
from django.utils import translation

from assessment import cell_year as work
from assessment import prompts
from assessment.counts import counts_drift, counts_refresh, counts_tally
from assessment.models import (
    AssessmentStatus,
    CountSubject,
    InputKind,
    UnitYearCount,
)
from members.models import Post, PostKind
from reports.exports import number_texts
from reports.summary import summary_json
from tests.counts import assert_counts_agree
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cell(period, tree, secretary):
    """C1's 2025 opened by its secretary with three members: one later set pending by hand."""
    MemberFactory.create_batch(3, cell=tree.c1)
    return work.cell_year_open(period=period, cell=tree.c1, by=secretary)


def test_the_roster_a_status_and_a_prompt_move_the_counts_in_their_own_transaction(
    open_cell, secretary, tree, period
):
    members = summary_json(tree.c1, period)["sections"]["members"]
    assert (members["total"], members["pending"]["by_reason"]) == (3, {"chua_quyet_dinh": 3})
    first = open_cell.assessments.order_by("pk").first()
    work.member_status_set(
        assessment=first,
        status=AssessmentStatus.PENDING,
        reason_code="om_dau",
        note="Ốm dài ngày",
        by=secretary,
    )
    work.review_input_add(
        cell_year=open_cell,
        assessment=first,
        by=secretary,
        kind=InputKind.PROMPT,
        source="Huyện ủy A",
        given_on=datetime.date(2025, 11, 2),
        text="Làm rõ trách nhiệm",
    )
    data = summary_json(tree.c1, period)["sections"]["members"]
    assert data["pending"]["by_reason"] == {"chua_quyet_dinh": 2, "om_dau": 1}
    stored = UnitYearCount.objects.get(
        period=period, unit=tree.c1, subject=CountSubject.MEMBERS, reason_code="om_dau"
    )
    assert (stored.n, stored.prompted) == (1, 1)
    assert_counts_agree()


def test_a_drift_is_named_and_the_command_fails_until_fixed(open_cell, period, tree, capsys):
    assert counts_drift() == []
    UnitYearCount.objects.filter(period=period, unit=tree.c1, subject="members").update(n=7)
    drift = counts_drift(period=period)
    assert [(d.key[:2], d.stored[0], d.actual[0]) for d in drift] == [
        ((tree.c1.pk, "members"), 7, 3)
    ]
    with pytest.raises(CommandError):
        call_command("counts_check")
    assert f"unit {tree.c1.pk} members" in capsys.readouterr().out
    call_command("counts_check", "--fix")
    call_command("counts_check")  # agrees again
    assert "counts agree" in capsys.readouterr().out


def test_recounting_some_units_leaves_the_others_alone(open_cell, period, tree):
    other = work.cell_year_open(period=period, cell=tree.c3, by=None)
    MemberFactory(cell=tree.c3)  # not on C3's roster yet
    before = counts_tally(period=period, units=[tree.c3.pk])
    assert counts_refresh(period=period, units=[tree.c1.pk]) == 2  # its members, its year
    assert counts_tally(period=period, units=[tree.c3.pk]) == before
    assert other.assessments.count() == 0
    assert_counts_agree()


def test_not_started_counts_only_the_subtree_and_members_an_open_roster_left_out(
    open_cell, period, tree
):
    MemberFactory(cell=tree.c1)  # joined C1 after its roster was drawn
    MemberFactory.create_batch(2, cell=tree.c2)  # C2 has not drawn its roster
    elsewhere = OrganizationFactory(code="Q", kind="tinh_uy")
    MemberFactory.create_batch(5, cell=OrganizationFactory(code="QC", parent=elsewhere))
    pending = summary_json(tree.g1, period)["sections"]["members"]["pending"]["by_reason"]
    assert pending == {"chua_kiem_diem": 3, "chua_quyet_dinh": 3}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_formatted_once_read_as_the_template_filters_did(language):
    with translation.override(language):
        text = number_texts()
        for value in (0, 7, 999, 1000, 94877, 1234567):
            assert text(value) == intcomma(value)
        for value in (Decimal("0"), Decimal("25.58"), Decimal("33.33"), Decimal("100.00")):
            assert text(value, "percent") == floatformat(value, 2)
        assert text(None) == "—"
    with translation.override("vi"):
        assert (number_texts()(94877), number_texts()(Decimal("25.58"), "percent")) == (
            "94.877",
            "25,58",
        )


def test_the_summary_page_shows_the_formatted_figures(login, provincial, tree, year_2025):
    page = login(provincial).get(f"/years/2025/units/{tree.province.pk}/summary/").content
    assert b"23,26" in page and b"46,51" in page  # 10 and 20 of 43 assessed


def test_a_commendation_proposed_then_withdrawn_moves_the_counts_through_the_machine(
    period, tree, secretary, committee
):
    from assessment import commendations as comm
    from assessment.models import CommendationKind
    from reports.summary import summary_build
    from tests.assessment.test_commendations import _excellent_cell

    cell_year = _excellent_cell(period, tree, secretary, committee)
    first = cell_year.assessments.order_by("pk").first()
    before = summary_build(unit=tree.g1, period=period).rows[0].sections["members"].commendations
    proposal = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=first, proposer=tree.c1, by=secretary
    )
    assert_counts_agree()
    members = summary_build(unit=tree.g1, period=period).rows[0].sections["members"]
    assert members.commendations == before + 1
    comm.commendation_withdraw(commendation=proposal, reason="Xin rút", by=secretary)
    assert_counts_agree()
    members = summary_build(unit=tree.g1, period=period).rows[0].sections["members"]
    assert members.commendations == before


def test_the_benchmark_baseline_computes_the_same_figures_leaders_and_prompts_included(
    period, tree, secretary, district_board, provincial, level
):
    """benchmarks/run.py compares summary_build with raw SQL over the kept counts; the
    comparison means something only if the baseline yields every figure of the table, so
    here both meet a year with leaders (R23), prompts by two managing levels (R28), a pending
    member, members not started and units not started, and must agree at every level."""
    from benchmarks.cases import summary_figures, summary_sql

    leader, other, third = MemberFactory.create_batch(3, cell=tree.c1)
    Post.objects.create(
        member=leader,
        kind=PostKind.GOVERNMENT,
        title="Chủ tịch UBND xã",
        leadership=True,
        start=datetime.date(2021, 6, 1),
    )
    MemberFactory.create_batch(2, cell=tree.c3)  # C3 has not drawn its roster
    c1 = work.cell_year_open(period=period, cell=tree.c1, by=secretary)
    work.member_status_set(
        assessment=c1.assessments.get(member=third),
        status=AssessmentStatus.PENDING,
        reason_code="om_dau",
        note="Ốm dài ngày",
        by=secretary,
    )
    MemberFactory(cell=tree.c1)  # joined after the roster was drawn
    for issuer, by in ((tree.province, provincial), (tree.district_a, district_board)):
        prompts.prompt_issue(
            issuer=issuer,
            period=period,
            member=leader,
            text="Làm rõ",
            given_on=period.assessment_date,
            by=by,
        )
    prompts.prompt_issue(
        issuer=tree.district_a,
        period=period,
        cell=tree.c2,
        text="Tập thể",
        given_on=period.assessment_date,
        by=district_board,
    )
    assert_counts_agree()

    figures = summary_figures(tree.province)
    members = dict(figures["head"]["members"])
    assert members[("prompted", "province")] == members[("prompted", "superior")] == 1
    assert members[("cpl", "chua_kiem_diem")] == 3 and members[("cpl", "om_dau")] == 1
    assert dict(figures["head"]["leaders"])["total"] == 1
    assert dict(figures["head"]["cells"])[("prompted", "superior")] == 1
    for unit in (tree.province, tree.district_a, tree.g1, tree.c1, tree.district_b):
        assert summary_figures(unit) == summary_sql(unit), unit.code
