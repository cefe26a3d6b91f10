from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import (
    Assignment,
    AuditEvent,
    Notification,
    Organization,
    Succession,
    UnitSnapshot,
)


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "code", "kind", "active_from", "active_to", "year_ends_later"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organization__code", "organization__name"]
    autocomplete_fields = ["organization", "user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at", "emailed_at"]
    search_fields = ["user__username", "text"]
    raw_id_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the audit trail is never edited or deleted through the app."""

    list_display = ["at", "actor_name", "address", "action", "object_type", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_repr", "reason", "unit_path"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UnitSnapshot)
class UnitSnapshotAdmin(admin.ModelAdmin):
    list_display = ["period", "code", "name", "kind", "path"]
    list_filter = ["period", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["organization"]


@admin.register(Succession)
class SuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "kind", "successor", "on"]
    list_filter = ["kind"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    raw_id_fields = ["predecessor", "successor"]
