"""Frameworks per form and R5's grounds (issue 14 items 2–3): which framework a subject is
reviewed under, the facts its measured conditions read, the level they derive, and the grounds
the decider records as flags with a note.

The arithmetic is rules.framework_level; this module reads the rows it needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.models_posts import FrameworkKind, framework_on, led_organizations_on
from organizations.models import CELL_KINDS, Organization

from . import rules
from .models import CanonicalLevel, CellYear, GrassrootsYear, Period, RuleSet
from .models_frameworks import Framework, GroundFlag

MSG_UNKNOWN_GROUND = _("“%(code)s” is not a ground for not completed in this framework.")
MSG_GROUND_NOTE_NEEDED = _("Write a note saying what the ground rests on.")
MSG_GROUND_EXISTS = _("This ground is already recorded.")
MSG_FRAMEWORK_MISSING = _("The rule set %(rule_set)s has no framework “%(framework)s”.")


def framework_get(rule_set: RuleSet, kind: str) -> Framework:
    """The rule set's framework `kind` (a FrameworkKind value). Raises ValidationError when the
    rule set has none (an era before frameworks: 2022 and earlier)."""
    framework = next((f for f in rule_set.frameworks.all() if f.code == kind), None)
    if framework is None:
        raise ValidationError(
            MSG_FRAMEWORK_MISSING,
            params={"rule_set": rule_set.code, "framework": FrameworkKind(kind).label},
            code="framework",
        )
    return framework


def frameworks_by_code(rule_set: RuleSet) -> dict[str, Framework]:
    """The rule set's frameworks by code, read once per rule set object."""
    cached = getattr(rule_set, "_frameworks_by_code", None)
    if cached is None:
        cached = {f.code: f for f in rule_set.frameworks.all()}
        rule_set._frameworks_by_code = cached
    return cached


def framework_of(member: Member, period: Period) -> Framework | None:
    """The framework `member` is reviewed under in `period`: the one their posts give on the
    assessment date (item 5); None in an era without frameworks."""
    kind = framework_on(member, period.assessment_date)
    return frameworks_by_code(period.rule_set).get(kind)


def framework_criteria(framework: Framework) -> list[dict]:
    """The criteria groups `framework` scores, each `{code, name_vi, name_en, max_points,
    items: [...]}`: its own, or the rule set's criteria rows when it has none (2B)."""
    if framework.criteria:
        return framework.criteria
    return [
        {
            "code": group.code,
            "name_vi": group.name_vi,
            "name_en": group.name_en,
            "max_points": group.max_points,
            "items": [
                {
                    "code": item.code,
                    "name_vi": item.name_vi,
                    "name_en": item.name_en,
                    "max_points": item.max_points,
                }
                for item in group.items.all()
            ],
        }
        for group in framework.rule_set.criteria_groups.prefetch_related("items")
    ]


def measures_for(member: Member, period: Period, framework: Framework) -> dict:
    """The facts `framework`'s measured conditions and grounds read for `member`: the units
    they lead for a leader (leader_measures), nothing for other members."""
    if framework.code != FrameworkKind.LEADER:
        return {}
    return leader_measures(member, period)


def form_code(member: Member, rule_set: RuleSet, day: datetime.date) -> str:
    """The self-review form of `member` on `day` under `rule_set` ("2A", "2B", "2C"; the
    2023–2024 "02A"/"02B"); empty when the rule set names none."""
    return (rule_set.forms or {}).get(framework_on(member, day), "")


def _decided_levels(units: list[Organization], period: Period) -> list:
    cells = [u.pk for u in units if u.kind in CELL_KINDS]
    others = [u.pk for u in units if u.kind not in CELL_KINDS]
    levels = [
        row.decided_level
        for row in CellYear.objects.filter(period=period, cell_id__in=cells).select_related(
            "decided_level"
        )
    ]
    levels += [
        row.decided_level
        for row in GrassrootsYear.objects.filter(
            period=period, organization_id__in=others
        ).select_related("decided_level")
    ]
    return [level for level in levels if level is not None]


def _percent(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) * 100 / whole


def leader_measures(member: Member, period: Period, *, day: datetime.date | None = None) -> dict:
    """The facts a leader's measured conditions and grounds read (R5, Quy định 366 art. 11):
    of the units directly under the party organizations `member` leads through a leadership
    post on `day` (the assessment date by default), the percent rated not completed
    (`led_units_not_completed_percent`) and the percent rated below good
    (`led_units_below_good_percent`), counting decided units only. A measure is absent while
    no unit below has a decided level."""
    day = day or period.assessment_date
    below = [
        child
        for unit in led_organizations_on(member, day)
        for child in Organization.objects.get_children(unit)
    ]
    levels = _decided_levels(below, period)
    not_completed = sum(1 for lv in levels if lv.maps_to == CanonicalLevel.NOT_COMPLETED)
    below_good = sum(
        1 for lv in levels if lv.maps_to in (CanonicalLevel.COMPLETED, CanonicalLevel.NOT_COMPLETED)
    )
    measures = {
        "led_units_not_completed_percent": _percent(not_completed, len(levels)),
        "led_units_below_good_percent": _percent(below_good, len(levels)),
    }
    return {name: value for name, value in measures.items() if value is not None}


def flags_of(subject: Model) -> dict[str, str]:
    """The grounds recorded on `subject` (code → note)."""
    content_type = ContentType.objects.get_for_model(subject)
    return dict(
        GroundFlag.objects.filter(content_type=content_type, object_id=subject.pk).values_list(
            "code", "note"
        )
    )


@dataclass
class Derived:
    """A level derived for one subject under its framework, with why."""

    framework: Framework
    result: rules.SelfAssessment
    grounds: list[str] = field(default_factory=list)


def level_derive(
    *,
    framework: Framework,
    score: Decimal | None,
    conditions: Mapping[str, bool],
    measures: Mapping[str, object] | None = None,
    flags: Mapping[str, str] | None = None,
    other_grounds: tuple[str, ...] = (),
    organization: bool = False,
) -> Derived:
    """The level `framework` gives a subject with this score, ticked conditions, facts and
    recorded grounds (rules.framework_level over the rule set's levels for members, or for
    organizations when `organization`, the collective's)."""
    levels = framework.rule_set.levels.order_by("rank")
    levels = levels.for_organizations() if organization else levels.for_members()
    grounds = rules.framework_grounds(framework.grounds, flags=flags or {}, measures=measures or {})
    result = rules.framework_level(
        levels=list(levels),
        level_conditions=framework.level_conditions,
        grounds=framework.grounds,
        score=score,
        conditions=conditions,
        measures=measures,
        flags=flags,
        other_grounds=other_grounds,
    )
    return Derived(framework, result, [*other_grounds, *grounds])


def subject_grounds(subject: Model, framework: Framework, measures: Mapping) -> list[str]:
    """R5: the grounds that hold for `subject` now: recorded flags and measured grounds."""
    return rules.framework_grounds(framework.grounds, flags=flags_of(subject), measures=measures)


@transaction.atomic
def ground_flag_record(
    *, subject: Model, framework: Framework, code: str, note: str, by
) -> GroundFlag:
    """The decider records the R5 ground `code` of `framework` on `subject` with a `note`
    (what it rests on). Raises ValidationError for a code the framework does not list, an
    empty note, or a ground already recorded; the flag's history names who recorded it."""
    note = note.strip()
    if code not in {ground["code"] for ground in framework.grounds}:
        raise ValidationError({"code": MSG_UNKNOWN_GROUND}, params={"code": code})
    if not note:
        raise ValidationError({"note": MSG_GROUND_NOTE_NEEDED})
    content_type = ContentType.objects.get_for_model(subject)
    if GroundFlag.objects.filter(
        content_type=content_type, object_id=subject.pk, code=code
    ).exists():
        raise ValidationError({"code": MSG_GROUND_EXISTS})
    flag = GroundFlag(
        content_type=content_type, object_id=subject.pk, code=code, note=note, recorded_by=by
    )
    flag._history_user = by
    flag.save()
    return flag


@transaction.atomic
def ground_flag_clear(*, flag: GroundFlag, reason: str, by) -> None:
    """Clear a recorded ground with a written `reason`; the history keeps the flag, who
    cleared it and why. Raises ValidationError without a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": MSG_GROUND_NOTE_NEEDED})
    flag._history_user = by
    flag._change_reason = reason
    flag.delete()


def ground_text(framework: Framework, code: str) -> str:
    """The words of ground `code` of `framework`, in the reader's language (the code itself
    when the framework no longer lists it)."""
    ground = next((g for g in framework.grounds if g["code"] == code), None)
    return rules.condition_text(ground) if ground else code
