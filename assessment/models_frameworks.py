"""Frameworks per form and R5's grounds as data (issue 14 items 2 and 3).

A rule set has one framework per review form (R3, Quy định 366 art. 10–11): the leadership
collective (form 01), leaders (2A), members without a leadership post (2B) and members outside
the political system (2C). Each carries its criteria groups with their points, its conditions
per level and its not-completed grounds (R5); the province edits them for its year (its clone
of the rule set, R1). What a framework leaves empty it takes from the rule set: the criteria
rows and the levels' own conditions, so the 2B framework is what members score today.

A ground the decider records is a `GroundFlag` with a note; a flagged subject is not decided
above not completed without a written override (assessment.machine.grounds_overridden).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models_posts import FrameworkKind
from organizations.audited_history import AuditedHistoryManager

from .models import Bilingual, RuleSet


class Framework(Bilingual):
    """One review framework of a rule set (R3): criteria, conditions per level, grounds (R5).

    - `criteria`: groups `{code, name_vi, name_en, max_points, items: [{code, name_vi, name_en,
      max_points}]}`; empty: the rule set's criteria rows.
    - `level_conditions`: `{level code: [condition]}`; a level not named keeps its own
      conditions (`Level.conditions`). A condition is `{code, vi, en}`, ticked by the reviewee,
      or measured: `{code, vi, en, measure: {name, min|max}}`, read from the facts of the year
      (the units a leader leads, discipline below a collective).
    - `grounds`: not-completed grounds `{code, vi, en}`, recorded by the decider as flags, or
      measured `{…, measure: {name, above|below}}`, raised by the facts.
    """

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="frameworks", verbose_name=_("rule set")
    )
    code = models.CharField(_("framework"), max_length=30, choices=FrameworkKind.choices)
    form_code = models.CharField(_("form"), max_length=5, blank=True)
    criteria = models.JSONField(_("criteria groups"), default=list, blank=True)
    level_conditions = models.JSONField(_("conditions per level"), default=dict, blank=True)
    grounds = models.JSONField(_("grounds for not completed"), default=list, blank=True)
    quarterly = models.BooleanField(
        _("assessed quarterly too"),
        default=False,
        help_text=_("Leaders and managers are assessed each quarter (Kết luận 198, form 05)."),
    )
    quarterly_averaging = models.BooleanField(
        _("the year's score averages the quarters"),
        default=False,
        help_text=_(
            "Quarterly results are evidence for the year, not averaged, unless this is set."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("review framework")
        verbose_name_plural = _("review frameworks")
        ordering = ["rule_set", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="unique_framework"),
        ]


class GroundFlag(models.Model):
    """A not-completed ground of R5 the decider recorded on a subject (a member's year, a
    quarterly assessment, a collective's year), with a note. Clearing one deletes it; the
    history keeps who recorded and who cleared it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    code = models.CharField(_("ground"), max_length=40)
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("ground for not completed")
        verbose_name_plural = _("grounds for not completed")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "code"], name="unique_ground_flag"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.code
