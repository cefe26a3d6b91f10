"""The summary's section of leadership collectives (DOMAIN.md R23, R28; issue 14 item 8).

For a unit and a year, a row for the unit with its subtree and one per child unit, each with the
collectives' total, assessed, not classified by reason (a newly established collective), not yet
classified by reason (R14, and in an open year those whose review is not held yet), each level's
count and percent of the assessed (R24, reports/arithmetic.py), and the collectives given review
prompts by the managing level that gave them. Biểu 6F's collectives column (reports.review_counts)
reads the unit's row, so the two never disagree.

Kept apart from `reports.summary.summary_build` (whose query path is tuned on its own, issue 18):
collectives are a few thousand per province, so each figure is one grouped query over
CollectiveAssessment on the path its collective's unit had that year (YearTree), plus, in an
open year, one over the collectives with no record yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When

from assessment.machine import DONE_STATES
from assessment.models import (
    AssessmentStatus,
    CollectiveAssessment,
    InputKind,
    LevelScope,
    Period,
    ReviewInput,
)
from organizations.counts import path_prefix
from organizations.models import LeadershipCollective, Organization

from .summary import COLLECTIVES, NOT_STARTED, Section, Summary, YearTree, summary_build


@dataclass
class CollectivesSection(Section):
    """The summary's Section for collectives, with what Biểu 6F adds: how many of the undecided
    have held their review (met, or submitted to the managing body), so count as reviewed."""

    held_undecided: int = 0

    def as_json(self) -> dict:
        """Section.as_json (total, assessed, not classified and not yet classified by reason,
        each level's count and percent, the quota, the collectives given review prompts in all
        and by the managing level that gave them: R23, R28 row 4) with the undecided whose
        review is held (`reviewed_undecided`, counted reviewed by Biểu 6F)."""
        return {**super().as_json(), "reviewed_undecided": self.held_undecided}


@dataclass
class CollectivesRow:
    unit: Organization
    section: CollectivesSection


@dataclass
class CollectivesSummary:
    unit: Organization
    period: Period
    rows: list[CollectivesRow] = field(default_factory=list)  # the unit first, then each child

    @property
    def head(self) -> CollectivesSection:
        return self.rows[0].section


def collectives_section(unit: Organization, period: Period) -> CollectivesSummary:
    """The leadership collectives of `unit`'s subtree in `period` (R23's collectives section),
    on that year's tree (R22): the unit's row, then one per child unit. A closed year counts
    the collectives' records; an open year on today's tree also counts the collectives active
    that year with no record yet, as not yet classified (review not held). Four queries
    whatever the size of the subtree. Raises Http404 when the unit had no place in a closed
    year's tree."""
    levels = [
        lv for lv in period.rule_set.levels.order_by("rank") if lv.applies_to != LevelScope.MEMBER
    ]
    tree = YearTree.of(period)
    root_path, root_depth = tree.place(unit)
    children = tree.children(root_path, root_depth)
    length = (root_depth + 1) * Organization.steplen

    def empty() -> CollectivesSection:
        return CollectivesSection(
            levels=levels, quota_denominator=period.rule_set.quota_denominator
        )

    by_prefix = {key: empty() for key in [root_path, *(path for _, path in children)]}

    def at(prefix: str) -> CollectivesSection:
        # The unit's own collectives have the unit's path as prefix.
        return by_prefix.get(prefix, by_prefix[root_path])

    for prefix, status, reason, level_id, held, n in _records(tree, root_path, length):
        at(prefix).add(status, reason or "", level_id, n)
        if held and status == AssessmentStatus.ASSESS and level_id is None:
            at(prefix).held_undecided += n
    if period.is_open() and not tree.frozen:
        for prefix, n in _not_started(unit, period, length):
            at(prefix).add(AssessmentStatus.PENDING, NOT_STARTED, None, n)
    for prefix, level, n in _prompted(tree, root_path, length, by_level=True):
        by_level = at(prefix).prompted_by_level
        by_level[level] = by_level.get(level, 0) + n
    for prefix, n in _prompted(tree, root_path, length):
        at(prefix).prompted += n

    head = empty()
    for section in by_prefix.values():
        _merge(head, section)
    rows = [CollectivesRow(unit, head)]
    rows += [CollectivesRow(child, by_prefix[path]) for child, path in children]
    return CollectivesSummary(unit=unit, period=period, rows=rows)


def _merge(into: CollectivesSection, other: CollectivesSection) -> None:
    into.total += other.total
    into.prompted += other.prompted
    into.held_undecided += other.held_undecided
    for target, source in (
        (into.not_classified, other.not_classified),
        (into.pending, other.pending),
        (into.counts, other.counts),
        (into.prompted_by_level, other.prompted_by_level),
    ):
        for key, n in source.items():
            target[key] = target.get(key, 0) + n


def _records(tree: YearTree, path: str, length: int):
    """The year's collective records under `path`, grouped by child prefix: (prefix, status,
    reason, decided level id, held, n); held: the review meeting is recorded (its date), or the
    review is submitted or decided."""
    records, path_field = tree.on(
        CollectiveAssessment.objects.filter(period=tree.period), "collective__organization"
    )
    held = Case(
        When(Q(state__in=DONE_STATES) | Q(meeting_held_on__isnull=False), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        records.filter(**{f"{path_field}__startswith": path})
        .annotate(prefix=path_prefix(path_field, length), held=held)
        .order_by()
        .values_list("prefix", "status", "reason_code", "decided_level_id", "held")
        .annotate(n=Count("id"))
    )


def _not_started(unit: Organization, period: Period, length: int):
    """In an open year: the subtree's collectives active that year with no record yet, per
    child prefix (prefix, n)."""
    recorded = CollectiveAssessment.objects.filter(period=period, collective_id=OuterRef("pk"))
    return (
        LeadershipCollective.objects.in_subtree(unit)
        .active_in(period.year)
        .filter(~Exists(recorded))
        .annotate(prefix=path_prefix("organization__path", length))
        .order_by()
        .values_list("prefix")
        .annotate(n=Count("id"))
    )


def _prompted(tree: YearTree, path: str, length: int, *, by_level: bool = False):
    """Collectives given review prompts (R23, R28): (prefix, n) rows or, with `by_level`,
    (prefix, managing level, n); a collective prompted by two levels counts under each, once
    in the total."""
    prompts, path_field = tree.on(
        ReviewInput.objects.filter(kind=InputKind.PROMPT, collective_year__period=tree.period),
        "collective_year__collective__organization",
    )
    keys = ("prefix", "issuing_level") if by_level else ("prefix",)
    return (
        prompts.filter(**{f"{path_field}__startswith": path})
        .annotate(prefix=path_prefix(path_field, length))
        .order_by()
        .values_list(*keys)
        .annotate(n=Count("collective_year", distinct=True))
    )


def collectives_attach(summary: Summary) -> Summary:
    """`summary` with the collectives section (`collectives_section`) in each of its rows, under
    the name COLLECTIVES, matched by unit: the summary's tables, workbook and document then show
    it after the other sections when the subtree has any collective (Summary.shown_sections),
    and Biểu 6F reads it. Returns the same Summary."""
    found = collectives_section(summary.unit, summary.period)
    by_unit = {row.unit.pk: row.section for row in found.rows[1:]}
    summary.rows[0].sections[COLLECTIVES] = found.head
    for row in summary.rows[1:]:
        row.sections[COLLECTIVES] = by_unit.get(row.unit.pk) or CollectivesSection(
            levels=found.head.levels, quota_denominator=found.head.quota_denominator
        )
    return summary


def summary_with_collectives(*, unit: Organization, period: Period) -> Summary:
    """The summary of `unit` in `period` (`reports.summary.summary_build`, R23) with its
    leadership collectives' section attached (`collectives_attach`). Raises Http404 when the unit
    had no place in a closed year's tree."""
    return collectives_attach(summary_build(unit=unit, period=period))


def summary_as_json(summary: Summary) -> dict:
    """`summary.as_json()` (the shape of `export_summary --format json` and of the API) with the
    unit's leadership collectives section under `sections["collectives"]`, present (zeros) when
    the subtree has none, so that readers rely on the key. Takes a summary from
    `summary_with_collectives`; raises KeyError for one without the section attached."""
    data = summary.as_json()
    data["sections"][COLLECTIVES] = summary.rows[0].sections[COLLECTIVES].as_json()
    return data


def summary_json_with_collectives(unit: Organization, period: Period) -> dict:
    """The summary's figures of `unit` in `period` with its leadership collectives (R23, R28),
    as the API and `export_summary` give them (`summary_as_json`). Raises Http404 when the unit
    had no place in a closed year's tree."""
    return summary_as_json(summary_with_collectives(unit=unit, period=period))
