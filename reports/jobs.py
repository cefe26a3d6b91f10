"""Exports in the background (issue 5 item 3): a small scope answers at once; a large one is an
ExportJob that a Celery worker builds while the page shows its progress. A broker that is down
leaves the job queued (the page says so) instead of failing the request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from assessment.models import MemberAssessment, Period
from organizations.models import Organization

from . import exports
from .models import ExportJob, ExportKind, ExportState
from .summary import NOT_STARTED
from .summary_collectives import summary_with_collectives

log = logging.getLogger(__name__)

EXTENSIONS = {
    ExportKind.SUMMARY_XLSX: "xlsx",
    ExportKind.SUMMARY_PDF: "pdf",
    ExportKind.LIST_XLSX: "xlsx",
    ExportKind.SUMMARY_DOCX: "docx",
    ExportKind.DOSSIER_ZIP: "zip",
}
NAMES = {
    ExportKind.SUMMARY_XLSX: "bieu-tong-hop",
    ExportKind.SUMMARY_PDF: "bieu-tong-hop",
    ExportKind.LIST_XLSX: "danh-sach-xep-loai",
    ExportKind.SUMMARY_DOCX: "bieu-tong-hop",
    ExportKind.DOSSIER_ZIP: "ho-so-danh-gia",
}
# The signing names a summary document takes (reports.documents.summary_document).
DOCUMENT_OPTIONS = ("preparer", "signer_title", "signer_name")


def is_large(unit: Organization, period: Period, *, summary=None) -> bool:
    """Whether an export of this scope goes to the background (EXPORT_SYNC_MAX_MEMBERS). Given
    the scope's `summary` (reports.summary.Summary), its members' records are counted already:
    no query."""
    limit = settings.EXPORT_SYNC_MAX_MEMBERS
    if summary is not None:
        members = summary.rows[0].sections["members"]
        return members.total - members.pending.get(NOT_STARTED, 0) > limit
    rows = MemberAssessment.objects.filter(
        cell_year__period=period, cell_year__cell__path__startswith=unit.path
    )[: limit + 1]
    return rows.count() > limit


def export_build(
    *, kind: str, unit: Organization, period: Period, out, progress=None, options=None
) -> int:
    """Write one export to the binary file `out`; returns the number of data rows (files of a
    dossier's archive). `options` are a summary document's signing names (DOCUMENT_OPTIONS)."""
    if kind == ExportKind.DOSSIER_ZIP:
        from .dossier import dossier_archive_write

        return dossier_archive_write(unit=unit, period=period, out=out, progress=progress)
    if kind == ExportKind.LIST_XLSX:
        return exports.classification_list_xlsx(
            unit=unit, period=period, out=out, progress=progress
        )
    summary = summary_with_collectives(unit=unit, period=period)
    if kind == ExportKind.SUMMARY_XLSX:
        out.write(exports.summary_xlsx(summary))
    else:  # the official document (issue 17), PDF or Word
        from organizations.documents import render

        from .documents import summary_document

        names = {k: v for k, v in (options or {}).items() if k in DOCUMENT_OPTIONS}
        out.write(render(summary_document(summary, **names), EXTENSIONS[kind]))
    return len(summary.rows)


def filename(kind: str, unit: Organization, period: Period) -> str:
    return exports.export_filename(NAMES[kind], unit, period, EXTENSIONS[kind])


def export_job_create(
    *, user, unit: Organization, period: Period, kind: str, options: dict | None = None
) -> ExportJob:
    """A queued export, built by a worker once committed (a document with its `options`)."""
    job = ExportJob.objects.create(
        user=user, unit=unit, period=period, kind=kind, options=options or {}
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import build_export

    try:
        build_export.delay(job_id)
    except Exception:  # the broker is unreachable: the job stays queued, the page says so
        log.warning("export %s not queued (broker unavailable)", job_id)


def export_job_run(job_id: int) -> ExportJob | None:
    """Build a job's file. A job is claimed by a conditional update; one redelivered after a
    worker died mid-way (still "running") is built again from the start."""
    claimed = ExportJob.objects.filter(
        pk=job_id, state__in=[ExportState.QUEUED, ExportState.RUNNING]
    ).update(state=ExportState.RUNNING, progress=0, error="")
    if not claimed:
        return None
    job = ExportJob.objects.select_related("unit", "period__rule_set").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 99
        ExportJob.objects.filter(pk=job_id).update(progress=percent, rows=done)

    name = filename(job.kind, job.unit, job.period)
    part = settings.MEDIA_ROOT / "exports" / f".{job_id}.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    try:
        with part.open("w+b") as tmp:
            rows = export_build(
                kind=job.kind,
                unit=job.unit,
                period=job.period,
                out=tmp,
                progress=progress,
                options=job.options,
            )
            tmp.seek(0)
            job.file.save(name, File(tmp), save=False)
    except Exception as error:  # recorded on the job and shown on its page
        log.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        part.unlink(missing_ok=True)
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportState.DONE,
        progress=100,
        rows=rows,
        file=job.file.name,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
