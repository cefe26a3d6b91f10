"""Fixtures of the reports tests: a year in hand-computed figures."""

import pytest

from assessment.models import (
    AssessmentStatus,
    CellState,
    CellYear,
    Commendation,
    CommendationKind,
    GrassrootsYear,
    Level,
    PeriodState,
)
from assessment.models import MemberAssessment as MA
from organizations.models import Organization
from tests.counts import counts_rebuild
from tests.factories import MemberFactory


def members(cell_year, n, *, level=None, status=AssessmentStatus.ASSESS, reason="", commended=0):
    for i in range(n):
        row = MA.objects.create(
            cell_year=cell_year,
            member=MemberFactory(cell=cell_year.cell),
            status=status,
            reason_code=reason,
            decided_level=level,
        )
        if i < commended:  # proposed by the cell (issue 15's workflow), decided by G1
            Commendation.objects.create(
                period=cell_year.period,
                kind=CommendationKind.EXCELLENT_MEMBER,
                assessment=row,
                unit=cell_year.cell,
                proposer=cell_year.cell,
                decider=Organization.objects.get_parent(cell_year.cell),
            )
    counts_rebuild()  # rows written directly, as an import would


@pytest.fixture
def year_2025(period, tree):
    """District A's 2025 in figures: C1 has 43 assessed members (10 / 20 / 13 / 0), two not
    classified and one not yet classified; C2 is a new cell; G1 is decided good."""
    level = {lv.code: lv for lv in Level.objects.filter(rule_set=period.rule_set)}
    c1 = CellYear.objects.create(
        period=period, cell=tree.c1, state=CellState.DECIDED, decided_level=level["HTXSNV"]
    )
    CellYear.objects.create(
        period=period,
        cell=tree.c2,
        state=CellState.DECIDED,
        status=AssessmentStatus.NOT_CLASSIFIED,
        reason_code="moi_thanh_lap",
    )
    GrassrootsYear.objects.create(
        period=period, organization=tree.g1, state=CellState.DECIDED, decided_level=level["HTTNV"]
    )
    members(c1, 10, level=level["HTXSNV"], commended=3)
    members(c1, 20, level=level["HTTNV"])
    members(c1, 13, level=level["HTNV"])
    members(c1, 1, status=AssessmentStatus.NOT_CLASSIFIED, reason="mien_sinh_hoat")
    members(c1, 1, status=AssessmentStatus.NOT_CLASSIFIED, reason="moi_ket_nap")
    members(c1, 1, status=AssessmentStatus.PENDING, reason="om_dau")
    period.state = PeriodState.CLOSED
    period.save()
    counts_rebuild()
    return period
