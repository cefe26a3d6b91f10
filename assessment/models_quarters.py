"""Quarterly assessment of leaders and managers (R27; Kết luận 198-KL/TW, form 05; issue 14
item 6).

A year has quarters as periods of their own. A quarter's roster holds the members whose
framework the year's rule set assesses quarterly (leaders and managers, `Framework.quarterly`),
as their posts stand at the quarter's end. Each result is entered and decided like the year's,
through the machine (assessment.machine: QUARTER, QUARTER_ASSESSMENT); the annual review shows
the quarters as evidence, never averaged unless the framework says so.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager

from .models import Level, Period, Versioned

# A quarter's results are due this many days after it ends (a product default, per quarter).
QUARTER_DUE_DAYS = 15


class QuarterState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Quarter(models.Model):
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="quarters", verbose_name=_("year")
    )
    number = models.PositiveSmallIntegerField(_("quarter"), choices=[(n, n) for n in range(1, 5)])
    state = models.CharField(
        _("state"), max_length=10, choices=QuarterState.choices, default=QuarterState.OPEN
    )
    due = models.DateField(_("due date"))

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["period", "number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="unique_quarter"),
        ]

    def __str__(self) -> str:
        return _("Quarter %(number)s/%(year)s") % {"number": self.number, "year": self.period.year}

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.period.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.start + relativedelta(months=3, days=-1)

    @staticmethod
    def default_due(year: int, number: int) -> datetime.date:
        end = datetime.date(year, 3 * number - 2, 1) + relativedelta(months=3, days=-1)
        return end + datetime.timedelta(days=QUARTER_DUE_DAYS)

    def is_open(self) -> bool:
        return self.state == QuarterState.OPEN and self.period.is_open()


class QuarterAssessmentState(models.TextChoices):
    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    DECIDED = "decided", _("Decided")


class QuarterAssessment(Versioned):
    """One leader's quarter (form 05): what they did, their self-score and self-assessed level,
    and the level the managing committee decided."""

    quarter = models.ForeignKey(
        Quarter, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("quarter")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="quarter_assessments",
        verbose_name=_("member"),
    )
    framework = models.CharField(_("framework"), max_length=30)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=QuarterAssessmentState.choices,
        default=QuarterAssessmentState.DRAFT,
    )
    results = models.TextField(_("results of the quarter"), blank=True)
    shortcomings = models.TextField(_("shortcomings"), blank=True)
    scores = models.JSONField(_("self-scores"), default=dict, blank=True)
    conditions = models.JSONField(_("conditions met"), default=dict, blank=True)
    self_score = models.DecimalField(
        _("self-score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-assessed level"),
    )
    self_level_notes = models.JSONField(
        _("notes on the self-assessed level"), default=list, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    decided_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided level"),
    )
    decision_note = models.TextField(_("reason for the decided level"), blank=True)
    override_note = models.TextField(_("reason for overriding a rule check"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    ground_flags = GenericRelation("assessment.GroundFlag")

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("quarterly assessment")
        verbose_name_plural = _("quarterly assessments")
        ordering = ["quarter", "member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "member"], name="unique_quarter_assessment"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.quarter}"

    def is_editable(self) -> bool:
        return self.quarter.is_open() and self.state in (
            QuarterAssessmentState.DRAFT,
            QuarterAssessmentState.RETURNED,
        )
