from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "unit", "period", "user", "state", "progress", "created_at"]
    list_filter = ["kind", "state", "period"]
    search_fields = ["unit__code", "unit__name", "user__username"]
    raw_id_fields = ["unit", "user"]
    readonly_fields = ["created_at", "finished_at"]
