"""The tree of a year (issue 6, R22): a closed year keeps the tree as it was (UnitSnapshot), so
its reports do not change when units are moved, merged or dissolved later. An open year follows
the live tree; its snapshot is taken when it is closed (or when past results are imported for it,
which creates it closed): the year machine's close and period_create call
tree_snapshot_take_on_commit."""

from __future__ import annotations

from django.db import transaction

from organizations.models import Organization

from .models import Period, UnitSnapshot


def tree_snapshot_take(*, period: Period) -> int:
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


def tree_snapshot_take_on_commit(*, period: Period) -> None:
    """Freeze the tree for `period` once the current transaction commits, so that units written
    in the same transaction (an import of past results) are in it."""
    transaction.on_commit(lambda: tree_snapshot_take(period=period))
