"""Subtree counts for pages, aggregated in the database by GROUP BY on the tree path.

One query per distinct depth among the nodes shown, so a page's query count does not grow with
the number of units or members (STYLE.md rule 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from members.models import Member

from .models import Organization


@dataclass(frozen=True)
class SubtreeCounts:
    members: int = 0
    cells: int = 0


def subtree_counts(root: Organization, nodes: Iterable[Organization]) -> dict[int, SubtreeCounts]:
    """Members and cells under each of `nodes` (all inside `root`'s subtree), keyed by node pk."""
    nodes = list(nodes)
    steplen = Organization.steplen
    result: dict[int, SubtreeCounts] = {}
    for depth in sorted({node.depth for node in nodes}):
        length = depth * steplen
        members = dict(
            Member.objects.current()
            .in_subtree(root)
            .annotate(prefix=Substr("cell__path", 1, length))
            .values_list("prefix")
            .annotate(n=Count("id"))
        )
        cells = dict(
            Organization.objects.in_subtree(root)
            .cells()
            .annotate(prefix=Substr("path", 1, length))
            .order_by()
            .values_list("prefix")
            .annotate(n=Count("id"))
        )
        for node in nodes:
            if node.depth == depth:
                result[node.pk] = SubtreeCounts(
                    members=members.get(node.path, 0), cells=cells.get(node.path, 0)
                )
    return result
