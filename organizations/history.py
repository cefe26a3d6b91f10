"""Restructurings of the tree (issue 6, R22): 1/7/2025 dissolved the districts, moved grassroots
organizations under commune committees or the province and merged provinces. Each step is
recorded as a Succession so year-on-year views can follow a unit. (A closed year's frozen tree,
UnitSnapshot, belongs with the year: assessment.tree_years.)"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Organization, Succession, SuccessionKind

MSG_CYCLE = _("A unit cannot move under itself or its own descendant.")
MSG_NOT_EMPTY = _("Move the units under %(unit)s before dissolving it.")


@transaction.atomic
def units_restructure(
    *,
    on: datetime.date,
    moves: Sequence[tuple[Organization, Organization]] = (),
    merges: Sequence[tuple[Iterable[Organization], Organization]] = (),
    dissolve: Iterable[Organization] = (),
    by=None,
    note: str = "",
) -> list[Succession]:
    """Restructure the live tree on a date: move units under new parents, merge units into one
    (their children move under it), dissolve emptied units (active until the day before). Past
    closed years keep their snapshot; every step is recorded as a Succession."""
    recorded: list[Succession] = []
    dissolve = list(dissolve)
    dissolved = {unit.pk for unit in dissolve}

    def record(before: Organization, after: Organization, kind: str) -> None:
        succession = Succession(
            predecessor=before, successor=after, kind=kind, on=on, note=note[:255]
        )
        succession._history_user = by
        succession.save()
        recorded.append(succession)

    def move(unit: Organization, parent: Organization) -> None:
        unit.refresh_from_db()
        parent.refresh_from_db()
        unit.check_parent(parent)
        if parent.path.startswith(unit.path):
            raise ValidationError(MSG_CYCLE, code="cycle")
        Organization.objects.move(unit, parent, "last-child")

    for unit, parent in moves:
        before = Organization.objects.get_parent(Organization.objects.get(pk=unit.pk))
        move(unit, parent)
        record(unit, parent, SuccessionKind.MOVE)
        if before is not None and before.pk in dissolved:
            record(before, parent, SuccessionKind.DISSOLVE)
    for olds, new in merges:
        for old in olds:
            old.refresh_from_db()
            for child in Organization.objects.get_children(old):
                move(child, new)
            record(old, new, SuccessionKind.MERGE)
            _end(old, on)
    for unit in dissolve:
        unit.refresh_from_db()
        if Organization.objects.get_children(unit).exists():
            raise ValidationError(MSG_NOT_EMPTY, params={"unit": unit}, code="not_empty")
        _end(unit, on)
    return recorded


def _end(unit: Organization, on: datetime.date) -> None:
    unit.refresh_from_db()
    unit.active_to = on - datetime.timedelta(days=1)
    unit.save(update_fields=["active_to"])


def successors_of(unit: Organization) -> list[Organization]:
    return [s.successor for s in unit.successions.select_related("successor")]


def predecessors_of(unit: Organization) -> list[Organization]:
    """The units that became `unit` (merged into it, or dissolved with their units moved under
    it), transitively."""
    seen: dict[int, Organization] = {}
    frontier = [unit]
    while frontier:
        current = frontier.pop()
        for s in current.predecessions.filter(
            kind__in=[SuccessionKind.MERGE, SuccessionKind.DISSOLVE]
        ).select_related("predecessor"):
            if s.predecessor.pk not in seen and s.predecessor.pk != unit.pk:
                seen[s.predecessor.pk] = s.predecessor
                frontier.append(s.predecessor)
    return list(seen.values())
