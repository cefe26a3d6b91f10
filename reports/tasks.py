from __future__ import annotations

from celery import shared_task

from .jobs import export_job_run


@shared_task(acks_late=True)
def build_export(job_id: int) -> int | None:
    job = export_job_run(job_id)
    return job.rows if job else None
