"""Step 7: the grassroots committee decides its members' levels and issues a numbered decision
(DOMAIN.md R3–R6, R10–R12, R17). Every write is atomic and leaves history; an issued decision
locks the levels it lists."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from organizations.collation import name_order
from organizations.models import Kind, Organization

from . import frameworks, machine, quota, rules
from .cell_year import Conflict, _locked, save_attributed
from .counts import counts_refresh
from .followup import remedy_problems
from .meetings import inspection_problems
from .models import (
    AssessmentStatus,
    CanonicalLevel,
    CellState,
    CellYear,
    CollectiveAssessment,
    Decision,
    DecisionKind,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
)

MSG_NOT_SUBMITTED = _("The cell has not submitted its work.")
MSG_PERIOD_CLOSED = _(
    "The year %(year)s is not open: a decided result is corrected by a re-rating decision."
)
MSG_LOCKED = machine.MSG_LOCKED
MSG_NOTE_NEEDED = _("A level different from the cell's proposal needs a reason.")
MSG_OVERRIDE_NEEDED = _("This rule check needs a written reason to be overridden.")
MSG_UNDECIDED = machine.MSG_UNDECIDED
MSG_CAP_TOO_HIGH = _("The cap can be raised to at most %(max)s%%.")
MSG_CAP_REFERENCE = _("A raised cap needs the reference of the decision that raised it.")


@dataclass
class RowCheck:
    """One rule check beside a row: blocking ones cannot be overridden (R6)."""

    rule: str
    message: str
    blocking: bool = False


@dataclass
class MemberRow:
    assessment: MemberAssessment
    level: Level | None
    checks: list[RowCheck] = field(default_factory=list)


def member_checks(
    assessment: MemberAssessment, level: Level | None, rule_set, seats=None
) -> list[RowCheck]:
    """The regulation's checks for deciding `level` for this member, as the rule set words them.
    `seats` (collectives.seats_of for this member) is read when not given: R8, the collectives
    they sat on are decided first and a head is not above the collective."""
    if level is None:
        return []
    from . import collectives

    if seats is None:
        period = assessment.cell_year.period
        seats = collectives.seats_of([assessment.member_id], period).get(assessment.member_id, [])
    checks = [RowCheck("R8", m, blocking=True) for m in collectives.seat_errors(seats, level)]
    if level.maps_to != CanonicalLevel.NOT_COMPLETED:
        for ground in rules.discipline_grounds(
            assessment.member.discipline_records.all(),
            year=assessment.cell_year.period.year,
            rule_set=rule_set,
        ):
            checks.append(RowCheck("R4", ground))
        if assessment.self_level_gap:  # a flag, worded in the reader's language (fault 7)
            checks.append(RowCheck("R3", str(rules.MSG_GAP)))
        for ground in ground_checks(assessment, assessment.cell_year.period):
            checks.append(RowCheck("R5", str(rules.MSG_GROUND % {"ground": ground})))
        # R3 (2025–, issue 15): the shortcomings of an earlier remedial plan remedied
        for message in remedy_problems(
            assessment.member.remedial_plans.all(), level, assessment.cell_year.period.year
        ):
            checks.append(RowCheck("R3", message, blocking=True))
    for message in rules.state_level_errors(
        party_level=level,
        state_level=assessment.state_level,
        capped=frozenset(rule_set.state_level_caps),
        # A recorded state level says the member works in the state system too.
        state_employee=assessment.member.is_state_employee or assessment.state_level is not None,
    ):
        checks.append(RowCheck("R6", message, blocking=True))
    return checks


def ground_checks(assessment: MemberAssessment, period: Period) -> list[str]:
    """R5 (issue 14 item 3): the not-completed grounds that hold for this member in their
    framework, recorded by the decider (flags with a note) or measured (a leader's units); a
    level above not completed then needs a written override."""
    framework = frameworks.framework_of(assessment.member, period)
    if framework is None:
        return []
    measures = frameworks.measures_for(assessment.member, period, framework)
    flags = {flag.code: flag.note for flag in assessment.ground_flags.all()}
    return rules.framework_grounds(framework.grounds, flags=flags, measures=measures)


def grassroots_quota(
    *,
    grassroots: Organization,
    period: Period,
    what_if: Mapping[int, Level] | None = None,
    cap_percent: Decimal | None = None,
) -> quota.QuotaCheck:
    """R10: the quota over every member to be assessed in the grassroots organization, counting
    the decided level, else the cell's proposal; `what_if` replaces some (a live preview)."""
    rule_set = period.rule_set
    rows = MemberAssessment.objects.filter(
        cell_year__period=period,
        cell_year__cell__path__startswith=grassroots.path,
        status=AssessmentStatus.ASSESS,
    ).values_list("pk", "decided_level__maps_to", "proposed_level__maps_to")
    return quota_from_rows(rows, rule_set, what_if, cap_percent)


def quota_from_rows(rows, rule_set, what_if, cap_percent, *, units=False) -> quota.QuotaCheck:
    """Count (pk, decided, proposed) canonical levels, a what-if level replacing some. For
    `units` (cells, grassroots organizations) the quota applies only where the era's rules set
    one (`quota_for_organizations`: not before 2018)."""
    counts = {CanonicalLevel.EXCELLENT: 0, CanonicalLevel.GOOD: 0}
    what_if = what_if or {}
    for pk, decided, proposed in rows:
        canonical = what_if[pk].maps_to if pk in what_if else (decided or proposed)
        if canonical in counts:
            counts[canonical] += 1
    return quota.quota_check(
        excellent=counts[CanonicalLevel.EXCELLENT],
        good=counts[CanonicalLevel.GOOD],
        cap_percent=cap_percent if cap_percent is not None else rule_set.quota_percent,
        denominator=rule_set.quota_denominator,
        applies=not units or rule_set.quota_for_organizations,
    )


def _assessments(cell_year: CellYear) -> list[MemberAssessment]:
    return list(
        cell_year.assessments.filter(status=AssessmentStatus.ASSESS)
        .select_related(
            "member", "proposed_level", "decided_level", "state_level", "self_level", "decision"
        )
        .prefetch_related(
            "member__discipline_records",
            "member__posts",
            "ground_flags",
            "member__remedial_plans__period",
        )
        .order_by(*name_order("member__full_name"), "pk")
    )


def _seats(assessments: list[MemberAssessment], period: Period) -> dict:
    from . import collectives

    return collectives.seats_of([a.member_id for a in assessments], period)


def decision_rows(cell_year: CellYear) -> list[MemberRow]:
    rule_set = cell_year.period.rule_set
    assessments = _assessments(cell_year)
    seats = _seats(assessments, cell_year.period)
    rows = []
    for assessment in assessments:
        level = assessment.decided_level or assessment.proposed_level
        found = member_checks(assessment, level, rule_set, seats.get(assessment.member_id, []))
        rows.append(MemberRow(assessment, level, found))
    return rows


@dataclass(frozen=True)
class Choice:
    """One row of a decision table as the user posted it, with the version it was loaded with."""

    level: Level | None
    note: str = ""
    override_note: str = ""
    state_level: Level | None = None
    version: int | None = None


@dataclass
class Outcome:
    """What a save of a decision table did, by row: saved, refused (why), or stale (the newer
    row). Rows that pass are saved even when others fail (fault 5 of issue 12)."""

    saved: list[int] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    conflicts: dict[int, object] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)  # why rows failed: "locked", "rows"…

    def refuse(self, pk: int, messages: list[str], code: str) -> None:
        self.errors[pk] = messages
        self.codes.append(code)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts

    def by_row(self) -> dict[int, list[str]]:
        """Every row not saved, with why: its refusals, or that it was stale (a conflict)."""
        from .cell_year import MSG_CONFLICT

        rows = {pk: list(msgs) for pk, msgs in self.errors.items()}
        for pk in self.conflicts:
            rows.setdefault(pk, []).append(str(MSG_CONFLICT))
        return rows

    def raise_refusals(self) -> Outcome:
        """For callers that want all or nothing reported: raise when a row was not saved."""
        if not self.ok:
            error = ValidationError(
                {str(pk): [ValidationError(m) for m in msgs] for pk, msgs in self.by_row().items()}
            )
            error.code = (self.codes or ["conflict"])[0]
            raise error
        return self


def _locked_cell_year(cell_year: CellYear) -> CellYear:
    row = (
        CellYear.objects.select_for_update(of=("self",))
        .select_related("period__rule_set")
        .get(pk=cell_year.pk)
    )
    if row.state not in (CellState.SUBMITTED, CellState.DECIDED):
        raise ValidationError(MSG_NOT_SUBMITTED, code="state")
    ensure_open(row.period)
    return row


def ensure_open(period: Period) -> None:
    """A closed year changes only by a re-rating decision (R9), never silently."""
    if not period.is_open():
        raise ValidationError(MSG_PERIOD_CLOSED, params={"year": period.year}, code="closed")


def choice_problems(
    assessment: MemberAssessment, choice: Choice, rule_set, seats=None
) -> list[str]:
    """Why `choice` may not stand for this member: no level; a level other than the cell's
    proposal without a reason; a rule check (R3, R4) without a written override; R6, which
    no reason overrides. Saving and issuing both ask (faults 1 and 2 of issue 12)."""
    if choice.level is None:
        return []  # undecided: issuing says so (machine.rows_decided)
    assessment.state_level = choice.state_level  # R6 is checked against the level posted
    problems = []
    if choice.level != assessment.proposed_level and not choice.note.strip():
        problems.append(str(MSG_NOTE_NEEDED))
    problems += override_problems(
        member_checks(assessment, choice.level, rule_set, seats), choice.override_note
    )
    return problems


def override_problems(checks: Iterable[RowCheck], override_note: str) -> list[str]:
    """What a row's rule checks leave standing: every blocking check (R6, R7, R8), and each
    other one (R3's gap or a level above the derived one, R4, R5's grounds) unless the decider
    wrote an `override_note`, the written override a member or a collective needs alike."""
    overridden = bool(override_note.strip())
    return [
        check.message if check.blocking else f"{check.message} {MSG_OVERRIDE_NEEDED}"
        for check in checks
        if check.blocking or not overridden
    ]


def stored_choice(assessment: MemberAssessment) -> Choice:
    return Choice(
        level=assessment.decided_level,
        note=assessment.decision_note,
        override_note=assessment.override_note,
        state_level=assessment.state_level,
        version=assessment.version,
    )


def member_problems(assessments: list[MemberAssessment]) -> dict[MemberAssessment, list[str]]:
    """Each member's problems as the rows stand now (what issuing checks)."""
    seats = _seats(assessments, assessments[0].cell_year.period) if assessments else {}
    return {
        a: choice_problems(
            a, stored_choice(a), a.cell_year.period.rule_set, seats.get(a.member_id, [])
        )
        for a in assessments
    }


def _changed(assessment: MemberAssessment, choice: Choice) -> bool:
    return (
        choice.level != assessment.decided_level
        or choice.note.strip() != assessment.decision_note
        or choice.override_note.strip() != assessment.override_note
        or choice.state_level != assessment.state_level
    )


@transaction.atomic
def member_levels_decide(*, cell_year: CellYear, choices: Mapping[int, Choice], by) -> Outcome:
    """Record the committee's levels for a submitted cell (not yet locked), row by row: a row
    loaded at an older version is a conflict, an unchanged row is not written, a row that
    fails its checks says why, the others are saved."""
    cell_year = _locked_cell_year(cell_year)
    rule_set = cell_year.period.rule_set
    outcome = Outcome()
    assessments = _assessments(cell_year)
    seats = _seats(assessments, cell_year.period)
    for assessment in assessments:
        choice = choices.get(assessment.pk)
        if choice is None or choice.level is None:
            continue
        try:
            row = _locked(MemberAssessment, assessment.pk, choice.version)
        except Conflict as conflict:
            outcome.conflicts[assessment.pk] = conflict.current
            continue
        if not _changed(row, choice):
            continue
        if row.decision_id:
            outcome.refuse(row.pk, [str(MSG_LOCKED % {"decision": assessment.decision})], "locked")
            continue
        problems = choice_problems(
            assessment, choice, rule_set, seats.get(assessment.member_id, [])
        )
        if problems:
            outcome.refuse(row.pk, problems, "rows")
            continue
        row.state_level = choice.state_level
        row.decided_level = choice.level
        row.decision_note = choice.note.strip()
        row.override_note = choice.override_note.strip()
        save_attributed(row, by, reason=choice.note.strip() or choice.override_note.strip())
        outcome.saved.append(row.pk)
    if outcome.saved:
        counts_refresh(period=cell_year.period, units=[cell_year.cell_id])
    return outcome


@transaction.atomic
def members_decision_issue(
    *,
    cell_year: CellYear,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
    by,
    quota_justification: str = "",
    raised_cap_percent: Decimal | None = None,
    quota_raise_reference: str = "",
) -> Decision:
    """Issue the numbered decision on a cell's members; it locks their levels (step 7). The
    machine refuses it unless every row, as it stands, passes the checks saving runs."""
    cell_year = _locked_cell_year(cell_year)
    period, rule_set = cell_year.period, cell_year.period.rule_set
    issuer = Organization.objects.grassroots_of(cell_year.cell)
    Organization.objects.select_for_update().filter(pk=issuer.pk).first()  # serialize numbering
    assessments = list(
        MemberAssessment.objects.select_for_update(of=("self",))
        .filter(pk__in=[a.pk for a in _assessments(cell_year)])
        .select_related(
            "member",
            "proposed_level",
            "decided_level",
            "state_level",
            "decision",
            "cell_year__period__rule_set",
        )
        .prefetch_related(
            "member__discipline_records",
            "member__posts",
            "ground_flags",
            "member__remedial_plans__period",
        )
    )
    cap = cap_in_force(rule_set, raised_cap_percent, quota_raise_reference)
    check = grassroots_quota(grassroots=issuer, period=period, cap_percent=cap)
    decision = new_decision(
        issuer=issuer,
        period=period,
        kind=DecisionKind.MEMBERS,
        check=check,
        problems=member_problems(assessments),
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        by=by,
        quota_justification=quota_justification,
        quota_raise_reference=quota_raise_reference,
    )
    for assessment in assessments:
        assessment.decision = decision
        save_attributed(assessment, by, reason=str(decision))
    machine.take(cell_year, "decide", by=by, reason=str(decision), decision=decision)
    return decision


def percent_text(value: Decimal) -> str:
    """20 → "20", 25.50 → "25,5" in Vietnamese: a percent as the reader writes it."""
    return number_format(
        value.quantize(Decimal(1)) if value == value.to_integral() else value, use_l10n=True
    )


def cap_in_force(rule_set, raised: Decimal | None, reference: str) -> Decimal:
    if raised is None or raised <= rule_set.quota_percent:
        return rule_set.quota_percent
    if raised > rule_set.quota_raised_percent:
        raise ValidationError(
            MSG_CAP_TOO_HIGH,
            params={"max": percent_text(rule_set.quota_raised_percent)},
            code="cap",
        )
    if not reference.strip():
        raise ValidationError(MSG_CAP_REFERENCE, code="cap_reference")
    return raised


def decided_in(decisions: Iterable[Decision]) -> dict[int, list[MemberAssessment]]:
    """The members each decision lists, for documents."""
    result: dict[int, list[MemberAssessment]] = {}
    for assessment in (
        MemberAssessment.objects.filter(decision__in=list(decisions))
        .select_related("member", "decided_level", "cell_year__cell")
        .order_by("cell_year__cell__path", *name_order("member__full_name"), "pk")
    ):
        result.setdefault(assessment.decision_id, []).append(assessment)
    return result


REASON_MAX = machine.REASON_MAX
MSG_RERATING_FINAL = machine.MSG_RERATING_FINAL
MSG_HIGHER_FIRST = machine.MSG_HIGHER_FIRST


def higher_locked(decision: Decision) -> bool:
    """Whether a decision or submission above relies on the levels `decision` lists."""
    if decision.kind == DecisionKind.MEMBERS:
        cell_years = CellYear.objects.filter(assessments__decision=decision).distinct()
        if cell_years.filter(decision__isnull=False).exists():
            return True  # the cell's own level is locked
        units = {Organization.objects.grassroots_of(cy.cell) for cy in cell_years}
    elif decision.kind == DecisionKind.UNITS:
        units = {decision.issuer}
    elif decision.kind == DecisionKind.COLLECTIVES:
        return collectives_relied_on(decision)
    else:
        return False
    return GrassrootsYear.objects.filter(
        period=decision.period,
        organization__in=[u for u in units if u is not None],
        state__in=machine.DONE_STATES,
    ).exists()


def collectives_relied_on(decision: Decision) -> bool:
    """R8: a decision on collectives is relied on once a member who sat on one of them that
    year, or a collective of a unit above, has a level locked by a decision."""
    from organizations.models import CollectiveSeat

    rows = list(decision.collective_assessments.select_related("collective__organization"))
    members = CollectiveSeat.objects.in_year(decision.period.year).filter(
        collective__in=[r.collective_id for r in rows]
    )
    if MemberAssessment.objects.filter(
        cell_year__period=decision.period,
        member__in=members.values("member"),
        decision__isnull=False,
    ).exists():
        return True
    above = {
        path[:end]
        for path in (r.collective.organization.path for r in rows)
        for end in range(Organization.steplen, len(path), Organization.steplen)
    }
    return CollectiveAssessment.objects.filter(
        period=decision.period,
        collective__organization__path__in=above,
        decision__isnull=False,
    ).exists()


@transaction.atomic
def decision_reopen(*, decision: Decision, reason: str, by) -> Decision:
    """R17: the deciding role reopens a decision with a written reason; its levels become
    editable again (cells and organizations go back to "submitted") and the old ones stay in
    history. The number is not reused. Higher work that relies on the levels must be reopened
    or returned first (R8): the machine's guards."""
    decision = (
        Decision.objects.select_for_update().select_related("issuer", "period").get(pk=decision.pk)
    )
    reason = reason.strip()

    def unlock(decision: Decision) -> None:
        assessments = list(decision.assessments.select_for_update())
        for row in [*assessments, *decision.cell_years.select_for_update()]:
            row.decision = None
            save_attributed(row, by, reason=reason)
        for row in decision.grassroots_years.select_for_update().select_related(
            "organization", "period"
        ):
            row.decision = None
            machine.take(row, "reopen", by=by, reason=reason)
        for row in decision.collective_assessments.select_for_update().select_related(
            "collective", "period"
        ):
            row.decision = None
            machine.take(row, "reopen", by=by, reason=reason)
        for cell_year in (
            CellYear.objects.select_for_update()
            .select_related("cell", "period")
            .filter(pk__in={a.cell_year_id for a in assessments}, state=CellState.DECIDED)
        ):
            machine.take(cell_year, "reopen", by=by, reason=reason)

    machine.take(decision, "reopen", by=by, reason=reason, then=unlock)
    return decision


# --- Step 7 for subordinate cells (R7) ----------------------------------------------------------

MSG_MEMBERS_FIRST = _("Decide and issue the levels of the cell's members first.")


@dataclass
class CellRow:
    cell_year: CellYear
    level: Level | None
    checks: list[RowCheck] = field(default_factory=list)


def _cell_years(grassroots: Organization, period: Period) -> list[CellYear]:
    return list(
        CellYear.objects.for_period(period)
        .filter(
            cell__path__startswith=grassroots.path,
            cell__kind=Kind.SUBORDINATE_CELL,
            state__in=machine.DONE_STATES,
        )
        .select_related("cell", "proposed_level", "decided_level", "decision")
        .prefetch_related("cell__remedial_plans__period")
        .order_by("cell__path")
    )


def unit_checks(cell_year: CellYear, level: Level | None, rule_set, below: dict) -> list[RowCheck]:
    """R7 for a cell rated excellent; R8: members decided first, and the head not above it."""
    levels_below, disciplined, undecided, head_level = below.get(cell_year.pk, ([], 0, 0, None))
    checks = []
    if undecided:
        checks.append(RowCheck("R8", str(MSG_MEMBERS_FIRST), blocking=True))
    if level is not None and head_level is not None:
        checks += [
            RowCheck("R8", m, blocking=True)
            for m in rules.head_level_errors(head_level=head_level, unit_level=level)
        ]
    if level is not None and level.maps_to == CanonicalLevel.EXCELLENT:
        for message in rules.excellent_unit_errors(
            rule_set=rule_set, levels_below=levels_below, disciplined_below=disciplined
        ):
            checks.append(RowCheck("R7", message, blocking=True))
        for message in remedy_problems(
            cell_year.cell.remedial_plans.all(), level, cell_year.period.year
        ):
            checks.append(RowCheck("R3", message, blocking=True))  # issue 15
    return checks


def _below(cell_years: list[CellYear], year: int) -> dict[int, tuple]:
    """Per cell year: its members' decided levels, leaders disciplined in the year, members not
    yet locked by an issued decision, and its head's decided level. Two queries for all."""
    from . import collectives

    result = {cy.pk: ([], 0, 0, None) for cy in cell_years}
    if not cell_years:
        return result
    assessments = MemberAssessment.objects.filter(
        cell_year__in=cell_years, status=AssessmentStatus.ASSESS
    ).select_related("decided_level", "member")
    for a in assessments:
        levels, disciplined, undecided, head = result[a.cell_year_id]
        if a.decision_id and a.decided_level:
            levels.append(a.decided_level)
        else:
            undecided += 1
        result[a.cell_year_id] = (levels, disciplined, undecided, head)
    # R8 for every kind of head: the member marked its head, the head of its committee.
    cells = [cy.cell for cy in cell_years]
    heads = collectives.head_levels(cells, cell_years[0].period)
    # R7: leaders in the cell and members of its committee disciplined in the year.
    leaders: dict[int, set[int]] = {}
    for cell_year_id, member_id in MemberAssessment.objects.filter(
        cell_year__in=cell_years,
        member__holds_leadership_post=True,
        member__discipline_records__decided_on__year=year,
    ).values_list("cell_year_id", "member_id"):
        leaders.setdefault(cell_year_id, set()).add(member_id)
    seated = collectives.leaders_disciplined(cells, year)
    for cy in cell_years:
        levels, _disciplined, undecided, _head = result[cy.pk]
        found = leaders.get(cy.pk, set()) | seated.get(cy.cell_id, set())
        head = min(heads.get(cy.cell_id, []), key=lambda lv: lv.rank, default=None)
        result[cy.pk] = (levels, len(found), undecided, head)
    return result


def cell_rows(grassroots: Organization, period: Period) -> list[CellRow]:
    cell_years = _cell_years(grassroots, period)
    below = _below(cell_years, period.year)
    rows = []
    for cell_year in cell_years:
        level = cell_year.decided_level or cell_year.proposed_level
        rows.append(
            CellRow(cell_year, level, unit_checks(cell_year, level, period.rule_set, below))
        )
    return rows


def cells_quota(
    *,
    grassroots: Organization,
    period: Period,
    what_if: Mapping[int, Level] | None = None,
    cap_percent: Decimal | None = None,
) -> quota.QuotaCheck:
    """R10's default group for cells: the subordinate cells of one grassroots committee."""
    rows = [
        (
            cy.pk,
            cy.decided_level.maps_to if cy.decided_level else None,
            cy.proposed_level.maps_to if cy.proposed_level else None,
        )
        for cy in _cell_years(grassroots, period)
    ]
    return quota_from_rows(rows, period.rule_set, what_if, cap_percent, units=True)


def _cell_problems(grassroots: Organization, period: Period):
    """`problems(row, level)` for the subordinate cells: R7 and R8 (members first, the head
    not above the cell), as the rows stand below them, and R21: the committee inspects a cell's
    meetings before classifying it (issue 16). Saving and issuing both ask it."""
    below = _below(_cell_years(grassroots, period), period.year)
    return lambda row, level: (
        [c.message for c in unit_checks(row, level, period.rule_set, below) if c.blocking]
        + inspection_problems(cell=row.cell, period=period)
    )


@transaction.atomic
def cell_levels_decide(
    *, grassroots: Organization, period: Period, choices: Mapping[int, Choice], by
) -> Outcome:
    """The committee's levels for its subordinate cells (not yet locked), row by row."""
    return unit_levels_decide(
        model=CellYear,
        rows=_cell_years(grassroots, period),
        choices=choices,
        by=by,
        problems=_cell_problems(grassroots, period),
    )


def unit_problems(row, level: Level | None, problems) -> list[str]:
    """Why `level` may not stand for a unit row: none; its rule checks; a level other than the
    proposal without a reason (the reason as posted, or as stored when issuing)."""
    if level is None:
        return []  # undecided: issuing says so (machine.rows_decided)
    return list(problems(row, level))


def unit_levels_decide(*, model, rows, choices: Mapping[int, Choice], by, problems) -> Outcome:
    """Record decided levels on unit rows (cell years, grassroots years or collectives' years)
    not yet locked: a stale row is a conflict, an unchanged row is not written, a row that
    fails its checks (`problems(row, level)`, which read the row's `override_note` as posted
    where the row has one, and a reason for a level other than the proposal) says why; the
    others are saved (faults 4 and 5 of issue 12)."""
    allowed = {row.pk for row in rows}
    outcome = Outcome()
    touched = set()
    for pk, choice in choices.items():
        if pk not in allowed or choice.level is None:
            continue
        try:
            row = _locked(model, pk, choice.version)
        except Conflict as conflict:
            outcome.conflicts[pk] = conflict.current
            continue
        ensure_open(row.period)
        # a collective's year carries the written override of a rule check, as a member's does
        overridable = hasattr(row, "override_note")
        override = choice.override_note.strip() if overridable else ""
        if (
            choice.level == row.decided_level
            and choice.note.strip() == row.decision_note
            and (not overridable or override == row.override_note)
        ):
            continue
        if row.decision_id:
            outcome.refuse(pk, [str(MSG_LOCKED % {"decision": row.decision})], "locked")
            continue
        if overridable:
            row.override_note = override  # the checks read the override as posted
        found = unit_problems(row, choice.level, problems)
        if choice.level != row.proposed_level and not choice.note.strip():
            found.append(str(MSG_NOTE_NEEDED))
        if found:
            outcome.refuse(pk, found, "rows")
            continue
        row.decided_level, row.decision_note = choice.level, choice.note.strip()
        save_attributed(row, by, reason=choice.note.strip() or override)
        outcome.saved.append(pk)
        unit = getattr(row, "cell_id", None) or getattr(row, "organization_id", None)
        if unit is not None:  # a collective's year is not among the summary's counts
            touched.add((row.period, unit))
    for period, unit in touched:
        counts_refresh(period=period, units=[unit])
    return outcome


def stored_unit_problems(rows, problems) -> dict:
    """Each unit row's problems as it stands now (what issuing checks)."""
    result = {}
    for row in rows:
        found = unit_problems(row, row.decided_level, problems)
        if row.decided_level and row.decided_level != row.proposed_level:
            if not row.decision_note.strip():
                found.append(str(MSG_NOTE_NEEDED))
        result[row] = found
    return result


@transaction.atomic
def cells_decision_issue(*, grassroots: Organization, period: Period, by, **document) -> Decision:
    """Issue the decision on the levels of the subordinate cells decided and not yet locked."""
    return units_decision_issue(
        issuer=grassroots,
        period=period,
        by=by,
        pending=lambda: _cell_years(grassroots, period),
        problems=_cell_problems(grassroots, period),
        quota_of=lambda cap: cells_quota(grassroots=grassroots, period=period, cap_percent=cap),
        **document,
    )


def units_decision_issue(
    *,
    issuer: Organization,
    period: Period,
    by,
    pending,
    problems,
    quota_of,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
    quota_justification: str = "",
    raised_cap_percent: Decimal | None = None,
    quota_raise_reference: str = "",
    kind: str = DecisionKind.UNITS,
) -> Decision:
    """Lock the rows not yet locked (cell years, grassroots years or collectives' years) that
    `pending()` gives under a new numbered decision of `issuer` (of `kind`), when each passes
    `problems(row, level)` as it stands; `quota_of(cap)` checks R10–R12. A grassroots year and
    a collective's year become decided."""
    Organization.objects.select_for_update().filter(pk=issuer.pk).first()  # serialize numbering
    rows = [row for row in pending() if not row.decision_id]
    cap = cap_in_force(period.rule_set, raised_cap_percent, quota_raise_reference)
    decision = new_decision(
        issuer=issuer,
        period=period,
        kind=kind,
        check=quota_of(cap),
        problems=stored_unit_problems(rows, problems),
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        by=by,
        quota_justification=quota_justification,
        quota_raise_reference=quota_raise_reference,
    )
    for row in rows:
        row.decision = decision
        if isinstance(row, GrassrootsYear | CollectiveAssessment):
            machine.take(row, "decide", by=by, reason=str(decision))
        else:
            save_attributed(row, by, reason=str(decision))
    return decision


def new_decision(
    *,
    issuer,
    period,
    kind,
    check,
    problems,
    signed_on,
    signer_name,
    signer_title,
    by,
    quota_justification,
    quota_raise_reference,
    after=None,
) -> Decision:
    """A numbered decision, issued through the machine: its guards check the year, every row
    it lists (`problems`: row → what fails) and the quota `check`; `after(decision)` writes
    what needs the saved decision (machine.take)."""
    decision = Decision(
        period=period,
        issuer=issuer,
        kind=kind,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        issued_by=by,
        quota_justification=quota_justification.strip() if not check.ok else "",
        quota_cap_percent=check.cap_percent,
        quota_raise_reference=quota_raise_reference.strip(),
    )

    def number(decision: Decision) -> Decision:
        decision.number = next_number(issuer, period)
        return decision

    return machine.take(
        decision,
        "issue",
        by=by,
        then=number,
        after=after,
        problems=problems,
        check=check,
        quota_justification=quota_justification,
    )


def next_number(issuer: Organization, period: Period) -> int:
    """Numbers run per issuing body and year; the caller holds a lock on the issuer's row."""
    return (
        Decision.objects.filter(issuer=issuer, period=period).aggregate(n=Max("number"))["n"] or 0
    ) + 1
