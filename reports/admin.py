from django.contrib import admin

from organizations.admin_base import ReadOnlyAdminMixin

from .models import ExportJob, ImportRun


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "unit", "period", "user", "state", "progress", "created_at"]
    list_filter = ["kind", "state", "period"]
    search_fields = ["unit__code", "unit__name", "user__username"]
    raw_id_fields = ["unit", "user"]
    readonly_fields = ["created_at", "finished_at"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The audit of workbook imports (issue 7): read only, searchable by file, user and error."""

    list_display = ["file_name", "user", "dry_run", "ok", "size", "created_at"]
    list_filter = ["dry_run", "ok", "created_at"]
    search_fields = ["file_name", "user__username", "errors"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "confirms"]
    readonly_fields = [
        "user",
        "file_name",
        "size",
        "dry_run",
        "ok",
        "counts",
        "errors",
        "confirms",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Deadlines that drive the year (issue 8) --------------------------------------------------

from .models import ReminderSent, ReportSubmission  # noqa: E402  (this part of the file is appended)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows that are records, never edited: claims of sent reminders, submitted reports."""


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "level", "unit", "period", "offset", "due", "recipients", "sent_at"]
    list_filter = ["kind", "level", "period"]
    search_fields = ["unit__code", "unit__name", "text"]
    date_hierarchy = "sent_at"


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "version", "submitted_at", "due", "submitted_by"]
    list_filter = ["period", "unit__kind"]
    search_fields = ["unit__code", "unit__name", "signer_name", "correction_reason"]
    date_hierarchy = "submitted_at"
