"""Workflow steps of the assessment year (STYLE.md: keyword-only, atomic, attributable)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Deadline, Period, PeriodState, RuleSet
from .rule_sets import original, rule_set_clone
from .tree_years import tree_snapshot_take_on_commit

MSG_YEAR_EXISTS = _("The year %(year)s already exists.")
MSG_RULE_SET_YEAR = _("The rule set “%(rule_set)s” does not cover the year %(year)s.")


def rule_set_for_year(year: int) -> RuleSet | None:
    """The rule set in force in `year` (R1). When several cover it the newest wins: the latest
    first year, then the latest made (a clone over its source)."""
    candidates = RuleSet.objects.filter(first_year__lte=year).order_by("-first_year", "-pk")
    for rule_set in candidates:
        if rule_set.covers(year):
            return rule_set
    return None


# R19: the central report on a year is due by 1 March of the next year; until then that year's
# review is the one under way.
REVIEW_ENDS = (3, 1)  # (month, day) of the next year


def year_under_review(today: datetime.date) -> int:
    """The assessment year whose review is under way on `today` (R19): the current calendar
    year from 1 March, the previous one before (its reports run until 1 March). 30/11/2026 →
    2026; 15/01/2027 → 2026."""
    return today.year if (today.month, today.day) >= REVIEW_ENDS else today.year - 1


@transaction.atomic
def period_create(
    *,
    year: int,
    by: AbstractBaseUser | None,
    rule_set: RuleSet | None = None,
    state: str = PeriodState.OPEN,
    assessment_date: datetime.date | None = None,
) -> Period:
    """Open a year: its rule set, its assessment date and a deadline per level (R19 defaults).

    Every year opened here has rules of its own (R1: "opening a new year clones the rule set;
    changing the clone never changes a past year"). Without `rule_set` the year takes the rule
    set in force (rule_set_for_year). If another year already uses that rule set, the new year
    gets a clone of it instead, coded "<original code>-<year>" (QD366-2025-2026), from this
    year on; being the newest, the clone is then in force for the years after, which start from
    this year's rules (QD366-2025-2027 is cloned from QD366-2025-2026). A rule set no year uses
    yet is taken as it is: the first year of an era, or a clone the provincial board prepared
    and edited for the new year before opening it. When a later year already uses the rule set
    (a year opened late), the clone covers this year only, so that it does not take over the
    later years.

    A `rule_set` passed in is used as it is, even when shared: the import of past results
    (reports.imports) reads their level codes against the rule set it names, and a closed past
    year's rules are the regulation's, which nobody edits.
    """
    if Period.objects.filter(year=year).exists():
        raise ValidationError(MSG_YEAR_EXISTS, params={"year": year})
    if rule_set is None:
        rule_set = rule_set_for_year(year)
        if rule_set is not None and rule_set.periods.exists():
            rule_set = _year_clone(rule_set, year=year, by=by)
    if rule_set is None or not rule_set.covers(year):
        raise ValidationError(MSG_RULE_SET_YEAR, params={"rule_set": rule_set, "year": year})
    period = Period(
        year=year,
        rule_set=rule_set,
        state=state,
        assessment_date=assessment_date or datetime.date(year, 12, 1),
    )
    period._history_user = by
    period.save()
    if state == PeriodState.CLOSED:
        tree_snapshot_take_on_commit(period=period)
    Deadline.objects.bulk_create(
        Deadline(period=period, level=default.level, due=default.date_for(year))
        for default in rule_set.deadline_defaults.all()
    )
    return period


def _year_clone(source: RuleSet, *, year: int, by: AbstractBaseUser | None) -> RuleSet:
    """The rule set of a new year whose rule set in force another year already uses."""
    later = source.periods.filter(year__gt=year).exists()
    return rule_set_clone(
        source=source,
        code=f"{original(source).code}-{year}",
        first_year=year,
        last_year=year if later else source.last_year,
        by=by,
    )


MSG_NOT_OPEN = _("Only an open year can be closed.")


@transaction.atomic
def period_close(*, period: Period, by: AbstractBaseUser | None) -> Period:
    """Close a year: its results change from now on only by re-rating decisions (R9), and its
    tree is frozen for its reports (assessment.tree_years, R22)."""
    from . import machine

    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != PeriodState.OPEN:
        raise ValidationError(MSG_NOT_OPEN, code="state")
    machine.take(period, "close", by=by)
    return period
