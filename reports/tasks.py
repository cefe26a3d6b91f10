from __future__ import annotations

from celery import shared_task

from .import_jobs import import_job_run
from .jobs import export_job_run


# ignore_result: the job row holds the outcome. With a result, every enqueue also subscribes to
# Redis for it, and spends some 20 s of retries there when Redis is down (tests/trust).
@shared_task(acks_late=True, ignore_result=True)
def build_export(job_id: int) -> int | None:
    job = export_job_run(job_id)
    return job.rows if job else None


@shared_task(acks_late=True, ignore_result=True)
def run_import(run_id: int) -> bool | None:
    """Check or import a large workbook (issue 18): reports.import_jobs."""
    run = import_job_run(run_id)
    return run.ok if run else None


# --- Deadline reminders (issue 8) -------------------------------------------------------------

import datetime  # noqa: E402  (this part of the file is appended)
from dataclasses import asdict  # noqa: E402

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from .reminders import reminders_send  # noqa: E402


@shared_task(acks_late=True)
def send_deadline_reminders(today: str | None = None) -> dict:
    """The beat's hourly run (settings.CELERY_BEAT_SCHEDULE): reminders and late notices due
    today. Safe to run twice: every notice is claimed first (reports/reminders.py).
    `today` (YYYY-MM-DD), or the REMINDERS_TODAY test hook, pins the day."""
    day = today or settings.REMINDERS_TODAY
    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return {"today": on.isoformat(), **asdict(reminders_send(today=on))}
