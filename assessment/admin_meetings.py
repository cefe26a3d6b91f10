"""The admin of issue 16's models (imported by assessment/admin.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CellMeeting, CellMeetingAttendance, MeetingInspection, MeetingRuleSet


@admin.register(MeetingRuleSet)
class MeetingRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "first_year", "last_year", "inspection_required"]
    search_fields = ["code", "name_vi", "name_en", "sources"]


class CellMeetingAttendanceInline(admin.TabularInline):
    model = CellMeetingAttendance
    extra = 0
    raw_id_fields = ["member"]


@admin.register(CellMeeting)
class CellMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["cell", "held_on", "kind", "duration_minutes"]
    list_filter = ["kind"]
    date_hierarchy = "held_on"
    search_fields = ["cell__code", "cell__name", "chair"]
    raw_id_fields = ["cell", "recorded_by"]
    inlines = [CellMeetingAttendanceInline]


@admin.register(CellMeetingAttendance)
class CellMeetingAttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "member", "present", "absence_reason"]
    list_filter = ["present", "absence_reason"]
    search_fields = ["member__full_name", "member__card_number"]
    raw_id_fields = ["meeting", "member"]
    list_select_related = ["meeting__cell", "member"]


@admin.register(MeetingInspection)
class MeetingInspectionAdmin(SimpleHistoryAdmin):
    list_display = ["cell", "period", "inspected_on", "inspector"]
    search_fields = ["cell__code", "cell__name", "inspector", "findings"]
    raw_id_fields = ["cell", "recorded_by"]
