"""Exports and imports go on the audit trail (issue 7) the moment they are recorded; a decision
after the year restates the reports it changed (issue 15)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from assessment.machine import results_changed
from organizations.audit import audit_record, user_unit
from organizations.models import AuditAction

from .models import ExportJob, ImportRun


def _request():
    # Set for every web request by simple_history's HistoryRequestMiddleware; None elsewhere.
    return getattr(HistoricalRecords.context, "request", None)


@receiver(post_save, sender=ExportJob)
def _export(sender, instance: ExportJob, created: bool, **kwargs) -> None:
    if created:
        audit_record(
            action=AuditAction.EXPORT,
            actor=instance.user,
            request=_request(),
            obj=instance,
            unit=instance.unit,
            reason=f"{instance.get_kind_display()} · {instance.period}",
        )


@receiver(post_save, sender=ImportRun)
def _import(sender, instance: ImportRun, created: bool, **kwargs) -> None:
    if created:
        audit_record(
            action=AuditAction.IMPORT,
            actor=instance.user,
            request=_request(),
            obj=instance,
            unit=user_unit(instance.user) if instance.user else None,
            object_repr=instance.file_name,
            reason=_import_summary(instance),
        )


def _import_summary(run: ImportRun) -> str:
    mode = "dry run" if run.dry_run else "import"
    if not run.ok:
        return f"{mode}: {len(run.errors or [])} errors"
    return f"{mode}: {run.counts}"


@receiver(results_changed)
def _restate_reports(sender, decision, by, **kwargs) -> None:
    """Issue 15: reports already submitted for that year show the change as a new version."""
    from .submissions import reports_restate

    reports_restate(decision=decision, by=by)
