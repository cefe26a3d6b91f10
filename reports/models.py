"""Exports built in the background (issue 5): who asked for what, of which unit and year, how
far the worker has got, and the file when it is ready. Files are served only through the
access checks of the view, never from a public media URL."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    SUMMARY_XLSX = "summary_xlsx", _("Summary table (Excel)")
    SUMMARY_PDF = "summary_pdf", _("Summary table (PDF)")
    LIST_XLSX = "list_xlsx", _("Classification list (Excel)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("party organization"),
    )
    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("year"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.period}"


class ImportRun(models.Model):
    """One run of the workbook import (issue 5), dry or real, kept for the audit (issue 7): who
    sent which file, whether it went through, what it created and every error it found."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("user"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    dry_run = models.BooleanField(_("dry run"), default=True)
    ok = models.BooleanField(_("without errors"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The dry run whose kept file this run imported (the web flow's confirm step).
    confirms = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="confirmations",
        verbose_name=_("confirms the dry run"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.created_at:%d/%m/%Y %H:%M}"
