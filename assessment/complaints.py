"""Complaints (issue 15, item 6): a member, a subordinate cell or a grassroots organization
contests the decision on its result within the rule set's window (`complaint_window_days`,
counted from the decision's date). The body that issued the decision handles it (Decision: it
reconsiders first) and answers: rejected, the result stands; upheld, it issues a re-rating
decision (R9, form 03) in the same step. The complaint, its handler, the answer and the
re-rating are recorded and in the history; the year may be closed."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import machine
from .cell_year import _locked
from .corrections import member_rerate, unit_rerate
from .models import (
    CellYear,
    Complaint,
    ComplaintOutcome,
    GrassrootsYear,
    MemberAssessment,
    ReratingGrounds,
)

MSG_NO_DECISION = _("No issued decision holds this result: there is nothing to contest.")

SUBJECT_FIELD = {
    MemberAssessment: "assessment",
    CellYear: "cell_year",
    GrassrootsYear: "grassroots_year",
}


@transaction.atomic
def complaint_file(
    *,
    subject: MemberAssessment | CellYear | GrassrootsYear,
    text: str,
    by,
    filed_on: datetime.date | None = None,
) -> Complaint:
    """File a complaint against the decision that holds `subject`'s result. Raises
    ValidationError (code "decision") when no decision holds it, machine.Refused ("window":
    past the rule set's days; "text": nothing written; "who": not the member or the unit)."""
    subject = (
        type(subject)
        .objects.select_related("decision__issuer", "decision__period")
        .get(pk=subject.pk)
    )
    if subject.decision_id is None:
        raise ValidationError(MSG_NO_DECISION, code="decision")
    complaint = Complaint(
        decision=subject.decision,
        handler=subject.decision.issuer,
        filed_on=filed_on or timezone.localdate(),
        filed_by=by,
        text=text.strip(),
        **{SUBJECT_FIELD[type(subject)]: subject},
    )
    machine.take(complaint, "file", by=by, reason=complaint.text)
    return complaint


@transaction.atomic
def complaint_answer(
    *,
    complaint: Complaint,
    outcome: str,
    answer: str,
    by,
    version: int | None,
    answered_on: datetime.date | None = None,
    level=None,
    grounds: str = ReratingGrounds.WRONG,
    signed_on: datetime.date | None = None,
    signer_name: str = "",
    signer_title: str = "",
) -> Complaint:
    """Answer a complaint (machine `answer`): rejected, the result stands; upheld, a re-rating
    decision to `level` is issued in the same transaction (corrections.member_rerate or
    unit_rerate, the answer as its reason) and linked. Raises cell_year.Conflict for a stale
    version, machine.Refused or ValidationError from the re-rating; nothing is written then."""
    row = _locked(Complaint, complaint.pk, version)
    rerating = None
    if outcome == ComplaintOutcome.UPHELD and level is not None:
        document = {
            "grounds": grounds,
            "level": level,
            "reason": answer,
            "by": by,
            "signed_on": signed_on or timezone.localdate(),
            "signer_name": signer_name,
            "signer_title": signer_title,
        }
        subject = row.subject
        if isinstance(subject, MemberAssessment):
            rerating = member_rerate(assessment=subject, **document)
        else:
            rerating = unit_rerate(row=subject, **document)
    machine.take(
        row,
        "answer",
        by=by,
        reason=answer,
        outcome=outcome,
        rerating=rerating,
        answered_on=answered_on or timezone.localdate(),
    )
    return row


def complaints_about(subject) -> list[Complaint]:
    """The complaints against `subject`'s results (a member assessment, a cell year or a
    grassroots year), newest first, for its page and history."""
    field = SUBJECT_FIELD[type(subject)]
    return list(
        Complaint.objects.filter(**{field: subject}).select_related(
            "decision__issuer", "decision__period", "handler", "rerating__issuer", "filed_by"
        )
    )
