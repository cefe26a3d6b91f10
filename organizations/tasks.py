from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notice once: a row is claimed by a conditional update before it is sent, so a
    second run (a redelivered task, a restarted worker) sends nothing twice."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not notification.user.email:
            continue
        try:
            with translation.override(settings.LANGUAGE_CODE):
                send_mail(
                    subject=_("[XepLoai] %(text)s") % {"text": notification.text[:120]},
                    message=notification.text
                    + (f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""),
                    from_email=None,
                    recipient_list=[notification.user.email],
                )
        except OSError:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


@shared_task(acks_late=True)
def send_unsent_notification_emails() -> int:
    """The periodic sweep (celery beat, NOTIFICATION_RETRY_EVERY_SECONDS): e-mail the notices
    that were saved while the broker was down, or whose sending failed past its retries, up to
    NOTIFICATION_RETRY_HOURS old. Each is claimed as in send_notification_emails, so a notice
    whose own task runs at the same time is sent once. Returns the number sent."""
    since = timezone.now() - datetime.timedelta(hours=settings.NOTIFICATION_RETRY_HOURS)
    ids = list(
        Notification.objects.unsent(since=since)
        .order_by("created_at")
        .values_list("pk", flat=True)[: settings.NOTIFICATION_RETRY_BATCH]
    )
    return send_notification_emails(ids) if ids else 0
