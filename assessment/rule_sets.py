"""Load a rule set's definition from `fixtures/rule_sets/*.json` (R1: rule sets are data).

The loader takes the model classes as arguments so that a data migration can pass its historical
models and a command can pass the live ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

RULE_SET_DIR = Path(settings.BASE_DIR) / "fixtures" / "rule_sets"


def read_definition(name: str) -> dict[str, Any]:
    return json.loads((RULE_SET_DIR / name).read_text(encoding="utf-8"))


def load_rule_set(data: dict[str, Any], *, models: Any) -> Any:
    """Create or replace the rule set `data` describes; `models` has the five model classes."""
    quota = data.get("quota", {})
    quorum = data.get("quorum", [2, 3])
    values = {
        "name_vi": data["name_vi"],
        "name_en": data["name_en"],
        "first_year": data["first_year"],
        "last_year": data.get("last_year"),
        "sources": data.get("sources", ""),
        "score_max": data.get("score_max"),
        "quota_percent": quota.get("percent", 20),
        "quota_raised_percent": quota.get("raised_percent", 25),
        "quota_denominator": quota.get("denominator", "good_or_above"),
        "quota_group": quota.get("group", "grassroots_organization"),
        "quorum_numerator": quorum[0],
        "quorum_denominator": quorum[1],
        "min_months_since_admission": data.get("min_months_since_admission", 6),
        "temporary_transfer_not_classified": data.get("temporary_transfer_not_classified", False),
        "discipline_duty_related_only": data.get("discipline_duty_related_only", True),
        "discipline_cleared_by_remedy": data.get("discipline_cleared_by_remedy", False),
        "excellent_unit_all_completed": data.get("excellent_unit", {}).get("all_completed", False),
        "excellent_unit_min_good_share": data.get("excellent_unit", {}).get("min_good_share"),
        "excellent_unit_no_discipline_below": data.get("excellent_unit", {}).get(
            "no_discipline_below", True
        ),
        "state_level_caps": data.get("state_level_caps", ["excellent", "not_completed"]),
        "forms": data.get("forms", {}),
    }
    # A data migration passes the model as it was then: set only the fields it already had.
    known = {f.name for f in models.RuleSet._meta.get_fields()}
    rule_set, _ = models.RuleSet.objects.update_or_create(
        code=data["code"], defaults={k: v for k, v in values.items() if k in known}
    )
    # Rows are updated in place by code: assessments point at levels, so a definition can be
    # applied again by a later migration without breaking them.
    for level in data["levels"]:
        threshold = level.get("vote_threshold", [1, 2])
        models.Level.objects.update_or_create(
            rule_set=rule_set,
            code=level["code"],
            defaults={
                "short_name": level.get("short_name", level["code"]),
                "name_vi": level["name_vi"],
                "name_en": level["name_en"],
                "rank": level["rank"],
                "applies_to": level.get("applies_to", "both"),
                "maps_to": level["maps_to"],
                "score_min": level.get("score_min"),
                "vote_threshold_numerator": threshold[0],
                "vote_threshold_denominator": threshold[1],
                "conditions": level.get("conditions", []),
            },
        )
    for order, group in enumerate(data.get("criteria", [])):
        group_row, _ = models.CriteriaGroup.objects.update_or_create(
            rule_set=rule_set,
            code=group["code"],
            defaults={
                "name_vi": group["name_vi"],
                "name_en": group["name_en"],
                "max_points": group["max_points"],
                "order": order,
            },
        )
        for item_order, item in enumerate(group.get("items", [])):
            models.CriteriaItem.objects.update_or_create(
                group=group_row,
                code=item["code"],
                defaults={
                    "name_vi": item["name_vi"],
                    "name_en": item["name_en"],
                    "max_points": item["max_points"],
                    "order": item_order,
                },
            )
    for deadline in data.get("deadlines", []):
        models.DeadlineDefault.objects.update_or_create(
            rule_set=rule_set,
            level=deadline["level"],
            defaults={
                "month": deadline["month"],
                "day": deadline["day"],
                "next_year": deadline.get("next_year", False),
            },
        )
    return rule_set
