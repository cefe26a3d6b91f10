"""R14: members not yet classified (chưa phân loại: ill, working far away, under disciplinary
review) are rated later, by default in the first quarter of the next year (the rule set's
`later_rating_months`), through the same review, proposal and decision as the year's, on the
year they belong to, even after the cell was decided and the year closed.

1. The cell's secretary opens the later rating (machine `LaterRating.open`): only for a member
   still pending whose cell is decided.
2. The member writes the self-review (cell_year.self_review_save accepts it while the later
   rating is open); the cell meets and votes per level (R18); the secretary records the vote,
   which gives the proposal (`propose`). The committee may return it with a reason (R17).
3. The grassroots committee decides the proposed members by one numbered decision of kind
   "later" (machine: the rule checks R3–R6 of every row, the quota R10–R12 counted with them).
   Each member moves from pending to their level; reports already submitted for that year are
   restated as a new version (reports.submissions.reports_restate, on `results_changed`).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from organizations.collation import name_order
from organizations.models import Organization

from . import machine, rules
from .cell_year import Conflict, _locked, save_attributed
from .decisions import (
    Choice,
    cap_in_force,
    choice_problems,
    new_decision,
    quota_from_rows,
)
from .models import (
    AssessmentStatus,
    DecisionKind,
    LaterRating,
    LaterRatingState,
    MemberAssessment,
    Period,
)

MSG_DECIDED = _("Decision %(decision)s rated %(n)s members not yet classified in %(year)s.")


def later_rating_due(period: Period) -> datetime.date:
    """The last day of the rule set's months after the year (31/03 of the next year by
    default: the first quarter, R14)."""
    months = period.rule_set.later_rating_months or 3
    year, month = period.year + 1 + (months - 1) // 12, (months - 1) % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def later_rating_open(*, assessment: MemberAssessment, by) -> LaterRating:
    """Open the later rating of a member left not yet classified (machine `open`). Raises
    machine.Refused: "not_pending" for a member who is not, "not_decided" before the cell's
    decision, "state" when one is already open, "who" without the secretary's role."""
    assessment = (
        MemberAssessment.objects.select_for_update(of=("self",))
        .select_related("cell_year__period__rule_set", "cell_year__cell", "member")
        .get(pk=assessment.pk)
    )
    existing = LaterRating.objects.filter(assessment=assessment).first()
    row = existing or LaterRating(
        assessment=assessment, due=later_rating_due(assessment.cell_year.period), opened_by=by
    )
    machine.take(row, "open", by=by, reason=assessment.reason_label)
    return row


def later_vote_record(
    *,
    later: LaterRating,
    held_on: datetime.date | None,
    counted: int | None,
    present: int | None,
    votes: Mapping[str, int | None],
    by,
    version: int | None,
) -> LaterRating:
    """Record the cell's later meeting and its votes per level (R18); the proposal is the
    highest level whose votes for it or higher reach its threshold of the full members that
    count. Raises cell_year.Conflict for a stale version, machine.Refused ("review": no
    self-review; "votes": no quorum, votes above those present, no level reached)."""
    with transaction.atomic():
        row = _locked(LaterRating, later.pk, version)
        rule_set = row.assessment.cell_year.period.rule_set
        levels = list(rule_set.levels.for_members().order_by("rank"))
        proposal = rules.proposed_level(votes, levels, counted=counted or 0)
        machine.take(
            row,
            "propose",
            by=by,
            held_on=held_on,
            counted=counted,
            present=present,
            votes=dict(votes),
            proposed_level=proposal,
        )
        return row


@transaction.atomic
def later_rating_return(*, later: LaterRating, reason: str, by, version: int | None):
    """R17: the committee returns the proposal to the cell with a written reason."""
    row = _locked(LaterRating, later.pk, version)
    machine.take(row, "return", by=by, reason=reason)
    return row


def proposed_in(grassroots: Organization, period: Period):
    """The later ratings proposed by the cells of `grassroots` for `period`, in name order."""
    return (
        LaterRating.objects.filter(
            state=LaterRatingState.PROPOSED,
            assessment__cell_year__period=period,
            assessment__cell_year__cell__path__startswith=grassroots.path,
        )
        .select_related(
            "assessment__member",
            "assessment__cell_year__cell",
            "assessment__cell_year__period__rule_set",
            "assessment__state_level",
            "proposed_level",
        )
        .prefetch_related("assessment__member__discipline_records")
        .order_by(*name_order("assessment__member__full_name"), "pk")
    )


def later_ratings_in(grassroots: Organization, period: Period):
    """Every later rating of `grassroots`'s members for `period`, with the members still
    pending and not yet opened (for the committee's page)."""
    return LaterRating.objects.filter(
        assessment__cell_year__period=period,
        assessment__cell_year__cell__path__startswith=grassroots.path,
    ).select_related("assessment__member", "assessment__cell_year__cell", "decision")


def pending_members(grassroots: Organization, period: Period):
    """Members of `grassroots` still not yet classified for `period`."""
    return (
        MemberAssessment.objects.filter(
            cell_year__period=period,
            cell_year__cell__path__startswith=grassroots.path,
            status=AssessmentStatus.PENDING,
        )
        .select_related("member", "cell_year__cell")
        .order_by(*name_order("member__full_name"), "pk")
    )


def _quota(grassroots: Organization, period: Period, chosen: dict, cap: Decimal):
    """R10 over the organization's members with those rated later counted at their level."""
    rows = list(
        MemberAssessment.objects.filter(
            cell_year__period=period,
            cell_year__cell__path__startswith=grassroots.path,
            status=AssessmentStatus.ASSESS,
        ).values_list("pk", "decided_level__maps_to", "proposed_level__maps_to")
    )
    rows += [(pk, level.maps_to, None) for pk, level in chosen.items()]
    return quota_from_rows(rows, period.rule_set, None, cap)


@transaction.atomic
def later_decision_issue(
    *,
    grassroots: Organization,
    period: Period,
    choices: Mapping[int, Choice],
    by,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
    quota_justification: str = "",
    raised_cap_percent: Decimal | None = None,
    quota_raise_reference: str = "",
) -> object:
    """Decide every proposed later rating of `grassroots` by one numbered decision (kind
    "later"). `choices` maps an assessment's pk to the committee's choice (the proposal when
    absent); a choice posted at an older version is a conflict. Each member becomes assessed at
    their level, locked by the decision. Raises machine.Refused (a row's checks, the quota,
    nothing proposed) or cell_year.Conflict; nothing is written then."""
    Organization.objects.select_for_update().filter(pk=grassroots.pk).first()
    laters = list(proposed_in(grassroots, period).select_for_update(of=("self", "assessment")))
    rule_set = period.rule_set
    problems, chosen = {}, {}
    for later in laters:
        assessment = later.assessment
        choice = choices.get(assessment.pk) or Choice(later.proposed_level)
        if choice.version is not None and choice.version != assessment.version:
            raise Conflict(assessment)
        # The cell's later vote is the proposal the decision is compared with (R18).
        assessment.proposed_level = later.proposed_level
        problems[assessment] = choice_problems(assessment, choice, rule_set)
        assessment.decided_level = choice.level
        assessment.decision_note = choice.note.strip()
        assessment.override_note = choice.override_note.strip()
        if choice.level is not None:
            chosen[assessment.pk] = choice.level
    cap = cap_in_force(rule_set, raised_cap_percent, quota_raise_reference)

    def apply(decision) -> None:
        for later in laters:
            assessment = later.assessment
            assessment.status, assessment.reason_code = AssessmentStatus.ASSESS, ""
            assessment.decision = decision
            save_attributed(assessment, by, reason=str(decision))
            machine.take(later, "decide", by=by, reason=str(decision), decision=decision)

    return new_decision(
        issuer=grassroots,
        period=period,
        kind=DecisionKind.LATER,
        check=_quota(grassroots, period, chosen, cap),
        problems=problems,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        by=by,
        quota_justification=quota_justification,
        quota_raise_reference=quota_raise_reference,
        after=apply,
    )
