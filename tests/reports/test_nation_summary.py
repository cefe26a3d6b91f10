"""A nation root (issue 18 item 4): the country's summary by province is one call."""

import pytest
from django.core.exceptions import ValidationError

from assessment.models import CellState, CellYear, Level
from organizations.models import Kind, Organization
from organizations.services import organization_add_child
from reports.summary import summary_build, summary_json
from tests.factories import OrganizationFactory
from tests.reports.conftest import members

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(tree, year_2025):
    """The test province moved under a central root, beside a second province of 4 members
    (3 good, 1 excellent)."""
    nation = OrganizationFactory(code="TW", name="Trung ương", kind=Kind.NATION)
    Organization.objects.move(Organization.objects.get(pk=tree.province.pk), nation, "last-child")
    other = OrganizationFactory(code="P2", name="Tỉnh ủy Hai", kind=Kind.PROVINCE, parent=nation)
    grassroots = OrganizationFactory(
        code="P2G", name="Chi bộ cơ sở Hai", kind=Kind.GRASSROOTS_CELL, parent=other
    )
    level = {lv.code: lv for lv in Level.objects.filter(rule_set=year_2025.rule_set)}
    cell_year = CellYear.objects.create(
        period=year_2025, cell=grassroots, state=CellState.DECIDED, decided_level=level["HTTNV"]
    )
    members(cell_year, 3, level=level["HTTNV"])
    members(cell_year, 1, level=level["HTXSNV"])
    nation.refresh_from_db()
    return nation, Organization.objects.get(pk=tree.province.pk), other


def test_the_country_summary_has_a_row_per_province_that_adds_up(country, year_2025):
    nation, province, other = country
    summary = summary_build(unit=nation, period=year_2025)
    assert [row.unit for row in summary.rows] == [nation, province, other]
    head, first, second = (row.sections["members"] for row in summary.rows)
    alone = summary_json(province, year_2025)["sections"]["members"]
    assert (first.total, first.assessed) == (alone["total"], alone["assessed"])
    by_code = {level.code: count for level, count, _ in second.level_rows()}
    assert (second.total, second.assessed) == (4, 4)
    assert (by_code["HTXSNV"], by_code["HTTNV"]) == (1, 3)
    assert head.total == first.total + second.total
    assert head.assessed == first.assessed + second.assessed


def test_the_country_summary_takes_a_fixed_number_of_queries(
    country, year_2025, django_assert_max_num_queries
):
    nation, _, _ = country
    with django_assert_max_num_queries(12):
        summary_build(unit=nation, period=year_2025)


def test_only_the_central_level_or_a_province_stands_at_the_top(db):
    organization_add_child(
        parent=None, unit=Organization(code="TW", name="Trung ương", kind=Kind.NATION), by=None
    )
    organization_add_child(
        parent=None, unit=Organization(code="T9", name="Tỉnh ủy", kind=Kind.PROVINCE), by=None
    )
    with pytest.raises(ValidationError) as error:
        organization_add_child(
            parent=None,
            unit=Organization(code="H9", name="Huyện ủy", kind=Kind.SUPERIOR),
            by=None,
        )
    assert "kind" in error.value.message_dict


def test_a_province_may_sit_under_the_central_level_and_nothing_else(tree):
    nation = OrganizationFactory(code="TW", name="Trung ương", kind=Kind.NATION)
    Organization(kind=Kind.PROVINCE).check_parent(nation)
    with pytest.raises(ValidationError):
        Organization(kind=Kind.PROVINCE).check_parent(tree.district_a)
    with pytest.raises(ValidationError):
        Organization(kind=Kind.NATION).check_parent(tree.province)
