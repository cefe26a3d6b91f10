"""The state machines of the assessed subjects, declared in one place (STYLE.md rule 8).

Subjects: the assessment year (`Period`), the cell's year (`CellYear`, steps 2–7), the
grassroots organization's year (`GrassrootsYear`, steps 7–8 and 8b), a leadership collective's
year (`CollectiveAssessment`, issue 14), and decisions on members, on units and on collectives
(`Decision`); after the decision (issue 15): a member not yet classified rated later
(`LaterRating`, R14) with its decision, re-ratings of members and units (R9, form 03), and
complaints (`Complaint`), which change a closed year too: the only steps that may, each
explicit and attributed. Each transition names its sources and target, who may take it, the
guards that must hold (the year open, lower levels first R8, the rule checks of every row a
decision lists, the quota R10–R12, a written reason R17) and its effects (fields set, the
history row with its author and reason, the notice to the next actor, the summary's counts).
`take()` is the only code that assigns a state; a test greps the source for any other.

A small transition table rather than django-fsm-2: a refusal here must say *why* in the user's
language (django-fsm's conditions are booleans and raise a bare TransitionNotAllowed), the
guards need the acting user and other rows, and a transition's work (numbering a decision,
locking the rows it lists) runs between its guards and its state change, in the caller's
transaction (`then=`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from organizations.models import Kind, Organization, Role
from organizations.notifications import notify, users_with_role

from . import rules
from .counts import counts_follow
from .models import (
    AssessmentStatus,
    CellState,
    CellYear,
    CollectiveAssessment,
    Commendation,
    CommendationState,
    Complaint,
    ComplaintState,
    Decision,
    DecisionKind,
    DecisionState,
    GrassrootsYear,
    LaterRating,
    LaterRatingState,
    Period,
    PeriodState,
    Quarter,
    QuarterAssessment,
    QuarterAssessmentState,
    QuarterState,
)
from .tree_years import tree_snapshot_take_on_commit

# The one home of "still open" and "done" for a cell's or an organization's year.
OPEN_STATES = frozenset({CellState.NOT_STARTED, CellState.IN_PROGRESS, CellState.RETURNED})
DONE_STATES = frozenset({CellState.SUBMITTED, CellState.DECIDED})
NEW = ""  # the state of a decision not yet saved

MSG_STATE = _("“%(transition)s” is not possible: the state is “%(state)s”.")
MSG_WHO = _("You do not hold the role that may take the step “%(transition)s”.")
MSG_YEAR_CLOSED = _(
    "The year %(year)s is not open: a decided result is corrected by a re-rating decision."
)
MSG_REASON = _("Give a written reason.")
MSG_REASON_LONG = _("A reason may hold at most %(max)s characters.")
REASON_MAX = 5000
MSG_CHECKLIST = _("The submission checklist is not complete.")
MSG_PROPOSED = _("Propose the organization's own level.")
MSG_LOWER_FIRST = _(
    "Every cell's members and every subordinate cell must be decided by an issued decision "
    "before the organization submits its own level."
)
MSG_LOCKED = _("These levels are locked by decision %(decision)s; reopen it to change them.")
MSG_NOTHING = _("There is nothing decided to issue.")
MSG_UNDECIDED = _("%(n)s members have no decided level yet.")
MSG_UNDECIDED_UNITS = _("%(n)s party organizations have no decided level yet.")
MSG_UNDECIDED_COLLECTIVES = _("%(n)s leadership collectives have no decided level yet.")
MSG_ROW = _("%(row)s: %(problem)s")
# Each count names what it counts (members, or party organizations for units' decisions).
MSG_QUOTA = _(
    "%(excellent)s members rated excellent of a base of %(base)s members exceed the %(cap)s%% "
    "quota (at most %(allowed)s): give a justification or a decision raising the cap."
)
MSG_QUOTA_UNITS = _(
    "%(excellent)s party organizations rated excellent of a base of %(base)s party "
    "organizations exceed the %(cap)s%% quota (at most %(allowed)s): give a justification or a "
    "decision raising the cap."
)
MSG_QUOTA_COLLECTIVES = _(
    "%(excellent)s leadership collectives rated excellent of a base of %(base)s collectives "
    "exceed the %(cap)s%% quota (at most %(allowed)s): give a justification or a decision "
    "raising the cap."
)
MSG_UNLISTED = _("Only a decision that lists them decides these levels.")
MSG_RERATING_FINAL = _("A re-rating decision is not reopened; a further re-rating corrects it.")
MSG_QUARTER_CLOSED = _("%(quarter)s is closed, or its year is.")
MSG_OVERRIDE = _("Give a written reason to override it.")
MSG_RESULTS = _("Write the results of the quarter first.")
MSG_COMMENDATION_FINAL = _(
    "A commendation decision is not reopened; a re-rating of the result it rests on flags it."
)
MSG_LATER_FINAL = _(
    "A decision on members rated later is not reopened; a re-rating decision corrects it."
)
MSG_NOT_PENDING = _(
    "Only a member left “not yet classified” is rated later; this member's status is “%(status)s”."
)
MSG_CELL_NOT_DECIDED = _(
    "The cell's members are not decided yet: a member not yet classified is rated with them, or "
    "after the decision."
)
MSG_LATER_REVIEW = _("The member's self-review is not written yet.")
MSG_LATER_MEETING = _(
    "Give the date of the cell's meeting, the full members that count and those present."
)
MSG_LATER_MEETING_BEFORE = _("The cell's meeting cannot be before the end of %(year)s.")
MSG_LATER_QUORUM = _(
    "The meeting had no quorum: %(present)s present of %(counted)s full members that count."
)
MSG_LATER_NO_PROPOSAL = _("No level reached the votes needed: the cell votes again.")
MSG_LATER_UNLISTED = _("Only a decision that lists the member decides their level.")
MSG_COMPLAINT_WINDOW = _(
    "A complaint against decision %(decision)s could be filed until %(until)s (%(days)s days "
    "from its date)."
)
MSG_COMPLAINT_DECISION = _("Decision %(decision)s is not in force: there is nothing to contest.")
MSG_COMPLAINT_TEXT = _("Write the complaint.")
MSG_COMPLAINT_OUTCOME = _("Say whether the complaint is upheld or rejected.")
MSG_COMPLAINT_RERATED = _("An upheld complaint needs the re-rating decision it led to.")
MSG_HIGHER_FIRST = _(
    "A decision above depends on these levels (lower levels are decided first): reopen it, or "
    "have the organization's report returned, first."
)


class Refused(ValidationError):
    """A transition that may not be taken; `messages` say why, in the active language, and
    `code` names the first failing check ("state", "who", or the guard's code)."""

    def __init__(self, found: list[tuple[str, str]]):
        super().__init__([ValidationError(message, code=code) for code, message in found])
        self.code = found[0][0]


Guard = Callable[[Any, dict], Iterable[str]]


def guard(code: str):
    """Name a guard's refusals with `code` (tests and callers tell refusals apart by it)."""

    def mark(function: Guard) -> Guard:
        function.code = code
        return function

    return mark


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any  # a lazy translation: the step as the interface names it
    source: frozenset[str]
    target: str
    who: Callable[[Any, Any], bool] | None  # (user, row) → may take it; None: the system
    guards: tuple[Guard, ...] = ()
    effects: tuple[Callable[[Any, dict], None], ...] = ()  # fields set before the save
    notices: tuple[Callable[[Any, dict], None], ...] = ()  # after the save
    bump: bool = True  # a new version for optimistic locking (R17: the row changed)


@dataclass(frozen=True)
class Machine:
    subject: str
    states: type
    transitions: dict[str, Transition] = field(default_factory=dict)


# --- Who (DOMAIN.md section 6: the actor of each step) ------------------------------------------


def _access():
    from . import access  # access reads the models too; imported when first asked

    return access


def _secretary(user, cell_year: CellYear) -> bool:
    return _access().can_enter_cell_work(user, cell_year.cell)


def _committee(user, cell_year: CellYear) -> bool:
    return _access().can_decide_cell_work(user, cell_year.cell)


def _own_committee(user, row: GrassrootsYear) -> bool:
    return _access().can_submit_grassroots(user, row.organization)


def _deciding_board(user, row: GrassrootsYear) -> bool:
    """Only the board of the superior that decides this unit (fault 3 of issue 12)."""
    superior = Organization.objects.deciding_superior(row.organization)
    return _access().can_decide_for_superior(user, superior)


def _issuer_board(user, decision: Decision) -> bool:
    issuer = decision.issuer
    if decision.kind in (DecisionKind.UNITS, DecisionKind.COLLECTIVES) and (
        issuer.decides_grassroots
    ):
        return _access().can_decide_for_superior(user, issuer)
    if decision.kind == DecisionKind.RERATING:
        return True  # rerating_grounds_for_user decides who re-rates (R9)
    if decision.kind == DecisionKind.LATER:
        return True  # the later ratings it lists each ask their committee (R14)
    if decision.kind == DecisionKind.COMMENDATION:
        return _access().can_decide_commendations(user, issuer)
    return _access().can_decide_cell_work(user, issuer)


def _collective_unit(user, row: CollectiveAssessment) -> bool:
    return _access().can_enter_collective_work(user, row.collective)


def _collective_board(user, row: CollectiveAssessment) -> bool:
    """Only the board of the unit that manages the collective (collectives.managing_unit)."""
    return _access().can_decide_collective(user, row.collective)


def _commendation_proposer(user, row: Commendation) -> bool:
    return _access().can_propose_commendations(user, row.proposer)


def _commendation_decider(user, row: Commendation) -> bool:
    return _access().can_decide_commendations(user, row.decider)


def _year_board(user, period: Period) -> bool:
    return _access().can_manage_years(user)


def _later_secretary(user, row: LaterRating) -> bool:
    return _access().can_enter_cell_work(user, row.assessment.cell_year.cell)


def _later_committee(user, row: LaterRating) -> bool:
    return _access().can_decide_cell_work(user, row.assessment.cell_year.cell)


def _complainant(user, row: Complaint) -> bool:
    return _access().can_file_complaint(user, row.subject)


def _complaint_handler(user, row: Complaint) -> bool:
    return _access().can_handle_complaint(user, row.handler)


def _leader_or_secretary(user, row: QuarterAssessment) -> bool:
    """The leader themself writes their quarter, or the cell secretary enters it from paper."""
    return row.member.user_id == user.pk or _access().can_enter_cell_work(user, row.member.cell)


def _quarter_decider(user, row: QuarterAssessment) -> bool:
    """The committee that decides the member's year decides their quarters (R27)."""
    return _access().can_decide_cell_work(user, row.member.cell)


# --- Guards --------------------------------------------------------------------------------------


def _period_of(row) -> Period:
    return row if isinstance(row, Period) else row.period


@guard("closed")
def year_open(row, ctx) -> Iterable[str]:
    period = _period_of(row)
    if not period.is_open():
        yield str(MSG_YEAR_CLOSED % {"year": period.year})


@guard("reason")
def reason_given(row, ctx) -> Iterable[str]:
    reason = (ctx.get("reason") or "").strip()
    if not reason:
        yield str(MSG_REASON)
    elif len(reason) > REASON_MAX:
        yield str(MSG_REASON_LONG % {"max": REASON_MAX})


@guard("checklist")
def checklist_complete(row: CellYear, ctx) -> Iterable[str]:
    """The documents a submission needs (form 01, every assessed member's self-review; issue
    13 item 8) and the checklist's blocking items (quorum, every proposal voted, R18)."""
    from . import cell_year as work
    from .models import AssessmentStatus

    assessed = row.assessments.filter(status=AssessmentStatus.ASSESS).select_related("member")
    missing = rules.submission_documents_missing(
        report_written=bool(row.report_strengths.strip()),
        without_review=[a.member.full_name for a in assessed if not a.has_self_review],
    )
    if missing:
        yield str(work.MSG_DOCUMENTS_MISSING % {"missing": "; ".join(missing)})
    summary = work.meeting_summary(work.meeting_for(row))
    failing = [i for i in work.submission_checklist(row, summary) if i.blocking and not i.ok]
    if failing:
        yield str(MSG_CHECKLIST)
        yield from (
            f"{item.label} ({item.detail})" if item.detail else item.label for item in failing
        )


@guard("dossier")
def dossier_complete(row: CellYear | GrassrootsYear, ctx) -> Iterable[str]:
    """R26 (Quy định 366 art. 17): a unit reports upward only with the signed scans its year's
    rule set requires in its dossier (what the application produces counts by itself)."""
    from .dossier import MSG_MISSING_SCANS, dossier_missing

    unit = row.cell if isinstance(row, CellYear) else row.organization
    missing = dossier_missing(unit, row.period)
    if missing:
        yield str(MSG_MISSING_SCANS % {"kinds": "; ".join(missing)})


@guard("proposed")
def level_proposed(row: GrassrootsYear, ctx) -> Iterable[str]:
    if ctx.get("proposed_level", row.proposed_level) is None:
        yield str(MSG_PROPOSED)


@guard("order")
def lower_levels_done(row: GrassrootsYear, ctx) -> Iterable[str]:
    from . import grassroots

    if not grassroots.lower_levels_done(row.organization, row.period):
        yield str(MSG_LOWER_FIRST)


@guard("order")
def own_collectives_first(row: GrassrootsYear, ctx) -> Iterable[str]:
    """R8: the party organization comes after its leadership collectives (which come before
    their members): the collectives of the unit assessed this year are decided first."""
    from . import collectives

    names = collectives.undecided_collectives_of(row.organization, row.period)
    if names:
        yield str(collectives.MSG_UNITS_FIRST % {"names": ", ".join(names)})


@guard("order")
def collectives_below_first(row: CollectiveAssessment, ctx) -> Iterable[str]:
    """R8, lower levels before higher: the collectives of the units below are decided first."""
    from . import collectives

    names = collectives.undecided_below(row)
    if names:
        yield str(collectives.MSG_BELOW_FIRST % {"names": ", ".join(names)})


@guard("documents")
def collective_ready(row: CollectiveAssessment, ctx) -> Iterable[str]:
    """The collective submits with its review (form 01), its meeting with a quorum and the
    level its votes propose (R18, R26)."""
    from . import collectives

    yield from collectives.submission_missing(row)


@guard("unlisted")
def members_listed(row: CellYear, ctx) -> Iterable[str]:
    """A cell's members are decided when the decision being issued lists every one of them."""
    decision = ctx.get("decision")
    open_rows = row.assessments.to_assess().exclude(decision=decision) if decision else None
    if decision is None or open_rows.exists():
        yield str(MSG_UNLISTED)


@guard("unlisted")
def listed(row: GrassrootsYear | CollectiveAssessment, ctx) -> Iterable[str]:
    if not row.decision_id:
        yield str(MSG_UNLISTED)


@guard("undecided")
def rows_decided(decision: Decision, ctx) -> Iterable[str]:
    """A decision lists at least one row, and every row it lists has a decided level."""
    rows = ctx["problems"]
    undecided = [row for row in rows if row.decided_level_id is None]
    if not rows:
        yield str(MSG_NOTHING)
    elif undecided:
        message = {
            DecisionKind.MEMBERS: MSG_UNDECIDED,
            DecisionKind.LATER: MSG_UNDECIDED,
            DecisionKind.COLLECTIVES: MSG_UNDECIDED_COLLECTIVES,
        }.get(decision.kind, MSG_UNDECIDED_UNITS)
        yield str(message % {"n": len(undecided)})


@guard("locked")
def rows_unlocked(decision: Decision, ctx) -> Iterable[str]:
    for locking in {row.decision for row in ctx["problems"] if row.decision_id}:
        yield str(MSG_LOCKED % {"decision": locking})


def _name(row) -> str:
    if isinstance(row, CollectiveAssessment):
        return str(row.collective)
    if isinstance(row, CellYear):
        return row.cell.name
    if isinstance(row, GrassrootsYear):
        return row.organization.name
    return row.member.full_name


@guard("rows")
def rows_pass_checks(decision: Decision, ctx) -> Iterable[str]:
    """Issuing runs every check that saving runs, on the rows as they stand: a decided level, a
    reason for a level other than the proposal, the rule checks R3–R7 with their written
    overrides, and R8 (members before their cell) (faults 1 and 2 of issue 12)."""
    for row, found in ctx["problems"].items():
        if row.decided_level_id is not None:
            for problem in found:
                yield str(MSG_ROW % {"row": _name(row), "problem": problem})


@guard("quota")
def quota_holds(decision: Decision, ctx) -> Iterable[str]:
    """R10–R12: above the cap only with a written justification (or a raised cap)."""
    check = ctx["check"]
    if not check.ok and not (ctx.get("quota_justification") or "").strip():
        from .decisions import percent_text

        yield str(
            {
                DecisionKind.MEMBERS: MSG_QUOTA,
                DecisionKind.LATER: MSG_QUOTA,
                DecisionKind.COLLECTIVES: MSG_QUOTA_COLLECTIVES,
            }.get(decision.kind, MSG_QUOTA_UNITS)
            % {
                "excellent": check.excellent,
                "base": check.base,
                "cap": percent_text(check.cap_percent),
                "allowed": check.allowed,
            }
        )


@guard("rerating")
def reratings_final(decision: Decision, ctx) -> Iterable[str]:
    if decision.kind == DecisionKind.RERATING:
        yield str(MSG_RERATING_FINAL)


@guard("later")
def later_final(decision: Decision, ctx) -> Iterable[str]:
    if decision.kind == DecisionKind.LATER:
        yield str(MSG_LATER_FINAL)


@guard("not_pending")
def member_pending(row: LaterRating, ctx) -> Iterable[str]:
    assessment = row.assessment
    if assessment.status != AssessmentStatus.PENDING:
        yield str(MSG_NOT_PENDING % {"status": assessment.get_status_display()})


@guard("not_decided")
def cell_decided(row: LaterRating, ctx) -> Iterable[str]:
    """R14: after the cell's decision (or its imported result) the member has no other path."""
    if row.assessment.cell_year.state != CellState.DECIDED:
        yield str(MSG_CELL_NOT_DECIDED)


@guard("review")
def later_reviewed(row: LaterRating, ctx) -> Iterable[str]:
    """The same review as the year's: the member's self-review is written first."""
    if not row.assessment.has_self_review:
        yield str(MSG_LATER_REVIEW)


@guard("votes")
def later_votes(row: LaterRating, ctx) -> Iterable[str]:
    """R18 at the cell's later meeting: quorum of the full members that count, votes within
    those present, and a level reached (else the cell votes again)."""
    held_on, counted, present = ctx.get("held_on"), ctx.get("counted"), ctx.get("present")
    period = row.assessment.cell_year.period
    if held_on is None or not counted or present is None:
        yield str(MSG_LATER_MEETING)
        return
    if held_on.year <= period.year:
        yield str(MSG_LATER_MEETING_BEFORE % {"year": period.year})
    rule_set = period.rule_set
    if not rules.quorum_met(
        present=present,
        counted=counted,
        numerator=rule_set.quorum_numerator,
        denominator=rule_set.quorum_denominator,
    ):
        yield str(MSG_LATER_QUORUM % {"present": present, "counted": counted})
        return
    problems = rules.vote_errors(ctx.get("votes") or {}, present=present)
    yield from problems
    if not problems and ctx.get("proposed_level") is None:
        yield str(MSG_LATER_NO_PROPOSAL)


@guard("unlisted")
def later_listed(row: LaterRating, ctx) -> Iterable[str]:
    decision = ctx.get("decision")
    if decision is None or decision.kind != DecisionKind.LATER:
        yield str(MSG_LATER_UNLISTED)


@guard("window")
def complaint_in_window(row: Complaint, ctx) -> Iterable[str]:
    """A decision may be contested within the rule set's window, from its date (issue 15)."""
    decision = row.decision
    days = decision.period.rule_set.complaint_window_days
    until = decision.signed_on + datetime.timedelta(days=days)
    if row.filed_on > until:
        from django.utils import formats

        yield str(
            MSG_COMPLAINT_WINDOW
            % {
                "decision": decision,
                "until": formats.date_format(until, "SHORT_DATE_FORMAT"),
                "days": days,
            }
        )


@guard("decision")
def complaint_decision_in_force(row: Complaint, ctx) -> Iterable[str]:
    """The contested result is still the one that decision gave."""
    subject = row.subject
    if row.decision.state != DecisionState.ISSUED or subject.decision_id != row.decision_id:
        yield str(MSG_COMPLAINT_DECISION % {"decision": row.decision})


@guard("text")
def complaint_written(row: Complaint, ctx) -> Iterable[str]:
    if not row.text.strip():
        yield str(MSG_COMPLAINT_TEXT)


@guard("outcome")
def complaint_answered(row: Complaint, ctx) -> Iterable[str]:
    from .models import ComplaintOutcome

    outcome = ctx.get("outcome")
    if outcome not in ComplaintOutcome.values:
        yield str(MSG_COMPLAINT_OUTCOME)
    elif outcome == ComplaintOutcome.UPHELD and ctx.get("rerating") is None:
        yield str(MSG_COMPLAINT_RERATED)


@guard("order")
def nothing_above_relies(decision: Decision, ctx) -> Iterable[str]:
    from .decisions import higher_locked

    if higher_locked(decision):
        yield str(MSG_HIGHER_FIRST)


@guard("locked")
def not_locked(row: GrassrootsYear | CollectiveAssessment, ctx) -> Iterable[str]:
    if row.decision_id:
        yield str(MSG_LOCKED % {"decision": row.decision})


@guard("closed")
def quarter_open(row, ctx) -> Iterable[str]:
    quarter = row if isinstance(row, Quarter) else row.quarter
    if not quarter.is_open():
        yield str(MSG_QUARTER_CLOSED % {"quarter": quarter})


@guard("level")
def level_given(row: QuarterAssessment, ctx) -> Iterable[str]:
    from .quarters import MSG_LEVEL_NEEDED, MSG_NOTE_NEEDED

    level = ctx.get("level")
    if level is None:
        yield str(MSG_LEVEL_NEEDED)
    elif level != row.self_level and not ctx.get("note"):
        yield str(MSG_NOTE_NEEDED)


@guard("grounds")
def grounds_overridden(row, ctx) -> Iterable[str]:
    """R5 (issue 14 item 3): a subject with a ground for not completed (a flag the decider
    recorded with a note, or a measured one) is not decided above not completed (`level`)
    without a written override (`override_note`). The grounds that hold are the caller's
    (`grounds`: frameworks.subject_grounds, e.g. for a collective's year) or, for a leader's
    quarter, read here."""
    level = ctx.get("level")
    if (
        level is None
        or level.maps_to == "not_completed"
        or (ctx.get("override_note") or "").strip()
    ):
        return
    grounds = ctx.get("grounds")
    if grounds is None and isinstance(row, QuarterAssessment):
        from .quarters import grounds_holding

        grounds = grounds_holding(row)
    for ground in grounds or ():
        yield str(rules.MSG_GROUND % {"ground": ground}) + " " + str(MSG_OVERRIDE)


@guard("results")
def results_written(row: QuarterAssessment, ctx) -> Iterable[str]:
    if not row.results.strip():
        yield str(MSG_RESULTS)


@guard("r20")
def commendation_subject_excellent(row: Commendation, ctx) -> Iterable[str]:
    """R20: only an excellent subject (decided, or proposed while undecided) is proposed; only a
    decided excellent one is commended; five years running for that award."""
    from . import commendations

    yield from commendations.subject_problems(row, decided_only=ctx.get("decided_only", False))


@guard("quota")
def commendation_quota_holds(row: Commendation, ctx) -> Iterable[str]:
    from . import commendations

    yield from commendations.quota_problems(row)


@guard("unlisted")
def commendation_listed(row: Commendation, ctx) -> Iterable[str]:
    decision = ctx.get("decision")
    if decision is None or decision.issuer_id != row.decider_id:
        yield str(MSG_UNLISTED)


@guard("rows")
def commendations_pass(decision: Decision, ctx) -> Iterable[str]:
    """A commendation decision lists at least one proposal, each still passing R20 on the
    decided level and within its quota."""
    rows = ctx["commendations"]
    if not rows:
        yield str(MSG_NOTHING)
    for row in rows:
        for problem in refusals(row, "commend", by=None, decision=decision, decided_only=True):
            yield str(MSG_ROW % {"row": row.subject_name, "problem": problem[1]})


@guard("final")
def commendation_decision_final(decision: Decision, ctx) -> Iterable[str]:
    yield str(MSG_COMMENDATION_FINAL)


# --- Effects -------------------------------------------------------------------------------------


def _submitted(row, ctx) -> None:
    row.submitted_at, row.return_reason = timezone.now(), ""


def _returned(row, ctx) -> None:
    row.return_reason = ctx["reason"].strip()


def _reopened(decision: Decision, ctx) -> None:
    decision.reopen_reason = ctx["reason"].strip()


def _notify(users, text, url) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(users=users, text=str(text), url=url)


def _tell_committee(row: CellYear, ctx) -> None:
    _notify(
        users_with_role(Role.GRASSROOTS_COMMITTEE, Organization.objects.grassroots_of(row.cell)),
        _("%(cell)s submitted its review and proposed levels for %(year)s.")
        % {"cell": row.cell.name, "year": row.period.year},
        reverse("assessment:decide", args=[row.period.year, row.cell_id]),
    )


def _tell_secretary(row: CellYear, ctx) -> None:
    _notify(
        users_with_role(Role.CELL_SECRETARY, row.cell),
        _("The grassroots committee returned the work of %(cell)s: %(reason)s")
        % {"cell": row.cell.name, "reason": row.return_reason},
        reverse("assessment:cell_year", args=[row.period.year, row.cell_id]),
    )


def _tell_members(row: CellYear, ctx) -> None:
    decision = ctx["decision"]
    _notify(
        [
            *users_with_role(Role.CELL_SECRETARY, row.cell),
            *[
                a.member.user
                for a in decision.assessments.select_related("member__user")
                if a.member.user_id
            ],
        ],
        _("Decision %(decision)s on the levels of %(cell)s was issued.")
        % {"decision": decision, "cell": row.cell.name},
        reverse("assessment:decision_pdf", args=[decision.pk]),
    )


def _tell_collective_manager(row: CollectiveAssessment, ctx) -> None:
    from organizations.models_collectives import managing_unit

    manager = managing_unit(row.collective)
    role = (
        Role.GRASSROOTS_COMMITTEE
        if not manager.decides_grassroots
        else Role.SUPERIOR_BOARD
        if manager.kind == Kind.SUPERIOR
        else Role.PROVINCIAL_BOARD
    )
    _notify(
        users_with_role(role, manager),
        _("%(collective)s submitted its review and proposed level for %(year)s.")
        % {"collective": row.collective.name, "year": row.period.year},
        reverse("assessment:collectives_decide", args=[row.period.year, manager.pk]),
    )


def _tell_collective(row: CollectiveAssessment, ctx) -> None:
    unit = row.collective.organization
    role = (
        Role.CELL_SECRETARY
        if unit.is_cell
        else Role.SUPERIOR_BOARD
        if unit.kind == Kind.SUPERIOR
        else Role.GRASSROOTS_COMMITTEE
    )
    target = (
        unit if unit.kind != Kind.PARTIAL_COMMITTEE else (Organization.objects.grassroots_of(unit))
    )
    _notify(
        users_with_role(role, target),
        _("The work of %(collective)s was returned: %(reason)s")
        % {"collective": row.collective.name, "reason": row.return_reason},
        reverse("assessment:collective_year", args=[row.period.year, row.collective_id]),
    )


def _tell_superior(row: GrassrootsYear, ctx) -> None:
    superior = Organization.objects.deciding_superior(row.organization)
    role = Role.SUPERIOR_BOARD if superior.kind == Kind.SUPERIOR else Role.PROVINCIAL_BOARD
    _notify(
        users_with_role(role, superior),
        _("%(unit)s submitted its report and proposed level for %(year)s.")
        % {"unit": row.organization.name, "year": row.period.year},
        reverse("assessment:superior", args=[row.period.year, superior.pk]),
    )


def _tell_organization(row: GrassrootsYear, ctx) -> None:
    role = (
        Role.SUPERIOR_BOARD
        if row.organization.kind == Kind.SUPERIOR
        else (Role.GRASSROOTS_COMMITTEE)
    )
    _notify(
        users_with_role(role, row.organization),
        _("The superior committee returned the report of %(unit)s: %(reason)s")
        % {"unit": row.organization.name, "reason": row.return_reason},
        reverse("assessment:grassroots_year", args=[row.period.year, row.organization_id]),
    )


def _later_opened(row: LaterRating, ctx) -> None:
    row.pending_reason = row.assessment.reason_code


def _later_proposed(row: LaterRating, ctx) -> None:
    row.held_on, row.counted, row.present = ctx["held_on"], ctx["counted"], ctx["present"]
    row.votes = {code: n for code, n in (ctx.get("votes") or {}).items() if n is not None}
    row.proposed_level, row.return_reason = ctx["proposed_level"], ""


def _later_decided(row: LaterRating, ctx) -> None:
    row.decision = ctx["decision"]


def _tell_later_committee(row: LaterRating, ctx) -> None:
    cell = row.assessment.cell_year.cell
    grassroots = Organization.objects.grassroots_of(cell)
    _notify(
        users_with_role(Role.GRASSROOTS_COMMITTEE, grassroots),
        _("%(cell)s proposed a level for %(member)s, not yet classified in %(year)s.")
        % {"cell": cell.name, "member": row.assessment.member.full_name, "year": row.period.year},
        reverse("assessment:later_decide", args=[row.period.year, grassroots.pk]),
    )


def _tell_later_secretary(row: LaterRating, ctx) -> None:
    cell = row.assessment.cell_year.cell
    _notify(
        users_with_role(Role.CELL_SECRETARY, cell),
        _("The grassroots committee returned the later rating of %(member)s: %(reason)s")
        % {"member": row.assessment.member.full_name, "reason": row.return_reason},
        reverse("assessment:later_rating", args=[row.assessment_id]),
    )


def _answered(row: Complaint, ctx) -> None:
    row.answer, row.outcome = ctx["reason"].strip(), ctx["outcome"]
    row.answered_on, row.answered_by = ctx["answered_on"], ctx["actor"]
    row.rerating = ctx.get("rerating")


def _tell_handler(row: Complaint, ctx) -> None:
    role = (
        Role.SUPERIOR_BOARD
        if row.handler.kind == Kind.SUPERIOR
        else (
            Role.PROVINCIAL_BOARD
            if row.handler.kind == Kind.PROVINCE
            else Role.GRASSROOTS_COMMITTEE
        )
    )
    _notify(
        users_with_role(role, row.handler),
        _("%(who)s contests decision %(decision)s.")
        % {"who": row.subject_name, "decision": row.decision},
        reverse("assessment:complaint", args=[row.pk]),
    )


def _tell_complainant(row: Complaint, ctx) -> None:
    _notify(
        [row.filed_by],
        _("Your complaint against decision %(decision)s was answered: %(outcome)s")
        % {"decision": row.decision, "outcome": row.get_outcome_display()},
        reverse("assessment:complaint", args=[row.pk]),
    )


# Sent inside the transaction when results of a year change after its decision (a later rating
# or a re-rating): `decision` changed the results of `units` (the cells or organizations whose
# figures move). Reports (a higher layer) restate their frozen figures as a new version.
results_changed = Signal()


def _results_changed(decision: Decision, ctx) -> None:
    results_changed.send(sender=Decision, decision=decision, by=ctx["actor"])


def _quarter_decided(row: QuarterAssessment, ctx) -> None:
    row.decided_level = ctx["level"]
    row.decision_note, row.override_note = ctx.get("note", ""), ctx.get("override_note", "")
    row.decided_at, row.decided_by, row.return_reason = timezone.now(), ctx["by"], ""


def _quarter_undecided(row: QuarterAssessment, ctx) -> None:
    row.decided_level, row.decided_at, row.decided_by = None, None, None


def _freeze_tree(period: Period, ctx) -> None:
    """A closed year keeps the tree as it stands (R22), once the close commits."""
    tree_snapshot_take_on_commit(period=period)


# --- The machines --------------------------------------------------------------------------------

_EDITABLE = OPEN_STATES

PERIOD = Machine(
    _("assessment year"),
    PeriodState,
    {
        "close": Transition(
            "close",
            _("Close the year"),
            frozenset({PeriodState.OPEN}),
            PeriodState.CLOSED,
            _year_board,
            notices=(_freeze_tree,),
        ),
    },
)

CELL_YEAR = Machine(
    _("cell's year"),
    CellState,
    {
        "start": Transition(
            "start",
            _("Start the cell's work"),
            frozenset({CellState.NOT_STARTED}),
            CellState.IN_PROGRESS,
            None,  # a side step of a write its view allowed
            (year_open,),
            bump=False,
        ),
        "submit": Transition(
            "submit",
            _("Submit to the grassroots committee"),
            _EDITABLE,
            CellState.SUBMITTED,
            _secretary,
            (year_open, checklist_complete, dossier_complete),
            (_submitted,),
            (_tell_committee,),
        ),
        "return": Transition(
            "return",
            _("Return the work to the cell"),
            frozenset({CellState.SUBMITTED}),
            CellState.RETURNED,
            _committee,
            (year_open, reason_given),
            (_returned,),
            (_tell_secretary,),
        ),
        "decide": Transition(
            "decide",
            _("Issue the decision on the members"),
            frozenset({CellState.SUBMITTED}),
            CellState.DECIDED,
            _committee,
            (year_open, members_listed),
            (),
            (_tell_members,),
        ),
        "reopen": Transition(
            "reopen",
            _("Reopen the members' decision"),
            frozenset({CellState.DECIDED}),
            CellState.SUBMITTED,
            _committee,
            (year_open, reason_given),
        ),
        # Results of a past year imported from a workbook (reports.imports): already decided.
        "record": Transition(
            "record",
            _("Record an imported result"),
            frozenset({NEW, *CellState.values}),
            CellState.DECIDED,
            None,
        ),
    },
)

GRASSROOTS_YEAR = Machine(
    _("organization's year"),
    CellState,
    {
        "submit": Transition(
            "submit",
            _("Submit the report to the superior committee"),
            _EDITABLE,
            CellState.SUBMITTED,
            _own_committee,
            (
                year_open,
                level_proposed,
                lower_levels_done,
                own_collectives_first,
                dossier_complete,
            ),
            (_submitted,),
            (_tell_superior,),
        ),
        "return": Transition(
            "return",
            _("Return the report to the organization"),
            frozenset({CellState.SUBMITTED}),
            CellState.RETURNED,
            _deciding_board,
            (year_open, reason_given, not_locked),
            (_returned,),
            (_tell_organization,),
        ),
        "decide": Transition(
            "decide",
            _("Issue the decision on the organization"),
            frozenset({CellState.SUBMITTED}),
            CellState.DECIDED,
            _deciding_board,
            (year_open, listed),
        ),
        "reopen": Transition(
            "reopen",
            _("Reopen the decision on the organization"),
            frozenset({CellState.DECIDED}),
            CellState.SUBMITTED,
            _deciding_board,
            (year_open, reason_given),
        ),
        "record": Transition(
            "record",
            _("Record an imported result"),
            frozenset({NEW, *CellState.values}),
            CellState.DECIDED,
            None,
        ),
    },
)

COLLECTIVE_YEAR = Machine(
    _("collective's year"),
    CellState,
    {
        "start": Transition(
            "start",
            _("Start the collective's review"),
            frozenset({CellState.NOT_STARTED}),
            CellState.IN_PROGRESS,
            None,  # a side step of a write its view allowed
            (year_open,),
            bump=False,
        ),
        "submit": Transition(
            "submit",
            _("Submit the collective's review to the managing committee"),
            _EDITABLE,
            CellState.SUBMITTED,
            _collective_unit,
            (year_open, collective_ready),
            (_submitted,),
            (_tell_collective_manager,),
        ),
        "return": Transition(
            "return",
            _("Return the collective's review"),
            frozenset({CellState.SUBMITTED}),
            CellState.RETURNED,
            _collective_board,
            (year_open, reason_given, not_locked),
            (_returned,),
            (_tell_collective,),
        ),
        "decide": Transition(
            "decide",
            _("Issue the decision on the collective"),
            frozenset({CellState.SUBMITTED}),
            CellState.DECIDED,
            _collective_board,
            (year_open, listed, collectives_below_first),
        ),
        "reopen": Transition(
            "reopen",
            _("Reopen the decision on the collective"),
            frozenset({CellState.DECIDED}),
            CellState.SUBMITTED,
            _collective_board,
            (year_open, reason_given),
        ),
    },
)

_ISSUE_GUARDS = (year_open, rows_decided, rows_unlocked, rows_pass_checks, quota_holds)
_REOPEN = Transition(
    "reopen",
    _("Reopen the decision"),
    frozenset({DecisionState.ISSUED}),
    DecisionState.REOPENED,
    _issuer_board,
    (reratings_final, year_open, reason_given, nothing_above_relies),
    (_reopened,),
)

MEMBERS_DECISION = Machine(
    _("decision on members"),
    DecisionState,
    {
        "issue": Transition(
            "issue",
            _("Issue the decision"),
            frozenset({NEW}),
            DecisionState.ISSUED,
            _issuer_board,
            _ISSUE_GUARDS,
        ),
        "reopen": _REOPEN,
    },
)
UNITS_DECISION = Machine(
    _("decision on organizations"),
    DecisionState,
    {
        "issue": Transition(
            "issue",
            _("Issue the decision"),
            frozenset({NEW}),
            DecisionState.ISSUED,
            _issuer_board,
            _ISSUE_GUARDS,
        ),
        "reopen": _REOPEN,
    },
)
RERATING_DECISION = Machine(
    _("re-rating decision"),
    DecisionState,
    {
        # R9: a closed year too; the checks of a re-rating are corrections.member_rerate's.
        "issue": Transition(
            "issue",
            _("Issue the re-rating decision"),
            frozenset({NEW}),
            DecisionState.ISSUED,
            _issuer_board,
            notices=(_results_changed,),
        ),
        "reopen": _REOPEN,  # always refused: a re-rating is final
    },
)

COLLECTIVES_DECISION = Machine(
    _("decision on leadership collectives"),
    DecisionState,
    {
        "issue": Transition(
            "issue",
            _("Issue the decision"),
            frozenset({NEW}),
            DecisionState.ISSUED,
            _issuer_board,
            _ISSUE_GUARDS,
        ),
        "reopen": _REOPEN,
    },
)

# R27 (issue 14 item 6): a year's quarters, and a leader's result in each.
QUARTER = Machine(
    _("quarter"),
    QuarterState,
    {
        "close": Transition(
            "close",
            _("Close the quarter"),
            frozenset({QuarterState.OPEN}),
            QuarterState.CLOSED,
            _year_board,
        ),
    },
)

QUARTER_ASSESSMENT = Machine(
    _("quarterly assessment"),
    QuarterAssessmentState,
    {
        "submit": Transition(
            "submit",
            _("Submit the quarter's results"),
            frozenset({QuarterAssessmentState.DRAFT, QuarterAssessmentState.RETURNED}),
            QuarterAssessmentState.SUBMITTED,
            _leader_or_secretary,
            (quarter_open, results_written),
            (_submitted,),
        ),
        "return": Transition(
            "return",
            _("Return the quarter's results"),
            frozenset({QuarterAssessmentState.SUBMITTED}),
            QuarterAssessmentState.RETURNED,
            _quarter_decider,
            (quarter_open, reason_given),
            (_returned,),
        ),
        "decide": Transition(
            "decide",
            _("Decide the quarter's level"),
            frozenset({QuarterAssessmentState.SUBMITTED}),
            QuarterAssessmentState.DECIDED,
            _quarter_decider,
            (quarter_open, level_given, grounds_overridden),
            (_quarter_decided,),
        ),
        "reopen": Transition(
            "reopen",
            _("Reopen the quarter's level"),
            frozenset({QuarterAssessmentState.DECIDED}),
            QuarterAssessmentState.SUBMITTED,
            _quarter_decider,
            (quarter_open, reason_given),
            (_quarter_undecided,),
        ),
    },
)


def _set_reason(row: Commendation, ctx) -> None:
    row.reason = ctx["reason"].strip()


def _set_decision(row: Commendation, ctx) -> None:
    row.decision = ctx["decision"]


# Issue 15 item 3: a commendation is proposed by a cell or a committee, withdrawn by it, refused
# or commended (in a numbered decision) by the body that decides it. A closed year too: step 10
# follows the year's decisions.
COMMENDATION = Machine(
    _("commendation"),
    CommendationState,
    {
        "propose": Transition(
            "propose",
            _("Propose for commendation"),
            frozenset({NEW}),
            CommendationState.PROPOSED,
            _commendation_proposer,
            (commendation_subject_excellent, commendation_quota_holds),
        ),
        "withdraw": Transition(
            "withdraw",
            _("Withdraw the proposal"),
            frozenset({CommendationState.PROPOSED}),
            CommendationState.WITHDRAWN,
            _commendation_proposer,
            (reason_given,),
            (_set_reason,),
        ),
        "refuse": Transition(
            "refuse",
            _("Do not accept the proposal"),
            frozenset({CommendationState.PROPOSED}),
            CommendationState.REFUSED,
            _commendation_decider,
            (reason_given,),
            (_set_reason,),
        ),
        "commend": Transition(
            "commend",
            _("Commend"),
            frozenset({CommendationState.PROPOSED}),
            CommendationState.COMMENDED,
            _commendation_decider,
            (commendation_listed, commendation_subject_excellent, commendation_quota_holds),
            (_set_decision,),
        ),
    },
)
COMMENDATION_DECISION = Machine(
    _("commendation decision"),
    DecisionState,
    {
        "issue": Transition(
            "issue",
            _("Issue the commendation decision"),
            frozenset({NEW}),
            DecisionState.ISSUED,
            _issuer_board,
            (commendations_pass,),
        ),
        "reopen": Transition(
            "reopen",
            _("Reopen the decision"),
            frozenset({DecisionState.ISSUED}),
            DecisionState.REOPENED,
            _issuer_board,
            (commendation_decision_final,),
        ),
    },
)


# --- After the decision (issue 15): R14, R9 for units, complaints --------------------------------

LATER_DECISION = Machine(
    _("decision on members rated later"),
    DecisionState,
    {
        # R14: on the year the members belong to, closed or not; the checks saving runs (R3–R6)
        # and the quota of the grassroots organization with them counted (R10–R12).
        "issue": Transition(
            "issue",
            _("Issue the decision on members rated later"),
            frozenset({NEW}),
            DecisionState.ISSUED,
            _issuer_board,
            (rows_decided, rows_pass_checks, quota_holds),
            notices=(_results_changed,),
        ),
        "reopen": Transition(
            "reopen",
            _("Reopen the decision"),
            frozenset({DecisionState.ISSUED}),
            DecisionState.REOPENED,
            _issuer_board,
            (later_final,),  # always refused: a re-rating corrects it
        ),
    },
)

LATER_RATING = Machine(
    _("later rating"),
    LaterRatingState,
    {
        "open": Transition(
            "open",
            _("Open the later rating"),
            frozenset({NEW}),
            LaterRatingState.OPEN,
            _later_secretary,
            (member_pending, cell_decided),
            (_later_opened,),
            bump=False,
        ),
        "propose": Transition(
            "propose",
            _("Record the cell's vote and proposal"),
            frozenset({LaterRatingState.OPEN, LaterRatingState.RETURNED}),
            LaterRatingState.PROPOSED,
            _later_secretary,
            (member_pending, later_reviewed, later_votes),
            (_later_proposed,),
            (_tell_later_committee,),
        ),
        "return": Transition(
            "return",
            _("Return the later rating to the cell"),
            frozenset({LaterRatingState.PROPOSED}),
            LaterRatingState.RETURNED,
            _later_committee,
            (reason_given,),
            (_returned,),
            (_tell_later_secretary,),
        ),
        "decide": Transition(
            "decide",
            _("Decide the level of a member rated later"),
            frozenset({LaterRatingState.PROPOSED}),
            LaterRatingState.DECIDED,
            _later_committee,
            (later_listed,),
            (_later_decided,),
        ),
    },
)

COMPLAINT = Machine(
    _("complaint"),
    ComplaintState,
    {
        "file": Transition(
            "file",
            _("File a complaint"),
            frozenset({NEW}),
            ComplaintState.RECEIVED,
            _complainant,
            (complaint_written, complaint_decision_in_force, complaint_in_window),
            notices=(_tell_handler,),
            bump=False,
        ),
        "answer": Transition(
            "answer",
            _("Answer the complaint"),
            frozenset({ComplaintState.RECEIVED}),
            ComplaintState.ANSWERED,
            _complaint_handler,
            (reason_given, complaint_answered),
            (_answered,),
            (_tell_complainant,),
        ),
    },
)

MACHINES: dict[Any, Machine] = {
    Period: PERIOD,
    CellYear: CELL_YEAR,
    GrassrootsYear: GRASSROOTS_YEAR,
    (Decision, DecisionKind.MEMBERS): MEMBERS_DECISION,
    (Decision, DecisionKind.UNITS): UNITS_DECISION,
    (Decision, DecisionKind.RERATING): RERATING_DECISION,
    CollectiveAssessment: COLLECTIVE_YEAR,
    (Decision, DecisionKind.COLLECTIVES): COLLECTIVES_DECISION,
    Quarter: QUARTER,
    QuarterAssessment: QUARTER_ASSESSMENT,
    (Decision, DecisionKind.COMMENDATION): COMMENDATION_DECISION,
    Commendation: COMMENDATION,
    (Decision, DecisionKind.LATER): LATER_DECISION,
    LaterRating: LATER_RATING,
    Complaint: COMPLAINT,
}


def machine_for(row: Model) -> Machine:
    if isinstance(row, Decision):
        return MACHINES[(Decision, row.kind)]
    return MACHINES[type(row)]


def _state(row: Model) -> str:
    return row.state if row.pk else NEW


def refusals(row: Model, name: str, *, by, **context) -> list[tuple[str, str]]:
    """Why `by` may not take transition `name` on `row` now, as (code, translated message)
    pairs; empty when it may. The state is checked first, then who (`by` None: a step of the
    system, e.g. a management command, whose caller answers for it), then every guard."""
    transition = machine_for(row).transitions[name]
    state = _state(row)
    if state not in transition.source:
        label = dict(machine_for(row).states.choices).get(state, state or "—")
        return [("state", str(MSG_STATE % {"transition": transition.label, "state": label}))]
    if transition.who is not None and by is not None and not transition.who(by, row):
        return [("who", str(MSG_WHO % {"transition": transition.label}))]
    found = []
    for check in transition.guards:
        found.extend((check.code, message) for message in check(row, context))
    return found


def may(row: Model, name: str, *, by, **context) -> bool:
    return not refusals(row, name, by=by, **context)


def take(row: Model, name: str, *, by, reason: str = "", then=None, after=None, **context):
    """Take transition `name` on `row` (locked by the caller, inside its transaction).

    Runs the guards on the rows as they stand and raises `Refused` (the reasons, translated)
    when one fails; else calls `then(row)` (the transition's own work: numbering a decision,
    locking its rows), sets the target state and the transition's fields, saves the row with
    the author and reason in its history, calls `after(row)` (work that needs the saved row:
    the lines of a new decision), recounts the summary's counts of the units the row moved
    (assessment/counts.py), and sends the transition's notices. Returns what `then` returned,
    else the row."""
    context["reason"], context["actor"] = reason, by
    found = refusals(row, name, by=by, **context)
    if found:
        raise Refused(found)
    context["by"] = by  # effects may record who took the step
    transition = machine_for(row).transitions[name]
    result = then(row) if then is not None else row
    row.state = transition.target
    for effect in transition.effects:
        effect(row, context)
    if transition.bump and row.pk and hasattr(row, "version"):
        row.version += 1
    row._history_user = by
    row._change_reason = reason or str(transition.label)
    row.save()
    if after is not None:
        after(row)
    counts_follow(row)  # every transition recounts the units it moved (issue 18), none forgets
    for notice in transition.notices:
        notice(row, context)
    return result


def record_imported(rows: Iterable[CellYear | GrassrootsYear]) -> None:
    """Mark rows of imported past results decided, before their bulk save (reports.imports)."""
    for row in rows:
        row.state = machine_for(row).transitions["record"].target
