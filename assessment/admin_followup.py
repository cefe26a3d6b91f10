"""The admin of issue 15's commendations, registrations and remedial plans, and of issue 18's
kept counts (imported by assessment/admin.py). Changes made here are recorded in each model's
history like the pages'; the counts are read only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_base import ReadOnlyHistoryAdmin
from .models_collectives import CollectiveAssessment
from .models_counts import UnitYearCount, UnitYearRollup
from .models_followup import (
    Commendation,
    CommendationQuota,
    Registration,
    RemedialPlan,
    RemedialStep,
)


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["period", "kind", "state", "unit", "assessment", "years_running", "decision"]
    list_filter = ["kind", "state", "period"]
    search_fields = ["assessment__member__full_name", "assessment__member__card_number"]
    search_fields += ["unit__name", "unit__code"]
    raw_id_fields = [
        "assessment",
        "cell_year",
        "grassroots_year",
        "unit",
        "proposer",
        "decider",
        "proposed_by",
        "decision",
    ]
    list_select_related = ["period", "unit", "assessment__member", "decision"]


@admin.register(CommendationQuota)
class CommendationQuotaAdmin(SimpleHistoryAdmin):
    list_display = ["period", "unit", "kind", "limit"]
    list_filter = ["kind", "period"]
    search_fields = ["unit__name", "unit__code"]
    raw_id_fields = ["unit", "set_by"]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["year", "member", "organization", "target", "registered_at"]
    list_filter = ["year", "target"]
    search_fields = ["member__full_name", "member__card_number", "organization__name"]
    raw_id_fields = ["member", "organization", "registered_by"]


class RemedialStepInline(admin.TabularInline):
    model = RemedialStep
    extra = 0


@admin.register(RemedialPlan)
class RemedialPlanAdmin(SimpleHistoryAdmin):
    list_display = ["period", "unit", "member", "organization", "owner", "remedied_on"]
    list_filter = ["period"]
    search_fields = ["member__full_name", "member__card_number", "organization__name", "owner"]
    raw_id_fields = ["member", "organization", "unit", "created_by"]
    inlines = [RemedialStepInline]


@admin.register(RemedialStep)
class RemedialStepAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "text", "due", "done_on"]
    search_fields = ["text", "plan__member__full_name", "plan__organization__name"]
    raw_id_fields = ["plan"]


@admin.register(UnitYearCount)
class UnitYearCountAdmin(admin.ModelAdmin):
    """Read only: the kept counts are written by the services (assessment/counts.py) and checked
    by `manage.py counts_check`; an edit here would be drift."""

    list_display = ["period", "unit", "subject", "status", "reason_code", "level", "n"]
    list_filter = ["period", "subject", "status"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["period", "unit", "level"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitYearRollup)
class UnitYearRollupAdmin(UnitYearCountAdmin):
    """Read only: the subtrees' counts move with the counts and the tree (assessment/rollups.py)
    and are checked by `manage.py counts_check`; an edit here would be drift."""

    list_display = ["period", "unit", "subject", "source_kind", "status", "reason_code", "n"]
    list_select_related = ["period", "unit"]


@admin.register(CollectiveAssessment)
class CollectiveAssessmentAdmin(ReadOnlyHistoryAdmin):
    """Issue 14: a leadership collective's year; its states change on the pages (the machine)."""

    list_display = ["collective", "period", "state", "proposed_level", "decided_level", "decision"]
    list_filter = ["period", "state"]
    search_fields = ["collective__name", "collective__organization__name"]
    raw_id_fields = ["collective", "decision"]
    list_select_related = ["collective", "period", "proposed_level", "decided_level", "decision"]
    readonly_fields = ["state"]
