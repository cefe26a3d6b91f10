"""A leadership collective's year (issue 14 item 1): its review (form 01 for collectives), the
meeting that reviews it, its proposed level, and the level decided by the body that manages it.

The state moves only through assessment/machine.py (`COLLECTIVE_YEAR`); the decided level is
locked by a numbered decision of kind "collectives" like any subject's (R8, R17).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager

# Imported at the end of assessment/models.py, once these are defined there.
from .models import AssessmentStatus, CellState


class CollectiveAssessment(models.Model):
    """One collective in one assessment year (DOMAIN.md R8, R28; Quy định 366 art. 12)."""

    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.PROTECT,
        related_name="collective_assessments",
        verbose_name=_("year"),
    )
    collective = models.ForeignKey(
        "organizations.LeadershipCollective",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("leadership collective"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CellState.choices, default=CellState.NOT_STARTED
    )
    # Form 01 for collectives: the collective's review and self-rating.
    report_strengths = models.TextField(_("strengths"), blank=True)
    report_shortcomings = models.TextField(_("shortcomings"), blank=True)
    report_causes = models.TextField(_("causes"), blank=True)
    report_remedies = models.TextField(_("remedies"), blank=True)
    prompts_answer = models.TextField(_("answer to the review prompts"), blank=True)
    self_score = models.DecimalField(
        _("self-score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    self_level = models.ForeignKey(
        "assessment.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-rated level"),
    )
    # Its self-score under the collective framework (R3, issue 14 item 2): a score per
    # criterion item, the conditions it ticks, the level they derive and why (the failing
    # condition; the gap when no level's conditions hold), and who entered it.
    scores = models.JSONField(_("self-scores"), default=dict, blank=True)
    conditions = models.JSONField(_("conditions met"), default=dict, blank=True)
    self_level_notes = models.JSONField(
        _("notes on the self-assessed level"), default=list, blank=True
    )
    self_level_gap = models.BooleanField(_("no level's conditions hold"), default=False)
    self_review_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-review entered by"),
    )
    # The review meeting (step 5–6): who sat, who came, the votes per level (R18).
    meeting_held_on = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_present = models.PositiveSmallIntegerField(
        _("members of the collective present"), null=True, blank=True
    )
    meeting_minutes = models.TextField(_("discussion"), blank=True)
    votes = models.JSONField(_("votes per level"), default=dict, blank=True)
    proposed_level = models.ForeignKey(
        "assessment.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed level"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # R28: a collective not reviewed this year (a new collective) or not yet, by reason.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.ASSESS,
    )
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)
    decided_level = models.ForeignKey(
        "assessment.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided level"),
    )
    decision_note = models.TextField(_("reason for the decided level"), blank=True)
    # A level above the one the framework derives, or above not completed when a ground of R5
    # holds, needs the written override members need (decisions.MSG_OVERRIDE_NEEDED).
    override_note = models.TextField(_("reason for overriding a rule check"), blank=True)
    decision = models.ForeignKey(
        "assessment.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collective_assessments",
        verbose_name=_("decision"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    ground_flags = GenericRelation("assessment.GroundFlag")

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("collective's year")
        verbose_name_plural = _("collectives' years")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "collective"], name="unique_collective_assessment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collective} {self.period}"

    @property
    def gap_text(self) -> str:
        from .rules import MSG_GAP

        return str(MSG_GAP) if self.self_level_gap else ""

    def is_editable(self) -> bool:
        from .machine import OPEN_STATES

        return self.period.is_open() and self.state in OPEN_STATES
