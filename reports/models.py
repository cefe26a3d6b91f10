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
