"""Leadership collectives as assessed subjects (issue 14 items 1 and 4; DOMAIN.md R7, R8, R18).

A collective's year runs like a cell's: its review (form 01 for collectives), a meeting of the
collective that votes its proposed level, the submission to the body that manages it, that
body's decided level and numbered decision (kind "collectives"), returns and reopening with a
reason. Every state change goes through assessment/machine.py.

Order (R8, Quy định 366-QĐ/TW art. 12): the collective before its members and its head (a
member who sat on it that year is decided only once its level is locked, and its head never
above it); lower levels before higher (a collective is decided only after the collectives of
the units below its unit).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from members.models_posts import FrameworkKind
from organizations.models import CELL_KINDS, LeadershipCollective, Organization
from organizations.models_collectives import (
    PARTY_KINDS,
    CollectiveKind,
    CollectiveSeat,
    SeatRole,
    managing_unit,  # noqa: F401 (the collective's pages read it here)
    managing_units,
)

from . import frameworks, machine, rules
from .cell_year import _locked, get_or_open, save_attributed, save_starting
from .decisions import (
    Choice,
    Outcome,
    RowCheck,
    ensure_open,
    override_problems,
    quota_from_rows,
    unit_levels_decide,
    units_decision_issue,
)
from .models import (
    AssessmentStatus,
    CanonicalLevel,
    CellState,
    CellYear,
    CollectiveAssessment,
    DecisionKind,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
)
from .models_frameworks import Framework, GroundFlag

MSG_CLOSED = _("This work is closed: the year is not open or the collective has submitted it.")
MSG_PRESENT_ABOVE_SEATS = _(
    "%(present)s present is more than the %(seats)s members who sit on the collective."
)
MSG_SCORE = _("The self-score must be a number between 0 and %(max)s.")
MSG_REPORT_MISSING = _("the collective's review (form 01) is not written")
MSG_MEETING_MISSING = _("the collective's meeting is not recorded")
MSG_NO_PROPOSAL = _("the meeting's votes give no proposed level")
MSG_NO_QUORUM = _("%(present)s of %(seats)s members present is not a quorum")
MSG_BELOW_FIRST = _(
    "The collectives of the units below must be decided first (lower levels before higher): "
    "%(names)s."
)
MSG_COLLECTIVE_FIRST = _(
    "Decide the leadership collective “%(collective)s” first: a collective is decided before "
    "its members and its head."
)
MSG_HEAD_ABOVE_COLLECTIVE = _(
    "The head's level may not be above the level of the collective “%(collective)s” (%(level)s)."
)
MSG_UNITS_FIRST = _("Decide the leadership collectives of the organization first: %(names)s.")
MSG_ABOVE_DERIVED = _(
    "Above the level the collective framework derives from the collective's self-score and "
    "conditions (%(level)s)."
)


# --- Reading -------------------------------------------------------------------------------------


def collective_year_find(
    *, period: Period, collective: LeadershipCollective
) -> CollectiveAssessment:
    """The collective's year as stored, else an unsaved one not started (reads only)."""
    return CollectiveAssessment.objects.filter(period=period, collective=collective).select_related(
        "period__rule_set", "proposed_level", "decided_level", "decision"
    ).first() or (CollectiveAssessment(period=period, collective=collective))


def collective_years_of(
    unit: Organization, period: Period
) -> list[tuple[LeadershipCollective, CollectiveAssessment]]:
    """The unit's leadership collectives, each with its year in `period` as stored, else an
    unsaved one not started (two queries for any number of collectives)."""
    years = {
        row.collective_id: row
        for row in CollectiveAssessment.objects.filter(
            period=period, collective__organization=unit
        ).select_related("proposed_level", "decided_level", "decision")
    }
    return [
        (c, years.get(c.pk) or CollectiveAssessment(period=period, collective=c))
        for c in unit.collectives.all()
    ]


def seats_in(collective: LeadershipCollective, year: int) -> list[CollectiveSeat]:
    """Who sat on the collective at some time in `year`, the head first."""
    order = {SeatRole.HEAD: 0, SeatRole.DEPUTY: 1, SeatRole.MEMBER: 2}
    seats = list(
        CollectiveSeat.objects.in_year(year)
        .filter(collective=collective)
        .select_related("member", "collective")
    )
    return sorted(seats, key=lambda s: (order[s.role], s.member.full_name, s.pk))


def collective_levels(rule_set) -> list[Level]:
    """The levels a collective may get: the rule set's organization levels, best first."""
    return list(rule_set.levels.for_organizations().order_by("rank"))


# --- The collective's work (steps 4–6) -----------------------------------------------------------


def collective_year_open(
    *, period: Period, collective: LeadershipCollective, by
) -> CollectiveAssessment:
    """Open the collective's year (an explicit step, attributed to `by`)."""
    return get_or_open(CollectiveAssessment, by=by, period=period, collective=collective)


def _open_row(pk: int, version: int | None) -> CollectiveAssessment:
    row = _locked(CollectiveAssessment, pk, version)
    row = CollectiveAssessment.objects.select_related("period__rule_set", "collective").get(pk=pk)
    if not row.is_editable():
        raise ValidationError(MSG_CLOSED, code="closed")
    return row


def _score(raw, score_max: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > score_max:
        raise ValidationError({"self_score": MSG_SCORE % {"max": score_max}})
    return value


def collective_framework(period: Period) -> Framework | None:
    """The year's framework for leadership collectives (form 01, R3; Quy định 366 art. 10–11):
    its criteria, conditions per level and R5's grounds. None in an era without frameworks."""
    return frameworks.frameworks_by_code(period.rule_set).get(FrameworkKind.COLLECTIVE)


@dataclass
class CollectiveFacts:
    """What the checks and suggestions of some collectives' years read (R3, R5, R7, R8), each
    kind of fact read once for all of them: the year's collective framework and organization
    levels; per row pk, the grounds recorded (code → note) and the collectives below still
    undecided (names, R8); per collective pk, the facts its framework's measured conditions
    and grounds read (R5, R7; the measures the rule sets' `frameworks` name):
    `disciplined_below`, the members of the collective that year disciplined in the year (no
    leadership member disciplined, for excellent); `members_disciplined`, those of them
    disciplined for a duty-related violation (a ground for not completed, Quy định 366);
    `subordinates_not_completed`, the units directly under its unit decided not completed this
    year (2023–2024), absent while none of them has a decided level."""

    framework: Framework | None
    levels: list[Level]
    flags: dict[int, dict[str, str]]
    measures: dict[int, dict]
    undecided_below: dict[int, list[str]]


def _discipline_counts(collective_ids: list[int], year: int) -> dict[int, dict]:
    """Per collective: its members that year disciplined in the year, and those disciplined
    for a duty-related violation (one grouped query)."""
    in_year = Q(member__discipline_records__decided_on__year=year)
    duty = in_year & Q(member__discipline_records__duty_related=True)
    rows = (
        CollectiveSeat.objects.in_year(year)
        .filter(collective__in=collective_ids)
        .values("collective")
        .annotate(
            any_=Count("member", distinct=True, filter=in_year),
            duty=Count("member", distinct=True, filter=duty),
        )
    )
    found = {r["collective"]: (r["any_"], r["duty"]) for r in rows}
    return {
        pk: dict(
            zip(("disciplined_below", "members_disciplined"), found.get(pk, (0, 0)), strict=True)
        )
        for pk in collective_ids
    }


def _children_not_completed(units: list[Organization], period: Period) -> dict[int, int | None]:
    """Per unit: how many units directly under it are decided not completed in `period`; None
    while it has children and none of them has a decided level (three queries)."""
    if not units:
        return {}
    step = Organization.steplen
    wanted = Q()
    for unit in units:
        wanted |= Q(depth=unit.depth + 1, path__startswith=unit.path)
    children = list(Organization.objects.filter(wanted).only("pk", "path", "kind", "depth"))
    cells = [c.pk for c in children if c.kind in CELL_KINDS]
    others = [c.pk for c in children if c.kind not in CELL_KINDS]
    decided = dict(
        CellYear.objects.filter(
            period=period, cell_id__in=cells, decided_level__isnull=False
        ).values_list("cell_id", "decided_level__maps_to")
    )
    decided |= dict(
        GrassrootsYear.objects.filter(
            period=period, organization_id__in=others, decided_level__isnull=False
        ).values_list("organization_id", "decided_level__maps_to")
    )
    by_parent: dict[str, list[Organization]] = {}
    for child in children:
        by_parent.setdefault(child.path[:-step], []).append(child)
    result = {}
    for unit in units:
        mine = by_parent.get(unit.path, [])
        levels = [decided[c.pk] for c in mine if c.pk in decided]
        result[unit.pk] = (
            sum(1 for lv in levels if lv == CanonicalLevel.NOT_COMPLETED)
            if levels or not mine
            else None
        )
    return result


def _undecided_below(rows: list[CollectiveAssessment], period: Period) -> dict[int, list[str]]:
    """R8 for each row: the collectives of units strictly below its collective's unit assessed
    this year and not locked by a decision (their names, in tree order; one query)."""
    units = {row.collective.organization.path for row in rows}
    if not units:
        return {}
    step = Organization.steplen
    common = os.path.commonprefix(sorted(units))
    common = common[: len(common) // step * step]
    below = list(
        CollectiveAssessment.objects.filter(
            period=period,
            status=AssessmentStatus.ASSESS,
            collective__organization__path__startswith=common,
            decision__isnull=True,
        )
        .select_related("collective__organization")
        .order_by("collective__organization__path", "collective__kind", "collective__name")
    )
    result = {}
    for row in rows:
        path = row.collective.organization.path
        result[row.pk] = [
            str(r.collective)
            for r in below
            if r.collective.organization.path.startswith(path)
            and r.collective.organization.path != path
        ]
    return result


def collective_facts(rows: Iterable[CollectiveAssessment], period: Period) -> CollectiveFacts:
    """The facts `collective_checks` and `collective_suggestion` read for `rows` (years of
    `period`, their collective and its organization loaded), in a number of queries that does
    not grow with the rows (STYLE.md 7): the framework and levels once, recorded grounds,
    disciplined members, decided subordinate units and undecided collectives below one query
    per kind."""
    rows = list(rows)
    saved = [row.pk for row in rows if row.pk is not None]
    flags: dict[int, dict[str, str]] = {pk: {} for pk in saved}
    if saved:
        content_type = ContentType.objects.get_for_model(CollectiveAssessment)
        for object_id, code, note in GroundFlag.objects.filter(
            content_type=content_type, object_id__in=saved
        ).values_list("object_id", "code", "note"):
            flags[object_id][code] = note
    collective_ids = sorted({row.collective_id for row in rows})
    measures = _discipline_counts(collective_ids, period.year)
    units = {row.collective.organization_id: row.collective.organization for row in rows}
    below = _children_not_completed(list(units.values()), period)
    for row in rows:
        count = below[row.collective.organization_id]
        if count is not None:
            measures[row.collective_id]["subordinates_not_completed"] = count
    return CollectiveFacts(
        framework=collective_framework(period),
        levels=collective_levels(period.rule_set),
        flags=flags,
        measures=measures,
        undecided_below=_undecided_below([r for r in rows if r.pk is not None], period),
    )


def collective_derive(
    row: CollectiveAssessment, framework: Framework, *, flags=None, facts=None
) -> rules.SelfAssessment:
    """R3 and R5 for a collective under `framework` (rules.framework_level): the highest of the
    rule set's organization levels whose score band and conditions hold for its self-score and
    ticked conditions, with the failing condition named; not completed when a ground holds
    (recorded `flags`, code → note, or measured); not completed with a gap when none holds.
    `facts` (collective_facts) gives the levels and measures already read."""
    facts = facts or collective_facts([row], row.period)
    return rules.framework_level(
        levels=facts.levels,
        level_conditions=framework.level_conditions,
        grounds=framework.grounds,
        score=row.self_score,
        conditions=row.conditions,
        measures=facts.measures[row.collective_id],
        flags=flags,
    )


@transaction.atomic
def collective_review_save(
    *,
    row: CollectiveAssessment,
    by,
    version: int | None,
    strengths: str,
    shortcomings: str,
    causes: str,
    remedies: str,
    prompts_answer: str = "",
    scores: Mapping[str, object] | None = None,
    conditions: Mapping[str, bool] | None = None,
    self_score=None,
    self_level: Level | None = None,
) -> CollectiveAssessment:
    """Form 01 for collectives (step 4): the collective's review and its answer to the review
    prompts, and its self-assessment. Under a collective framework (2023–) the collective
    scores the framework's criteria (`scores`: item code → points; 2025: common criteria up to
    30 and task results up to 70, R3) and ticks its conditions (`conditions`: code → bool); the
    self-score is their total and the self-rated level derives from them (collective_derive:
    the failing condition, the gap). Without `scores` and `conditions` (an era without
    frameworks, or a caller that has only a total) the self-score (0 to the rule set's maximum)
    and self-rated level are taken as given. Raises ValidationError for a score out of range
    (naming the criterion), a closed year or a submitted collective; Conflict on a stale
    `version`. The history and `self_review_entered_by` name who entered it."""
    row = _open_row(row.pk, version)
    framework = collective_framework(row.period)
    row.report_strengths, row.report_shortcomings = strengths.strip(), shortcomings.strip()
    row.report_causes, row.report_remedies = causes.strip(), remedies.strip()
    row.prompts_answer = prompts_answer.strip()
    if framework is not None and (scores is not None or conditions is not None):
        row.scores, row.self_score = frameworks.scores_parse(
            frameworks.framework_criteria(framework), scores or {}
        )
        row.conditions = {code: bool(value) for code, value in (conditions or {}).items()}
        result = collective_derive(row, framework)
        row.self_level, row.self_level_notes, row.self_level_gap = (
            result.level,
            result.notes,
            result.gap,
        )
    else:
        row.self_score = _score(self_score, row.period.rule_set.score_max or 100)
        row.self_level, row.scores, row.conditions = self_level, {}, {}
        row.self_level_notes, row.self_level_gap = [], False
    row.self_review_entered_by = by
    return save_starting(row, by, reason=str(_("Review saved")))


MSG_STATUS_REASON = _("Choose a reason that fits the status: %(reasons)s.")


@transaction.atomic
def collective_status_set(
    *, row: CollectiveAssessment, status: str, reason_code: str, by, version: int | None
) -> CollectiveAssessment:
    """Whether the collective is reviewed this year (R28 row 3, R14): to be assessed (no
    reason), not classified as a newly established collective (`rules.UNIT_KPL_REASONS`), or
    not yet classified for a reason of R14 (`rules.CPL_REASONS`, rated later). Only while its
    year is open and not submitted. Returns the row, saved with history attributed to `by`.
    Raises ValidationError naming `reason_code` for a reason that does not fit the status,
    Conflict on a stale `version`."""
    row = _open_row(row.pk, version)
    allowed = {
        AssessmentStatus.ASSESS: {""},
        AssessmentStatus.NOT_CLASSIFIED: set(rules.UNIT_KPL_REASONS),
        AssessmentStatus.PENDING: set(rules.CPL_REASONS),
    }[AssessmentStatus(status)]
    if reason_code not in allowed:
        reasons = ", ".join(sorted(allowed - {""})) or "—"
        raise ValidationError({"reason_code": MSG_STATUS_REASON % {"reasons": reasons}})
    row.status, row.reason_code = status, reason_code
    return save_attributed(row, by, reason=str(row.get_status_display()))


def status_reason_label(row: CollectiveAssessment) -> str:
    """Why the collective is not reviewed this year, or not yet (its reason code worded)."""
    labels = {**rules.UNIT_KPL_REASONS, **rules.CPL_REASONS}
    return str(labels.get(row.reason_code, row.reason_code))


@dataclass(frozen=True)
class MeetingCount:
    seats: int  # members who sit on the collective on the meeting day (the vote's base, R18)
    present: int
    quorum: bool
    proposal: Level | None


def meeting_count(row: CollectiveAssessment) -> MeetingCount:
    """R18 for a collective: the base is its members sitting on the meeting day (else in the
    year); the meeting needs the rule set's quorum; the proposal is the highest level whose
    votes for it or higher reach its threshold of that base."""
    rule_set = row.period.rule_set
    day = row.meeting_held_on
    seats = [
        s
        for s in seats_in(row.collective, row.period.year)
        if day is None or (s.start <= day and (s.end is None or s.end >= day))
    ]
    present = row.meeting_present or 0
    return MeetingCount(
        seats=len(seats),
        present=present,
        quorum=rules.quorum_met(
            present=present,
            counted=len(seats),
            numerator=rule_set.quorum_numerator,
            denominator=rule_set.quorum_denominator,
        ),
        proposal=rules.proposed_level(
            row.votes or {}, collective_levels(rule_set), counted=len(seats)
        ),
    )


@transaction.atomic
def collective_meeting_save(
    *,
    row: CollectiveAssessment,
    by,
    version: int | None,
    held_on: datetime.date | None,
    present: int | None,
    minutes: str,
    votes: Mapping[str, int | None],
) -> CollectiveAssessment:
    """The collective's review meeting (steps 5–6): its date, members present, discussion and
    votes per level (level code → votes). The proposed level follows from the votes (R18).
    Raises ValidationError naming the field when more are present than sit on the collective
    or votes exceed those present; Conflict on a stale `version`."""
    row = _open_row(row.pk, version)
    codes = {lv.code for lv in collective_levels(row.period.rule_set)}
    votes = {code: n for code, n in votes.items() if code in codes and n is not None}
    row.meeting_held_on, row.meeting_present = held_on, present
    row.meeting_minutes, row.votes = minutes.strip(), votes
    count = meeting_count(row)
    if present is not None and present > count.seats:
        raise ValidationError(
            {
                "meeting_present": MSG_PRESENT_ABOVE_SEATS
                % {"present": present, "seats": count.seats}
            }
        )
    errors = rules.vote_errors(votes, present=present or 0)
    if errors:
        raise ValidationError({"votes": errors})
    row.proposed_level = count.proposal
    return save_starting(row, by, reason=str(_("Meeting saved")))


def submission_missing(row: CollectiveAssessment) -> list[str]:
    """What the collective still lacks to submit (the machine's guard): its review, its
    meeting with a quorum, a proposed level. Empty when complete."""
    missing = []
    if not row.report_strengths.strip():
        missing.append(str(MSG_REPORT_MISSING))
    if row.meeting_held_on is None:
        missing.append(str(MSG_MEETING_MISSING))
    else:
        count = meeting_count(row)
        if not count.quorum:
            missing.append(str(MSG_NO_QUORUM % {"present": count.present, "seats": count.seats}))
        if row.proposed_level_id is None:
            missing.append(str(MSG_NO_PROPOSAL))
    return missing


def _locked_row(row: CollectiveAssessment) -> CollectiveAssessment:
    return (
        CollectiveAssessment.objects.select_for_update(of=("self",))
        .select_related("collective__organization", "period__rule_set")
        .get(pk=row.pk)
    )


@transaction.atomic
def collective_submit(*, row: CollectiveAssessment, by) -> CollectiveAssessment:
    """Step 6 → 7/8: the collective's review and proposed level go to its managing body."""
    row = _locked_row(row)
    machine.take(row, "submit", by=by)  # the history names the step, not the state again
    return row


@transaction.atomic
def collective_return(*, row: CollectiveAssessment, reason: str, by) -> CollectiveAssessment:
    """R17: the managing body's board returns the collective's work with a written reason."""
    row = _locked_row(row)
    machine.take(row, "return", by=by, reason=reason.strip())
    return row


# --- Deciding (step 7/8 for collectives) ---------------------------------------------------------


def managed_collectives(manager: Organization, period: Period, *, any_state: bool = False):
    """The collectives' years the `manager`'s board decides (submitted or decided; with
    `any_state`, all of them), in tree order: the only rows its pages list, decide, return and
    issue (a step their state does not allow is then the machine's refusal)."""
    states = CellState.values if any_state else machine.DONE_STATES
    rows = (
        CollectiveAssessment.objects.filter(
            period=period,
            collective__organization__path__startswith=manager.path,
            state__in=states,
        )
        .select_related(
            "collective__organization",
            "proposed_level",
            "decided_level",
            "decision",
            "period__rule_set",
        )
        .order_by("collective__organization__path", "collective__kind", "collective__name")
    )
    rows = list(rows)
    managers = managing_units(r.collective for r in rows)
    return [r for r in rows if managers[r.collective_id] == manager]


@dataclass
class CollectiveRow:
    collective_assessment: CollectiveAssessment
    level: Level | None
    checks: list = field(default_factory=list)
    suggestion: rules.SelfAssessment | None = None  # what the collective framework derives


def collective_rows(manager: Organization, period: Period) -> list[CollectiveRow]:
    """The managing board's table: each collective with the level shown (decided, else
    proposed), the level its framework suggests (collective_suggestion) and its rule checks
    (collective_checks: R7, R8 blocking; R3, R5 overridden in writing), their facts read once
    for all the rows (collective_facts)."""
    rows = managed_collectives(manager, period)
    facts = collective_facts(rows, period)
    result = []
    for row in rows:
        level = row.decided_level or row.proposed_level
        result.append(
            CollectiveRow(
                row,
                level,
                collective_checks(row, level, facts=facts),
                collective_suggestion(row, facts=facts),
            )
        )
    return result


def collective_suggestion(
    row: CollectiveAssessment, *, facts: CollectiveFacts | None = None
) -> rules.SelfAssessment | None:
    """The level the collective framework suggests at the proposal and decision (R3, R5): as
    collective_derive gives it now, with the grounds the decider recorded. None in an era
    without frameworks or while the collective has scored nothing under its framework.
    `facts` (collective_facts) are the facts already read for the page's rows."""
    framework = facts.framework if facts else collective_framework(row.period)
    if framework is None or not (row.scores or row.conditions):
        return None
    facts = facts or collective_facts([row], row.period)
    return collective_derive(row, framework, flags=facts.flags.get(row.pk, {}), facts=facts)


def collective_grounds(
    row: CollectiveAssessment, *, facts: CollectiveFacts | None = None
) -> list[str]:
    """R5 for a collective: the grounds for not completed that hold now, recorded by the
    deciding board (with their note) or measured (a member disciplined for a duty-related
    violation). Empty in an era without frameworks."""
    framework = facts.framework if facts else collective_framework(row.period)
    if framework is None or row.pk is None:
        return []
    facts = facts or collective_facts([row], row.period)
    return rules.framework_grounds(
        framework.grounds,
        flags=facts.flags.get(row.pk, {}),
        measures=facts.measures[row.collective_id],
    )


def collective_checks(
    row: CollectiveAssessment, level: Level | None, *, facts: CollectiveFacts | None = None
) -> list[RowCheck]:
    """The rule checks for deciding `level` for this collective: R8 and R7 (collective_problems),
    blocking; and, above not completed, each ground of R5 that holds, or else a level above the
    one the framework derives (R3; the gap when no level's conditions hold), each of which the
    decider overrides only in writing (decisions.override_problems). `facts` as read for the
    page's rows, else read for this row."""
    if level is None:
        return []
    facts = facts or collective_facts([row], row.period)
    checks = [
        RowCheck("R8/R7", m, blocking=True) for m in collective_problems(row, level, facts=facts)
    ]
    if level.maps_to == CanonicalLevel.NOT_COMPLETED:
        return checks
    grounds = collective_grounds(row, facts=facts)
    checks += [RowCheck("R5", str(rules.MSG_GROUND % {"ground": g})) for g in grounds]
    suggestion = None if grounds else collective_suggestion(row, facts=facts)
    if suggestion is not None and suggestion.level and level.rank < suggestion.level.rank:
        if suggestion.gap:
            checks.append(RowCheck("R3", str(rules.MSG_GAP)))
        else:
            message = str(MSG_ABOVE_DERIVED % {"level": suggestion.level.name})
            checks.append(RowCheck("R3", " ".join([message, *suggestion.notes[:1]])))
    return checks


def collective_row_problems(row: CollectiveAssessment, level: Level | None) -> list[str]:
    """Why `level` may not stand for this collective as the row stands (its `override_note` as
    posted when saving, as stored when issuing): its checks, overridden in writing where they
    may be."""
    if level is None:
        return []
    return override_problems(collective_checks(row, level), row.override_note)


def undecided_below(row: CollectiveAssessment) -> list[str]:
    """R8, lower levels first: the collectives of units strictly below this collective's unit
    that are assessed this year and not yet locked by a decision (their names)."""
    return _undecided_below([row], row.period)[row.pk]


def collective_problems(
    row: CollectiveAssessment, level: Level | None, *, facts: CollectiveFacts | None = None
) -> list[str]:
    """Why `level` may not stand for this collective: lower levels first (R8) and, for
    excellent, R7 as the rule set words it (2025–: no member of the collective disciplined)."""
    if level is None:
        return []
    facts = facts or collective_facts([row], row.period)
    problems = []
    names = facts.undecided_below.get(row.pk, [])
    if names:
        problems.append(str(MSG_BELOW_FIRST % {"names": ", ".join(names)}))
    if level.maps_to == CanonicalLevel.EXCELLENT:
        problems += rules.excellent_unit_errors(
            rule_set=row.period.rule_set,
            levels_below=[],
            disciplined_below=facts.measures[row.collective_id]["disciplined_below"],
        )
    return problems


def collectives_quota(*, manager: Organization, period: Period, cap_percent=None):
    """R10 over like subjects: the collectives one body manages."""
    rows = [
        (
            r.pk,
            r.decided_level.maps_to if r.decided_level else None,
            r.proposed_level.maps_to if r.proposed_level else None,
        )
        for r in managed_collectives(manager, period)
    ]
    return quota_from_rows(rows, period.rule_set, None, cap_percent, units=True)


@transaction.atomic
def collective_levels_decide(
    *, manager: Organization, period: Period, choices: Mapping[int, Choice], by
) -> Outcome:
    """The managing board's levels for its collectives (not yet locked), row by row: stale rows
    are conflicts; rows failing `collective_row_problems` (R7, R8; R3 and R5 without a written
    override) or lacking a reason for a level other than the proposal say why; the others are
    saved with history."""
    ensure_open(period)
    return unit_levels_decide(
        model=CollectiveAssessment,
        rows=managed_collectives(manager, period),
        choices=choices,
        by=by,
        problems=collective_row_problems,
    )


@transaction.atomic
def collectives_decision_issue(*, manager: Organization, period: Period, by, **document) -> object:
    """The managing body's numbered decision on its collectives' levels (kind "collectives"):
    locks every decided row not yet locked, each collective becomes decided (the machine's
    guards: lower levels first, every row passing its checks, the quota)."""
    rows = managed_collectives(manager, period)
    return units_decision_issue(
        issuer=manager,
        period=period,
        by=by,
        kind=DecisionKind.COLLECTIVES,
        pending=lambda: rows,
        problems=collective_row_problems,
        quota_of=lambda cap: collectives_quota(manager=manager, period=period, cap_percent=cap),
        **document,
    )


# --- The collective before its members and its head (R8) -----------------------------------------


@dataclass(frozen=True)
class Seat:
    collective: str
    head: bool
    assessed: bool  # the collective has a year to be assessed in this period
    level: Level | None  # its level once locked by a decision


def seats_of(member_ids: Iterable[int], period: Period) -> dict[int, list[Seat]]:
    """Per member: the collectives they sat on in the period's year, whether they head it, and
    the collective's locked level. Two queries for any number of members."""
    seats = list(
        CollectiveSeat.objects.in_year(period.year)
        .filter(member__in=list(member_ids))
        .select_related("collective")
    )
    years = {
        r.collective_id: r
        for r in CollectiveAssessment.objects.filter(
            period=period, collective__in={s.collective_id for s in seats}
        ).select_related("decided_level")
    }
    result: dict[int, list[Seat]] = {}
    for s in seats:
        year = years.get(s.collective_id)
        assessed = year is not None and year.status == AssessmentStatus.ASSESS
        level = year.decided_level if assessed and year.decision_id else None
        result.setdefault(s.member_id, []).append(
            Seat(str(s.collective), s.role == SeatRole.HEAD, assessed, level)
        )
    return result


def seat_errors(seats: list[Seat], level: Level | None) -> list[str]:
    """R8 for one member's `level`: every collective they sat on and that is assessed this year
    is decided first; a head's level is not above the collective's."""
    if level is None:
        return []
    errors = []
    for seat in seats:
        if seat.assessed and seat.level is None:
            errors.append(str(MSG_COLLECTIVE_FIRST % {"collective": seat.collective}))
        elif (
            seat.head
            and seat.level is not None
            and rules.head_level_errors(head_level=level, unit_level=seat.level)
        ):
            errors.append(
                str(
                    MSG_HEAD_ABOVE_COLLECTIVE
                    % {"collective": seat.collective, "level": seat.level.name}
                )
            )
    return errors


def undecided_collectives_of(unit: Organization, period: Period) -> list[str]:
    """The unit's own collectives assessed this year and not yet locked by a decision: the
    party organization comes after its collective (R8). Their names."""
    return [
        str(r.collective)
        for r in CollectiveAssessment.objects.filter(
            period=period,
            collective__organization=unit,
            status=AssessmentStatus.ASSESS,
            decision__isnull=True,
        ).select_related("collective")
    ]


def heads_of(units: Iterable[Organization], year: int) -> dict[int, set[int]]:
    """R8 for every kind of head: per unit, the members who head it that year: the head of its
    party committee or standing committee, and (for a cell) the member marked its head."""
    from members.models import Member

    units = list(units)
    result: dict[int, set[int]] = {u.pk: set() for u in units}
    for unit_id, member_id in (
        CollectiveSeat.objects.in_year(year)
        .heads()
        .filter(collective__organization__in=units, collective__kind__in=PARTY_KINDS)
        .values_list("collective__organization_id", "member_id")
    ):
        result[unit_id].add(member_id)
    for cell_id, member_id in Member.objects.filter(cell__in=units, is_unit_head=True).values_list(
        "cell_id", "pk"
    ):
        result[cell_id].add(member_id)
    return result


def head_levels(units: Iterable[Organization], period: Period) -> dict[int, list[Level]]:
    """Per unit: the locked levels of its heads this year (see `heads_of`)."""
    heads = heads_of(units, period.year)
    members = {m for found in heads.values() for m in found}
    levels = {
        a.member_id: a.decided_level
        for a in MemberAssessment.objects.filter(
            cell_year__period=period, member__in=members, decision__isnull=False
        ).select_related("decided_level")
    }
    return {unit: [levels[m] for m in found if m in levels] for unit, found in heads.items()}


def unit_head_errors(head_levels_: list[Level], level: Level | None) -> list[str]:
    """R8: the unit's `level` is not below the level of any of its heads."""
    if level is None:
        return []
    return [
        message
        for head in head_levels_
        for message in rules.head_level_errors(head_level=head, unit_level=level)
    ][:1]


def leaders_disciplined(units: Iterable[Organization], year: int) -> dict[int, set[int]]:
    """R7 (2025–): per unit, the members of its own leadership collectives that year who were
    disciplined in the year (member ids)."""
    result: dict[int, set[int]] = {}
    seated = CollectiveSeat.objects.in_year(year).filter(
        collective__organization__in=list(units), member__discipline_records__decided_on__year=year
    )
    for unit_id, member_id in seated.values_list("collective__organization_id", "member_id"):
        result.setdefault(unit_id, set()).add(member_id)
    return result


# --- The collective and its seats ----------------------------------------------------------------

MSG_SEAT_MEMBER_OUTSIDE = _("The member is not in the unit's tree.")


@transaction.atomic
def collective_create(
    *, organization: Organization, kind: str, name: str, by
) -> LeadershipCollective:
    """A unit's new leadership collective (attributed to `by`). Raises ValidationError when the
    unit already has a collective of that kind and name."""
    collective = LeadershipCollective(organization=organization, kind=kind, name=name.strip())
    collective.full_clean()
    collective._history_user = by
    collective.save()
    return collective


@transaction.atomic
def seat_add(
    *,
    collective: LeadershipCollective,
    member,
    role: str,
    start: datetime.date,
    end: datetime.date | None,
    by,
) -> CollectiveSeat:
    """Seat `member` (of the collective's unit's tree) on `collective` from `start` to `end`.
    Raises ValidationError naming the field (dates in order, the member in the tree)."""
    if not member.cell.path.startswith(collective.organization.path):
        raise ValidationError({"member": MSG_SEAT_MEMBER_OUTSIDE})
    seat = CollectiveSeat(collective=collective, member=member, role=role, start=start, end=end)
    seat.full_clean()
    seat._history_user = by
    seat.save()
    return seat


def _seat_role(title: str) -> str:
    """The seat a party post gives: its secretary heads the committee, a deputy secretary is its
    deputy, anyone else a member (the post's title as typed, e.g. "Bí thư Đảng ủy")."""
    title = title.casefold()
    if "phó bí thư" in title:
        return SeatRole.DEPUTY
    if title.startswith("bí thư"):
        return SeatRole.HEAD
    return SeatRole.MEMBER


def _sits_on(collective: LeadershipCollective, title: str) -> bool:
    """A party committee takes every party post on its unit; a standing committee its
    secretaries and the posts that name it (ủy viên ban thường vụ)."""
    if collective.kind == CollectiveKind.PARTY_COMMITTEE:
        return True
    if collective.kind == CollectiveKind.STANDING_COMMITTEE:
        title = title.casefold()
        return "thường vụ" in title or "bí thư" in title
    return False


def post_seats(collective: LeadershipCollective, posts) -> list[CollectiveSeat]:
    """The seats `posts` (party posts on the collective's unit, members.Post) give on
    `collective`, unsaved: one per post the collective takes (a party committee every one, a
    standing committee its secretaries and "thường vụ"), with the post's member and dates and
    the role its title gives. The rule seats_from_posts applies, for bulk writers (the demo)."""
    return [
        CollectiveSeat(
            collective=collective,
            member_id=post.member_id,
            post=post,
            role=_seat_role(post.title),
            start=post.start,
            end=post.end,
        )
        for post in posts
        if _sits_on(collective, post.title)
    ]


@transaction.atomic
def seats_from_posts(*, collective: LeadershipCollective, by) -> list[CollectiveSeat]:
    """Derive the collective's seats from the party posts held on its unit (members.Post of
    kind "party" whose organization is the collective's unit), so a post is typed once (issue
    14 item 5): a post without a seat gets one (its member, dates and the role its title
    gives); a seat already derived follows its post's dates. Government and mass-organization
    leaderships have no unit in the tree to read and are seated by hand. Returns the seats
    created or changed, each saved with history attributed to `by`."""
    from members.models_posts import Post, PostKind

    if collective.kind not in PARTY_KINDS:
        return []
    posts = Post.objects.filter(
        kind=PostKind.PARTY, organization=collective.organization
    ).select_related("member")
    linked = {
        seat.post_id: seat
        for seat in CollectiveSeat.objects.select_for_update().filter(
            collective=collective, post__isnull=False
        )
    }
    changed = []
    for post in posts:
        if not _sits_on(collective, post.title):
            continue
        seat = linked.get(post.pk)
        if seat is None:
            seat = CollectiveSeat(
                collective=collective, member=post.member, post=post, role=_seat_role(post.title)
            )
        elif (seat.start, seat.end) == (post.start, post.end):
            continue
        else:
            seat.version += 1
        seat.start, seat.end = post.start, post.end
        seat._history_user = by
        seat._change_reason = str(post)
        seat.save()
        changed.append(seat)
    return changed
