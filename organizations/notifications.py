"""Notices to the next actor (issue 4, item 8): a row per user, then e-mail by a Celery task
queued once the transaction commits. A broker that is down never fails the request: the notices
are already saved and shown in the app, and the e-mails wait for the beat's sweep
(tasks.send_unsent_notification_emails)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import Assignment, Notification, Organization

log = logging.getLogger(__name__)


def notify(*, users: Iterable[AbstractBaseUser], text: str, url: str = "") -> list[Notification]:
    unique = {user.pk: user for user in users}
    rows = Notification.objects.bulk_create(
        Notification(user=user, text=text[:500], url=url) for user in unique.values()
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_notification_emails

    try:
        send_notification_emails.delay(ids)
    except Exception:  # the broker is unreachable: the notices stand, the e-mails wait
        log.warning("notification e-mails not queued (broker unavailable): %s", ids)


def users_with_role(role: str, unit: Organization) -> list[AbstractBaseUser]:
    return [
        a.user
        for a in Assignment.objects.current()
        .filter(role=role, organization=unit)
        .select_related("user")
    ]
