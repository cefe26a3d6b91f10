"""Issue 6, items 2–3: a closed year keeps its tree (R22). The test restructures a province as on
1/7/2025 — districts dissolved, grassroots organizations moved under a commune committee or the
province, a second province merged in — and the 2024 summary is unchanged while 2025 follows the
new tree; a member's history and a unit's figures read across the change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import (
    CellState,
    CellYear,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
    PeriodState,
    RuleSet,
    UnitSnapshot,
)
from assessment.services import period_close
from organizations.history import predecessors_of, units_restructure
from organizations.models import Kind, Organization, SuccessionKind
from reports.summary import summary_build, summary_json
from reports.years import member_years, unit_years
from tests.counts import counts_rebuild
from tests.factories import MemberFactory, OrganizationFactory

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

ON = datetime.date(2025, 7, 1)


def rule_set_for(year: int) -> RuleSet:
    """That year's rule set, or the 2025 one when the older eras are not loaded."""
    return RuleSet.objects.filter(first_year__lte=year).exclude(last_year__lt=year).order_by(
        "-first_year"
    ).first() or RuleSet.objects.get(code="QD366-2025")


def levels(rule_set: RuleSet) -> dict[str, Level]:
    return {lv.maps_to: lv for lv in rule_set.levels.order_by("-rank")}


def decide(period, cell, members, canonical, level):
    cell_year = CellYear.objects.create(
        period=period, cell=cell, state=CellState.DECIDED, decided_level=level[canonical]
    )
    for member in members:
        MemberAssessment.objects.create(
            cell_year=cell_year, member=member, decided_level=level[canonical]
        )
    counts_rebuild()  # rows written directly, as an import would
    return cell_year


@pytest.fixture
def year_2024(tree, django_capture_on_commit_callbacks):
    rule_set = rule_set_for(2024)
    level = levels(rule_set)
    period = Period.objects.create(
        year=2024,
        rule_set=rule_set,
        assessment_date=datetime.date(2024, 12, 1),
        state=PeriodState.OPEN,
    )
    people = {
        "c1": MemberFactory.create_batch(3, cell=tree.c1),
        "c3": MemberFactory.create_batch(2, cell=tree.c3),
    }
    decide(period, tree.c1, people["c1"], "good", level)
    decide(period, tree.c3, people["c3"], "excellent", level)
    GrassrootsYear.objects.create(
        period=period, organization=tree.g1, state=CellState.DECIDED, decided_level=level["good"]
    )
    counts_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        period = period_close(period=period, by=None)
    return period, people


def test_closing_a_year_freezes_its_tree(tree, year_2024):
    period, _ = year_2024
    snapshot = UnitSnapshot.objects.filter(period=period)
    assert snapshot.count() == Organization.objects.count()
    assert snapshot.get(organization=tree.g1).path == tree.g1.path


def test_the_2024_summary_survives_the_2025_restructuring(tree, year_2024, period):
    period_2024, people = year_2024
    before = summary_json(tree.province, period_2024)
    rows_before = [
        row.unit.name for row in summary_build(unit=tree.province, period=period_2024).rows
    ]
    other = OrganizationFactory(code="Q", name="Tỉnh ủy Sáp nhập", kind=Kind.PROVINCE)
    qg = OrganizationFactory(
        code="QG", name="Đảng bộ QG", kind=Kind.GRASSROOTS_COMMITTEE, parent=other
    )
    OrganizationFactory(code="QC", parent=qg)
    commune = OrganizationFactory(
        code="X", name="Đảng ủy xã X", kind=Kind.SUPERIOR, parent=tree.province
    )

    units_restructure(
        on=ON,
        moves=[(tree.g1, commune), (tree.g2, tree.province), (tree.gc, commune)],
        merges=[([other], tree.province)],
        dissolve=[tree.district_a, tree.district_b],
        note="Quy định 294-QĐ/TW",
    )

    # 2024 is unchanged, districts included
    assert summary_json(tree.province, period_2024) == before
    assert [
        row.unit.name for row in summary_build(unit=tree.province, period=period_2024).rows
    ] == rows_before
    assert "Huyện ủy A" in rows_before
    # 2025 follows the new tree: the commune committee, G2 and the merged province's QG
    children = {row.unit.code for row in summary_build(unit=tree.province, period=period).rows[1:]}
    assert {"X", "G2", "QG"} <= children and not {"A", "B"} & children
    tree.district_a.refresh_from_db()
    assert tree.district_a.active_to == datetime.date(2025, 6, 30)
    assert {p.code for p in predecessors_of(tree.province)} == {"Q", "B"}  # G2 came from B
    assert tree.g1.successions.get().kind == SuccessionKind.MOVE

    # a member's history reads across the change
    member = people["c1"][0]
    level_2025 = levels(period.rule_set)
    decide(period, Organization.objects.get(code="C1"), [member], "excellent", level_2025)
    years = member_years(member)
    assert [(y.year, y.level.maps_to) for y in years] == [(2024, "good"), (2025, "excellent")]
    assert years[0].cell == years[1].cell == "Chi bộ thôn 1"
    # and so does the grassroots organization's, now under the commune committee
    g1_years = unit_years(Organization.objects.get(code="G1"))
    assert [y.year for y in g1_years] == [2024, 2025]
    assert g1_years[0].counts == {"good": 3}


def test_a_unit_absent_from_a_year_has_no_summary_for_it(tree, year_2024, login, provincial):
    period_2024, _ = year_2024
    newcomer = OrganizationFactory(code="N", kind=Kind.SUPERIOR, parent=tree.province)
    response = login(provincial).get(reverse("reports:summary", args=[2024, newcomer.pk]))
    assert response.status_code == 404


def test_year_on_year_flags(tree, period, level, login, district_board):
    old = Period.objects.create(
        year=2024, rule_set=period.rule_set, assessment_date=datetime.date(2024, 12, 1)
    )
    member = MemberFactory(cell=tree.c1)
    bystanders = MemberFactory.create_batch(3, cell=tree.c1)
    by_code = {
        "excellent": level["HTXSNV"],
        "good": level["HTTNV"],
        "not_completed": level["KHTNV"],
    }
    decide(old, tree.c1, [member], "not_completed", by_code)
    MemberAssessment.objects.bulk_create(
        MemberAssessment(
            cell_year=CellYear.objects.get(period=old), member=m, decided_level=level["HTTNV"]
        )
        for m in bystanders
    )
    decide(period, tree.c1, [member], "not_completed", by_code)
    MemberAssessment.objects.bulk_create(
        MemberAssessment(
            cell_year=CellYear.objects.get(period=period), member=m, decided_level=level["HTXSNV"]
        )
        for m in bystanders
    )
    counts_rebuild()
    assert [y.flag for y in member_years(member)] == [False, True]
    with CaptureQueriesContext(connection) as context:
        c1 = unit_years(tree.c1)
    assert [y.excellent_share for y in c1] == [0, 75] and c1[1].flag  # +75 points > 15
    # Issue 18: the members' levels come from the kept counts, not every record of every year.
    assert not [q for q in context.captured_queries if "assessment_memberassessment" in q["sql"]]
    client = login(district_board)
    page = client.get(reverse("members:member", args=[member.pk])).content.decode()
    assert 'data-testid="flag-not-completed"' in page
    unit_page = client.get(reverse("organizations:unit", args=[tree.c1.pk])).content.decode()
    assert "unit-years" in unit_page, unit_page[unit_page.find("<main") :][:3000]
    assert 'data-testid="flag-excellent-jump"' in unit_page
