"""Quiet history (issue 19, item 6): edits of one row by one user in a quick burst (votes typed
one keystroke at a time, each saved as you type) are one change in the history, not one per
keystroke. Still attributable: the burst's history row names its user, ends with the values
saved last and is dated by the last save; its audit event shows the change of the whole burst.

The window is `HISTORY_COALESCE_SECONDS` (60 by default; 0 records every save). A save with a
written reason, by another user, or after the window starts a new history row."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from .audit import HISTORY_ACTIONS, _plain
from .models import AuditEvent


def history_save_coalesced(row: Model, *, by, reason: str = "") -> Model:
    """Save `row` (a model with django-simple-history) as `by`. When `by` saved this same row
    less than HISTORY_COALESCE_SECONDS ago and neither save carries a reason, the latest history
    row (and its audit event) takes the new values instead of a new history row being written.
    Call it inside the transaction that locked the row (select_for_update), so that concurrent
    saves cannot merge into one another. Returns `row`."""
    last = _burst_to_join(row, by=by, reason=reason)
    if last is None:
        row._history_user = by
        if reason:
            row._change_reason = reason
        row.save()
        return row
    row.skip_history_when_saving = True
    try:
        row.save()
    finally:
        del row.skip_history_when_saving
    _history_join(last, row)
    return row


def _window() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(settings, "HISTORY_COALESCE_SECONDS", 0)))


def _burst_to_join(row: Model, *, by, reason: str):
    window = _window()
    if not window or reason or by is None or row.pk is None:
        return None
    last = row.history.order_by("-history_date", "-history_id").first()
    if (
        last is None
        or last.history_user_id != by.pk
        or last.history_type not in ("+", "~")
        or last.history_change_reason
        or last.history_date < timezone.now() - window
    ):
        return None
    return last


def _history_join(last, row: Model) -> None:
    """Bring the burst's history row up to `row`'s values and refresh its audit event."""
    for field in last.tracked_fields:
        setattr(last, field.attname, getattr(row, field.attname))
    last.history_date = timezone.now()
    last.save()
    changes = []
    previous = last.prev_record
    if previous is not None and last.history_type == "~":
        changes = [
            {"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
            for c in last.diff_against(previous).changes
        ]
    # The burst's own event is the latest of this user on this row: a newer save by anyone
    # else, or after the window, would have written a history row and an event of its own.
    event = (
        AuditEvent.objects.filter(
            action=HISTORY_ACTIONS[last.history_type],
            actor_id=last.history_user_id,
            object_type=row._meta.verbose_name,
            object_id=str(row.pk),
        )
        .order_by("-at", "-pk")
        .first()
    )
    if event is not None:
        event.changes = changes
        event.object_repr = str(row)[:255]
        event.save(update_fields=["changes", "object_repr"])
