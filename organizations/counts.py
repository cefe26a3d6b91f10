"""Counts grouped by tree path (STYLE.md rule 7): the one way pages and reports add rows up per
unit of the tree. A subtree is a path prefix, so "how many rows under each unit at depth d" is one
GROUP BY on the first d × steplen characters of the path, whatever the number of units."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from .models import Organization


def prefix_length(depth: int) -> int:
    """The length of the path of a unit at `depth` (1 = the root), in characters."""
    return depth * Organization.steplen


def path_prefix(path: str, length: int) -> Substr:
    """The expression every grouping by tree path uses: the first `length` characters of the
    path field `path` (a lookup such as "cell__path"), i.e. the ancestor at that length."""
    return Substr(path, 1, length)


def counts_by_path(rows: QuerySet, *, path: str, depth: int, **aggregates) -> dict:
    """`rows` grouped by the ancestor at `depth` of the unit their `path` field names.

    Takes a QuerySet, the lookup of a tree path on it ("path", "cell__path"…) and a depth;
    returns {ancestor path: count of rows} or, given named aggregates (Count/Sum expressions),
    {ancestor path: {name: value}}. One query."""
    grouped = (
        rows.annotate(tree_prefix=path_prefix(path, prefix_length(depth)))
        .order_by()
        .values("tree_prefix")
    )
    if not aggregates:
        return dict(grouped.annotate(n=Count("pk")).values_list("tree_prefix", "n"))
    return {
        row.pop("tree_prefix"): row
        for row in grouped.annotate(**aggregates).values("tree_prefix", *aggregates)
    }
