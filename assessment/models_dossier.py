"""The dossier of a unit's year (DOMAIN.md R26; Quy định 366-QĐ/TW art. 17, form 04) and the
working groups of a superior committee (issue 15 items 7 and 8).

The dossier lists the documents the regulation requires; most are produced by the application
(assessment/dossier.py finds them), the rest are signed scans uploaded here. Scans live under
MEDIA_ROOT, which no URL serves: a scan is read only through `access.get_dossier_scan_for_user`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager


class DossierKind(models.TextChoices):
    """The documents of Quy định 366 art. 17 (R26), in the order form 04 lists them."""

    REVIEWS = "reviews", _("Self-reviews of the collective and its members")
    REPORTS = "reports", _("Review reports")
    RESIDENCE = "residence", _("Residence comments")
    MINUTES = "minutes", _("Minutes of the review meetings")
    APPRAISAL = "appraisal", _("Appraisal summary")
    RESULTS = "results", _("Results: decisions and notices")
    PROMPTS = "prompts", _("Review prompts and their answers")
    FEEDBACK = "feedback", _("Public feedback")
    COMPLAINTS = "complaints", _("Complaints and their answers")


def _scan_path(scan: DossierScan, name: str) -> str:
    # A random name: nothing the uploader typed reaches the file system.
    return f"dossiers/{scan.period.year}/{scan.unit_id}/{scan.stored_name}"


class DossierScan(models.Model):
    """A signed scan (PDF, PNG or JPEG, its type read from its content) filed in a unit's
    dossier for a year."""

    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.PROTECT,
        related_name="dossier_scans",
        verbose_name=_("year"),
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="dossier_scans",
        verbose_name=_("party organization"),
    )
    kind = models.CharField(_("document"), max_length=20, choices=DossierKind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to=_scan_path, max_length=255)
    stored_name = models.CharField(_("stored name"), max_length=64, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("dossier scan")
        verbose_name_plural = _("dossier scans")
        ordering = ["kind", "uploaded_at", "id"]
        indexes = [models.Index(fields=["period", "unit", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title or self.original_name}"


class WorkingGroup(models.Model):
    """A working group (tổ công tác) a superior committee forms for a year to guide and attend
    the review meetings of the units it decides (issue 15 item 7)."""

    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.PROTECT,
        related_name="working_groups",
        verbose_name=_("year"),
    )
    superior = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="working_groups",
        verbose_name=_("superior committee"),
    )
    name = models.CharField(_("name"), max_length=255)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "superior", "name"], name="working_group_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingGroupOfficial(models.Model):
    """A named official of a working group (a standing committee member, a board officer)."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="officials", verbose_name=_("group")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    title = models.CharField(_("title"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("working group official")
        verbose_name_plural = _("working group officials")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.title})" if self.title else self.full_name


class WorkingGroupUnit(models.Model):
    """A unit assigned to a working group for a year, the official who attends its review
    meeting and their conclusion. One group per unit and year."""

    period = models.ForeignKey(
        "assessment.Period", on_delete=models.PROTECT, related_name="+", verbose_name=_("year")
    )
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="units", verbose_name=_("group")
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="working_group_rows",
        verbose_name=_("party organization"),
    )
    attendee = models.ForeignKey(
        WorkingGroupOfficial,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attended",
        verbose_name=_("attending official"),
    )
    meeting_on = models.DateField(_("date of the review meeting"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("unit of a working group")
        verbose_name_plural = _("units of working groups")
        ordering = ["unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="working_group_unit_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.unit}"
