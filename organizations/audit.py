"""The audit trail (issue 7, item 6). Every historical record that django-simple-history writes
(levels, votes, statuses, decisions, members, units, roles…) becomes an AuditEvent with its
actor, the request's address and the fields before and after; sign-ins, failed sign-ins,
exports and imports are recorded too. Events are never changed or deleted by the app."""

from __future__ import annotations

import logging

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .models import Assignment, AuditAction, AuditEvent, Organization

log = logging.getLogger(__name__)

HISTORY_ACTIONS = {"+": AuditAction.CREATE, "~": AuditAction.CHANGE, "-": AuditAction.DELETE}
# Where each audited object sits in the tree (a path to follow from the object).
UNIT_OF = {
    "organization": "",
    "assignment": "organization",
    "member": "cell",
    "statusperiod": "member.cell",
    "disciplinerecord": "member.cell",
    "transfer": "member.cell",
    "cellyear": "cell",
    "memberassessment": "cell_year.cell",
    "reviewinput": "cell_year.cell",
    "meeting": "cell_year.cell",
    "attendance": "meeting.cell_year.cell",
    "tally": "meeting.cell_year.cell",
    "decision": "issuer",
    "grassrootsyear": "organization",
    "leadershipcollective": "organization",
    "collectiveseat": "collective.organization",
    "collectiveassessment": "collective.organization",
}


def client_address(request) -> str | None:
    """The peer's address. Behind a reverse proxy, set it to pass the client's address in
    REMOTE_ADDR (forwarded headers are not trusted here)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def unit_path(obj) -> str:
    path = UNIT_OF.get(obj._meta.model_name)
    if path is None:
        return ""
    unit = obj
    for step in filter(None, path.split(".")):
        unit = getattr(unit, step, None)
        if unit is None:
            return ""
    return unit.path if isinstance(unit, Organization) else ""


def audit_record(
    *,
    action: str,
    actor=None,
    request=None,
    obj=None,
    unit: Organization | None = None,
    changes: list | None = None,
    reason: str = "",
    object_repr: str = "",
) -> AuditEvent:
    event = _event(
        action=action,
        actor=actor,
        request=request,
        obj=obj,
        unit=unit,
        changes=changes,
        reason=reason,
        object_repr=object_repr,
    )
    event.save()
    return event


def _event(
    *, action, actor, request, obj, unit=None, changes=None, reason="", object_repr="", at=None
) -> AuditEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent(
        **({"at": at} if at is not None else {}),
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor else "",
        address=client_address(request),
        action=action,
        object_type=obj._meta.verbose_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        unit_path=unit.path if unit is not None else (unit_path(obj) if obj is not None else ""),
        changes=changes or [],
        reason=reason,
    )


def user_unit(user) -> Organization | None:
    assignment = (
        Assignment.objects.current().filter(user=user).select_related("organization").first()
    )
    return assignment.organization if assignment else None


@receiver(post_create_historical_record)
def _history_to_audit(sender, instance, history_instance, history_user=None, **kwargs):
    changes = []
    if history_instance.history_type == "~":
        previous = history_instance.prev_record
        if previous is not None:
            delta = history_instance.diff_against(previous)
            changes = [
                {"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
                for c in delta.changes
            ]
    request = getattr(HistoricalRecords.context, "request", None)
    audit_record(
        action=HISTORY_ACTIONS[history_instance.history_type],
        actor=history_user or history_instance.history_user,
        request=request,
        obj=instance,
        changes=changes,
        reason=history_instance.history_change_reason or "",
    )


def history_rows_audit(rows: list, instances: list) -> list[AuditEvent]:
    """Audit events for history rows written in bulk (a workbook import, a roster drawn), which
    simple-history writes without its per-record signal: one event per row, with its actor,
    time, request address and, for a change, the fields before and after (against each
    object's previous history row, fetched in one query). Written in one bulk insert.

    Takes the historical rows and the objects they record, in the same order; returns the
    events. Called by AuditedHistoryManager.bulk_history_create (organizations.audited_history),
    so every bulk history write is audited, whoever calls it."""
    if not rows:
        return []
    previous = _previous_records(rows, instances)
    request = getattr(HistoricalRecords.context, "request", None)
    events = []
    for row, instance in zip(rows, instances, strict=True):
        changes = []
        before = previous.get(instance.pk) if row.history_type == "~" else None
        if before is not None:
            changes = [
                {"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
                for c in row.diff_against(before).changes
            ]
        events.append(
            _event(
                action=HISTORY_ACTIONS[row.history_type],
                actor=row.history_user,
                request=request,
                obj=instance,
                changes=changes,
                reason=row.history_change_reason or "",
                at=row.history_date,
            )
        )
    return AuditEvent.objects.bulk_create(events, batch_size=2000)


def _previous_records(rows: list, instances: list) -> dict:
    """{object pk: its latest history row before `rows`}, for the changed objects."""
    changed = [i.pk for r, i in zip(rows, instances, strict=True) if r.history_type == "~"]
    if not changed:
        return {}
    model = type(rows[0])
    pk_name = instances[0]._meta.pk.attname
    new = {r.history_id for r in rows}
    latest = {}
    for record in (
        model.objects.filter(**{f"{pk_name}__in": changed})
        .exclude(history_id__in=new)
        .order_by(pk_name, "-history_date", "-history_id")
    ):
        latest.setdefault(getattr(record, pk_name), record)
    return latest


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, request=request, unit=user_unit(user))


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request, unit=user_unit(user))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        object_repr=str(credentials.get("username", ""))[:150],
    )
