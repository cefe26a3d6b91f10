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
    SUMMARY_DOCX = "summary_docx", _("Summary table (Word)")
    DOSSIER_ZIP = "dossier_zip", _("Dossier (zip archive)")


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
    # A document's signing names (preparer, signer), written into it (issue 18).
    options = models.JSONField(_("options"), default=dict, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.period}"


class ImportState(models.TextChoices):
    """Where a run stands: a large workbook is checked and imported by a worker (issue 18)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


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
    # Sheets and columns the import did not read, named so that nothing vanishes unsaid.
    ignored = models.JSONField(_("ignored sheets and columns"), default=list, blank=True)
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
    # A run in the request is done when recorded; a large one waits for a worker (issue 18).
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.DONE
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=100)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.created_at:%d/%m/%Y %H:%M}"


# --- Deadlines that drive the year (issue 8, DOMAIN.md R19) -----------------------------------

from assessment.models import DeadlineLevel  # noqa: E402  (this part of the file is appended)


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Reminder before a deadline")
    LATE = "late", _("Late notice to the unit")
    LATE_BELOW = "late_below", _("Late units below, to the superior board")


class ReminderSent(models.Model):
    """One reminder or late notice, claimed before anyone is notified: the unique row is what
    makes a second run of the task (a restarted beat or worker) send nothing twice.
    `offset` is the number of days before the deadline the reminder is for (0 for late notices)."""

    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.CASCADE,
        related_name="reminders_sent",
        verbose_name=_("year"),
    )
    level = models.CharField(_("step"), max_length=20, choices=DeadlineLevel.choices)
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="reminders_sent",
        verbose_name=_("party organization"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    offset = models.PositiveSmallIntegerField(_("days before the deadline"), default=0)
    due = models.DateField(_("due date"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    text = models.CharField(_("text"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level", "unit", "kind", "offset"], name="unique_reminder_sent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.due:%d/%m/%Y}"


class ReportSubmission(models.Model):
    """A superior committee's or the province's yearly report (step 9): the summary table of its
    subtree frozen when it was submitted, a narrative and a signature. Never changed: a
    correction is a new version with a reason, and every version stays."""

    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.PROTECT,
        related_name="report_submissions",
        verbose_name=_("year"),
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="report_submissions",
        verbose_name=_("party organization"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # Summary.as_json() of the unit's subtree, and one row per child unit with its sections.
    summary = models.JSONField(_("summary table"), default=dict)
    rows = models.JSONField(_("rows per unit below"), default=list)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    prompts = models.TextField(_("review prompts given"), blank=True)
    commendations = models.TextField(_("commendations"), blank=True)
    discipline = models.TextField(_("discipline"), blank=True)
    signer_name = models.CharField(_("signer"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=120)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["period", "unit", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "version"], name="unique_report_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period} · v{self.version}"

    @property
    def is_late(self) -> bool:
        """R19: submitted after the level's deadline as it stood at submission."""
        from assessment.rules import is_late

        return is_late(done_at=self.submitted_at, due=self.due, today=self.submitted_at.date())

    @property
    def is_correction(self) -> bool:
        return self.version > 1
