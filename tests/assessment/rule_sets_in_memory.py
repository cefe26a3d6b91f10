"""The rule-set fixtures read through the real loader into unsaved model instances: no database.

`assessment.rule_sets.load_rule_set` takes the model classes as an argument (so a data migration
can pass its historical models); here it gets stand-ins whose managers build unsaved instances
instead of writing rows. The tests therefore see exactly the values (defaults included) the app
would store, and stay fast enough for `make mutation`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from assessment import models
from assessment.rule_sets import RULE_SET_DIR, load_rule_set


@dataclass
class InMemoryRuleSet:
    rule_set: models.RuleSet
    levels: list[models.Level] = field(default_factory=list)
    groups: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    deadlines: dict[str, models.DeadlineDefault] = field(default_factory=dict)
    frameworks: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → stored values

    def member_levels(self) -> list[models.Level]:
        """Levels a member can hold, best first (Level.objects.for_members())."""
        return [lv for lv in self.levels if lv.applies_to in ("member", "both")]

    def unit_levels(self) -> list[models.Level]:
        return [lv for lv in self.levels if lv.applies_to in ("organization", "both")]

    def level(self, code: str) -> models.Level:
        return next(lv for lv in self.levels if lv.code == code)


class _Manager:
    def __init__(self, build):
        self.build = build

    def update_or_create(self, defaults: dict[str, Any], **lookup: Any):
        return self.build(defaults, **lookup), True


def load(data: dict[str, Any]) -> InMemoryRuleSet:
    """`data` (a rule-set definition) as the loader would store it, unsaved."""
    out: InMemoryRuleSet | None = None

    def rule_set(defaults, code):
        nonlocal out
        out = InMemoryRuleSet(models.RuleSet(code=code, **defaults))
        return out.rule_set

    def level(defaults, rule_set, code):
        lv = models.Level(code=code, pk=len(out.levels) + 1, **defaults)
        out.levels.append(lv)
        out.levels.sort(key=lambda x: x.rank)
        return lv

    def group(defaults, rule_set, code):
        out.groups[code] = (defaults["max_points"], {})
        return code

    def item(defaults, group, code):
        out.groups[group][1][code] = defaults["max_points"]
        return code

    def deadline(defaults, rule_set, level):
        out.deadlines[level] = models.DeadlineDefault(level=level, **defaults)
        return out.deadlines[level]

    def framework(defaults, rule_set, code):
        out.frameworks[code] = defaults
        return code

    stand_ins = SimpleNamespace(
        RuleSet=SimpleNamespace(objects=_Manager(rule_set), _meta=models.RuleSet._meta),
        Level=SimpleNamespace(_meta=models.Level._meta, objects=_Manager(level)),
        CriteriaGroup=SimpleNamespace(_meta=models.CriteriaGroup._meta, objects=_Manager(group)),
        CriteriaItem=SimpleNamespace(_meta=models.CriteriaItem._meta, objects=_Manager(item)),
        DeadlineDefault=SimpleNamespace(
            _meta=models.DeadlineDefault._meta, objects=_Manager(deadline)
        ),
        Framework=SimpleNamespace(_meta=models.Framework._meta, objects=_Manager(framework)),
    )
    load_rule_set(data, models=stand_ins)
    return out


def definitions() -> dict[str, dict[str, Any]]:
    """Every fixture file's definition by file name."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(RULE_SET_DIR.glob("*.json"))
    }


def file_for_year(year: int, defs: dict[str, dict[str, Any]] | None = None) -> str:
    """The fixture file whose years cover `year` (R1: one rule set per assessment year)."""
    defs = definitions() if defs is None else defs
    covering = [
        name
        for name, d in defs.items()
        if d["first_year"] <= year and (d.get("last_year") is None or year <= d["last_year"])
    ]
    assert len(covering) == 1, f"{year}: covered by {covering}"
    return covering[0]


def for_year(year: int) -> InMemoryRuleSet:
    """The rule set in force in `year`, as stored, unsaved."""
    defs = definitions()
    return load(copy.deepcopy(defs[file_for_year(year, defs)]))
