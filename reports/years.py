"""Year-on-year views (issue 6, item 3): a member's level in every year on record and a unit's
level and its members' distribution per year, each in its year's own words with today's mapped
level beside (R1), with two flags: a member not completed two years running, and a unit whose
share of excellent members jumps by more than YEAR_ON_YEAR_EXCELLENT_JUMP points."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from assessment import quota
from assessment.models import (
    AssessmentStatus,
    CanonicalLevel,
    CellYear,
    CountSubject,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
    UnitYearCount,
)
from members.models import Member
from organizations.history import predecessors_of
from organizations.models import Organization


@dataclass
class MemberYear:
    year: int
    rule_set: str
    cell: str
    status: str
    status_label: str
    reason: str
    level: Level | None
    decision: str
    flag: bool = False  # not completed this year and the year before

    @property
    def canonical_label(self) -> str:
        return CanonicalLevel(self.level.maps_to).label if self.level else ""


def member_years(member: Member) -> list[MemberYear]:
    rows = (
        MemberAssessment.objects.filter(member=member)
        .select_related(
            "cell_year__period__rule_set",
            "cell_year__cell",
            "decided_level",
            "decision__issuer",
            "decision__period",
        )
        .order_by("cell_year__period__year")
    )
    result: list[MemberYear] = []
    for a in rows:
        period = a.cell_year.period
        result.append(
            MemberYear(
                year=period.year,
                rule_set=period.rule_set.name,
                cell=a.cell_year.cell.name,
                status=a.status,
                status_label=a.get_status_display(),
                reason=a.reason_label if a.status != AssessmentStatus.ASSESS else "",
                level=a.decided_level,
                decision=str(a.decision) if a.decision_id else "",
            )
        )
    for before, this in zip(result, result[1:], strict=False):
        this.flag = (
            this.year == before.year + 1
            and _not_completed(before.level)
            and _not_completed(this.level)
        )
    return result


def _not_completed(level: Level | None) -> bool:
    return level is not None and level.maps_to == CanonicalLevel.NOT_COMPLETED


@dataclass
class UnitYear:
    year: int
    rule_set: str
    level: Level | None  # the unit's own level that year
    counts: dict[str, int] = field(default_factory=dict)  # canonical level → members
    flag: bool = False  # the excellent share jumped

    @property
    def assessed(self) -> int:
        return sum(self.counts.values())

    @property
    def excellent_share(self) -> Decimal | None:
        return quota.percent(self.counts.get(CanonicalLevel.EXCELLENT, 0), self.assessed)

    def distribution(self) -> list[tuple[str, int, Decimal | None]]:
        return [
            (
                label,
                self.counts.get(value, 0),
                quota.percent(self.counts.get(value, 0), self.assessed),
            )
            for value, label in CanonicalLevel.choices
        ]

    @property
    def canonical_label(self) -> str:
        return CanonicalLevel(self.level.maps_to).label if self.level else ""


def unit_years(unit: Organization) -> list[UnitYear]:
    """One row per year on record, following the unit across merges (its predecessors' records
    count as its own) in two grouped queries and one per kind of own level. The members'
    levels are read from the kept counts (assessment/counts.py: a few rows per cell and year)
    rather than every record of every year below (issue 18)."""
    units = [unit, *predecessors_of(unit)]
    where = Q()
    for u in units:
        where |= Q(unit__path__startswith=u.path)
    grouped = list(
        UnitYearCount.objects.filter(where, subject=CountSubject.MEMBERS, level__isnull=False)
        .values_list("period_id", "level__maps_to")
        .annotate(n=Sum("n"))
        .order_by()
    )
    periods = Period.objects.select_related("rule_set").in_bulk({p for p, _, _ in grouped})
    years: dict[int, UnitYear] = {}
    for period_id, canonical, n in grouped:
        period = periods[period_id]
        row = years.setdefault(period.year, UnitYear(period.year, period.rule_set.name, None))
        row.counts[canonical] = row.counts.get(canonical, 0) + n
    own = (
        CellYear.objects.filter(cell__in=units, decided_level__isnull=False).select_related(
            "decided_level", "period__rule_set"
        )
        if unit.is_cell
        else GrassrootsYear.objects.filter(
            organization__in=units, decided_level__isnull=False
        ).select_related("decided_level", "period__rule_set")
    )
    for record in own:
        row = years.setdefault(
            record.period.year, UnitYear(record.period.year, record.period.rule_set.name, None)
        )
        row.level = row.level or record.decided_level
    result = [years[y] for y in sorted(years)]
    jump = Decimal(settings.YEAR_ON_YEAR_EXCELLENT_JUMP)
    for before, this in zip(result, result[1:], strict=False):
        a, b = before.excellent_share, this.excellent_share
        this.flag = a is not None and b is not None and b - a > jump
    return result
