"""The names of the codes a review's JSON values keep (conditions met, self-scores per
criterion, votes per level), for the audit page's before-and-after column
(organizations.audit_display): registered in AssessmentConfig.ready."""

from __future__ import annotations

from .models import CriteriaGroup, CriteriaItem, Level
from .models_frameworks import Framework
from .rules import condition_text


def audit_key_labels() -> dict[str, str]:
    """{code: name in the active language}, the newest rule set's wording first: levels and
    their conditions, criteria groups and items, and the frameworks' own (Quy định 366)."""
    labels: dict[str, str] = {}
    levels = Level.objects.order_by("-rule_set__first_year", "rank")
    for code, name_vi, name_en, conditions in levels.values_list(
        "code", "name_vi", "name_en", "conditions"
    ):
        labels.setdefault(code, condition_text({"vi": name_vi, "en": name_en}))
        _conditions(labels, conditions)
    for framework_criteria, level_conditions in Framework.objects.order_by(
        "-rule_set__first_year"
    ).values_list("criteria", "level_conditions"):
        for group in framework_criteria or []:
            _named(labels, [group, *group.get("items", [])])
        for conditions in (level_conditions or {}).values():
            _conditions(labels, conditions)
    items = CriteriaItem.objects.order_by("-group__rule_set__first_year")
    groups = CriteriaGroup.objects.order_by("-rule_set__first_year")
    for rows in (items, groups):
        _named(labels, rows.values("code", "name_vi", "name_en"))
    return labels


def _conditions(labels: dict, conditions) -> None:
    for condition in conditions or []:
        if isinstance(condition, dict) and {"code", "vi", "en"} <= condition.keys():
            labels.setdefault(condition["code"], condition_text(condition))


def _named(labels: dict, rows) -> None:
    for row in rows:
        if {"code", "name_vi", "name_en"} <= row.keys():
            labels.setdefault(
                row["code"], condition_text({"vi": row["name_vi"], "en": row["name_en"]})
            )
