from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CriteriaGroup,
    CriteriaItem,
    Deadline,
    DeadlineDefault,
    Level,
    Period,
    RuleSet,
)


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class DeadlineDefaultInline(admin.TabularInline):
    model = DeadlineDefault
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_vi", "first_year", "last_year", "score_max"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [LevelInline, DeadlineDefaultInline]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "rule_set", "rank", "maps_to", "score_min"]
    list_filter = ["rule_set", "maps_to", "applies_to"]
    search_fields = ["code", "name_vi", "name_en"]


class CriteriaItemInline(admin.TabularInline):
    model = CriteriaItem
    extra = 0


@admin.register(CriteriaGroup)
class CriteriaGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "rule_set", "max_points"]
    list_filter = ["rule_set"]
    search_fields = ["code", "name_vi"]
    inlines = [CriteriaItemInline]


@admin.register(CriteriaItem)
class CriteriaItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "group", "max_points"]
    list_filter = ["group__rule_set"]
    search_fields = ["code", "name_vi"]


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["year", "rule_set", "state", "assessment_date"]
    list_filter = ["state", "rule_set"]
    search_fields = ["year"]
    inlines = [DeadlineInline]


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["period", "level", "due"]
    list_filter = ["period", "level"]
    search_fields = ["period__year"]


@admin.register(DeadlineDefault)
class DeadlineDefaultAdmin(admin.ModelAdmin):
    list_display = ["rule_set", "level", "day", "month", "next_year"]
    list_filter = ["rule_set"]
    search_fields = ["rule_set__code"]
