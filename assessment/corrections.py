"""R9: correcting a past year's result by a re-rating decision (form 03, "quyết định đánh giá,
xếp loại lại"). The result it replaces stays in the assessment's history and on the decision's
line, never overwritten silently.

Under the 2023–2024 rules (Hướng dẫn 25, 4.5) a later discipline for an earlier year re-rates
that year to not completed by the superior committee's decision, and flags a commendation based
on the old result. From 2025 a later discipline counts in the year it is decided; a past result
is re-rated only when it is found wrong or dishonest, by the level that decided it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, Role
from organizations.notifications import notify, users_with_role

from . import machine
from .cell_year import save_attributed
from .counts import counts_refresh
from .decisions import next_number
from .models import (
    CanonicalLevel,
    CorrectionRule,
    Decision,
    DecisionKind,
    DecisionState,
    Level,
    LevelScope,
    MemberAssessment,
    Rerating,
    ReratingGrounds,
)
from .models_followup import ACTIVE_COMMENDATION_STATES

MSG_NOT_FINAL = _("Only a result locked by an issued decision can be re-rated.")
MSG_SAME_LEVEL = _("The new level is the level already decided.")
MSG_REASON = _("Give the reason for re-rating.")
MSG_GROUNDS_2025 = _(
    "Under this year's rules a later discipline counts in the year it is decided; a past result "
    "is re-rated only when it is found wrong or dishonest."
)
MSG_DISCIPLINE_LEVEL = _(
    "A later discipline re-rates the year to a level of not completed (Hướng dẫn 25)."
)
MSG_WRONG_LEVEL = _("The level is not one of this year's levels for party members.")


def allowed_grounds(rule_set) -> list[str]:
    if rule_set.correction_rule == CorrectionRule.DISCIPLINE_RERATES:
        return list(ReratingGrounds.values)
    return [ReratingGrounds.WRONG, ReratingGrounds.DISHONEST]


def rerating_issuer(assessment: MemberAssessment, grounds: str) -> Organization:
    """Who issues the re-rating: the superior committee for a later discipline under the
    2023–2024 rules, otherwise the body whose decision holds the result."""
    if grounds == ReratingGrounds.LATER_DISCIPLINE:
        grassroots = Organization.objects.grassroots_of(assessment.cell_year.cell)
        return Organization.objects.deciding_superior(grassroots)
    return assessment.decision.issuer


@transaction.atomic
def member_rerate(
    *,
    assessment: MemberAssessment,
    grounds: str,
    level: Level,
    reason: str,
    by,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
) -> Decision:
    """Issue a re-rating decision for one member's past result and apply it."""
    assessment = (
        MemberAssessment.objects.select_for_update(of=("self",))
        .select_related("cell_year__period__rule_set", "cell_year__cell", "decision", "member")
        .get(pk=assessment.pk)
    )
    period = assessment.cell_year.period
    rule_set = period.rule_set
    previous = assessment.decision
    if previous is None or previous.state != DecisionState.ISSUED:
        raise ValidationError(MSG_NOT_FINAL, code="not_final")
    if grounds not in allowed_grounds(rule_set):
        raise ValidationError({"grounds": MSG_GROUNDS_2025})
    if level.rule_set_id != rule_set.pk or level.applies_to == LevelScope.ORGANIZATION:
        raise ValidationError({"level": MSG_WRONG_LEVEL})
    if level.pk == assessment.decided_level_id:
        raise ValidationError({"level": MSG_SAME_LEVEL})
    if grounds == ReratingGrounds.LATER_DISCIPLINE and level.maps_to != (
        CanonicalLevel.NOT_COMPLETED
    ):
        raise ValidationError({"level": MSG_DISCIPLINE_LEVEL})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": MSG_REASON})

    issuer = rerating_issuer(assessment, grounds)
    Organization.objects.select_for_update().filter(pk=issuer.pk).first()  # serialize numbering
    decision = Decision(
        period=period,
        issuer=issuer,
        kind=DecisionKind.RERATING,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        issued_by=by,
        quota_cap_percent=rule_set.quota_percent,
        grounds=grounds,
        reason=reason,
    )

    def number(decision: Decision) -> None:
        decision.number = next_number(issuer, period)

    machine.take(decision, "issue", by=by, reason=reason, then=number)
    Rerating.objects.create(
        decision=decision,
        assessment=assessment,
        previous_level_id=assessment.decided_level_id,
        previous_decision=previous,
        level=level,
        commendation_flagged=(
            grounds == ReratingGrounds.LATER_DISCIPLINE
            and assessment.commendations.filter(state__in=ACTIVE_COMMENDATION_STATES).exists()
        ),
    )
    assessment.decided_level, assessment.decision = level, decision
    assessment.decision_note = reason
    save_attributed(assessment, by, reason=f"{decision}: {reason}")
    counts_refresh(period=period, units=[assessment.cell_year.cell_id])

    member = assessment.member
    if member.user_id:
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=[member.user],
                text=_("Your result for %(year)s was re-rated: %(level)s (decision %(decision)s).")
                % {"year": period.year, "level": level.name, "decision": decision},
                url=reverse("assessment:decision_pdf", args=[decision.pk]),
            )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=users_with_role(Role.CELL_SECRETARY, assessment.cell_year.cell),
            text=_("%(member)s's result for %(year)s was re-rated (decision %(decision)s).")
            % {"member": member.full_name, "year": period.year, "decision": decision},
            url=reverse("assessment:decision_pdf", args=[decision.pk]),
        )
    return decision
