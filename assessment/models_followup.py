"""After the decision (issue 15, items 3–5; DOMAIN.md R20, section 6 step 10).

Commendations (biểu dương, khen thưởng): a proposal names one subject (a member's year, a cell's
year or a grassroots organization's year), the unit that proposes it and the body that decides
it; a numbered decision of that body commends the proposals it lists. A province may set a unit's
quota of proposals per kind. Registrations for the next year (bản đăng ký phấn đấu, đăng ký thi
đua) and remedial plans for units and members rated not completed (or "yếu kém") follow.

State changes of a commendation go through assessment/machine.py (`COMMENDATION`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager

from .models import (
    CanonicalLevel,
    CellYear,
    Decision,
    GrassrootsYear,
    MemberAssessment,
    Period,
    Versioned,
)


class CommendationKind(models.TextChoices):
    """R20: what a commendation is for."""

    EXCELLENT_MEMBER = "excellent_member", _("Party member excellently completing tasks")
    FIVE_YEARS = "five_years", _("Excellent party member five years running")
    EXEMPLARY_UNIT = "exemplary_unit", _("Exemplary clean and strong party organization")


class CommendationState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("commendation", "Proposed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFUSED = "refused", _("Not accepted")
    COMMENDED = "commended", _("Commended")


# A proposal that still counts: in the summary's column and against a quota.
ACTIVE_COMMENDATION_STATES = (CommendationState.PROPOSED, CommendationState.COMMENDED)
MEMBER_KINDS = (CommendationKind.EXCELLENT_MEMBER, CommendationKind.FIVE_YEARS)


class Commendation(Versioned):
    """One proposal for commendation and, once a decision lists it, the commendation."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="commendations", verbose_name=_("year")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommendationKind.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CommendationState.choices,
        default=CommendationState.PROPOSED,
    )
    assessment = models.ForeignKey(
        MemberAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("member"),
    )
    cell_year = models.ForeignKey(
        CellYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("cell"),
    )
    grassroots_year = models.ForeignKey(
        GrassrootsYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("grassroots organization"),
    )
    # The subject's unit (the member's cell, the cell, the organization): scope and quota.
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    proposer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="commendations_proposed",
        verbose_name=_("proposed by"),
    )
    decider = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="commendations_to_decide",
        verbose_name=_("decided by"),
    )
    achievements = models.TextField(_("achievements"), blank=True)
    years_running = models.PositiveSmallIntegerField(_("years running"), default=1)
    reason = models.TextField(_("reason for withdrawal or refusal"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by (user)"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("decision"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["period", "unit__path", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        assessment__isnull=False,
                        cell_year__isnull=True,
                        grassroots_year__isnull=True,
                    )
                    | Q(
                        assessment__isnull=True,
                        cell_year__isnull=False,
                        grassroots_year__isnull=True,
                    )
                    | Q(
                        assessment__isnull=True,
                        cell_year__isnull=True,
                        grassroots_year__isnull=False,
                    )
                ),
                name="commendation_one_subject",
            ),
            *(
                models.UniqueConstraint(
                    fields=[subject, "kind"],
                    condition=Q(state__in=ACTIVE_COMMENDATION_STATES),
                    name=f"one_active_commendation_per_{subject}",
                )
                for subject in ("assessment", "cell_year", "grassroots_year")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def subject(self):
        return self.assessment or self.cell_year or self.grassroots_year

    @property
    def subject_name(self) -> str:
        if self.assessment_id:
            return self.assessment.member.full_name
        return self.unit.name

    def subject_level(self, *, decided_only: bool = False):
        """The subject's decided level, else (unless `decided_only`) its proposed level."""
        subject = self.subject
        return subject.decided_level or (None if decided_only else subject.proposed_level)


class CommendationQuota(Versioned):
    """A unit's quota of commendation proposals of one kind in a year, set by the province."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="commendation_quotas", verbose_name=_("year")
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="commendation_quotas",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommendationKind.choices)
    limit = models.PositiveIntegerField(_("at most"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("set by"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("commendation quota")
        verbose_name_plural = _("commendation quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "kind"], name="unique_commendation_quota"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}: {self.get_kind_display()} ≤ {self.limit}"


class Registration(Versioned):
    """A member's or a unit's registration for a year (bản đăng ký phấn đấu / đăng ký thi đua):
    the level they strive for and their commitments. `year` is the year registered for, which
    may not be open yet."""

    year = models.PositiveSmallIntegerField(_("year registered for"))
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("member"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("party organization"),
    )
    target = models.CharField(_("level striven for"), max_length=20, choices=CanonicalLevel.choices)
    commitments = models.TextField(_("commitments"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, organization__isnull=True)
                | Q(member__isnull=True, organization__isnull=False),
                name="registration_one_subject",
            ),
            models.UniqueConstraint(
                fields=["year", "member"],
                condition=Q(member__isnull=False),
                name="one_registration_per_member_year",
            ),
            models.UniqueConstraint(
                fields=["year", "organization"],
                condition=Q(organization__isnull=False),
                name="one_registration_per_unit_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.organization} {self.year}: {self.get_target_display()}"


class RemedialPlan(Versioned):
    """A remedial plan for a unit or a member rated not completed (or "yếu kém") in `period`:
    the shortcomings named, who owns the plan, and its steps with due dates. `remedied_on` says
    the shortcomings were remedied (the 2025 rules ask it of the next excellent level)."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="remedial_plans", verbose_name=_("year")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remedial_plans",
        verbose_name=_("member"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remedial_plans",
        verbose_name=_("party organization"),
    )
    # The unit whose superior follows the plan (the member's cell, or the organization itself).
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    shortcomings = models.TextField(_("shortcomings to remedy"))
    owner = models.CharField(_("responsible"), max_length=200)
    remedied_on = models.DateField(_("remedied on"), null=True, blank=True)
    remedy_note = models.TextField(_("how the shortcomings were remedied"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("remedial plan")
        verbose_name_plural = _("remedial plans")
        ordering = ["period", "unit__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, organization__isnull=True)
                | Q(member__isnull=True, organization__isnull=False),
                name="remedial_plan_one_subject",
            ),
            models.UniqueConstraint(
                fields=["period", "member"],
                condition=Q(member__isnull=False),
                name="one_remedial_plan_per_member_year",
            ),
            models.UniqueConstraint(
                fields=["period", "organization"],
                condition=Q(organization__isnull=False),
                name="one_remedial_plan_per_unit_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.organization} {self.period}"

    @property
    def subject_name(self) -> str:
        return self.member.full_name if self.member_id else self.organization.name


class RemedialStep(Versioned):
    plan = models.ForeignKey(
        RemedialPlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan")
    )
    text = models.TextField(_("step"))
    due = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("remedial step")
        verbose_name_plural = _("remedial steps")
        ordering = ["plan", "due", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
