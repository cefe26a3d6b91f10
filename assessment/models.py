"""Assessment years and their rule sets (DOMAIN.md R1–R3, R10–R12, R18–R19).

Levels, bands, criteria, quota and deadlines are rows of a rule set, never enums in code.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager
from organizations.models import Kind


class Bilingual(models.Model):
    """Rule-set rows carry both names; the interface picks by the active language."""

    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class QuotaDenominator(models.TextChoices):
    GOOD_OR_ABOVE = "good_or_above", _("Good or above (excellent + good)")
    GOOD_ONLY = "good_only", _("Good only")


class QuotaGroup(models.TextChoices):
    GRASSROOTS_ORGANIZATION = "grassroots_organization", _("Each grassroots organization")
    SUPERIOR_COMMITTEE = "superior_committee", _("Each superior committee")


class CorrectionRule(models.TextChoices):
    """R9: how a past year's result is corrected."""

    DISCIPLINE_RERATES = (
        "discipline_rerates",
        _("A later discipline for the year re-rates it to not completed (Hướng dẫn 25, 4.5)"),
    )
    WRONG_OR_DISHONEST = (
        "wrong_or_dishonest",
        _(
            "A result is re-rated only when found wrong or dishonest; a later discipline counts "
            "in the year it is decided"
        ),
    )


class RuleSet(Bilingual):
    code = models.CharField(_("code"), max_length=40, unique=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    sources = models.TextField(_("legal sources"), blank=True)
    score_max = models.PositiveSmallIntegerField(
        _("maximum score"), null=True, blank=True, help_text=_("Empty when the era has no score.")
    )
    # R10–R12: the excellent quota.
    quota_percent = models.DecimalField(_("quota (%)"), max_digits=5, decimal_places=2, default=20)
    quota_raised_percent = models.DecimalField(
        _("raised quota for outstanding units (%)"), max_digits=5, decimal_places=2, default=25
    )
    quota_denominator = models.CharField(
        _("quota denominator"),
        max_length=20,
        choices=QuotaDenominator.choices,
        default=QuotaDenominator.GOOD_OR_ABOVE,
    )
    # R10 (issue 13 item 5): organizations had no quota before 2018 (Quy định 132 brought it).
    quota_for_organizations = models.BooleanField(
        _("the quota applies to organizations too"),
        default=True,
        db_default=True,  # earlier seed migrations write rule sets without this field
    )
    quota_group = models.CharField(
        _("quota group for members"),
        max_length=30,
        choices=QuotaGroup.choices,
        default=QuotaGroup.GRASSROOTS_ORGANIZATION,
    )
    # R18: a meeting is valid with this share of the full members that count.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    # R13: who is not classified.
    min_months_since_admission = models.PositiveSmallIntegerField(
        _("months since admission before a member is classified"), default=6
    )
    temporary_transfer_not_classified = models.BooleanField(
        _("members temporarily active elsewhere are not classified"), default=False
    )
    # R4: how discipline in the year bears on the level.
    discipline_duty_related_only = models.BooleanField(
        _("only duty-related discipline makes a member not completed"), default=True
    )
    discipline_cleared_by_remedy = models.BooleanField(
        _("discipline is cleared when the member found and remedied the fault"), default=False
    )
    # R7: prerequisites for an excellent unit.
    excellent_unit_all_completed = models.BooleanField(
        _("an excellent unit needs everyone below at least completed"), default=False
    )
    excellent_unit_min_good_share = models.DecimalField(
        _("an excellent unit needs this share (%) below rated good or above"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    excellent_unit_no_discipline_below = models.BooleanField(
        _("an excellent unit needs no subordinate unit or leader disciplined"), default=True
    )
    # R6: the state levels that cap a state employee's party level (canonical codes).
    state_level_caps = models.JSONField(
        _("state levels that cap the party level"), default=list, blank=True
    )
    # R9: corrections of a past year's result.
    correction_rule = models.CharField(
        _("corrections of a past result"),
        max_length=30,
        choices=CorrectionRule.choices,
        default=CorrectionRule.WRONG_OR_DISHONEST,
        # The 2025 seed migration writes rule sets through a model that predates this field.
        db_default=CorrectionRule.WRONG_OR_DISHONEST,
    )
    # R14 and complaints (issue 15): product decisions, rule-set data so a province can change
    # them. The not yet classified are rated by the end of this many months after the year (the
    # first quarter by default); a decision may be contested within this many days of its date
    # (by default one month, as Quy định 22-QĐ/TW gives for complaints against discipline).
    later_rating_months = models.PositiveSmallIntegerField(
        _("months after the year to rate the not yet classified"), default=3, db_default=3
    )
    complaint_window_days = models.PositiveSmallIntegerField(
        _("days to contest a decision"), default=30, db_default=30
    )
    forms = models.JSONField(_("review forms"), default=dict, blank=True)
    # R26 (Quy định 366 art. 17): the dossier's documents that must be filed as signed scans
    # before a unit reports upward (DossierKind codes). Empty: what the application produces is
    # the dossier, and scans are optional.
    dossier_scans_required = models.JSONField(
        _("dossier documents required as signed scans"),
        default=list,
        blank=True,
        # Migrations of earlier issues write rule sets through models that predate this field.
        db_default=[],
    )
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("cloned from")
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-first_year"]

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class LevelScope(models.TextChoices):
    BOTH = "both", _("Organizations and members")
    ORGANIZATION = "organization", _("Organizations")
    MEMBER = "member", _("Members")


class CanonicalLevel(models.TextChoices):
    """Today's four levels (R2), onto which every era's levels map for comparisons."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


class LevelQuerySet(models.QuerySet):
    def for_members(self) -> LevelQuerySet:
        return self.exclude(applies_to=LevelScope.ORGANIZATION)

    def for_organizations(self) -> LevelQuerySet:
        return self.exclude(applies_to=LevelScope.MEMBER)


class Level(Bilingual):
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="levels", verbose_name=_("rule set")
    )
    code = models.CharField(_("code"), max_length=30)
    short_name = models.CharField(_("abbreviation"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the highest level."))
    applies_to = models.CharField(
        _("applies to"), max_length=20, choices=LevelScope.choices, default=LevelScope.BOTH
    )
    maps_to = models.CharField(_("maps to"), max_length=20, choices=CanonicalLevel.choices)
    score_min = models.DecimalField(
        _("minimum score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # R18: votes for this level or higher must exceed this share of the full members that count.
    vote_threshold_numerator = models.PositiveSmallIntegerField(
        _("vote threshold numerator"), default=1
    )
    vote_threshold_denominator = models.PositiveSmallIntegerField(
        _("vote threshold denominator"), default=2
    )
    # "From two thirds up" (reached) or "more than half" (exceeded): rule-set data (R18).
    vote_threshold_at_least = models.BooleanField(
        _("reaching the threshold is enough (“from … up”)"),
        default=False,
        db_default=False,  # earlier seed migrations write levels without this field
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)

    objects = LevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rule_set", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="unique_level_code"),
        ]

    @property
    def vote_threshold(self) -> Fraction:
        return Fraction(self.vote_threshold_numerator, self.vote_threshold_denominator)


class CriteriaGroup(Bilingual):
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.CASCADE,
        related_name="criteria_groups",
        verbose_name=_("rule set"),
    )
    code = models.CharField(_("code"), max_length=30)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="unique_criteria_group"),
        ]


class CriteriaItem(Bilingual):
    group = models.ForeignKey(
        CriteriaGroup, on_delete=models.CASCADE, related_name="items", verbose_name=_("group")
    )
    code = models.CharField(_("code"), max_length=30)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criteria item")
        verbose_name_plural = _("criteria items")
        ordering = ["group", "order"]


class DeadlineLevel(models.TextChoices):
    """The levels of the cascade of R19, in their order in the year."""

    STATE_EMPLOYEE = "state_employee", _("State-employee ratings")
    CELL = "cell", _("Cell meetings")
    GRASSROOTS = "grassroots", _("Grassroots decisions")
    SUPERIOR = "superior", _("Superior committees")
    PROVINCE = "province", _("Province dossier to the centre")
    CENTRAL = "central", _("Central report")


class DeadlineDefault(models.Model):
    """A rule set's default deadline, as a day and month in the year or the next (R19)."""

    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.CASCADE,
        related_name="deadline_defaults",
        verbose_name=_("rule set"),
    )
    level = models.CharField(_("step"), max_length=20, choices=DeadlineLevel.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    next_year = models.BooleanField(_("in the next year"), default=False)

    class Meta:
        verbose_name = _("default deadline")
        verbose_name_plural = _("default deadlines")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "level"], name="unique_deadline_default"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.code} {self.level}"

    def date_for(self, year: int) -> datetime.date:
        return datetime.date(year + (1 if self.next_year else 0), self.month, self.day)


class PeriodState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PeriodQuerySet(models.QuerySet):
    def open(self) -> PeriodQuerySet:
        return self.filter(state=PeriodState.OPEN)


class Period(models.Model):
    """One assessment year, under one rule set."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="periods", verbose_name=_("rule set")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.DRAFT
    )
    assessment_date = models.DateField(
        _("assessment date"),
        help_text=_(
            "Members admitted less than the rule set's months before it are not classified."
        ),
    )

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN


class Deadline(models.Model):
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("year")
    )
    level = models.CharField(_("step"), max_length=20, choices=DeadlineLevel.choices)
    due = models.DateField(_("due date"))

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["period", "due"]
        constraints = [
            models.UniqueConstraint(fields=["period", "level"], name="unique_period_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.due:%d/%m/%Y}"


# --- The cell's year (DOMAIN.md section 6, steps 2–6; issue 3) -------------------------------


class Versioned(models.Model):
    """Optimistic locking: a save names the version it read; a stale one is a conflict."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class CellState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    DECIDED = "decided", _("Decided")


def _open_states() -> frozenset[str]:
    from .machine import OPEN_STATES  # the one home of the state sets

    return OPEN_STATES


class CellYearQuerySet(models.QuerySet):
    def for_period(self, period: Period) -> CellYearQuerySet:
        return self.filter(period=period)

    def with_counts(self) -> CellYearQuerySet:
        """Members on the roster, to be assessed, and with a frozen proposal, per cell year."""
        return self.annotate(
            n_roster=models.Count("assessments"),
            n_to_assess=models.Count("assessments", filter=models.Q(assessments__status="assess")),
            n_proposed=models.Count(
                "assessments", filter=models.Q(assessments__proposed_level__isnull=False)
            ),
        )


class AssessmentStatus(models.TextChoices):
    ASSESS = "assess", _("To be assessed")
    NOT_CLASSIFIED = "kpl", _("Not classified")
    PENDING = "cpl", _("Not yet classified")


class CellYear(Versioned):
    """A cell's work in one year: its state, its own report (form 01) and its submission."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="cell_years", verbose_name=_("year")
    )
    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="cell_years",
        verbose_name=_("cell"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CellState.choices, default=CellState.NOT_STARTED
    )
    # Form 01: the collective's report and self-rating.
    report_strengths = models.TextField(_("strengths"), blank=True)
    report_shortcomings = models.TextField(_("shortcomings"), blank=True)
    report_causes = models.TextField(_("causes"), blank=True)
    report_remedies = models.TextField(_("remedies"), blank=True)
    report_sent_on = models.DateField(_("draft report sent to members on"), null=True, blank=True)
    self_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-rated level"),
    )
    # Frozen at submission from the meeting's votes (R18).
    proposed_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed level"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # R23: a collective not classified (a new collective, R28) or not yet classified, by reason.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.ASSESS,
    )
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)

    decided_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided level"),
    )
    decision_note = models.TextField(_("reason for the decided level"), blank=True)
    decision = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cell_years",
        verbose_name=_("decision"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    objects = CellYearQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("cell year")
        verbose_name_plural = _("cell years")
        constraints = [models.UniqueConstraint(fields=["period", "cell"], name="unique_cell_year")]

    def __str__(self) -> str:
        return f"{self.cell} {self.period}"

    def is_editable(self) -> bool:
        return self.period.is_open() and self.state in _open_states()


class MemberAssessmentQuerySet(models.QuerySet):
    def to_assess(self) -> MemberAssessmentQuerySet:
        return self.filter(status=AssessmentStatus.ASSESS)


class MemberAssessment(Versioned):
    """One member's year: status (R13–R14), self-review (form 2A/2B/2C) and the cell's proposal."""

    cell_year = models.ForeignKey(
        CellYear, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cell year")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.ASSESS,
    )
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)
    status_overridden = models.BooleanField(_("status set by hand"), default=False)
    status_note = models.TextField(_("reason for the status"), blank=True)
    # The self-review (bản kiểm điểm).
    form_code = models.CharField(_("form"), max_length=5, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    shortcomings = models.TextField(_("shortcomings"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    remedies = models.TextField(_("remedies"), blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    last_year_remedied = models.TextField(
        _("last year's shortcomings and how they were fixed"), blank=True
    )
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
    # R3: no level's conditions hold for the score; a flag, worded only when shown.
    self_level_gap = models.BooleanField(_("no level's conditions hold"), default=False)
    self_review_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-review entered by"),
    )
    # Frozen at submission from the meeting's votes (R18).
    proposed_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed level"),
    )
    # Step 7: the grassroots committee's decision.
    state_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state (civil-service) level"),
    )
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
    decision = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("decision"),
    )

    # R5's grounds the decider recorded (assessment.models_frameworks.GroundFlag).
    ground_flags = GenericRelation("assessment.GroundFlag")

    objects = MemberAssessmentQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("member assessment")
        verbose_name_plural = _("member assessments")
        constraints = [
            models.UniqueConstraint(fields=["cell_year", "member"], name="unique_member_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.cell_year.period}"

    @property
    def reason_label(self) -> str:
        from .rules import CPL_REASONS, KPL_REASONS

        return str(KPL_REASONS.get(self.reason_code) or CPL_REASONS.get(self.reason_code) or "")

    @property
    def gap_text(self) -> str:
        """R3's gap flag, worded in the reader's language."""
        from .rules import MSG_GAP

        return str(MSG_GAP) if self.self_level_gap else ""

    @property
    def has_self_review(self) -> bool:
        return bool(self.self_score is not None or self.strengths)


class InputKind(models.TextChoices):
    PROMPT = "prompt", _("Review prompt")
    FEEDBACK = "feedback", _("Public feedback")
    RESIDENCE = "residence", _("Residence comment")
    HOST_COMMENT = "host_comment", _("Comment from the cell where temporarily active")


class PromptLevel(models.TextChoices):
    """The managing level that gave a review prompt: rows 4.1–4.3 of Biểu 6F-BTCTW (R28)."""

    CENTRAL = "central", _("The Politburo or the Secretariat")
    PROVINCE = "province", _("The province's committee")
    SUPERIOR = "superior", _("The superior committee")


# The level a committee of each kind gives prompts at (R28): the central level, the province,
# and the committees between the province and the grassroots (districts; since 2025 communes).
PROMPT_LEVEL_OF_KIND = {
    Kind.NATION: PromptLevel.CENTRAL,
    Kind.PROVINCE: PromptLevel.PROVINCE,
    Kind.SUPERIOR: PromptLevel.SUPERIOR,
}


class ReviewInput(Versioned):
    """Step 1–2 inputs attached to a member (or to the cell when `assessment` is empty).

    A review prompt (step 1) names the managing level that gave it (R28) and, when a committee
    issued it in the app (assessment/prompts.py), that committee; the reviewee's written
    answer is part of the review (printed with the self-review)."""

    # A cell's input (its own or one of its members'), or a prompt to a leadership collective
    # (`collective_year`, issue 14 item 7): exactly one of the two.
    cell_year = models.ForeignKey(
        CellYear,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("cell year"),
    )
    collective_year = models.ForeignKey(
        "assessment.CollectiveAssessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("collective's year"),
    )
    assessment = models.ForeignKey(
        MemberAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InputKind.choices)
    source = models.CharField(_("source"), max_length=255)
    given_on = models.DateField(_("date"))
    text = models.TextField(_("content"))
    answer = models.TextField(_("written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    issuing_level = models.CharField(
        _("managing level that gave it"), max_length=10, choices=PromptLevel.choices, blank=True
    )
    issuer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prompts_issued",
        verbose_name=_("issuing committee"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("review input")
        verbose_name_plural = _("review inputs")
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cell_year__isnull=False, collective_year__isnull=True)
                | models.Q(
                    cell_year__isnull=True, collective_year__isnull=False, assessment__isnull=True
                ),
                name="review_input_cell_or_collective",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on:%d/%m/%Y}"


class BallotForm(models.TextChoices):
    SHOW_OF_HANDS = "hands", _("Show of hands")
    SECRET = "secret", _("Secret ballot")


class Meeting(Versioned):
    """The review meeting (steps 5–6)."""

    cell_year = models.OneToOneField(
        CellYear, on_delete=models.CASCADE, related_name="meeting", verbose_name=_("cell year")
    )
    held_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    chair = models.CharField(_("chair"), max_length=120, blank=True)
    recorder = models.CharField(_("recorder"), max_length=120, blank=True)
    ballot_form = models.CharField(
        _("ballot form"),
        max_length=10,
        choices=BallotForm.choices,
        default=BallotForm.SHOW_OF_HANDS,
    )
    # What the minutes record (issue 17): times, guests, the discussion, and for a secret ballot
    # the counting committee and the ballots issued and valid.
    started_at = models.TimeField(_("start time"), null=True, blank=True)
    ended_at = models.TimeField(_("end time"), null=True, blank=True)
    guests = models.TextField(_("invited guests"), blank=True)
    discussion = models.TextField(_("discussion"), blank=True)
    counting_committee = models.TextField(_("vote-counting committee"), blank=True)
    ballots_issued = models.PositiveSmallIntegerField(_("ballots issued"), null=True, blank=True)
    ballots_valid = models.PositiveSmallIntegerField(_("valid ballots"), null=True, blank=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")

    def __str__(self) -> str:
        return f"{self.cell_year}"


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=255, blank=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        """The member and whether present, in the reader's words (the audit trail's name)."""
        return f"{self.member}: {gettext('present') if self.present else gettext('absent')}"


class Tally(Versioned):
    """Votes per level for one person, or for the cell itself when `assessment` is empty (R18)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("meeting")
    )
    assessment = models.OneToOneField(
        MemberAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tally",
        verbose_name=_("member"),
    )
    votes = models.JSONField(_("votes per level"), default=dict, blank=True)
    commendation_proposed = models.BooleanField(_("proposed for commendation"), default=False)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(assessment__isnull=True),
                name="one_cell_tally_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.assessment or '—'}"


class DecisionKind(models.TextChoices):
    MEMBERS = "members", _("Party members")
    UNITS = "units", _("Party organizations")
    RERATING = "rerating", _("Re-rating (form 03)")
    LATER = "later", _("Later rating of members not yet classified")
    COLLECTIVES = "collectives", _("Leadership collectives")
    COMMENDATION = "commend", _("Commendation")


class ReratingGrounds(models.TextChoices):
    """R9: why a past result is re-rated."""

    WRONG = "wrong", _("The result was found wrong")
    DISHONEST = "dishonest", _("The review was found dishonest")
    LATER_DISCIPLINE = "later_discipline", _("A later discipline for that year")


class DecisionState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REOPENED = "reopened", _("Reopened")


class Decision(models.Model):
    """A numbered decision (quyết định) of an issuing body; issuing it locks the levels it lists.

    Numbers run per issuing body and year (R17 step 7, R25's document number)."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("year")
    )
    issuer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("issuing body"),
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=DecisionKind.choices, default=DecisionKind.MEMBERS
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.ISSUED
    )
    signed_on = models.DateField(_("date"))
    signer_name = models.CharField(_("signer"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=120)
    # R12: exceeding the quota needs a written justification or a recorded raise of the cap.
    quota_justification = models.TextField(_("justification for exceeding the quota"), blank=True)
    quota_cap_percent = models.DecimalField(
        _("quota cap applied (%)"), max_digits=5, decimal_places=2
    )
    quota_raise_reference = models.CharField(
        _("decision raising the cap for an outstanding unit"), max_length=255, blank=True
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    # R9: a re-rating decision (form 03) says why.
    grounds = models.CharField(
        _("grounds for re-rating"), max_length=20, choices=ReratingGrounds.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-period", "issuer", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "period", "number"], name="unique_decision_number"
            ),
        ]

    def __str__(self) -> str:
        from .documents import decision_number

        return f"{decision_number(self)} ({self.period})"


class Rerating(models.Model):
    """One line of a re-rating decision (R9, form 03): the result it replaced and the new one.
    The assessment's own history keeps the same change with its author."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="reratings", verbose_name=_("decision")
    )
    # What is re-rated: a member's result, a cell's, or a grassroots organization's (one of).
    assessment = models.ForeignKey(
        MemberAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reratings",
        verbose_name=_("assessment"),
    )
    cell_year = models.ForeignKey(
        "CellYear",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reratings",
        verbose_name=_("cell year"),
    )
    grassroots_year = models.ForeignKey(
        "GrassrootsYear",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reratings",
        verbose_name=_("grassroots organization year"),
    )
    previous_level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("previous level")
    )
    previous_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("previous decision"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("new level")
    )
    commendation_flagged = models.BooleanField(
        _("a commendation based on the old result is flagged"), default=False
    )

    class Meta:
        verbose_name = _("re-rating")
        verbose_name_plural = _("re-ratings")
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(assessment__isnull=False, cell_year=None, grassroots_year=None)
                    | models.Q(assessment=None, cell_year__isnull=False, grassroots_year=None)
                    | models.Q(assessment=None, cell_year=None, grassroots_year__isnull=False)
                ),
                name="rerating_of_one_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision}: {self.previous_level} → {self.level}"

    @property
    def subject(self):
        """The re-rated row: a member assessment, a cell year or a grassroots year."""
        return self.assessment or self.cell_year or self.grassroots_year

    @property
    def subject_name(self) -> str:
        if self.assessment_id:
            return self.assessment.member.full_name
        if self.cell_year_id:
            return self.cell_year.cell.name
        return self.grassroots_year.organization.name


class GrassrootsYear(Versioned):
    """A grassroots organization's year (step 7 → 8): its own report and proposed level go to
    its superior committee, whose board decides its level (or returns the work, R17)."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="grassroots_years", verbose_name=_("year")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="grassroots_years",
        verbose_name=_("grassroots organization"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CellState.choices, default=CellState.NOT_STARTED
    )
    report = models.TextField(_("review report"), blank=True)
    proposed_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed level"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # R23: a collective not classified (a new collective, R28) or not yet classified, by reason.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.ASSESS,
    )
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)

    decided_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided level"),
    )
    decision_note = models.TextField(_("reason for the decided level"), blank=True)
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grassroots_years",
        verbose_name=_("decision"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("grassroots organization year")
        verbose_name_plural = _("grassroots organization years")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organization"], name="unique_grassroots_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period}"

    def is_editable(self) -> bool:
        """The organization may (re)submit its report: open year, not submitted or decided."""
        return self.period.is_open() and self.state in _open_states()


class UnitSnapshot(models.Model):
    """Where a unit sat in the tree in one closed assessment year (R22): a 2024 report still
    shows its districts after they were dissolved on 1/7/2025. Written once, when the year is
    closed (or its past results are imported); an open year follows the live tree.

    The frozen tree belongs with the year; the table keeps the name it had when it lived in
    organizations (migrations organizations 0005 / assessment 0009 move the state only)."""

    period = models.ForeignKey(
        Period,
        on_delete=models.CASCADE,
        related_name="unit_snapshots",
        verbose_name=_("year"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("party organization"),
    )
    path = models.CharField(_("path that year"), max_length=255)
    depth = models.PositiveSmallIntegerField(_("depth that year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        db_table = "organizations_unitsnapshot"
        verbose_name = _("unit in a year's tree")
        verbose_name_plural = _("units in a year's tree")
        ordering = ["period", "path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "organization"], name="unique_unit_snapshot"),
            models.UniqueConstraint(fields=["period", "path"], name="unique_snapshot_path"),
        ]
        indexes = [
            models.Index(
                fields=["period", "path"],
                name="snapshot_path_prefix",
                opclasses=["", "varchar_pattern_ops"],
            ),
            # A unit's children that year, by index whatever the size of the tree (issue 18).
            models.Index(
                fields=["period", "depth", "path"],
                name="snapshot_depth_path",
                opclasses=["", "", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.name}"


# --- Models in their own modules, imported here: the cell's regular meetings (issue 16, R21)
# in models_meetings.py, out of the decision chain's way; the counts the summary reads (issue 18)
# in models_counts.py; frameworks per form and R5's grounds (issue 14) in models_frameworks.py;
# after the decision (issue 15): the not yet classified rated later and complaints in
# models_after.py; commendations, registrations and remedial plans in models_followup.py; the
# dossier and the working groups (items 7–8, R26) in models_dossier.py.
from .models_after import (  # noqa: E402, F401
    Complaint,
    ComplaintOutcome,
    ComplaintState,
    LaterRating,
    LaterRatingState,
)

# --- The year's evidence: the cell's regular meetings (issue 16, DOMAIN.md R21) ---------------
# Defined in assessment/models_meetings.py so they stay out of the decision chain's way; the
# counts the summary reads (issue 18) in assessment/models_counts.py.
# Leadership collectives as assessed subjects (issue 14 item 1): assessment/models_collectives.py.
from .models_collectives import CollectiveAssessment  # noqa: E402, F401

# --- Frameworks per form and R5's grounds (issue 14 items 2–3) --------------------------------
# The dossier and the working groups (issue 15 items 7–8, R26) in assessment/models_dossier.py.
from .models_counts import CountSubject, UnitYearCount, UnitYearRollup  # noqa: E402, F401
from .models_dossier import (  # noqa: E402, F401
    DossierKind,
    DossierScan,
    WorkingGroup,
    WorkingGroupOfficial,
    WorkingGroupUnit,
)
from .models_frameworks import Framework, GroundFlag  # noqa: E402, F401
from .models_meetings import (  # noqa: E402, F401
    AbsenceReason,
    CellMeeting,
    CellMeetingAttendance,
    CellMeetingKind,
    MeetingInspection,
    MeetingRuleSet,
)

# --- Quarterly assessment of leaders and managers (issue 14 item 6, R27) ----------------------
from .models_quarters import (  # noqa: E402, F401
    Quarter,
    QuarterAssessment,
    QuarterAssessmentState,
    QuarterState,
)

# --- After the decision: commendations, registrations, remedial plans (issue 15) ---------------
# isort: split
from .models_followup import (  # noqa: E402, F401
    Commendation,
    CommendationKind,
    CommendationQuota,
    CommendationState,
    Registration,
    RemedialPlan,
    RemedialStep,
)
