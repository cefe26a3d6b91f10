from __future__ import annotations

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
