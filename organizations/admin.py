from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .accounts import password_change_require
from .admin_base import ReadOnlyAdminMixin
from .models import (
    Assignment,
    AuditEvent,
    Notification,
    Organization,
    Profile,
    Succession,
)
from .models_collectives import CollectiveSeat, LeadershipCollective
from .resources import UnitResource


@admin.register(Organization)
class OrganizationAdmin(ImportExportMixin, TreeAdmin, SimpleHistoryAdmin):
    resource_classes = [UnitResource]
    form = movenodeform_factory(Organization)
    list_display = [
        "name",
        "code",
        "kind",
        "document_symbol",
        "active_from",
        "active_to",
        "year_ends_later",
    ]
    list_filter = ["kind"]
    search_fields = ["code", "name", "official_name"]


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
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: the audit trail is never edited or deleted through the app."""

    list_display = ["at", "actor_name", "address", "action", "object_type", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_repr", "reason", "unit_path"]
    date_hierarchy = "at"


@admin.register(Succession)
class SuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "kind", "successor", "on"]
    list_filter = ["kind"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "must_change_password"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username", "user__first_name", "user__email"]
    raw_id_fields = ["user"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """Django's user admin; an account an administrator makes here must choose its own password
    at the first sign-in (issue 19, item 3)."""

    inlines = [ProfileInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            password_change_require(user=obj)


class CollectiveSeatInline(admin.TabularInline):
    model = CollectiveSeat
    extra = 0
    raw_id_fields = ["member", "post"]


@admin.register(LeadershipCollective)
class LeadershipCollectiveAdmin(SimpleHistoryAdmin):
    """Issue 14: a unit's leadership collectives and who sat on them."""

    list_display = ["name", "organization", "kind", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "organization__name", "organization__code"]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]
    inlines = [CollectiveSeatInline]


@admin.register(CollectiveSeat)
class CollectiveSeatAdmin(SimpleHistoryAdmin):
    list_display = ["collective", "member", "role", "start", "end"]
    list_filter = ["role"]
    search_fields = ["member__full_name", "member__card_number", "collective__name"]
    raw_id_fields = ["collective", "member", "post"]
    list_select_related = ["collective", "member"]
