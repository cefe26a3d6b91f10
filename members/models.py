"""Party members, their status periods, discipline and transfers (DOMAIN.md section 5)."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager
from organizations.models import CELL_KINDS, Organization

MSG_ADMISSION_FUTURE = _("The admission date cannot be in the future.")
MSG_FULL_BEFORE_ADMISSION = _("The full-membership date cannot be before the admission date.")
MSG_BIRTH_AFTER_ADMISSION = _("The birth date must be before the admission date.")
MSG_NOT_A_CELL = _("A member belongs to a cell (grassroots cell or subordinate cell).")
MSG_PERIOD_DATES = _("The end date must not be before the start date.")
MSG_CARD = _("A party card number has 6 to 20 digits 0–9, without spaces or other signs.")
CARD_NUMBER = re.compile(r"[0-9]{6,20}")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberQuerySet(models.QuerySet):
    def in_subtree(self, root: Organization) -> MemberQuerySet:
        return self.filter(cell__path__startswith=root.path)

    def current(self) -> MemberQuerySet:
        return self.filter(left_on__isnull=True)

    def of_year(self, period) -> MemberQuerySet:
        """The current members who were party members in `period` (an assessment.Period):
        admitted on or before its assessment date. One admitted later (in January, before a
        late cell meets) is not on that year's roster, not even as not classified (R13 counts
        only those admitted before the date)."""
        return self.current().filter(admission_date__lte=period.assessment_date)

    def full_on(self, day: datetime.date) -> MemberQuerySet:
        return self.filter(full_membership_date__isnull=False, full_membership_date__lte=day)


def member_record_errors(
    *,
    card_number: str,
    birth_date: datetime.date | None,
    admission_date: datetime.date | None,
    full_membership_date: datetime.date | None,
    today: datetime.date | None = None,
) -> dict[str, str]:
    """A member record's own rules (card format, date order, R15), as {field name: message};
    empty when they hold. A plain function so that an import checks 100,000 rows without a
    model instance each (issue 18); Member.clean calls it too."""
    errors = {}
    # ASCII digits only (issue 13 item 11): str.isdigit() also takes full-width "０１２"
    # and other scripts' digits, which would give one card two records.
    if not CARD_NUMBER.fullmatch((card_number or "").strip()):
        errors["card_number"] = MSG_CARD
    if admission_date and admission_date > (today or timezone.localdate()):
        errors["admission_date"] = MSG_ADMISSION_FUTURE
    if admission_date and full_membership_date and full_membership_date < admission_date:
        errors["full_membership_date"] = MSG_FULL_BEFORE_ADMISSION
    if birth_date and admission_date and birth_date >= admission_date:
        errors["birth_date"] = MSG_BIRTH_AFTER_ADMISSION
    return errors


class Member(models.Model):
    card_number = models.CharField(_("party card number"), max_length=20, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("cell"),
        limit_choices_to={"kind__in": CELL_KINDS},
    )
    admission_date = models.DateField(_("admission date"))
    full_membership_date = models.DateField(_("full-membership date"), null=True, blank=True)
    holds_leadership_post = models.BooleanField(_("holds a leadership post"), default=False)
    is_unit_head = models.BooleanField(
        _("heads their cell (secretary)"),
        default=False,
        help_text=_("R8: the head's level may not be above the level of the cell."),
    )
    is_state_employee = models.BooleanField(_("works in the state system"), default=False)
    outside_political_system = models.BooleanField(
        _("outside the political system"),
        default=False,
        help_text=_("Retired, students, private firms: reviewed on form 2C."),
    )
    left_on = models.DateField(_("left the party organization on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        indexes = [models.Index(fields=["cell", "full_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_number})"

    def is_full_member(self, on: datetime.date | None = None) -> bool:
        """Full vs probationary derives from the full-membership date (R15)."""
        on = on or timezone.localdate()
        return self.full_membership_date is not None and self.full_membership_date <= on

    def clean(self) -> None:
        errors = member_record_errors(
            card_number=self.card_number,
            birth_date=self.birth_date,
            admission_date=self.admission_date,
            full_membership_date=self.full_membership_date,
        )
        if self.cell_id and self.cell.kind not in CELL_KINDS:
            errors["cell"] = MSG_NOT_A_CELL
        if errors:
            raise ValidationError(errors)


class StatusKind(models.TextChoices):
    """Periods that take a member out of the year's classification (R13). Codes as in workbooks."""

    EXEMPTION = "mien_sinh_hoat", _("Exempted from party work and meetings")
    SUSPENSION = "dinh_chi", _("Suspended from party activity")
    TEMPORARY_TRANSFER = "chuyen_tam_thoi", _("Temporarily active in another unit")


class StatusPeriodQuerySet(models.QuerySet):
    def overlapping(self, start: datetime.date, end: datetime.date) -> StatusPeriodQuerySet:
        return self.filter(start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=start))


class StatusPeriod(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="status_periods", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StatusKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    host_unit = models.CharField(
        _("unit where temporarily active"),
        max_length=255,
        blank=True,
        help_text=_("For a temporary transfer: the unit where the member is temporarily active."),
    )

    objects = StatusPeriodQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%d/%m/%Y}"

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": MSG_PERIOD_DATES})


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien_trach", _("Reprimand")
    WARNING = "canh_cao", _("Warning")
    DISMISSAL = "cach_chuc", _("Dismissal from post")
    EXPULSION = "khai_tru", _("Expulsion")


class DisciplineRecord(models.Model):
    """A disciplinary measure; R4 reads the form, the date and the remedied flag."""

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="discipline_records",
        verbose_name=_("member"),
    )
    decided_on = models.DateField(_("decided on"))
    form = models.CharField(_("form"), max_length=20, choices=DisciplineForm.choices)
    duty_related = models.BooleanField(_("related to official duties"), default=True)
    self_discovered_and_remedied = models.BooleanField(
        _("found by the member and fully remedied"), default=False
    )
    reason = models.TextField(_("reason"))

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.decided_on:%d/%m/%Y}"


class Transfer(models.Model):
    """A move between cells (R16): the member's earlier inputs travel with them."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member")
    )
    from_cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("from cell")
    )
    to_cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("to cell")
    )
    on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.from_cell} → {self.to_cell}"


# --- Posts over time (issue 14 item 5): the header of forms 2A/2B/2C ----------------------------
# Defined in members/models_posts.py so they stay out of the way of the member's own record.
from .models_posts import FrameworkKind, Post, PostKind, framework_on  # noqa: E402, F401
