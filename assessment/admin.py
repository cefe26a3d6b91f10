from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_base import ReadOnlyHistoryAdmin
from .models import (
    Attendance,
    CellYear,
    Complaint,
    CriteriaGroup,
    CriteriaItem,
    Deadline,
    DeadlineDefault,
    Decision,
    GrassrootsYear,
    LaterRating,
    Level,
    Meeting,
    MemberAssessment,
    Period,
    Rerating,
    ReviewInput,
    RuleSet,
    Tally,
    UnitSnapshot,
)


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class DeadlineDefaultInline(admin.TabularInline):
    model = DeadlineDefault
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_vi", "first_year", "last_year", "score_max"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [LevelInline, DeadlineDefaultInline]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "rule_set", "rank", "maps_to", "score_min"]
    list_filter = ["rule_set", "maps_to", "applies_to"]
    search_fields = ["code", "name_vi", "name_en"]


class CriteriaItemInline(admin.TabularInline):
    model = CriteriaItem
    extra = 0


@admin.register(CriteriaGroup)
class CriteriaGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "rule_set", "max_points"]
    list_filter = ["rule_set"]
    search_fields = ["code", "name_vi"]
    inlines = [CriteriaItemInline]


@admin.register(CriteriaItem)
class CriteriaItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "group", "max_points"]
    list_filter = ["group__rule_set"]
    search_fields = ["code", "name_vi"]


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["year", "rule_set", "state", "assessment_date"]
    list_filter = ["state", "rule_set"]
    search_fields = ["year"]
    inlines = [DeadlineInline]


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["period", "level", "due"]
    list_filter = ["period", "level"]
    search_fields = ["period__year"]


@admin.register(DeadlineDefault)
class DeadlineDefaultAdmin(admin.ModelAdmin):
    list_display = ["rule_set", "level", "day", "month", "next_year"]
    list_filter = ["rule_set"]
    search_fields = ["rule_set__code"]


class MemberAssessmentInline(admin.TabularInline):
    """Read only, as the cell's year (ReadOnlyHistoryAdmin)."""

    model = MemberAssessment
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    fields = ["member", "status", "reason_code", "self_score", "self_level", "proposed_level"]
    raw_id_fields = ["member"]
    extra = 0


@admin.register(CellYear)
class CellYearAdmin(ReadOnlyHistoryAdmin):
    list_display = ["cell", "period", "state", "proposed_level", "submitted_at"]
    list_filter = ["period", "state"]
    search_fields = ["cell__code", "cell__name"]
    raw_id_fields = ["cell"]
    inlines = [MemberAssessmentInline]


@admin.register(MemberAssessment)
class MemberAssessmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["member", "cell_year", "status", "self_level", "proposed_level"]
    list_filter = ["status", "cell_year__period"]
    search_fields = ["member__full_name", "member__card_number"]
    raw_id_fields = ["member", "cell_year"]


@admin.register(ReviewInput)
class ReviewInputAdmin(ReadOnlyHistoryAdmin):
    list_display = ["kind", "cell_year", "assessment", "source", "given_on"]
    list_filter = ["kind"]
    search_fields = ["source", "text", "assessment__member__full_name"]
    raw_id_fields = ["cell_year", "assessment"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["cell_year", "held_on", "chair", "recorder", "ballot_form"]
    search_fields = ["cell_year__cell__name", "chair", "recorder"]
    raw_id_fields = ["cell_year"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["meeting", "member", "present", "absence_reason"]
    list_filter = ["present"]
    search_fields = ["member__full_name"]
    raw_id_fields = ["meeting", "member"]


@admin.register(Tally)
class TallyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["meeting", "assessment", "votes", "commendation_proposed"]
    search_fields = ["assessment__member__full_name", "meeting__cell_year__cell__name"]
    raw_id_fields = ["meeting", "assessment"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "issuer", "period", "kind", "signed_on", "signer_name", "state"]
    list_filter = ["period", "state"]
    search_fields = ["issuer__code", "issuer__name", "signer_name"]
    raw_id_fields = ["issuer", "issued_by"]


@admin.register(GrassrootsYear)
class GrassrootsYearAdmin(ReadOnlyHistoryAdmin):
    list_display = ["organization", "period", "state", "proposed_level", "decided_level"]
    list_filter = ["period", "state"]
    search_fields = ["organization__code", "organization__name"]
    raw_id_fields = ["organization", "decision"]


@admin.register(Rerating)
class ReratingAdmin(admin.ModelAdmin):
    list_display = ["decision", "subject_name", "previous_level", "level", "commendation_flagged"]
    search_fields = [
        "assessment__member__full_name",
        "assessment__member__card_number",
        "cell_year__cell__name",
        "grassroots_year__organization__name",
    ]
    raw_id_fields = ["decision", "assessment", "cell_year", "grassroots_year", "previous_decision"]


@admin.register(LaterRating)
class LaterRatingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["assessment", "state", "pending_reason", "due", "proposed_level", "decision"]
    list_filter = ["state"]
    search_fields = ["assessment__member__full_name", "assessment__member__card_number"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "handler", "state", "filed_on", "outcome", "rerating"]
    list_filter = ["state", "outcome"]
    search_fields = [
        "assessment__member__full_name",
        "cell_year__cell__name",
        "grassroots_year__organization__name",
        "handler__name",
    ]


@admin.register(UnitSnapshot)
class UnitSnapshotAdmin(admin.ModelAdmin):
    list_display = ["period", "code", "name", "kind", "path"]
    list_filter = ["period", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["organization"]


# Admins of issue 16 (the cell's meetings), issue 14 (frameworks, grounds, quarters) and issue 15
# (the dossier's scans, working groups).
from . import admin_dossier, admin_followup, admin_frameworks, admin_meetings  # noqa: E402, F401
