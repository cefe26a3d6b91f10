"""The admin of issue 15's dossier and working groups (imported by assessment/admin.py). Scans
are filed through the dossier's page, whose service checks their content: here they are read
and removed only, and the file itself is not linked (MEDIA_ROOT is not served)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DossierScan, WorkingGroup, WorkingGroupOfficial, WorkingGroupUnit


@admin.register(DossierScan)
class DossierScanAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "period", "kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "period"]
    search_fields = ["unit__code", "unit__name", "original_name", "title"]
    list_select_related = ["unit", "period", "uploaded_by"]
    exclude = ["file"]
    readonly_fields = [
        "period",
        "unit",
        "kind",
        "stored_name",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


class WorkingGroupOfficialInline(admin.TabularInline):
    model = WorkingGroupOfficial
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "superior", "period"]
    list_filter = ["period"]
    search_fields = ["name", "superior__name", "officials__full_name"]
    raw_id_fields = ["superior", "created_by"]
    inlines = [WorkingGroupOfficialInline]


@admin.register(WorkingGroupOfficial)
class WorkingGroupOfficialAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "title", "group"]
    search_fields = ["full_name", "title", "group__name"]
    raw_id_fields = ["group"]


@admin.register(WorkingGroupUnit)
class WorkingGroupUnitAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "group", "attendee", "meeting_on"]
    list_filter = ["period"]
    search_fields = ["unit__code", "unit__name", "group__name", "attendee__full_name"]
    raw_id_fields = ["group", "unit", "attendee"]
    list_select_related = ["unit", "group", "attendee"]
