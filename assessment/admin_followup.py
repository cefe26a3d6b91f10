"""The admin reads issue 15's commendations, registrations and remedial plans, and issue 18's
kept counts (every model has an admin with search, tests/test_admin.py); they change only
through their pages, the machine and the counts' refresh, so the admin does not edit them."""

from django.contrib import admin

from .admin import ReadOnlyHistoryAdmin
from .models import (
    Commendation,
    CommendationQuota,
    Registration,
    RemedialPlan,
    RemedialStep,
    UnitYearCount,
)


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "kind", "state", "unit", "proposer", "decider", "decision"]
    list_filter = ["kind", "state"]
    search_fields = ["unit__name", "unit__code", "assessment__member__full_name"]


@admin.register(CommendationQuota)
class CommendationQuotaAdmin(ReadOnlyHistoryAdmin):
    list_display = ["unit", "period", "kind", "limit"]
    search_fields = ["unit__name", "unit__code"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "year", "target"]
    search_fields = ["member__full_name", "member__card_number", "organization__name"]


@admin.register(RemedialPlan)
class RemedialPlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "period", "unit", "owner", "remedied_on"]
    search_fields = ["unit__name", "member__full_name", "organization__name", "owner"]


@admin.register(RemedialStep)
class RemedialStepAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "text", "due", "done_on"]
    search_fields = ["text", "plan__unit__name"]


@admin.register(UnitYearCount)
class UnitYearCountAdmin(admin.ModelAdmin):
    list_display = ["period", "unit", "subject", "status", "reason_code", "level", "n"]
    list_filter = ["period", "subject"]
    search_fields = ["unit__name", "unit__code"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
