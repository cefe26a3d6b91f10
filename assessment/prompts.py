"""Review prompts from above (gợi ý kiểm điểm, DOMAIN.md section 6 step 1; issue 14 item 7).

A superior committee (the province's, a district's or, since 2025, a commune's committee) gives
prompts to the collectives and persons in its scope; the reviewee answers in writing and the
answer is part of the review (printed with the member's self-review, read at the meeting).
A prompt is a `ReviewInput` of kind "prompt", the same row a cell records when a prompt reaches
it on paper, so every page and report that knows prompts knows these; it names the committee
that gave it and its managing level (R28: rows 4.1–4.3 of Biểu 6F). A prompt to a leadership
collective (a unit's party committee, standing committee, or the leadership of a government
body or mass organization) hangs on the collective's year instead of a cell's: its page shows
it with the answer, and Biểu 6F's collectives column and the summary's collectives section
count it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member
from organizations.models import CELL_KINDS, LeadershipCollective, Organization

from .cell_year import Conflict, cell_year_open, get_or_open, save_attributed
from .counts import counts_refresh
from .models import (
    PROMPT_LEVEL_OF_KIND,
    CellYear,
    CollectiveAssessment,
    InputKind,
    MemberAssessment,
    Period,
    ReviewInput,
)

MSG_NOT_AN_ISSUER = _("Only a committee above the grassroots gives review prompts.")
MSG_OUTSIDE = _("“%(name)s” is not in the scope of %(issuer)s.")
MSG_YEAR_CLOSED = _("The year %(year)s is not open.")
MSG_REVIEW_CLOSED = _(
    "The review of %(name)s is already submitted or decided: a prompt can no longer be part of it."
)
MSG_NOT_ON_ROSTER = _("%(name)s is not on a roster of %(year)s.")
MSG_NOT_A_PROMPT = _("This is not a review prompt.")
MSG_EMPTY_ANSWER = _("Write the answer.")


def prompt_level_for(issuer: Organization) -> str:
    """The managing level (PromptLevel) a committee of `issuer`'s kind gives prompts at (R28).
    Raises ValidationError for a unit that gives none (a grassroots unit or a cell)."""
    level = PROMPT_LEVEL_OF_KIND.get(issuer.kind)
    if level is None:
        raise ValidationError(MSG_NOT_AN_ISSUER, code="not_an_issuer")
    return level


def _check_scope(issuer: Organization, target: Organization, name: str) -> None:
    if target == issuer or not issuer.contains(target):
        raise ValidationError(
            MSG_OUTSIDE % {"name": name, "issuer": issuer.name}, code="outside_scope"
        )


def _editable(cell_year: CellYear, name: str) -> CellYear:
    cell_year = CellYear.objects.select_for_update(of=("self",)).get(pk=cell_year.pk)
    if not cell_year.is_editable():
        raise ValidationError(MSG_REVIEW_CLOSED % {"name": name}, code="review_closed")
    return cell_year


@transaction.atomic
def prompt_issue(
    *,
    issuer: Organization,
    period: Period,
    text: str,
    given_on: datetime.date,
    by,
    member: Member | None = None,
    cell: Organization | None = None,
    collective: LeadershipCollective | None = None,
) -> ReviewInput:
    """Give a review prompt from `issuer` to `member` (a person), to `cell` (a cell as a
    collective) or to `collective` (a leadership collective of a unit strictly below the
    issuer) in its subtree, for `period`. A cell whose year is not open yet is opened (its
    roster drawn), and a collective's year likewise, by this explicit step, attributed to `by`.
    Returns the new ReviewInput. Raises ValidationError (translated) when the issuer gives no
    prompts, the target is outside its scope, the year is closed, or the target's review is
    already submitted; ValueError unless exactly one target is given."""
    level = prompt_level_for(issuer)
    if not period.is_open():
        raise ValidationError(MSG_YEAR_CLOSED % {"year": period.year}, code="closed")
    if sum(target is not None for target in (member, cell, collective)) != 1:
        raise ValueError("give exactly one of member, cell and collective")
    if collective is not None:
        return _collective_prompt(
            issuer, period, collective, by=by, level=level, text=text, given_on=given_on
        )
    if member is not None:
        unit, name = member.cell, member.full_name
    else:
        unit, name = cell, cell.name
        if cell.kind not in CELL_KINDS:
            raise ValidationError(MSG_OUTSIDE % {"name": name, "issuer": issuer.name})
    _check_scope(issuer, unit, name)
    cell_year = CellYear.objects.filter(period=period, cell=unit).first() or cell_year_open(
        period=period, cell=unit, by=by
    )
    cell_year = _editable(cell_year, name)
    assessment = None
    if member is not None:
        assessment = MemberAssessment.objects.filter(cell_year=cell_year, member=member).first()
        if assessment is None:
            raise ValidationError(
                MSG_NOT_ON_ROSTER % {"name": name, "year": period.year}, code="not_on_roster"
            )
    prompt = ReviewInput(
        cell_year=cell_year,
        assessment=assessment,
        kind=InputKind.PROMPT,
        issuing_level=level,
        issuer=issuer,
        source=issuer.official_name or issuer.name,
        given_on=given_on,
        text=text.strip(),
        recorded_by=by,
    )
    prompt._history_user = by
    prompt.save()
    counts_refresh(period=period, units=[cell_year.cell_id])  # the summary counts prompts (R28)
    return prompt


def _editable_collective(row: CollectiveAssessment, name: str) -> CollectiveAssessment:
    row = CollectiveAssessment.objects.select_for_update(of=("self",)).get(pk=row.pk)
    if not row.is_editable():
        raise ValidationError(MSG_REVIEW_CLOSED % {"name": name}, code="review_closed")
    return row


def _collective_prompt(
    issuer: Organization,
    period: Period,
    collective: LeadershipCollective,
    *,
    by,
    level: str,
    text: str,
    given_on: datetime.date,
) -> ReviewInput:
    _check_scope(issuer, collective.organization, collective.name)
    row = get_or_open(CollectiveAssessment, by=by, period=period, collective=collective)
    row = _editable_collective(row, collective.name)
    prompt = ReviewInput(
        collective_year=row,
        kind=InputKind.PROMPT,
        issuing_level=level,
        issuer=issuer,
        source=issuer.official_name or issuer.name,
        given_on=given_on,
        text=text.strip(),
        recorded_by=by,
    )
    prompt._history_user = by
    prompt.save()
    return prompt


def prompt_subject(prompt: ReviewInput) -> str:
    """Who a prompt is given to: the member, the leadership collective or the cell (a name)."""
    if prompt.assessment_id:
        return prompt.assessment.member.full_name
    if prompt.collective_year_id:
        return prompt.collective_year.collective.name
    return prompt.cell_year.cell.name


@transaction.atomic
def prompt_answer(*, prompt: ReviewInput, answer: str, by, version: int | None) -> ReviewInput:
    """Record the reviewee's written answer to `prompt` (checking the `version` the writer
    read). Returns the prompt. Raises Conflict on a stale version, ValidationError when the
    answer is empty or the review is already submitted."""
    row = ReviewInput.objects.select_for_update().get(pk=prompt.pk)
    if row.kind != InputKind.PROMPT:
        raise ValidationError(MSG_NOT_A_PROMPT, code="not_a_prompt")
    if version is not None and row.version != version:
        raise Conflict(row)
    subject = prompt_subject(row)
    if row.collective_year_id:
        _editable_collective(row.collective_year, subject)
    else:
        _editable(row.cell_year, subject)
    if not answer.strip():
        raise ValidationError(MSG_EMPTY_ANSWER, code="empty")
    row.answer, row.answered_at = answer.strip(), timezone.now()
    return save_attributed(row, by, reason=str(_("Answer to a review prompt")))


def prompts_in_subtree(unit: Organization, period: Period):
    """The year's review prompts given to collectives and persons in `unit`'s subtree (the
    unit's own cell included), newest first, with what the list shows."""
    to_cells = Q(cell_year__period=period, cell_year__cell__path__startswith=unit.path)
    to_collectives = Q(
        collective_year__period=period,
        collective_year__collective__organization__path__startswith=unit.path,
    )
    return (
        ReviewInput.objects.filter(to_cells | to_collectives, kind=InputKind.PROMPT)
        .select_related(
            "cell_year__cell",
            "assessment__member",
            "collective_year__collective__organization",
            "issuer",
        )
        .order_by("-given_on", "-pk")
    )


def prompts_of_collective(row: CollectiveAssessment):
    """The review prompts given to a collective's year, oldest first (its page shows them with
    their answers)."""
    if row.pk is None:
        return ReviewInput.objects.none()
    return (
        row.inputs.filter(kind=InputKind.PROMPT).select_related("issuer").order_by("given_on", "pk")
    )
