"""Members and cells under units of the tree, for the tree and unit pages (STYLE.md rule 7):
one GROUP BY on the tree path per distinct depth among the nodes shown, so a page's query count
does not grow with the number of units or members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from organizations.counts import counts_by_path
from organizations.models import Organization

from .models import Member


@dataclass(frozen=True)
class SubtreeCounts:
    members: int = 0
    cells: int = 0


def subtree_counts(root: Organization, nodes: Iterable[Organization]) -> dict[int, SubtreeCounts]:
    """Current members and cells under each of `nodes` (all inside `root`'s subtree).

    Returns {node pk: SubtreeCounts}."""
    nodes = list(nodes)
    result: dict[int, SubtreeCounts] = {}
    for depth in sorted({node.depth for node in nodes}):
        members = counts_by_path(
            Member.objects.current().in_subtree(root), path="cell__path", depth=depth
        )
        cells = counts_by_path(
            Organization.objects.in_subtree(root).cells(), path="path", depth=depth
        )
        for node in nodes:
            if node.depth == depth:
                result[node.pk] = SubtreeCounts(
                    members=members.get(node.path, 0), cells=cells.get(node.path, 0)
                )
    return result
