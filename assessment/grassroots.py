"""Steps 7 → 8 → 8b: a grassroots organization submits its own report and proposed level to its
superior committee, whose board decides (R7, R10 over like units) or returns it (R17); a commune
or ward committee (a superior committee under the province) does the same to the province once
its grassroots organizations are decided."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from members.models import DisciplineRecord
from organizations.models import GRASSROOTS_KINDS, OWN_LEVEL_KINDS, Kind, Organization

from . import collectives, machine, quota, rules
from .cell_year import get_or_open
from .counts import counts_refresh
from .decisions import (
    Choice,
    Outcome,
    RowCheck,
    quota_from_rows,
    unit_levels_decide,
    units_decision_issue,
)
from .models import (
    CanonicalLevel,
    CellState,
    CellYear,
    Decision,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
)

MSG_NOT_DONE = machine.MSG_LOWER_FIRST
MSG_PROPOSED = machine.MSG_PROPOSED


@transaction.atomic
def grassroots_year_open(*, period: Period, organization: Organization, by=None) -> GrassrootsYear:
    """Open the organization's year (an explicit step, attributed to `by`); the summary's kept
    counts take the new row (issue 18), as opening a cell's year does."""
    row = get_or_open(GrassrootsYear, by=by, period=period, organization=organization)
    counts_refresh(period=period, units=[organization.pk])
    return row


def grassroots_year_find(*, period: Period, organization: Organization) -> GrassrootsYear:
    """The organization's year as stored, else an unsaved one not started (reads only)."""
    return GrassrootsYear.objects.filter(period=period, organization=organization).first() or (
        GrassrootsYear(period=period, organization=organization)
    )


def lower_levels_done(unit: Organization, period: Period) -> bool:
    """R8, lower first. A grassroots organization: all its cells (itself, for a grassroots cell)
    decided and locked by a decision. A superior committee: every grassroots organization it
    decides for, locked by its decision."""
    if unit.kind == Kind.SUPERIOR:
        below = Organization.objects.in_subtree(unit).filter(
            depth=unit.depth + 1, kind__in=GRASSROOTS_KINDS
        )
        locked = GrassrootsYear.objects.filter(
            period=period, organization__in=below, decision__isnull=False
        )
        return locked.count() == below.count()
    cell_years = CellYear.objects.for_period(period).filter(cell__path__startswith=unit.path)
    cells = Organization.objects.in_subtree(unit).cells().count()
    if cell_years.count() != cells or cell_years.exclude(state=CellState.DECIDED).exists():
        return False
    if unit.kind == Kind.GRASSROOTS_COMMITTEE:
        return not cell_years.filter(
            cell__kind=Kind.SUBORDINATE_CELL, decision__isnull=True
        ).exists()
    return True


@transaction.atomic
def grassroots_submit(
    *, grassroots_year: GrassrootsYear, report: str, proposed_level: Level | None, by
) -> GrassrootsYear:
    """Step 7 → 8 (8b for a commune or ward committee): the report and proposed level go to
    the deciding superior once the levels below are decided (R8); the machine's guards."""
    if grassroots_year.pk is None:
        grassroots_year = grassroots_year_open(
            period=grassroots_year.period, organization=grassroots_year.organization, by=by
        )
    row = (
        GrassrootsYear.objects.select_for_update(of=("self",))
        .select_related("organization", "period")
        .get(pk=grassroots_year.pk)
    )

    def fill(row: GrassrootsYear) -> None:
        row.report, row.proposed_level = report.strip(), proposed_level

    machine.take(
        row,
        "submit",
        by=by,
        reason=str(_("Submitted")),
        then=fill,
        proposed_level=proposed_level,
    )
    return row


@transaction.atomic
def grassroots_return(*, grassroots_year: GrassrootsYear, reason: str, by) -> GrassrootsYear:
    """R17: the deciding superior's board returns the report with a written reason."""
    row = (
        GrassrootsYear.objects.select_for_update(of=("self",))
        .select_related("organization", "period")
        .get(pk=grassroots_year.pk)
    )
    machine.take(row, "return", by=by, reason=reason.strip())
    return row


@dataclass
class UnitRow:
    grassroots_year: GrassrootsYear
    level: Level | None
    checks: list[RowCheck] = field(default_factory=list)


def decided_kinds(superior: Organization) -> frozenset[str]:
    """A superior committee decides its grassroots organizations (step 8); the province also
    its commune and ward committees (step 8b). See OrganizationManager.deciding_superior."""
    return OWN_LEVEL_KINDS if superior.kind == Kind.PROVINCE else GRASSROOTS_KINDS


def board_units(superior: Organization, period: Period):
    """Every organization's year this superior's board decides (its direct children of a kind
    it decides), whatever its state: the only rows the board's actions may touch (fault 3 of
    issue 12); a step its state does not allow is then the machine's refusal."""
    return GrassrootsYear.objects.filter(
        period=period,
        organization__path__startswith=superior.path,
        organization__depth=superior.depth + 1,
        organization__kind__in=decided_kinds(superior),
    )


def board_queue(superior: Organization, period: Period):
    """The board's work: its units submitted or decided (the rows its pages list, decide and
    issue)."""
    return (
        board_units(superior, period)
        .filter(state__in=machine.DONE_STATES)
        .select_related("organization", "proposed_level", "decided_level", "decision", "period")
        .order_by("organization__path")
    )


def _submitted(superior: Organization, period: Period) -> list[GrassrootsYear]:
    return list(board_queue(superior, period))


def _below(
    superior: Organization, rows: list[GrassrootsYear], period: Period
) -> dict[int, tuple[list[Level], int, list[Level]]]:
    """R7 inputs per organization, grouped on the tree path in four queries: the decided levels
    of its subordinate cells (of its members, for a grassroots cell; of its grassroots
    organizations, for a commune committee) and its leaders disciplined in the year."""
    length = (superior.depth + 1) * Organization.steplen
    levels = {lv.pk: lv for lv in period.rule_set.levels.all()}
    cells = (
        CellYear.objects.for_period(period)
        .filter(
            cell__path__startswith=superior.path,
            cell__kind=Kind.SUBORDINATE_CELL,
            decided_level__isnull=False,
        )
        .annotate(prefix=Substr("cell__path", 1, length))
        .values_list("prefix", "decided_level_id")
    )
    members = (
        MemberAssessment.objects.filter(
            cell_year__period=period,
            cell_year__cell__path__startswith=superior.path,
            cell_year__cell__kind=Kind.GRASSROOTS_CELL,
            decided_level__isnull=False,
        )
        .annotate(prefix=Substr("cell_year__cell__path", 1, length))
        .values_list("prefix", "decided_level_id")
    )
    below: dict[str, list[Level]] = {}
    for prefix, level_id in [*cells, *members]:
        below.setdefault(prefix, []).append(levels[level_id])
    # Step 8b: below a commune or ward committee are its grassroots organizations.
    organizations = (
        GrassrootsYear.objects.filter(
            period=period,
            organization__path__startswith=superior.path,
            organization__depth=superior.depth + 2,
            organization__kind__in=GRASSROOTS_KINDS,
            decided_level__isnull=False,
        )
        .annotate(prefix=Substr("organization__path", 1, length))
        .values_list("prefix", "decided_level_id")
    )
    units_below: dict[str, list[Level]] = {}
    for prefix, level_id in organizations:
        units_below.setdefault(prefix, []).append(levels[level_id])
    disciplined = dict(
        DisciplineRecord.objects.filter(
            member__cell__path__startswith=superior.path,
            member__holds_leadership_post=True,
            decided_on__year=period.year,
        )
        .annotate(prefix=Substr("member__cell__path", 1, length))
        .order_by()
        .values_list("prefix")
        .annotate(n=Count("id"))
    )
    # R7 (2025–): members of the unit's own collectives disciplined, besides its leaders below;
    # R8 for every kind of head: the unit's level is not below its heads'.
    units = [row.organization for row in rows]
    seated = collectives.leaders_disciplined(units, period.year)
    heads = collectives.head_levels(units, period) if units else {}
    return {
        row.pk: (
            (units_below if row.organization.kind == Kind.SUPERIOR else below).get(
                row.organization.path, []
            ),
            disciplined.get(row.organization.path, 0) + len(seated.get(row.organization_id, set())),
            heads.get(row.organization_id, []),
        )
        for row in rows
    }


def unit_rows(superior: Organization, period: Period) -> list[UnitRow]:
    rows = _submitted(superior, period)
    below = _below(superior, rows, period)
    plans = _plans(rows)
    result = []
    for row in rows:
        level = row.decided_level or row.proposed_level
        checks = _checks(
            level, period.rule_set, below[row.pk], plans.get(row.organization_id, []), period.year
        )
        result.append(UnitRow(row, level, checks))
    return result


def _plans(rows: list[GrassrootsYear]) -> dict[int, list]:
    """Each organization's remedial plans (issue 15), one query for all."""
    from .models import RemedialPlan

    found: dict[int, list] = {}
    for plan in RemedialPlan.objects.filter(
        organization__in=[row.organization_id for row in rows]
    ).select_related("period"):
        found.setdefault(plan.organization_id, []).append(plan)
    return found


def _checks(level, rule_set, below, plans=(), year: int = 0) -> list[RowCheck]:
    """R8 (no unit below its heads), R7 for an excellent organization, and R3 (2025–): the
    shortcomings of its remedial plans of earlier years remedied (issue 15)."""
    levels_below, disciplined, heads = below
    checks = [RowCheck("R8", m, blocking=True) for m in collectives.unit_head_errors(heads, level)]
    if level is None or level.maps_to != CanonicalLevel.EXCELLENT:
        return checks
    from .followup import remedy_problems

    return (
        checks
        + [
            RowCheck("R7", m, blocking=True)
            for m in rules.excellent_unit_errors(
                rule_set=rule_set, levels_below=levels_below, disciplined_below=disciplined
            )
        ]
        + [RowCheck("R3", m, blocking=True) for m in remedy_problems(plans, level, year)]
    )


@dataclass
class GroupQuota:
    label: str
    check: quota.QuotaCheck


def units_quotas(
    *,
    superior: Organization,
    period: Period,
    cap_percent: Decimal | None = None,
    submitted: list[GrassrootsYear] | None = None,
) -> list[GroupQuota]:
    """R10 within groups of like units: the grassroots organizations of one superior, and (for
    the province) the commune and ward committees apart from them. `submitted`: the superior's
    queue (`board_queue`) when the caller has read it already (the board's page)."""
    groups: dict[bool, list] = {}
    for r in submitted if submitted is not None else _submitted(superior, period):
        groups.setdefault(r.organization.kind == Kind.SUPERIOR, []).append(
            (
                r.pk,
                r.decided_level.maps_to if r.decided_level else None,
                r.proposed_level.maps_to if r.proposed_level else None,
            )
        )
    labels = {False: _("Grassroots organizations"), True: _("Commune and ward committees")}
    return [
        GroupQuota(
            str(labels[key]),
            quota_from_rows(groups[key], period.rule_set, None, cap_percent, units=True),
        )
        for key in sorted(groups)
    ] or [
        GroupQuota(
            str(labels[False]),
            quota_from_rows([], period.rule_set, None, cap_percent, units=True),
        )
    ]


def worst(groups: list[GroupQuota]) -> quota.QuotaCheck:
    """The check a decision records: the first group over its cap, else the first group."""
    return next((g.check for g in groups if not g.check.ok), groups[0].check)


def _unit_problems(superior: Organization, period: Period, rows: list[GrassrootsYear]):
    below, plans = _below(superior, rows, period), _plans(rows)
    return lambda row, level: [
        m.message
        for m in _checks(
            level, period.rule_set, below[row.pk], plans.get(row.organization_id, []), period.year
        )
    ]


@transaction.atomic
def grassroots_levels_decide(
    *, superior: Organization, period: Period, choices: Mapping[int, Choice], by
) -> Outcome:
    rows = _submitted(superior, period)
    return unit_levels_decide(
        model=GrassrootsYear,
        rows=rows,
        choices=choices,
        by=by,
        problems=_unit_problems(superior, period, rows),
    )


@transaction.atomic
def grassroots_decision_issue(
    *, superior: Organization, period: Period, by, **document
) -> Decision:
    """Step 8: the superior's numbered decision on its grassroots organizations' levels."""
    rows = _submitted(superior, period)
    return units_decision_issue(
        issuer=superior,
        period=period,
        by=by,
        pending=lambda: rows,
        problems=_unit_problems(superior, period, rows),
        quota_of=lambda cap: worst(units_quotas(superior=superior, period=period, cap_percent=cap)),
        **document,
    )
