"""Frameworks per form and R5's grounds (issue 14 items 2–3): which framework a subject is
reviewed under, the facts its measured conditions read, the level they derive, and the grounds
the decider records as flags with a note.

The arithmetic is rules.framework_level; this module reads the rows it needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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


def criteria_rows(rule_set: RuleSet) -> list[dict]:
    """The rule set's own criteria rows as groups `{code, name_vi, name_en, max_points, items:
    [{code, name_vi, name_en, max_points}]}` (what 2B and the eras before frameworks score)."""
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
        for group in rule_set.criteria_groups.prefetch_related("items").order_by("order")
    ]


def framework_criteria(framework: Framework) -> list[dict]:
    """The criteria groups `framework` scores, each `{code, name_vi, name_en, max_points,
    items: [...]}`: its own, or the rule set's criteria rows when it has none (2B)."""
    if framework.criteria:
        return framework.criteria
    return criteria_rows(framework.rule_set)


def criteria_of(rule_set: RuleSet, framework: Framework | None) -> list[dict]:
    """What a review under `framework` scores (R3, Quy định 366 art. 10–11): the framework's
    criteria groups, or the rule set's own in an era without frameworks (None)."""
    return framework_criteria(framework) if framework else criteria_rows(rule_set)


def levels_of(levels, framework: Framework | None) -> list:
    """The rule set's `levels` (best first) with the conditions `framework` gives each
    (rules.framework_levels); their own conditions in an era without frameworks."""
    return rules.framework_levels(list(levels), framework.level_conditions if framework else {})


MSG_SCORE_NUMBER = _("“%(item)s”: the score must be a number.")
MSG_SCORE_RANGE = _("“%(item)s”: the score must be between 0 and %(max)s.")


def scores_parse(criteria: list[dict], raw: Mapping[str, object]) -> tuple[dict, Decimal | None]:
    """A score per criterion item of `criteria` (item code → number, text with a decimal comma
    allowed) as stored (code → text) and their total, which is None until every item is scored.
    Raises ValidationError (key "scores") naming each item not a number or outside 0 to its
    maximum points (R3)."""
    items = [item for group in criteria for item in group["items"]]
    scores, errors, total = {}, [], Decimal(0)
    for item in items:
        value = raw.get(item["code"])
        if value in (None, ""):
            continue
        name = rules.condition_text({"vi": item["name_vi"], "en": item["name_en"]})
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            errors.append(ValidationError(MSG_SCORE_NUMBER, params={"item": name}))
            continue
        if not number.is_finite() or not (0 <= number <= item["max_points"]):
            errors.append(
                ValidationError(MSG_SCORE_RANGE, params={"item": name, "max": item["max_points"]})
            )
            continue
        scores[item["code"]] = str(number)
        total += number
    if errors:
        raise ValidationError({"scores": errors})
    return scores, (total if items and len(scores) == len(items) else None)


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


def decided_levels(units: list[Organization], period: Period) -> list:
    """The levels decided in `period` for `units` (cells' and organizations' years), leaving
    out those not decided yet."""
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
    levels = decided_levels(below, period)
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


# --- The province edits its year's frameworks (issue 14 item 2, R1, R3) -----------------------

MSG_RULES_CLOSED = _(
    "These rules belong to a closed year (%(years)s): a past year keeps its rules. Edit the rules "
    "of the open year."
)
MSG_GROUP_POINTS = _("“%(group)s”: its items add up to %(sum)s points, not %(max)s.")
MSG_SCALE = _("The criteria groups add up to %(sum)s points, not the scale of %(max)s.")
MSG_SHAPE = _("%(where)s: each entry needs %(keys)s.")
MSG_MEASURE = _("%(where)s: a measure needs a name and a number as min, max, above or below.")
MSG_LEVEL_CODE = _("“%(code)s” is not a level of these rules.")
CONDITION_KEYS = ("code", "vi", "en")
GROUP_KEYS = ("code", "name_vi", "name_en", "max_points", "items")
ITEM_KEYS = ("code", "name_vi", "name_en", "max_points")
BOUNDS = ("min", "max", "above", "below")


def _has(entry, keys) -> bool:
    return isinstance(entry, dict) and all(entry.get(k) not in (None, "") for k in keys)


def _measure_ok(entry) -> bool:
    measure = entry.get("measure")
    if measure is None:
        return True
    return (
        isinstance(measure, dict)
        and bool(measure.get("name"))
        and any(isinstance(measure.get(b), int | float) for b in BOUNDS)
    )


def _condition_errors(where: str, entries) -> list[str]:
    if not isinstance(entries, list):
        return [str(MSG_SHAPE % {"where": where, "keys": ", ".join(CONDITION_KEYS)})]
    errors = []
    for entry in entries:
        if not _has(entry, CONDITION_KEYS):
            errors.append(str(MSG_SHAPE % {"where": where, "keys": ", ".join(CONDITION_KEYS)}))
        elif not _measure_ok(entry):
            errors.append(str(MSG_MEASURE % {"where": where}))
    return errors


def framework_errors(*, rule_set: RuleSet, criteria, level_conditions, grounds) -> list[str]:
    """What is wrong with a framework as the province typed it (R3): every group has a code,
    both names, its points and items whose points add up to the group's; the groups add up to
    the rule set's scale; conditions and grounds have a code and both wordings, and a measure a
    name and a bound; conditions are keyed by the rule set's level codes. Empty when right."""
    errors = []
    if not isinstance(criteria, list):
        criteria = [None]
    for group in criteria:
        if not _has(group, GROUP_KEYS) or not all(_has(i, ITEM_KEYS) for i in group["items"]):
            errors.append(str(MSG_SHAPE % {"where": _("criteria"), "keys": ", ".join(GROUP_KEYS)}))
            continue
        total = sum(item["max_points"] for item in group["items"])
        if total != group["max_points"]:
            errors.append(
                str(
                    MSG_GROUP_POINTS
                    % {"group": group["name_vi"], "sum": total, "max": group["max_points"]}
                )
            )
    if not errors and criteria and rule_set.score_max is not None:
        total = sum(group["max_points"] for group in criteria)
        if total != rule_set.score_max:
            errors.append(str(MSG_SCALE % {"sum": total, "max": rule_set.score_max}))
    codes = set(rule_set.levels.values_list("code", flat=True))
    if not isinstance(level_conditions, dict):
        level_conditions = {"": None}
    for code, entries in level_conditions.items():
        if code not in codes:
            errors.append(str(MSG_LEVEL_CODE % {"code": code}))
        errors += _condition_errors(code, entries)
    errors += _condition_errors(str(_("grounds for not completed")), grounds)
    return errors


def rules_editable(rule_set: RuleSet) -> None:
    """R1: a rule set some closed year uses is that year's and never changes; raises
    ValidationError naming the years."""
    closed = list(
        rule_set.periods.exclude(state="open").order_by("year").values_list("year", flat=True)
    )
    if closed:
        raise ValidationError(
            MSG_RULES_CLOSED, params={"years": ", ".join(map(str, closed))}, code="closed"
        )


@transaction.atomic
def framework_update(
    *,
    framework: Framework,
    criteria: list,
    level_conditions: dict,
    grounds: list,
    quarterly: bool,
    quarterly_averaging: bool,
    by,
    version: int | None,
) -> Framework:
    """The provincial board edits a framework of its year's rules (issue 14 item 2): criteria
    and points, conditions per level, grounds, quarterly assessment. Raises ValidationError
    (the rules of a closed year; what framework_errors finds) and cell_year.Conflict when the
    row changed since `version`; the history keeps who changed what."""
    from .cell_year import _locked, save_attributed

    row = _locked(Framework, framework.pk, version)
    rules_editable(row.rule_set)
    errors = framework_errors(
        rule_set=row.rule_set, criteria=criteria, level_conditions=level_conditions, grounds=grounds
    )
    if errors:
        raise ValidationError(errors, code="framework")
    row.criteria, row.level_conditions, row.grounds = criteria, level_conditions, grounds
    row.quarterly, row.quarterly_averaging = quarterly, quarterly_averaging
    return save_attributed(row, by)
