"""Workflow steps of the assessment year (STYLE.md: keyword-only, atomic, attributable)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Deadline, Period, PeriodState, RuleSet

MSG_YEAR_EXISTS = _("The year %(year)s already exists.")
MSG_RULE_SET_YEAR = _("The rule set “%(rule_set)s” does not cover the year %(year)s.")


def rule_set_for_year(year: int) -> RuleSet | None:
    """The rule set in force in `year` (R1), the newest first when several cover it."""
    for rule_set in RuleSet.objects.filter(first_year__lte=year).order_by("-first_year"):
        if rule_set.covers(year):
            return rule_set
    return None


@transaction.atomic
def period_create(
    *,
    year: int,
    by: AbstractBaseUser | None,
    rule_set: RuleSet | None = None,
    state: str = PeriodState.OPEN,
    assessment_date: datetime.date | None = None,
) -> Period:
    """Open a year: its rule set, its assessment date and a deadline per level (R19 defaults)."""
    if Period.objects.filter(year=year).exists():
        raise ValidationError(MSG_YEAR_EXISTS, params={"year": year})
    rule_set = rule_set or rule_set_for_year(year)
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
    Deadline.objects.bulk_create(
        Deadline(period=period, level=default.level, due=default.date_for(year))
        for default in rule_set.deadline_defaults.all()
    )
    return period
