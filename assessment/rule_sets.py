"""Rule sets as data (R1): load a definition from `fixtures/rule_sets/*.json`, and clone a rule
set for a new year.

The loader takes the model classes as arguments so that a data migration can pass its historical
models and a command can pass the live ones. Each era of DOMAIN.md section 2 has its file; what
the models cannot express is written in the definition's `forms.notes`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import models as live

RULE_SET_DIR = Path(settings.BASE_DIR) / "fixtures" / "rule_sets"
LIVE_MODELS = SimpleNamespace(
    RuleSet=live.RuleSet,
    Level=live.Level,
    CriteriaGroup=live.CriteriaGroup,
    CriteriaItem=live.CriteriaItem,
    DeadlineDefault=live.DeadlineDefault,
    Framework=live.Framework,
)

MSG_CODE_EXISTS = _("A rule set with the code %(code)s already exists.")


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
        "quota_for_organizations": quota.get("organizations", True),
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
        "correction_rule": data.get("correction_rule", "wrong_or_dishonest"),
        "forms": data.get("forms", {}),
        "dossier_scans_required": data.get("dossier_scans_required", []),
    }
    # A data migration passes the model as it was then: set only the fields it already had.
    known = {f.name for f in models.RuleSet._meta.get_fields()}
    rule_set, _ = models.RuleSet.objects.update_or_create(
        code=data["code"], defaults={k: v for k, v in values.items() if k in known}
    )
    # Rows are updated in place by code: assessments point at levels, so a definition can be
    # applied again by a later migration without breaking them.
    level_fields = {f.name for f in models.Level._meta.get_fields()}
    for level in data["levels"]:
        threshold = level.get("vote_threshold", [1, 2])
        defaults = {
            "short_name": level.get("short_name", level["code"]),
            "name_vi": level["name_vi"],
            "name_en": level["name_en"],
            "rank": level["rank"],
            "applies_to": level.get("applies_to", "both"),
            "maps_to": level["maps_to"],
            "score_min": level.get("score_min"),
            "vote_threshold_numerator": threshold[0],
            "vote_threshold_denominator": threshold[1],
            "vote_threshold_at_least": level.get("vote_threshold_at_least", False),
            "conditions": level.get("conditions", []),
        }
        models.Level.objects.update_or_create(
            rule_set=rule_set,
            code=level["code"],
            defaults={k: v for k, v in defaults.items() if k in level_fields},
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
    if hasattr(models, "Framework"):  # migrations before frameworks existed pass no model
        frameworks_load(data, rule_set, models=models)
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


def frameworks_load(data: dict[str, Any], rule_set: Any, *, models: Any) -> None:
    """The rule set's frameworks per form (issue 14 item 2, R3, R5), updated in place by code;
    the form of each is the rule set's (`forms`)."""
    forms = data.get("forms", {})
    for framework in data.get("frameworks", []):
        quarterly = framework.get("quarterly")
        models.Framework.objects.update_or_create(
            rule_set=rule_set,
            code=framework["code"],
            defaults={
                "name_vi": framework["name_vi"],
                "name_en": framework["name_en"],
                "form_code": forms.get(framework["code"], ""),
                "criteria": framework.get("criteria", []),
                "level_conditions": framework.get("level_conditions", {}),
                "grounds": framework.get("grounds", []),
                "quarterly": quarterly is not None,
                "quarterly_averaging": bool((quarterly or {}).get("averaging", False)),
            },
        )


@transaction.atomic
def rule_set_load_file(path: str | Path) -> live.RuleSet:
    """Create or update the rule set a definition file describes (`load_rule_sets`: a province
    adding a year), then check every row as a form would: a level must map to one of today's
    levels, a deadline name a known step. Raises ValueError, KeyError or ValidationError on a
    bad definition, and writes nothing then."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rule_set = load_rule_set(data, models=LIVE_MODELS)
    rule_set.full_clean()
    for level in rule_set.levels.all():
        level.full_clean()
    for group in rule_set.criteria_groups.prefetch_related("items"):
        group.full_clean()
        for item in group.items.all():
            item.full_clean()
    for deadline in rule_set.deadline_defaults.all():
        deadline.full_clean()
    for framework in rule_set.frameworks.all():
        framework.full_clean()
    return rule_set


def _copy(row, **changes):
    """An unsaved copy of `row`: every column but the primary key, JSON deep-copied."""
    values = {
        f.attname: copy.deepcopy(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if not f.primary_key
    }
    return type(row)(**(values | changes))


def original(rule_set: live.RuleSet) -> live.RuleSet:
    """The rule set a chain of clones started from (QD366-2025 for QD366-2025-2027)."""
    while rule_set.cloned_from_id is not None:
        rule_set = rule_set.cloned_from
    return rule_set


@transaction.atomic
def rule_set_clone(
    *,
    source: live.RuleSet,
    code: str,
    first_year: int,
    by: AbstractBaseUser | None,
    last_year: int | None = None,
) -> live.RuleSet:
    """A deep copy of `source` for the years `first_year` to `last_year` (no end when None): its
    settings, levels, criteria groups and items, and default deadlines, with `cloned_from` set.

    R1: "the current rule set can be cloned for a new year by the provincial board; changing the
    clone never changes a past year". The copy shares no row with the source, so a year under
    the source keeps its rules, its level rows and therefore its reports. Being the newest, the
    clone is the rule set in force from `first_year` on (rule_set_for_year).
    """
    if live.RuleSet.objects.filter(code=code).exists():
        raise ValidationError(MSG_CODE_EXISTS, params={"code": code}, code="code_exists")
    root = original(source)
    clone = _copy(
        source,
        code=code,
        first_year=first_year,
        last_year=last_year,
        name_vi=f"{root.name_vi} — năm {first_year}",
        name_en=f"{root.name_en} — {first_year}",
        cloned_from_id=source.pk,
    )
    clone._history_user = by
    clone.save()
    live.Level.objects.bulk_create(
        _copy(level, rule_set_id=clone.pk) for level in source.levels.all()
    )
    for group in source.criteria_groups.prefetch_related("items"):
        group_copy = _copy(group, rule_set_id=clone.pk)
        group_copy.save()
        live.CriteriaItem.objects.bulk_create(
            _copy(item, group_id=group_copy.pk) for item in group.items.all()
        )
    live.DeadlineDefault.objects.bulk_create(
        _copy(deadline, rule_set_id=clone.pk) for deadline in source.deadline_defaults.all()
    )
    for framework in source.frameworks.all():
        framework_copy = _copy(framework, rule_set_id=clone.pk, version=1)
        framework_copy._history_user = by
        framework_copy.save()
    return clone
