"""The cell's meetings through the year, their attendance and quality, and the committee's
inspection of them (issue 16; DOMAIN.md R21; Hướng dẫn 12-HD/BTCTW of 06/7/2018).

The quality criteria are rule-set data (`MeetingRuleSet`, loaded from
`fixtures/meeting_rules/*.json`), chosen by year like the classification's rule sets (R1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager


class MeetingRuleSet(models.Model):
    """What makes a cell's meetings count, for the years `first_year`–`last_year` (R1, R21).

    `content_criteria` is a list of {"code", "vi", "en"}: the points of preparation, conduct and
    follow-up a meeting must show (Hướng dẫn 12 §3). `year_levels` is a list, best first, of
    {"code", "vi", "en", "min_held_percent", "min_quality_percent"}: a cell's year reaches the
    first level whose both shares hold (held / due, meetings meeting quality / held)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    sources = models.TextField(_("legal sources"), blank=True)
    regular_per_year = models.PositiveSmallIntegerField(
        _("regular meetings due a year"), default=12
    )
    thematic_per_year = models.PositiveSmallIntegerField(
        _("thematic meetings due a year"), default=4
    )
    min_attendance_percent = models.DecimalField(
        _("attendance a meeting must exceed (%)"), max_digits=5, decimal_places=2, default=85
    )
    no_unexcused_absence = models.BooleanField(
        _("a meeting of quality has no unexcused absence"), default=True
    )
    min_duration_minutes = models.PositiveSmallIntegerField(
        _("minimum length of a meeting (minutes)"), null=True, blank=True
    )
    unexcused_months_flag = models.PositiveSmallIntegerField(
        _("months with an unexcused absence that flag a member"), default=3
    )
    inspection_required = models.BooleanField(
        _("the committee inspects a cell's meetings before classifying it"), default=True
    )
    content_criteria = models.JSONField(_("content criteria"), default=list, blank=True)
    year_levels = models.JSONField(_("levels of a cell's year of meetings"), default=list)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("meeting rule set")
        verbose_name_plural = _("meeting rule sets")
        ordering = ["-first_year"]

    def __str__(self) -> str:
        return self.code

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class CellMeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular monthly meeting")
    THEMATIC = "thematic", _("Thematic meeting")


class AbsenceReason(models.TextChoices):
    """Why a member missed a meeting; only `unexcused` counts toward the Statute's three months."""

    EXCUSED = "excused", _("Excused")
    ILL = "ill", _("Ill")
    FAR_AWAY = "far_away", _("Working far away")
    UNEXCUSED = "unexcused", _("Unexcused")


class CellMeetingQuerySet(models.QuerySet):
    def in_year(self, year: int) -> CellMeetingQuerySet:
        return self.filter(held_on__year=year)

    def in_subtree(self, root) -> CellMeetingQuerySet:
        return self.filter(cell__path__startswith=root.path)


class CellMeeting(models.Model):
    """One meeting of a cell (sinh hoạt chi bộ thường kỳ or chuyên đề)."""

    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="cell_meetings",
        verbose_name=_("cell"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CellMeetingKind.choices, default=CellMeetingKind.REGULAR
    )
    held_on = models.DateField(_("date"))
    chair = models.CharField(_("chair"), max_length=120, blank=True)
    recorder = models.CharField(_("recorder"), max_length=120, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    superior_attendee = models.CharField(
        _("attending for the superior committee"), max_length=120, blank=True
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), null=True, blank=True
    )
    criteria = models.JSONField(_("content criteria met"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = CellMeetingQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("cell meeting")
        verbose_name_plural = _("cell meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["cell", "held_on"], name="cell_meeting_cell_day")]

    def __str__(self) -> str:
        return f"{self.cell} {self.held_on:%d/%m/%Y}"


class CellMeetingAttendance(models.Model):
    """A member on the roster of a meeting: present, or absent with a reason code. A member
    temporarily active in another cell is on that cell's roster (R13, issue 16 item 1)."""

    meeting = models.ForeignKey(
        CellMeeting,
        on_delete=models.CASCADE,
        related_name="attendance_rows",
        verbose_name=_("meeting"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="meeting_attendance",
        verbose_name=_("member"),
    )
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(
        _("reason for absence"), max_length=10, choices=AbsenceReason.choices, blank=True
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="unique_meeting_member")
        ]
        indexes = [
            models.Index(fields=["member"], name="cell_meeting_att_member"),
            # The few unexcused absences, read by the Statute's three-month flag (R21).
            models.Index(
                fields=["meeting", "member"],
                condition=models.Q(present=False, absence_reason="unexcused"),
                name="cell_meeting_att_unexcused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.present}"


class MeetingInspection(models.Model):
    """The grassroots committee's inspection of a cell's meetings in a year (R21)."""

    period = models.ForeignKey(
        "assessment.Period",
        on_delete=models.PROTECT,
        related_name="meeting_inspections",
        verbose_name=_("year"),
    )
    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="meeting_inspections",
        verbose_name=_("cell"),
    )
    inspected_on = models.DateField(_("date of the inspection"))
    inspector = models.CharField(_("inspector"), max_length=120)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("meeting inspection")
        verbose_name_plural = _("meeting inspections")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cell} {self.inspected_on:%d/%m/%Y}"
