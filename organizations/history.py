"""The tree by year (issue 6, R22). A closed year keeps the tree as it was (UnitSnapshot), so
its reports do not change when units are moved, merged or dissolved later; restructurings
(1/7/2025: districts dissolved, grassroots organizations moved under commune committees or the
province, provinces merged) are recorded as Successions so year-on-year views can follow a unit.

An open year follows the live tree; its snapshot is taken when it is closed (or when past
results are imported for it, which creates it closed)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from .models import Organization, Succession, SuccessionKind, UnitSnapshot

MSG_CYCLE = _("A unit cannot move under itself or its own descendant.")
MSG_NOT_EMPTY = _("Move the units under %(unit)s before dissolving it.")


def tree_snapshot_take(*, period) -> int:
    """Freeze the tree for `period`: every unit active on its assessment date, as placed now.
    Taken once; a second call keeps the first snapshot."""
    if UnitSnapshot.objects.filter(period=period).exists():
        return 0
    units = Organization.objects.all().active_on(period.assessment_date)
    rows = UnitSnapshot.objects.bulk_create(
        UnitSnapshot(
            period=period,
            organization_id=pk,
            path=path,
            depth=depth,
            kind=kind,
            code=code,
            name=name,
        )
        for pk, path, depth, kind, code, name in units.values_list(
            "pk", "path", "depth", "kind", "code", "name"
        ).iterator(chunk_size=5000)
    )
    return len(rows)


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


def _freeze_on_close(sender, instance, **kwargs) -> None:
    from assessment.models import PeriodState

    if instance.state == PeriodState.CLOSED:
        period = instance
        # After commit: units written in the same transaction (an import) are in the tree.
        transaction.on_commit(lambda: tree_snapshot_take(period=period))


def connect() -> None:
    from assessment.models import Period

    post_save.connect(_freeze_on_close, sender=Period, dispatch_uid="freeze-tree-on-close")
