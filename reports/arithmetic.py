"""The summary table's arithmetic (DOMAIN.md R23–R24), as plain functions over stored counts.

`reports.summary` counts rows in PostgreSQL; what it then computes from those counts (each
level's percent of the assessed, the excellent quota's base and ratio, how an empty base is
written in the JSON) lives here, so the rule can be tested on its own and mutation-tested
(`make mutation`). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from assessment import quota
from assessment.models import CanonicalLevel


def assessed(counts: Mapping[int, int]) -> int:
    """R24: the assessed are those with a decided level: the sum of the per-level `counts`
    (level pk → number of subjects)."""
    return sum(counts.values())


def level_rows(
    counts: Mapping[int, int], levels: Sequence
) -> list[tuple[object, int, Decimal | None]]:
    """R23–R24: each of `levels` (objects with `pk`, in the rule set's order) with its count from
    `counts` (0 when absent) and its percent of the assessed, half up to two decimals
    (`quota.percent`); None when nobody is assessed. Returns (level, count, percent) tuples."""
    base = assessed(counts)
    return [
        (level, counts.get(level.pk, 0), quota.percent(counts.get(level.pk, 0), base))
        for level in levels
    ]


def canonical_count(counts: Mapping[int, int], levels: Sequence, canonical: str) -> int:
    """How many subjects in `counts` hold a level of `levels` that maps to today's `canonical`
    level (R1: legacy levels such as TSVM and TSVM tiêu biểu both count as excellent)."""
    return sum(counts.get(level.pk, 0) for level in levels if level.maps_to == canonical)


def quota_figures(
    counts: Mapping[int, int], levels: Sequence, *, denominator: str
) -> quota.QuotaCheck:
    """R10–R11: the excellent count, the quota base under the rule set's `denominator`
    (`quota.GOOD_OR_ABOVE` or `quota.GOOD_ONLY`) and the ratio, for display only (the cap is
    checked at decision time, so it is 0 here). Raises ValueError for an unknown denominator."""
    return quota.quota_check(
        excellent=canonical_count(counts, levels, CanonicalLevel.EXCELLENT),
        good=canonical_count(counts, levels, CanonicalLevel.GOOD),
        cap_percent=0,
        denominator=denominator,
    )


def json_percent(value: Decimal | None) -> float:
    """A percent as the JSON export writes it (issue 5): a float, and 0.0 for an empty base
    (no assessed subject, no quota base), never null."""
    return float(value) if value is not None else 0.0
