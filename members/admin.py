from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import DisciplineRecord, Member, Post, StatusPeriod, Transfer
from .resources import MemberResource


class StatusPeriodInline(admin.TabularInline):
    model = StatusPeriod
    extra = 0


class DisciplineRecordInline(admin.TabularInline):
    model = DisciplineRecord
    extra = 0


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["organization"]
    exclude = ["version"]


@admin.register(Member)
class MemberAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [MemberResource]
    list_select_related = ["cell"]
    list_display = ["full_name", "card_number", "cell", "admission_date", "full_membership_date"]
    list_filter = ["gender", "holds_leadership_post", "is_state_employee", "cell__kind"]
    search_fields = ["full_name", "card_number", "cell__code", "cell__name"]
    autocomplete_fields = ["cell", "user"]
    inlines = [StatusPeriodInline, DisciplineRecordInline, PostInline]


@admin.register(StatusPeriod)
class StatusPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["member", "kind", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["member__full_name", "member__card_number"]
    autocomplete_fields = ["member"]


@admin.register(DisciplineRecord)
class DisciplineRecordAdmin(SimpleHistoryAdmin):
    list_display = ["member", "form", "decided_on", "duty_related", "self_discovered_and_remedied"]
    list_filter = ["form", "duty_related"]
    search_fields = ["member__full_name", "member__card_number"]
    autocomplete_fields = ["member"]


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["member", "from_cell", "to_cell", "on", "recorded_by"]
    search_fields = ["member__full_name", "member__card_number"]
    autocomplete_fields = ["member", "from_cell", "to_cell"]
    date_hierarchy = "on"


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    """A member's posts over time (issue 14 item 5): they decide the form 2A/2B/2C."""

    list_select_related = ["member", "organization"]
    list_display = ["member", "kind", "title", "unit_name", "leadership", "start", "end"]
    list_filter = ["kind", "leadership", "outside_political_system"]
    search_fields = ["title", "unit_name", "member__full_name", "member__card_number"]
    autocomplete_fields = ["member", "organization"]
    exclude = ["version"]
