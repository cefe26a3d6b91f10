"""Admin for the frameworks per form and R5's grounds (issue 14 items 2–3)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Framework, GroundFlag


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
