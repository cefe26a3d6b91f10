"""Pages of the commendations' workflow (issue 15 item 3): a unit's proposals, candidates and
quotas; proposing, withdrawing, refusing; the decision; the list the province sends up."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from organizations.access import get_organization_for_user
from organizations.text import clean_line, clean_text

from . import commendations as comm
from .access import (
    can_decide_commendations,
    can_manage_years,
    can_propose_commendations,
    get_commendation_for_user,
    get_period,
)
from .documents import last_signer
from .models import (
    CellYear,
    CommendationKind,
    CommendationState,
    Decision,
    DecisionKind,
    GrassrootsYear,
    MemberAssessment,
)

MSG_SUBJECT = gettext_lazy("Choose who is proposed.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(year: int, unit) -> HttpResponse:
    return redirect("assessment:commendations", year=year, pk=unit.pk)


def _say(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_safe
def commendations_view(request, year: int, pk: int):
    """The unit's commendations in `year`: proposals of its subtree, the candidates it may
    propose (excellent members, five years running, excellent units), the proposals it decides
    and its decisions, the province's quotas."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    may_propose = can_propose_commendations(request.user, unit)
    may_decide = can_decide_commendations(request.user, unit)
    proposals = list(comm.proposals_in(unit, period))
    return render(
        request,
        "assessment/commendations.html",
        {
            "unit": unit,
            "period": period,
            "proposals": proposals,
            "to_decide": [
                c
                for c in proposals
                if c.decider_id == unit.pk and c.state == CommendationState.PROPOSED
            ],
            "members": comm.member_candidates(unit, period) if may_propose else [],
            "five_years": comm.five_year_candidates(unit, period) if may_propose else [],
            "units": comm.unit_candidates(unit, period) if may_propose else [],
            "quotas": comm.quotas_for(unit, period),
            "decisions": Decision.objects.filter(
                issuer=unit, period=period, kind=DecisionKind.COMMENDATION
            ).order_by("number"),
            "may_propose": may_propose,
            "may_decide": may_decide,
            "may_set_quota": can_manage_years(request.user),
            "kinds": CommendationKind.choices,
            "signer": last_signer(unit),
            "today": datetime.date.today(),
        },
    )


def _subject(unit, period, value: str):
    """The subject a proposal names ("a12": a member's year, "c3": a cell's, "g4": an
    organization's), within `unit`'s subtree and `period`; None if it is not there."""
    kinds = {
        "a": (MemberAssessment, "cell_year__cell__path", "cell_year__period"),
        "c": (CellYear, "cell__path", "period"),
        "g": (GrassrootsYear, "organization__path", "period"),
    }
    if len(value) < 2 or value[0] not in kinds or not value[1:].isdigit():
        return None
    model, path, year = kinds[value[0]]
    return model.objects.filter(
        pk=int(value[1:]), **{f"{path}__startswith": unit.path, year: period}
    ).first()


@login_required
@require_POST
def commendation_propose_view(request, year: int, pk: int):
    """Propose a member or a unit of the subtree in the unit's name (R20, the quota)."""
    unit = get_organization_for_user(request.user, pk)
    if not can_propose_commendations(request.user, unit):
        raise PermissionDenied
    period = get_period(year)
    subject = _subject(unit, period, request.POST.get("subject", ""))
    kind = request.POST.get("kind", "")
    if subject is None or kind not in CommendationKind.values:
        messages.error(request, MSG_SUBJECT)
        return _page(year, unit)
    try:
        row = comm.commendation_propose(
            kind=kind,
            subject=subject,
            proposer=unit,
            achievements=clean_text(request.POST.get("achievements", "")),
            by=request.user,
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Proposed: %(row)s.") % {"row": row})
    return _page(year, unit)


def _step(request, pk: int, step, back: str, may):
    commendation = get_commendation_for_user(request.user, pk)
    if not may(request.user, getattr(commendation, back)):
        raise PermissionDenied
    version = request.POST.get("version", "")
    try:
        step(
            commendation=commendation,
            reason=clean_text(request.POST.get("reason", "")),
            by=request.user,
            version=int(version) if version.isdigit() else None,
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Saved."))
    return _page(commendation.period.year, getattr(commendation, back))


@login_required
@require_POST
def commendation_withdraw_view(request, pk: int):
    """The proposer withdraws its proposal, with a reason (the machine checks the role)."""
    return _step(request, pk, comm.commendation_withdraw, "proposer", can_propose_commendations)


@login_required
@require_POST
def commendation_refuse_view(request, pk: int):
    """The deciding body does not accept a proposal, with a reason."""
    return _step(request, pk, comm.commendation_refuse, "decider", can_decide_commendations)


@login_required
@require_POST
def commendation_issue_view(request, year: int, pk: int):
    """Issue the unit's numbered commendation decision over the ticked proposals."""
    unit = get_organization_for_user(request.user, pk)
    if not can_decide_commendations(request.user, unit):
        raise PermissionDenied
    period = get_period(year)
    try:
        signed_on = datetime.date.fromisoformat(request.POST.get("signed_on", ""))
    except ValueError:
        messages.error(request, _("Enter the date the decision is signed."))
        return _page(year, unit)
    ids = [int(v) for v in request.POST.getlist("commendation") if v.isdigit()]
    try:
        decision = comm.commendation_decision_issue(
            decider=unit,
            period=period,
            commendation_ids=ids,
            signed_on=signed_on,
            signer_name=clean_line(request.POST.get("signer_name", "")),
            signer_title=clean_line(request.POST.get("signer_title", "")),
            by=request.user,
        )
    except ValidationError as error:
        _say(request, error)
        return _page(year, unit)
    messages.success(request, _("Decision %(decision)s was issued.") % {"decision": decision})
    return _page(year, unit)


@login_required
@require_POST
def commendation_quota_view(request, year: int, pk: int):
    """The province's board sets a unit's quota of proposals of one kind (empty: no quota)."""
    unit = get_organization_for_user(request.user, pk)
    if not can_manage_years(request.user):
        raise PermissionDenied
    period = get_period(year)
    kind, limit = request.POST.get("kind", ""), request.POST.get("limit", "").strip()
    if kind not in CommendationKind.values or (limit and not limit.isdigit()):
        messages.error(request, str(comm.MSG_LIMIT))
        return _page(year, unit)
    comm.commendation_quota_set(
        period=period, unit=unit, kind=kind, limit=int(limit) if limit else None, by=request.user
    )
    messages.success(request, _("Saved."))
    return _page(year, unit)


@login_required
@require_safe
def commendation_export_view(request, year: int, pk: int):
    """The list of the subtree's commendations (proposed and given) as the workbook the province
    sends up."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    data = comm.commendation_list_xlsx(unit=unit, period=period)
    answer = HttpResponse(data, content_type=XLSX)
    answer["Content-Disposition"] = (
        f'attachment; filename="danh-sach-khen-thuong-{unit.code}-{period.year}.xlsx"'
    )
    return answer
