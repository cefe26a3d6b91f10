"""Quarterly assessment of leaders and managers (R27, Kết luận 198, form 05; issue 14 item 6):
open a quarter, draw its roster from posts, enter a leader's quarter, take its steps through
the machine, and read the quarters back as evidence for the year and as late work.

Every write is atomic and attributed; rows carry their version (optimistic locking).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from members.models import Member, framework_on
from organizations.models import Organization

from . import frameworks, machine, rules
from .cell_year import _locked, save_attributed
from .models import Level, Period
from .models_quarters import Quarter, QuarterAssessment, QuarterAssessmentState

MSG_QUARTER_EXISTS = _("Quarter %(number)s of %(year)s is already open.")
MSG_QUARTER_NUMBER = _("A year has quarters 1 to 4.")
MSG_YEAR_NOT_OPEN = _("The year %(year)s is not open.")
MSG_NO_QUARTERLY = _("The rules of %(year)s assess no one quarterly.")
MSG_QUARTER_CLOSED = _("This quarter's result cannot be changed: it is submitted or decided.")
MSG_LEVEL_NEEDED = _("Choose the decided level.")
MSG_NOTE_NEEDED = _("A level different from the self-assessed one needs a reason.")


def quarterly_framework_codes(period: Period) -> set[str]:
    """The frameworks the year's rule set assesses each quarter (R27: leaders and managers)."""
    return {
        code for code, f in frameworks.frameworks_by_code(period.rule_set).items() if f.quarterly
    }


@transaction.atomic
def quarter_open(*, period: Period, number: int, by, due: datetime.date | None = None) -> Quarter:
    """Open quarter `number` (1–4) of an open year and draw its roster (quarter_roster_refresh).
    `due` defaults to 15 days after the quarter ends. Raises ValidationError for a closed
    year, a quarter already open, or rules that assess no one quarterly (before 2025)."""
    if number not in range(1, 5):
        raise ValidationError(MSG_QUARTER_NUMBER, code="number")
    # the year as it stands, locked: a year closed meanwhile opens no quarter
    period = Period.objects.select_for_update().select_related("rule_set").get(pk=period.pk)
    if not period.is_open():
        raise ValidationError(MSG_YEAR_NOT_OPEN, params={"year": period.year}, code="closed")
    if not quarterly_framework_codes(period):
        raise ValidationError(MSG_NO_QUARTERLY, params={"year": period.year}, code="rules")
    if Quarter.objects.filter(period=period, number=number).exists():
        raise ValidationError(
            MSG_QUARTER_EXISTS, params={"number": number, "year": period.year}, code="exists"
        )
    quarter = Quarter(
        period=period, number=number, due=due or Quarter.default_due(period.year, number)
    )
    quarter._history_user = by
    quarter.save()
    quarter_roster_refresh(quarter=quarter, by=by)
    return quarter


@transaction.atomic
def quarter_roster_refresh(*, quarter: Quarter, by) -> int:
    """Add to the quarter every current member whose posts make them a leader (a framework
    assessed quarterly) at the quarter's end; returns how many were added. Rows already there
    stay: a leader who left the post keeps what they wrote."""
    codes = quarterly_framework_codes(quarter.period)
    present = set(quarter.assessments.values_list("member_id", flat=True))
    new = []
    for member in Member.objects.current().exclude(pk__in=present).prefetch_related("posts"):
        kind = framework_on(member, quarter.end)
        if kind in codes:
            new.append(QuarterAssessment(quarter=quarter, member=member, framework=kind))
    bulk_create_with_history(new, QuarterAssessment, default_user=by)
    return len(new)


def quarter_close(*, quarter: Quarter, by) -> Quarter:
    """Close a quarter (the provincial board): its results change no more."""
    with transaction.atomic():
        quarter = Quarter.objects.select_for_update().select_related("period").get(pk=quarter.pk)
        return machine.take(quarter, "close", by=by)


def framework_of(assessment: QuarterAssessment):
    return frameworks.framework_get(assessment.quarter.period.rule_set, assessment.framework)


def _derive(row: QuarterAssessment, framework) -> rules.SelfAssessment:
    period = row.quarter.period
    return rules.framework_level(
        levels=list(period.rule_set.levels.for_members().order_by("rank")),
        level_conditions=framework.level_conditions,
        grounds=framework.grounds,
        score=row.self_score,
        conditions=row.conditions,
        measures=frameworks.measures_for(row.member, period, framework),
        flags=frameworks.flags_of(row),
    )


@transaction.atomic
def quarter_review_save(
    *,
    assessment: QuarterAssessment,
    results: str,
    shortcomings: str,
    scores: Mapping[str, object],
    conditions: Mapping[str, bool],
    by,
    version: int | None,
) -> QuarterAssessment:
    """Save a leader's quarter (form 05): what they did, shortcomings, a score per criterion of
    their framework and the conditions they tick; the self-assessed level derives from them
    (R3, R5: rules.framework_level). Raises ValidationError when the quarter is closed or the
    row submitted, or a score is out of range (naming the criterion); cell_year.Conflict for a
    stale version."""
    row = _locked(QuarterAssessment, assessment.pk, version)
    row.quarter, row.member = assessment.quarter, assessment.member
    if not row.is_editable():
        raise ValidationError(MSG_QUARTER_CLOSED, code="closed")
    framework = framework_of(row)
    row.scores, row.self_score = frameworks.scores_parse(
        frameworks.framework_criteria(framework), scores
    )
    row.conditions = {code: bool(value) for code, value in conditions.items()}
    row.results, row.shortcomings = results.strip(), shortcomings.strip()
    result = _derive(row, framework)
    row.self_level, row.self_level_notes = result.level, result.notes
    return save_attributed(row, by)


@transaction.atomic
def quarter_step(
    *,
    assessment: QuarterAssessment,
    name: str,
    by,
    reason: str = "",
    level: Level | None = None,
    note: str = "",
    override_note: str = "",
    version: int | None = None,
) -> QuarterAssessment:
    """Take step `name` ("submit", "return", "decide", "reopen") on a leader's quarter through
    the machine (its guards say who may and what must hold; machine.Refused says why not).
    Deciding records `level` with a `note` when it differs from the self-assessed level and an
    `override_note` when a ground of R5 holds."""
    row = _locked(QuarterAssessment, assessment.pk, version)
    row = (
        QuarterAssessment.objects.select_related("quarter__period__rule_set", "member__cell")
        .prefetch_related("ground_flags")
        .get(pk=row.pk)
    )
    return machine.take(
        row,
        name,
        by=by,
        reason=reason,
        level=level,
        note=note.strip(),
        override_note=override_note.strip(),
    )


def grounds_holding(row: QuarterAssessment) -> list[str]:
    """R5: the grounds for not completed that hold for a leader's quarter: recorded by the
    decider (with their note) or measured on the units they lead."""
    framework = framework_of(row)
    measures = frameworks.measures_for(row.member, row.quarter.period, framework)
    return frameworks.subject_grounds(row, framework, measures)


# --- Reading the quarters back -----------------------------------------------------------------


@dataclass
class Evidence:
    """A member's quarters of a year, shown on the annual review (R27): evidence, and an
    average of the decided quarters' scores only when the framework averages them."""

    rows: list[QuarterAssessment]
    average: Decimal | None = None


def quarterly_evidence(member: Member, period: Period) -> Evidence:
    rows = list(
        QuarterAssessment.objects.filter(member=member, quarter__period=period)
        .select_related("quarter", "self_level", "decided_level")
        .order_by("quarter__number")
    )
    average = None
    if rows:
        framework = frameworks.frameworks_by_code(period.rule_set).get(rows[-1].framework)
        scored = [
            r.self_score
            for r in rows
            if r.state == QuarterAssessmentState.DECIDED and r.self_score is not None
        ]
        if framework is not None and framework.quarterly_averaging and scored:
            average = (sum(scored) / len(scored)).quantize(Decimal("0.01"))
    return Evidence(rows, average)


def quarter_assessments_in(unit: Organization, quarter: Quarter) -> QuerySet:
    """The quarter's leaders whose cell lies in `unit`'s subtree, by name."""
    from organizations.collation import name_order

    return (
        quarter.assessments.filter(member__cell__path__startswith=unit.path)
        .select_related("member__cell", "self_level", "decided_level")
        .order_by(*name_order("member__full_name"), "pk")
    )


def late_quarter_assessments(unit: Organization, period: Period, today: datetime.date) -> QuerySet:
    """R19 for quarters: leaders in `unit`'s subtree whose quarter's result is not decided after
    its due date (late work is still accepted, and marked)."""
    return (
        QuarterAssessment.objects.filter(
            quarter__period=period,
            quarter__due__lt=today,
            member__cell__path__startswith=unit.path,
        )
        .exclude(state=QuarterAssessmentState.DECIDED)
        .select_related("quarter", "member__cell")
        .order_by("quarter__number", "member__cell__path", "member__full_name")
    )


def quarters_with_counts(period: Period, *, members: QuerySet) -> QuerySet:
    """The year's quarters with their number of leaders and of decided results among `members`
    (the viewer's scope, members.access.visible_members: a subtree's, or a member's own)."""
    mine = Q(assessments__member__in=members.values("pk"))
    decided = Q(assessments__state=QuarterAssessmentState.DECIDED)
    return period.quarters.annotate(
        n_leaders=Count("assessments", filter=mine),
        n_decided=Count("assessments", filter=mine & decided),
    ).order_by("number")


LATE_SHOWN = 20


def late_quarters(unit: Organization, period: Period, today: datetime.date) -> dict:
    """The progress dashboard's late quarters (R27, R19): how many, the first LATE_SHOWN, and
    how many more."""
    # one query: the total rides along each row (a window over the whole set, before the limit)
    rows = list(
        late_quarter_assessments(unit, period, today).annotate(total=Window(Count("pk")))[
            :LATE_SHOWN
        ]
    )
    total = rows[0].total if rows else 0
    return {"total": total, "rows": rows, "rest": max(total - LATE_SHOWN, 0)}


def today() -> datetime.date:
    return timezone.localdate()
