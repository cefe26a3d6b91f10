"""Subtree counts per unit and year (issue 18 item 1): `UnitYearRollup`, the kept counts
(`UnitYearCount`) of every unit under a unit on today's tree, summed, so that a summary reads
a few rows per child instead of every count of the subtree (the province: 110 children's rows
instead of 27,000 counts).

They move in the same transaction as the counts and the tree:

- `rollups_add`: `assessment.counts.counts_refresh` passes the counts it replaced and the ones
  it stored; the difference of each is added to the unit and to each of its ancestors, in one
  upsert sorted by key (concurrent writers lock shared ancestors' rows in the same order);
- `rollups_rebuild`: a whole year recomputed from the counts (a year's or a large import's
  refresh, a repair, the migration); it takes the year's advisory lock exclusively while
  `rollups_add` takes it shared, so a rebuild never interleaves with a change;
- `rollups_follow_move`: a unit moved under another parent (organizations.signals.subtree_moved)
  takes its subtree's figures from its old ancestors to its new ones, for every year.

`rollups_drift` recomputes them from the counts; `counts_drift` reports it with the counts'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import connection

from organizations.models import Organization

from .counts import FIGURES
from .models import Period, UnitYearRollup

# (unit id, subject, kind of the counted unit, status, reason code, level id or 0) → FIGURES
RollupKey = tuple[int, str, str, str, str, int]
# Above this many units a refresh rebuilds the year's rollups in SQL rather than adding each
# unit's difference to its ancestors in Python (an import of 100,000 members touches 5,000).
REBUILD_ABOVE = 300
TABLE = UnitYearRollup._meta.db_table
KEY_COLUMNS = (
    "period_id",
    "unit_id",
    "subject",
    "source_kind",
    "status",
    "reason_code",
    "level_ref",
)
# `assessment_unityearcount` summed onto each unit's ancestor at one depth (itself included).
BUILD_SQL = f"""
INSERT INTO {TABLE} ({", ".join(KEY_COLUMNS)}, {", ".join(FIGURES)})
SELECT c.period_id, a.id, c.subject, o.kind, c.status, c.reason_code, coalesce(c.level_id, 0),
       {", ".join(f"sum(c.{name})" for name in FIGURES)}
  FROM assessment_unityearcount c
  JOIN organizations_organization o ON o.id = c.unit_id
  JOIN organizations_organization a
    ON a.depth = %(depth)s AND a.path = substr(o.path, 1, %(length)s)
 WHERE c.period_id = %(period)s AND o.depth >= %(depth)s
 GROUP BY 1, 2, 3, 4, 5, 6, 7"""
UPSERT_SQL = f"""
INSERT INTO {TABLE} ({", ".join(KEY_COLUMNS)}, {", ".join(FIGURES)})
VALUES {{values}}
ON CONFLICT ({", ".join(KEY_COLUMNS)}) DO UPDATE SET
{", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in FIGURES)}"""
PURGE_SQL = f"DELETE FROM {TABLE} WHERE period_id = %s AND n = 0 AND unit_id IN ({{units}})"
BATCH = 500


def rollups_lock(period: Period, *, exclusive: bool) -> None:
    """Take the year's advisory lock (PostgreSQL; SQLite serializes writers anyway), held to the
    end of the transaction: shared by changes, exclusive for a rebuild. Taken again by the
    same transaction, it returns at once."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        # Two int4 keys: a fixed namespace for rollups, then the year's id.
        cursor.execute(f"SELECT {function}(%s, %s)", [1818, period.pk])


def rollups_rebuild(*, period: Period) -> int:
    """Recompute every rollup of `period` from its kept counts, in the caller's transaction
    (one INSERT … SELECT per depth of the tree). Returns the number of rollup rows stored."""
    rollups_lock(period, exclusive=True)
    UnitYearRollup.objects.filter(period=period).delete()
    deepest = Organization.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
    with connection.cursor() as cursor:
        for depth in range(1, deepest + 1):
            cursor.execute(
                BUILD_SQL,
                {"period": period.pk, "depth": depth, "length": depth * Organization.steplen},
            )
    return UnitYearRollup.objects.filter(period=period).count()


def ancestors_of(units: Iterable[int]) -> dict[int, tuple[str, list[int]]]:
    """Each unit's kind and the ids of its ancestors on today's tree, itself included, root
    first: {unit id: (kind, [ancestor ids])}. Two queries."""
    found = {
        pk: (path, kind)
        for pk, path, kind in Organization.objects.filter(pk__in=set(units)).values_list(
            "pk", "path", "kind"
        )
    }
    step = Organization.steplen
    prefixes = {
        path[:end] for path, _ in found.values() for end in range(step, len(path) + 1, step)
    }
    ids = dict(Organization.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return {
        pk: (kind, [ids[path[:end]] for end in range(step, len(path) + 1, step)])
        for pk, (path, kind) in found.items()
    }


def _onto_ancestors(counts: Mapping[tuple, Iterable[int]]) -> dict[RollupKey, list[int]]:
    """`counts` ({(unit id, subject, status, reason, level id or None): FIGURES or their
    changes}) summed onto each unit's ancestors on today's tree, itself included."""
    places = ancestors_of(unit for unit, *_ in counts)
    found: dict[RollupKey, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    for (unit, subject, status, reason, level), figures in counts.items():
        kind, ancestors = places[unit]
        for ancestor in ancestors:
            total = found[(ancestor, subject, kind, status, reason or "", level or 0)]
            for i, value in enumerate(figures):
                total[i] += value
    return found


def rollups_add(
    *,
    period: Period,
    before: Mapping[tuple, tuple[int, ...]],
    after: Mapping[tuple, tuple[int, ...]],
) -> int:
    """Move the rollups of `period` by the change of kept counts from `before` to `after`
    (both {(unit id, subject, status, reason, level id or None): FIGURES}, as
    `assessment.counts.counts_tally` gives them for the same units): each count's difference is
    added to its unit and to every ancestor, in the caller's transaction. Returns the number of
    rollup rows written."""
    change: dict[tuple, list[int]] = {}
    for key in set(before) | set(after):
        old, new = before.get(key), after.get(key)
        diff = [(new[i] if new else 0) - (old[i] if old else 0) for i in range(len(FIGURES))]
        if any(diff):
            change[key] = diff
    if not change:
        return 0
    rollups_lock(period, exclusive=False)
    added = _onto_ancestors(change)
    rows = sorted(key + tuple(diff) for key, diff in added.items() if any(diff))
    _upsert(period, rows)
    return len(rows)


def _upsert(period: Period, rows: list[tuple]) -> None:
    """Add `rows` ((unit, subject, kind, status, reason, level ref, *FIGURES), sorted) to the
    rollups of `period`, then drop the rows left empty."""
    width = len(KEY_COLUMNS) + len(FIGURES)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(batch))
            params = [value for row in batch for value in (period.pk, *row)]
            cursor.execute(UPSERT_SQL.format(values=values), params)
        units = sorted({row[0] for row in rows})
        for start in range(0, len(units), BATCH):
            chunk = units[start : start + BATCH]
            cursor.execute(
                PURGE_SQL.format(units=", ".join(["%s"] * len(chunk))), [period.pk, *chunk]
            )


def rollups_follow_move(*, unit_id: int, before: list[int], after: list[int]) -> int:
    """A unit moved from under the ancestors `before` (ids, itself excluded) to under `after`:
    its subtree's figures leave the old ancestors and join the new ones, in every year, in the
    caller's transaction (organizations.signals.subtree_moved). Returns rollup rows written."""
    written = 0
    if set(before) == set(after):
        return 0
    for period in Period.objects.all():
        own = list(
            UnitYearRollup.objects.filter(period=period, unit_id=unit_id).values_list(
                "subject", "source_kind", "status", "reason_code", "level_ref", *FIGURES
            )
        )
        if not own:
            continue
        rollups_lock(period, exclusive=False)
        rows = []
        for ancestors, sign in ((before, -1), (after, 1)):
            for ancestor in ancestors:
                for subject, kind, status, reason, level, *figures in own:
                    rows.append(
                        (ancestor, subject, kind, status, reason, level)
                        + tuple(sign * value for value in figures)
                    )
        merged: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
        for row in rows:
            total = merged[row[:6]]
            for i, value in enumerate(row[6:]):
                total[i] += value
        batch = sorted(key + tuple(v) for key, v in merged.items() if any(v))
        _upsert(period, batch)
        written += len(batch)
    return written


def rollups_stored(*, period: Period) -> dict[RollupKey, tuple[int, ...]]:
    """The rollups kept for `period`: {RollupKey: FIGURES}, empty rows left out."""
    return {
        (unit, subject, kind, status, reason, level): tuple(figures)
        for unit, subject, kind, status, reason, level, *figures in UnitYearRollup.objects.filter(
            period=period
        ).values_list(
            "unit_id", "subject", "source_kind", "status", "reason_code", "level_ref", *FIGURES
        )
        if any(figures)
    }


def rollups_expected(
    *, counts: Mapping[tuple, tuple[int, ...]]
) -> dict[RollupKey, tuple[int, ...]]:
    """What the rollups should be for a year whose counts are `counts` ({(unit id, subject,
    status, reason, level id or None): FIGURES}, as `assessment.counts.counts_tally` recomputes
    them from the rows): each summed onto its unit's ancestors on today's tree, in Python, apart
    from `BUILD_SQL`, so that the check is independent. Returns {RollupKey: FIGURES}."""
    return {key: tuple(v) for key, v in _onto_ancestors(counts).items() if any(v)}
