"""Admin for the frameworks per form, R5's grounds and the quarters (issue 14 items 2, 3, 6)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_base import ReadOnlyHistoryAdmin
from .models import Framework, GroundFlag, Quarter, QuarterAssessment


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_vi", "rule_set", "form_code", "quarterly"]
    list_filter = ["rule_set", "code", "quarterly"]
    search_fields = ["code", "name_vi", "name_en", "rule_set__code"]


@admin.register(GroundFlag)
class GroundFlagAdmin(SimpleHistoryAdmin):
    list_display = ["code", "content_type", "object_id", "recorded_by", "recorded_at"]
    list_filter = ["code"]
    search_fields = ["code", "note"]


@admin.register(Quarter)
class QuarterAdmin(SimpleHistoryAdmin):
    list_display = ["period", "number", "state", "due"]
    list_filter = ["state"]
    search_fields = ["period__year"]


@admin.register(QuarterAssessment)
class QuarterAssessmentAdmin(ReadOnlyHistoryAdmin):
    list_select_related = ["quarter__period", "member", "decided_level"]
    list_display = ["member", "quarter", "state", "self_score", "decided_level"]
    list_filter = ["state", "quarter__number"]
    search_fields = ["member__full_name", "member__card_number"]
    raw_id_fields = ["member", "self_level", "decided_level", "decided_by"]
