"""After the decision (issue 15, items 1 and 6): members not yet classified rated later (R14)
and complaints against a decision. Re-ratings of members and units (R9, form 03) are
`models.Rerating` lines. Every state here is set by `assessment.machine.take()`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager


class LaterRatingState(models.TextChoices):
    OPEN = "open", _("Review under way")
    PROPOSED = "proposed", _("Proposed by the cell")
    RETURNED = "returned", _("Returned to the cell")
    DECIDED = "decided", _("Decided")


class LaterRating(models.Model):
    """R14: a member left "not yet classified" (ill, working far away, under disciplinary
    review) rated after the year, by default in the first quarter of the next (the rule set's
    `later_rating_months`), through the same review (their self-review), the cell's vote and a
    numbered decision of the grassroots committee, on the year they belong to, closed or not.
    The decision moves the member from pending to their level; the pending reason stays here
    and in the assessment's history."""

    assessment = models.OneToOneField(
        "assessment.MemberAssessment",
        on_delete=models.PROTECT,
        related_name="later_rating",
        verbose_name=_("member assessment"),
    )
    state = models.CharField(_("state"), max_length=20, choices=LaterRatingState.choices)
    pending_reason = models.CharField(_("reason it was not yet classified"), max_length=30)
    due = models.DateField(_("due date"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # The cell's meeting that reviewed the member (R18: votes per level of the full members).
    held_on = models.DateField(_("meeting date"), null=True, blank=True)
    counted = models.PositiveSmallIntegerField(_("full members that count"), null=True, blank=True)
    present = models.PositiveSmallIntegerField(_("full members present"), null=True, blank=True)
    votes = models.JSONField(_("votes per level"), default=dict, blank=True)
    proposed_level = models.ForeignKey(
        "assessment.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed level"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    decision = models.ForeignKey(
        "assessment.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_ratings",
        verbose_name=_("decision"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("later rating")
        verbose_name_plural = _("later ratings")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}"

    @property
    def period(self):
        return self.assessment.cell_year.period

    def is_late(self, today: datetime.date | None = None) -> bool:
        """Late work is accepted and marked late (R19)."""
        from django.utils import timezone

        when = self.decision.signed_on if self.decision_id else today or timezone.localdate()
        return when > self.due


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the result is re-rated")
    REJECTED = "rejected", _("Rejected: the result stands")


class Complaint(models.Model):
    """A member or a unit contests the decision on their result within the rule set's window
    (`complaint_window_days`). The body that issued the decision handles it (Decision: it
    reconsiders first); its answer, and the re-rating decision an upheld complaint leads to,
    are recorded here and in the history."""

    decision = models.ForeignKey(
        "assessment.Decision",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("contested decision"),
    )
    # What is contested: a member's result, or a unit's (a cell's or an organization's year).
    assessment = models.ForeignKey(
        "assessment.MemberAssessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("member assessment"),
    )
    cell_year = models.ForeignKey(
        "assessment.CellYear",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("cell year"),
    )
    grassroots_year = models.ForeignKey(
        "assessment.GrassrootsYear",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("grassroots organization year"),
    )
    handler = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="complaints_handled",
        verbose_name=_("body handling it"),
    )
    state = models.CharField(_("state"), max_length=20, choices=ComplaintState.choices)
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    text = models.TextField(_("complaint"))
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ComplaintOutcome.choices, blank=True
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    rerating = models.ForeignKey(
        "assessment.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_upheld",
        verbose_name=_("re-rating decision"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(assessment__isnull=False, cell_year=None, grassroots_year=None)
                    | models.Q(assessment=None, cell_year__isnull=False, grassroots_year=None)
                    | models.Q(assessment=None, cell_year=None, grassroots_year__isnull=False)
                ),
                name="complaint_contests_one_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.decision}"

    @property
    def subject(self):
        return self.assessment or self.cell_year or self.grassroots_year

    @property
    def subject_name(self) -> str:
        if self.assessment_id:
            return self.assessment.member.full_name
        if self.cell_year_id:
            return self.cell_year.cell.name
        return self.grassroots_year.organization.name
