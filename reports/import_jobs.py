"""Imports in the background (issue 18 item 2): a workbook larger than IMPORT_SYNC_MAX_BYTES is
checked, and then imported, by a Celery worker while the run's page shows its progress, as the
large exports are (reports/jobs.py). A 100,000-member workbook held a web worker for 40 s and
476 MB; now the request only keeps the file. A broker that is down leaves the run queued (the
page says so) instead of failing the request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .imports import (
    MAX_FILE_BYTES,
    MSG_RUN_DONE,
    MSG_RUN_NOT_CONFIRMABLE,
    _file_name,
    _file_size,
    import_confirm,
    is_confirmable,
    kept_file_path,
    kept_file_save,
    workbook_import,
)
from .models import ImportRun, ImportState

log = logging.getLogger(__name__)


def is_large(upload) -> bool:
    """Whether a workbook of this size is checked and imported in the background. A file at or
    over the cap (imports.MAX_FILE_BYTES) is not: the request refuses it at once, unread and
    not kept."""
    return settings.IMPORT_SYNC_MAX_BYTES < _file_size(upload) < MAX_FILE_BYTES


def import_check_start(*, upload, by: AbstractBaseUser) -> ImportRun:
    """Keep the upload under a new queued dry run and queue its check once committed.
    Returns the run, whose page follows the check."""
    with transaction.atomic():
        run = ImportRun.objects.create(
            user=by,
            file_name=_file_name(upload)[: ImportRun._meta.get_field("file_name").max_length],
            size=_file_size(upload),
            dry_run=True,
            state=ImportState.QUEUED,
            progress=0,
        )
        kept_file_save(run=run, upload=upload)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def import_confirm_start(*, run: ImportRun, by: AbstractBaseUser) -> ImportRun:
    """Queue the import of an error-free dry run's kept file: a new run row, created under a
    lock of the dry run so that two clicks queue one import. Raises ValidationError (the
    messages of import_confirm) when the dry run cannot be imported, or is being imported."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not (run.dry_run and run.ok):
            raise ValidationError(MSG_RUN_NOT_CONFIRMABLE, code="not_confirmable")
        if not is_confirmable(run):
            raise ValidationError(MSG_RUN_DONE, code="done")
        confirmation = ImportRun.objects.create(
            user=by,
            file_name=run.file_name,
            size=run.size,
            dry_run=False,
            confirms=run,
            state=ImportState.QUEUED,
            progress=0,
        )
        transaction.on_commit(lambda: _enqueue(confirmation.pk))
    return confirmation


def _enqueue(run_id: int) -> None:
    from .tasks import run_import

    try:
        run_import.delay(run_id)
    except Exception:  # the broker is unreachable: the run stays queued, the page says so
        log.warning("import %s not queued (broker unavailable)", run_id)


def import_job_run(run_id: int) -> ImportRun | None:
    """Check or import a queued run (by its `dry_run`); returns it done, or None when it was not
    queued. Claimed by a conditional update; a run redelivered after a worker died mid-way
    ("running") starts again from the file, which nothing has changed (all or nothing)."""
    claimed = ImportRun.objects.filter(
        pk=run_id, state__in=[ImportState.QUEUED, ImportState.RUNNING]
    ).update(state=ImportState.RUNNING, progress=0, error="")
    if not claimed:
        return None
    run = ImportRun.objects.select_related("user", "confirms").get(pk=run_id)

    def progress(percent: int) -> None:
        ImportRun.objects.filter(pk=run_id).update(progress=min(99, percent))

    try:
        if run.dry_run:
            result = workbook_import(
                file=kept_file_path(run),
                by=run.user,
                dry_run=True,
                file_name=run.file_name,
                into=run,
                progress=progress,
            )
            if not result.ok:
                kept_file_path(run).unlink(missing_ok=True)
        else:
            import_confirm(run=run.confirms, by=run.user, into=run, progress=progress)
    except Exception as error:  # recorded on the run and shown on its page
        log.exception("import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            state=ImportState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    return run
