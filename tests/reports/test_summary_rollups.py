"""The subtree counts (assessment/rollups.py, issue 18 item 1): the summary of a unit on today's
tree reads its own and its children's rollups, which move with every count change, with the
tree when a unit moves, and agree with a rebuild from the counts; a drift is named and fixed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import cell_year as work
from assessment import rollups
from assessment.counts import counts_drift, counts_refresh
from assessment.models import AssessmentStatus, UnitYearRollup
from organizations.history import units_restructure
from organizations.models import Organization
from reports.summary import summary_build, summary_json
from tests.counts import assert_counts_agree
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(period, tree, secretary):
    """C1 (under G1, district A) opened with four members, one pending (ill); C3 (under G2,
    district B) with two members and no roster yet."""
    MemberFactory.create_batch(4, cell=tree.c1)
    MemberFactory.create_batch(2, cell=tree.c3)
    c1 = work.cell_year_open(period=period, cell=tree.c1, by=secretary)
    work.member_status_set(
        assessment=c1.assessments.order_by("pk").first(),
        status=AssessmentStatus.PENDING,
        reason_code="om_dau",
        note="Ốm dài ngày",
        by=secretary,
    )
    return c1


def _members(unit, period):
    return summary_json(unit, period)["sections"]["members"]


def _rows(unit, period):
    """{child code: members total} of the unit's summary table."""
    summary = summary_build(unit=unit, period=period)
    return {row.unit.code: row.sections["members"].total for row in summary.rows[1:]}


def test_every_ancestor_reads_a_cells_change_from_its_rollups(opened, period, tree):
    assert_counts_agree()
    for unit in (tree.province, tree.district_a, tree.g1, tree.c1):
        assert _members(unit, period)["pending"]["by_reason"]["om_dau"] == 1, unit.code
    assert _rows(tree.province, period) == {"A": 4, "B": 2}  # B: C3's members not started
    stored = UnitYearRollup.objects.filter(period=period, unit=tree.province, subject="members")
    assert sum(stored.values_list("n", flat=True)) == 4  # the started ones; C3's are probed


def test_the_rollups_kept_by_changes_are_those_a_rebuild_computes(opened, period):
    kept = rollups.rollups_stored(period=period)
    assert kept  # the province, district A, G1 and C1 each have rows
    rollups.rollups_rebuild(period=period)
    assert rollups.rollups_stored(period=period) == kept


def test_a_refresh_of_many_units_rebuilds_with_the_same_figures(opened, period, tree, monkeypatch):
    before = summary_json(tree.province, period)
    monkeypatch.setattr(rollups, "REBUILD_ABOVE", 0)
    counts_refresh(period=period, units=[tree.c1.pk, tree.c3.pk])
    assert summary_json(tree.province, period) == before
    assert_counts_agree()


def test_a_moved_unit_takes_its_figures_to_its_new_ancestors(opened, period, tree):
    assert (
        _members(tree.district_a, period)["total"],
        _members(tree.district_b, period)["total"],
    ) == (4, 2)
    units_restructure(on=datetime.date(2025, 7, 1), moves=[(tree.g1, tree.district_b)])
    assert_counts_agree()
    assert _members(tree.district_a, period)["total"] == 0
    district_b = _members(tree.district_b, period)
    assert district_b["total"] == 6 and district_b["pending"]["by_reason"]["om_dau"] == 1
    assert _rows(tree.province, period) == {"A": 0, "B": 6}
    assert _rows(tree.district_b, period)["G1"] == 4

    # And back, through the manager's move directly (as the admin's tree moves it).
    g1 = Organization.objects.get(pk=tree.g1.pk)
    Organization.objects.move(g1, Organization.objects.get(pk=tree.district_a.pk), "last-child")
    assert_counts_agree()
    assert _rows(tree.province, period) == {"A": 4, "B": 2}


def test_a_drifted_rollup_is_named_and_the_command_fixes_it(opened, period, tree):
    UnitYearRollup.objects.filter(
        period=period, unit=tree.district_a, subject="members", reason_code="om_dau"
    ).update(n=5)
    drift = counts_drift(period=period)
    assert [(d.key[0], d.stored[0], d.actual[0]) for d in drift] == [(tree.district_a.pk, 5, 1)]
    assert "(subtree)" in str(drift[0])
    with pytest.raises(CommandError):
        call_command("counts_check", stdout=io.StringIO())
    call_command("counts_check", "--fix", stdout=io.StringIO())
    assert counts_drift() == []
    assert _members(tree.district_a, period)["pending"]["by_reason"]["om_dau"] == 1
