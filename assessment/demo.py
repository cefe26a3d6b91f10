"""Demo results: decided levels for a share of the cells of a demo province, so that the
progress dashboard, the summary table and the exports have figures to show, and the benchmarks
have a province's worth of rows. Deterministic for a seed. The cells of the demo accounts stay
untouched, so the walk-through from the cell's first step still works."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from members.models import Member, StatusPeriod
from organizations.models import CELL_KINDS, GRASSROOTS_KINDS, Kind, Organization

from . import rules
from .models import (
    AssessmentStatus,
    CanonicalLevel,
    CellState,
    CellYear,
    GrassrootsYear,
    MemberAssessment,
    Period,
)

BATCH = 2000
# Shares of each canonical level among assessed members, and among units.
MEMBER_SHARES = {
    CanonicalLevel.EXCELLENT: 12,
    CanonicalLevel.GOOD: 68,
    CanonicalLevel.COMPLETED: 17,
    CanonicalLevel.NOT_COMPLETED: 3,
}
UNIT_SHARES = {
    CanonicalLevel.EXCELLENT: 15,
    CanonicalLevel.GOOD: 65,
    CanonicalLevel.COMPLETED: 18,
    CanonicalLevel.NOT_COMPLETED: 2,
}


def seed_results(*, period: Period, percent: int, seed: int, keep: set[int]) -> int:
    """Decide `percent` % of the cells (not those in `keep`, by pk) and their members; decide a
    grassroots organization's own level when all its cells are decided. Returns members."""
    rng = random.Random(seed)
    levels = {lv.maps_to: lv for lv in period.rule_set.levels.order_by("-rank")}

    def pick(shares) -> object:
        return levels[rng.choices(list(shares), weights=list(shares.values()))[0]]

    cells = [
        c
        for c in Organization.objects.filter(kind__in=CELL_KINDS).order_by("path")
        if c.pk not in keep and rng.randrange(100) < percent
    ]
    chosen = {c.pk for c in cells}
    existing = set(CellYear.objects.filter(period=period).values_list("cell_id", flat=True))
    # Submitted on time: a week before the cells' default deadline (20/12).
    submitted = timezone.make_aware(datetime.datetime(period.year, 12, 13, 9, 0))
    cell_years = [
        CellYear(
            period=period,
            cell=cell,
            state=CellState.DECIDED,
            submitted_at=submitted,
            **_unit_level(cell.kind == Kind.SUBORDINATE_CELL and pick(UNIT_SHARES)),
        )
        for cell in cells
        if cell.pk not in existing
    ]
    CellYear.objects.bulk_create(cell_years, batch_size=BATCH)
    by_cell = {cy.cell_id: cy for cy in cell_years}
    statuses = defaultdict(list)
    for status in StatusPeriod.objects.overlapping(
        datetime.date(period.year, 1, 1), datetime.date(period.year, 12, 31)
    ).filter(member__cell_id__in=by_cell):
        statuses[status.member_id].append(status)
    rules_of_year = period.rule_set
    rows = []
    for member_id, cell_id, admitted in (
        Member.objects.current()
        .filter(cell_id__in=by_cell)
        .values_list("pk", "cell_id", "admission_date")
    ):
        # The year's own rule set decides who is not classified (R13): a temporary transfer
        # is rated from 2019 on, the 6-month exclusion applies where the era says so.
        status = rules.derived_status(
            admission_date=admitted,
            statuses=statuses[member_id],
            assessment_date=period.assessment_date,
            year=period.year,
            min_months_since_admission=rules_of_year.min_months_since_admission,
            temporary_transfer_not_classified=rules_of_year.temporary_transfer_not_classified,
        )
        if status.code == AssessmentStatus.NOT_CLASSIFIED:
            rows.append(
                MemberAssessment(
                    cell_year=by_cell[cell_id],
                    member_id=member_id,
                    status=AssessmentStatus.NOT_CLASSIFIED,
                    reason_code=status.reason,
                )
            )
            continue
        level = pick(MEMBER_SHARES)
        rows.append(
            MemberAssessment(
                cell_year=by_cell[cell_id],
                member_id=member_id,
                self_level=level,
                proposed_level=level,
                decided_level=level,
                commendation_proposed=level.maps_to == CanonicalLevel.EXCELLENT
                and rng.randrange(4) == 0,
            )
        )
    MemberAssessment.objects.bulk_create(rows, batch_size=BATCH)
    # A grassroots organization is decided when every cell below it is.
    step = Organization.steplen
    units = dict(Organization.objects.filter(kind__in=GRASSROOTS_KINDS).values_list("path", "pk"))
    complete: dict[str, bool] = {}
    for pk, path in Organization.objects.filter(kind__in=CELL_KINDS).values_list("pk", "path"):
        owner = next(
            (path[:end] for end in range(len(path), 0, -step) if path[:end] in units), None
        )
        if owner:
            complete[owner] = complete.get(owner, True) and pk in chosen
    decided = set(
        GrassrootsYear.objects.filter(period=period).values_list("organization_id", flat=True)
    )
    grassroots = []
    for path, ok in complete.items():
        if ok and units[path] not in decided:
            level = pick(UNIT_SHARES)
            grassroots.append(
                GrassrootsYear(
                    period=period,
                    organization_id=units[path],
                    state=CellState.DECIDED,
                    submitted_at=submitted + datetime.timedelta(days=15),
                    proposed_level=level,
                    decided_level=level,
                )
            )
    GrassrootsYear.objects.bulk_create(grassroots, batch_size=BATCH)
    return len(rows)


def _unit_level(level) -> dict:
    if not level:
        return {}
    return {"self_level": level, "proposed_level": level, "decided_level": level}
