"""The summary table (biểu tổng hợp, DOMAIN.md R23–R24) for a unit and a year.

Three sections: grassroots organizations, subordinate cells, and members. For each: total,
assessed, not classified by reason, not yet classified by reason, each level's count and percent
(base: assessed), the quota ratio, commendation proposals and review prompts. A row for the
unit, then one per child unit.

Everything is read from the kept counts (assessment/counts.py: records by status, reason and
level, commendations, prompts by managing level, the leaders' records) grouped on the tree path
prefix of the child units, plus, in an open year, two probes for what has not started (a fixed
number of queries whatever the size of the subtree: six in all), on the tree of that year: a
closed year's frozen snapshot (assessment.UnitSnapshot), else today's tree. An open year counts
the units and members that exist now, and those without a record yet as not yet classified; a
closed year counts its records only. Percentages are computed from the counts, never stored (R24).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import FilteredRelation, Q
from django.http import Http404

from assessment import quota
from assessment.counts import FIGURES, PROMPT_LEVELS
from assessment.machine import OPEN_STATES
from assessment.models import (
    AssessmentStatus,
    CountSubject,
    Level,
    LevelScope,
    Period,
    UnitSnapshot,
)
from organizations.models import CELL_KINDS, GRASSROOTS_KINDS, Kind, Organization
from reports import arithmetic

SECTIONS = ("grassroots", "cells", "members")
# R23 "optionally leaders": members reviewed on the rule set's leaders' form (2A, derived from
# their posts, issue 14 item 5), shown after the members when the year has any.
LEADERS = "leaders"
# Pending reasons the summary adds to the regulation's own (R14) so that R24 always adds up:
UNDECIDED = "chua_quyet_dinh"  # assessed, no decided level yet
NOT_STARTED = "chua_kiem_diem"  # no record for the year yet (open years only)
# R23's collectives section (issue 14 item 8): leadership collectives, counted apart and
# attached to a built summary by reports/summary_collectives.py.
COLLECTIVES = "collectives"


@dataclass
class Section:
    levels: list[Level]
    total: int = 0
    not_classified: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)  # decided level pk → count
    commendations: int = 0
    prompted: int = 0
    # R28: those given prompts by each managing level (PromptLevel); one given prompts by two
    # levels counts under each, once in `prompted`.
    prompted_by_level: dict[str, int] = field(default_factory=dict)
    quota_denominator: str = quota.GOOD_OR_ABOVE

    @property
    def assessed(self) -> int:
        return arithmetic.assessed(self.counts)

    @property
    def not_classified_total(self) -> int:
        return sum(self.not_classified.values())

    @property
    def pending_total(self) -> int:
        return sum(self.pending.values())

    def level_rows(self) -> list[tuple[Level, int, Decimal | None]]:
        """Each level of the rule set, in its order, with its count and percent of assessed."""
        return arithmetic.level_rows(self.counts, self.levels)

    @property
    def quota(self) -> quota.QuotaCheck:
        return arithmetic.quota_figures(
            self.counts, self.levels, denominator=self.quota_denominator
        )

    def add(self, status: str, reason: str, level_id: int | None, n: int) -> None:
        self.total += n
        if status == AssessmentStatus.NOT_CLASSIFIED:
            self.not_classified[reason] = self.not_classified.get(reason, 0) + n
        elif status == AssessmentStatus.PENDING:
            self.pending[reason] = self.pending.get(reason, 0) + n
        elif level_id is None:
            self.pending[UNDECIDED] = self.pending.get(UNDECIDED, 0) + n
        else:
            self.counts[level_id] = self.counts.get(level_id, 0) + n

    def as_json(self) -> dict:
        check = self.quota
        return {
            "total": self.total,
            "assessed": self.assessed,
            "not_classified": {
                "total": self.not_classified_total,
                "by_reason": dict(sorted(self.not_classified.items())),
            },
            "pending": {
                "total": self.pending_total,
                "by_reason": dict(sorted(self.pending.items())),
            },
            "levels": [
                {
                    "code": level.code,
                    "name": level.name,
                    "count": count,
                    "percent": arithmetic.json_percent(pct),
                }
                for level, count, pct in self.level_rows()
            ],
            "quota": {
                "excellent": check.excellent,
                "base": check.base,
                "ratio": arithmetic.json_percent(check.ratio),
            },
            # R28: given review prompts, once each in `total`, under each managing level that
            # gave them in `by_level` (PromptLevel codes).
            "prompted": {
                "total": self.prompted,
                "by_level": dict(sorted(self.prompted_by_level.items())),
            },
        }


@dataclass
class Row:
    unit: Organization
    sections: dict[str, Section]


@dataclass
class Summary:
    unit: Organization
    period: Period
    rows: list[Row]  # the unit first, then each child unit

    @property
    def rule_set(self):
        return self.period.rule_set

    @property
    def shown_sections(self) -> tuple[str, ...]:
        """The sections of the tables: R23's three, then the leaders and the leadership
        collectives (when attached) each when the year has any."""
        head = self.rows[0].sections
        return SECTIONS + tuple(
            name
            for name in (LEADERS, COLLECTIVES)
            if head.get(name) is not None and head[name].total
        )

    def as_json(self) -> dict:
        """The unit's figures in the shape of `export_summary --format json` (issue 5): R23's
        three sections, and the leaders' (R23 "optionally leaders", members on the leaders'
        form) whenever the year's rule set names a leaders' form, with zeros when none, so that
        readers of such a year rely on the key. Returns a dict of plain JSON values."""
        head = self.rows[0]
        names = SECTIONS + ((LEADERS,) if LEADERS in head.sections else ())
        return {
            "year": self.period.year,
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "rule_set": self.rule_set.code,
            "sections": {name: head.sections[name].as_json() for name in names},
        }


def summary_build(*, unit: Organization, period: Period) -> Summary:
    """The summary of `unit` in `period`, on that year's tree (R22): a closed year with a frozen
    tree groups its records by the paths units had that year; an open year by today's tree."""
    rule_set = period.rule_set
    levels = list(rule_set.levels.order_by("rank"))  # one query for both scopes
    member_levels = [lv for lv in levels if lv.applies_to != LevelScope.ORGANIZATION]
    unit_levels = [lv for lv in levels if lv.applies_to != LevelScope.MEMBER]
    tree = YearTree.of(period)
    root_path, root_depth = tree.place(unit)
    if tree.frozen:
        children = tree.children(root_path, root_depth)
    else:  # today's tree: the children and the subtree counts in one query
        children, rolled = _rolled(period, unit, root_path, root_depth)
    length = (root_depth + 1) * Organization.steplen
    keys = [root_path, *(path for _, path in children)]
    names = SECTIONS + ((LEADERS,) if (rule_set.forms or {}).get("leader") else ())

    def empty(section: str) -> Section:
        return Section(
            levels=member_levels if section in ("members", LEADERS) else unit_levels,
            quota_denominator=rule_set.quota_denominator,
        )

    by_prefix: dict[str, dict[str, Section]] = {
        key: {name: empty(name) for name in names} for key in keys
    }

    head = {name: empty(name) for name in names}

    def count(sections, section, status, reason, level_id, n, commended, prompted, by_level):
        target = sections.get(section)
        if target is None:  # leaders counted under a form the rule set no longer names
            return
        if n:
            target.add(status, reason or "", level_id, n)
        target.commendations += commended
        target.prompted += prompted
        # R28 rows 4.1–4.3: those given prompts by each managing level.
        for level, given in zip(PROMPT_LEVELS, by_level, strict=True):
            if given:
                target.prompted_by_level[level] = target.prompted_by_level.get(level, 0) + given

    if tree.frozen:
        # A closed year's tree: the counts summed per child over that year's paths; the unit's
        # own records (no child) go to its own row, and the head is every row's sum.
        for (
            section,
            prefix,
            status,
            reason,
            level_id,
            n,
            commended,
            prompted,
            *by_level,
        ) in _counted(tree, root_path, root_depth):
            sections = by_prefix.get(prefix, by_prefix[root_path])
            count(sections, section, status, reason, level_id, n, commended, prompted, by_level)
        for sections in by_prefix.values():
            for name in names:
                _merge(head[name], sections[name])
    else:
        # Today's tree: the unit's subtree counts are the head, each active child's its row (a
        # unit no longer active has its figures in the head only, as the table has no row).
        for section, prefix, status, reason, level_id, n, commended, prompted, *by_level in rolled:
            sections = head if prefix is None else by_prefix.get(prefix)
            if sections is not None:
                count(sections, section, status, reason, level_id, n, commended, prompted, by_level)
        if period.is_open():
            for section, prefix, n in _not_started(unit, period, length):
                head[section].add(AssessmentStatus.PENDING, NOT_STARTED, None, n)
                if prefix != root_path and prefix in by_prefix:
                    by_prefix[prefix][section].add(AssessmentStatus.PENDING, NOT_STARTED, None, n)

    rows = [Row(unit, head)] + [Row(child, by_prefix[path]) for child, path in children]
    return Summary(unit=unit, period=period, rows=rows)


@dataclass
class YearTree:
    """The tree a year's report uses: the frozen snapshot of a closed year, else today's."""

    period: Period
    frozen: bool

    @classmethod
    def of(cls, period: Period) -> YearTree:
        return cls(period, UnitSnapshot.objects.filter(period=period).exists())

    def place(self, unit: Organization) -> tuple[str, int]:
        """The unit's path and depth that year (Http404 if it did not exist then)."""
        if not self.frozen:
            return unit.path, unit.depth
        snapshot = UnitSnapshot.objects.filter(period=self.period, organization=unit).first()
        if snapshot is None:
            raise Http404
        return snapshot.path, snapshot.depth

    def children(self, path: str, depth: int) -> list[tuple[Organization, str]]:
        """The units directly below, as they were named and placed that year."""
        if not self.frozen:
            return [
                (child, child.path)
                for child in Organization.objects.all()
                .active_on(self.period.assessment_date)
                .filter(path__startswith=path, depth=depth + 1)
            ]
        result = []
        for snap in (
            UnitSnapshot.objects.filter(period=self.period, path__startswith=path, depth=depth + 1)
            .select_related("organization")
            .order_by("path")
        ):
            unit = snap.organization
            unit.name = snap.name  # that year's name, for this report only (never saved)
            result.append((unit, snap.path))
        return result

    def on(self, queryset, relation: str):
        """`queryset` with the path its `relation` unit had that year: (queryset, path field)."""
        if not self.frozen:
            return queryset, f"{relation}__path"
        alias = "year_unit"
        return (
            queryset.alias(
                **{
                    alias: FilteredRelation(
                        f"{relation}__snapshots",
                        condition=Q(**{f"{relation}__snapshots__period": self.period}),
                    )
                }
            ),
            f"{alias}__path",
        )


def summary_json(unit: Organization, period: Period) -> dict:
    return summary_build(unit=unit, period=period).as_json()


def _merge(into: Section, other: Section) -> None:
    into.total += other.total
    into.commendations += other.commendations
    into.prompted += other.prompted
    for target, source in (
        (into.not_classified, other.not_classified),
        (into.pending, other.pending),
        (into.counts, other.counts),
        (into.prompted_by_level, other.prompted_by_level),
    ):
        for key, n in source.items():
            target[key] = target.get(key, 0) + n


# The kept counts under a path, summed per child unit (issue 18). Raw SQL because of its plan:
# the rows are grouped by the child they fall under, found by joining the child on
# `path = substr(unit path, 1, child's length)`; grouped on the substr expression itself the
# planner expects a group per row, and at a million members sorts 274,000 rows on disk (1.6 s)
# instead of hashing them into a few hundred groups (0.4 s). {tree}: the live tree, or the
# paths of a closed year's frozen tree (UnitSnapshot). A record on the unit itself (a cell's
# summary) has no child: its prefix is NULL.
COUNTS_SQL = """
SELECT ch.path, c.subject, o.kind, c.status, c.reason_code, c.level_id,
       {sums}
FROM assessment_unityearcount c
JOIN organizations_organization o ON o.id = c.unit_id
{tree}
WHERE c.period_id = %(period)s AND {path} LIKE %(like)s
GROUP BY 1, 2, 3, 4, 5, 6"""
LIVE_TREE = """LEFT JOIN organizations_organization ch
  ON ch.depth = %(depth)s AND ch.path = substr(o.path, 1, %(length)s)"""
FROZEN_TREE = """JOIN organizations_unitsnapshot t
  ON t.organization_id = o.id AND t.period_id = %(period)s
LEFT JOIN organizations_unitsnapshot ch
  ON ch.period_id = %(period)s AND ch.depth = %(depth)s
  AND ch.path = substr(t.path, 1, %(length)s)"""


def _counted(tree: YearTree, path: str, depth: int):
    """The year's kept counts under `path` (assessment/counts.py) of the unit at `depth`, summed
    per child: one query over a few rows per cell instead of the subtree's result rows (issue
    18). Yields (section, child path or None, status, reason, level id, n, commended, prompted,
    then prompted by each of PROMPT_LEVELS). Cells' years count as subordinate cells only for
    subordinate cells; a prompt to another unit's collective counts for grassroots
    organizations, as R23 and R28 ask; the leaders (R23) are the member records on the leaders'
    form, counted apart with their commendations and prompts."""
    sql = COUNTS_SQL.format(
        sums=", ".join(f"sum(c.{name})" for name in FIGURES),
        tree=FROZEN_TREE if tree.frozen else LIVE_TREE,
        path="t.path" if tree.frozen else "o.path",
    )
    params = {
        "period": tree.period.pk,
        "like": path + "%",
        "depth": depth + 1,
        "length": (depth + 1) * Organization.steplen,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _sections(cursor.fetchall())


# The subtree counts (assessment/rollups.py) of the unit and of its children on today's tree,
# each unit's columns first and whether it is active on the day (a unit no longer active has no
# row of the table: its figures are in the unit's own subtree counts only), then its counts
# (none: one row of NULLs). Read by the unit's id and the (depth, path) index.
ROLLED_SQL = """
SELECT {columns},
       (u.active_from IS NULL OR u.active_from <= %(day)s)
       AND (u.active_to IS NULL OR u.active_to >= %(day)s),
       r.subject, r.source_kind, r.status, r.reason_code, NULLIF(r.level_ref, 0),
       r.n, r.commended, r.prompted, r.prompted_central, r.prompted_province, r.prompted_superior
FROM organizations_organization u
LEFT JOIN assessment_unityearrollup r ON r.unit_id = u.id AND r.period_id = %(period)s
WHERE u.id = %(unit)s OR (u.depth = %(depth)s AND u.path LIKE %(like)s)
ORDER BY u.path"""
ORGANIZATION_FIELDS = list(Organization._meta.concrete_fields)


def _rolled(period: Period, unit: Organization, path: str, depth: int):
    """The units directly below `unit` active on the year's assessment date, as
    [(Organization, path)] in path order, and the year's subtree counts of `unit` (child path
    None) and of each child, in `_counted`'s shape. One query: a few rows per child (issue 18)."""
    quote = connection.ops.quote_name
    sql = ROLLED_SQL.format(columns=", ".join(f"u.{quote(f.column)}" for f in ORGANIZATION_FIELDS))
    params = {
        "period": period.pk,
        "unit": unit.pk,
        "depth": depth + 1,
        "like": path + "%",
        "day": period.assessment_date,
    }
    width = len(ORGANIZATION_FIELDS)
    names = [f.attname for f in ORGANIZATION_FIELDS]
    children: list[tuple[Organization, str]] = []
    rows = []
    last = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    # The backend's and the fields' converters, as the ORM applies them (SQLite's booleans).
    converters = [
        (i, converter, col)
        for i, col in enumerate(f.get_col("u") for f in ORGANIZATION_FIELDS)
        for converter in col.get_db_converters(connection)
    ]
    for row in fetched:
        pk, child_path = row[0], row[1]
        own = child_path == path
        if pk != last:
            last = pk
            if not own and row[width]:
                values = list(row[:width])
                for i, convert, col in converters:
                    values[i] = convert(values[i], col, connection)
                children.append((Organization.from_db(connection.alias, names, values), child_path))
        if row[width + 1] is not None:
            rows.append((None if own else child_path, *row[width + 1 :]))
    return children, list(_sections(rows))


def _sections(rows):
    """Count rows (child path, subject, kind of the counted unit, status, reason, level id, then
    FIGURES) as the table's sections: `_counted`'s yield."""
    for prefix, subject, kind, status, reason, level_id, n, commended, *prompted in rows:
        if subject == CountSubject.MEMBERS:
            yield "members", prefix, status, reason, level_id, n, commended, *prompted
        elif subject == CountSubject.CELLS and kind == Kind.SUBORDINATE_CELL:
            yield "cells", prefix, status, reason, level_id, n, commended, *prompted
        elif subject == CountSubject.CELLS:  # a grassroots cell's own year: its prompts only
            yield "grassroots", prefix, status, reason, level_id, 0, 0, *prompted
        elif subject == CountSubject.LEADERS:
            yield LEADERS, prefix, status, reason, level_id, n, commended, *prompted
        elif kind in GRASSROOTS_KINDS:  # organizations' years (commendations: issue 15)
            yield "grassroots", prefix, status, reason, level_id, n, commended, 0, 0, 0, 0


# The subtree's units not started and the cells whose members to probe, one row each. Raw SQL
# like the counts, for its plan: left joins to the year's rows (one at most per unit), not
# EXISTS subplans, so the planner reads each table once and its estimate stays small.
UNITS_NOT_STARTED_SQL = """
SELECT o.id, substr(o.path, 1, %(length)s), o.kind, y.id IS NOT NULL, g.id IS NOT NULL
FROM organizations_organization o
LEFT JOIN assessment_cellyear y ON y.cell_id = o.id AND y.period_id = %(period)s
LEFT JOIN assessment_grassrootsyear g ON g.organization_id = o.id AND g.period_id = %(period)s
WHERE o.path LIKE %(like)s
  AND ((o.kind IN ({cells}) AND (y.id IS NULL OR y.state IN ({open})))
       OR (o.kind IN ({grassroots}) AND g.id IS NULL))"""


# The current members (not left) of the probed cells with no record this year, per cell: by the
# members' cell index, then each one's records by the member index.
MEMBERS_NOT_ON_ROSTER_SQL = """
SELECT m.cell_id, count(*) FROM members_member m
WHERE {probe} AND m.left_on IS NULL AND m.admission_date <= %(day)s AND NOT EXISTS (
  SELECT 1 FROM assessment_memberassessment a
  JOIN assessment_cellyear y ON y.id = a.cell_year_id
  WHERE a.member_id = m.id AND y.period_id = %(period)s)
GROUP BY 1"""


def members_not_on_roster_query(period: Period, cells: list[int]) -> tuple[str, dict]:
    """MEMBERS_NOT_ON_ROSTER_SQL and its parameters for `cells` (ids), as one array parameter
    on PostgreSQL (thousands of placeholders cost more than the query) or a JSON list on the
    embedded SQLite; the members admitted by the year's assessment date (MemberQuerySet.of_year)."""
    if connection.vendor == "postgresql":
        # = ANY, not IN (SELECT unnest(…)): the latter took 12 ms to plan (issue 18).
        probe, cells_param = "m.cell_id = ANY(%(probe)s)", cells
    else:
        probe, cells_param = (
            "m.cell_id IN (SELECT value FROM json_each(%(probe)s))",
            json.dumps(cells),
        )
    sql = MEMBERS_NOT_ON_ROSTER_SQL.format(probe=probe)
    return sql, {"period": period.pk, "day": period.assessment_date, "probe": cells_param}


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


def _not_started(unit: Organization, period: Period, length: int):
    """In an open year on today's tree: the subtree's units with no record yet, and its current
    members not on a roster: those of cells that have not drawn theirs (no cell year), and those
    an open roster leaves out (they joined since it was drawn). A member who joined a cell after
    it submitted is on no roster this year and is not counted. Yields (section, prefix, n).

    Two queries, both scoped to the subtree (issue 18): the units not started and the cells to
    probe, one row each (few once the year is under way); then the members of those cells by
    their ids, so that the planner checks each one's record by index instead of hashing every
    record of the year."""
    sql = UNITS_NOT_STARTED_SQL.format(  # the code's own constants, quoted
        cells=_quoted(CELL_KINDS), grassroots=_quoted(GRASSROOTS_KINDS), open=_quoted(OPEN_STATES)
    )
    params = {"period": period.pk, "like": unit.path + "%", "length": length}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        units = cursor.fetchall()
    probe: dict[int, str] = {}
    counted: dict[tuple[str, str], int] = {}
    for pk, prefix, kind, drawn, started in units:
        if kind in CELL_KINDS:
            probe[pk] = prefix
        if kind == Kind.SUBORDINATE_CELL and not drawn:
            counted[("cells", prefix)] = counted.get(("cells", prefix), 0) + 1
        elif kind in GRASSROOTS_KINDS and not started:
            counted[("grassroots", prefix)] = counted.get(("grassroots", prefix), 0) + 1
    for (section, prefix), n in counted.items():
        yield section, prefix, n
    if not probe:
        return
    with connection.cursor() as cursor:
        cursor.execute(*members_not_on_roster_query(period, list(probe)))
        members = cursor.fetchall()
    by_prefix: dict[str, int] = {}
    for cell, n in members:
        by_prefix[probe[cell]] = by_prefix.get(probe[cell], 0) + n
    for prefix, n in by_prefix.items():
        yield "members", prefix, n
