"""Pages of registrations for the next year and of the follow-up of those rated not completed
(issue 15, items 4 and 5). Views parse, authorize, call `assessment.followup`, respond."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from members.models import Member
from organizations.access import get_organization_for_user
from organizations.models import Organization
from organizations.text import clean_line, clean_text

from . import followup
from .access import (
    can_follow_up,
    can_register,
    get_assessment_for_user,
    get_period,
    get_remedial_plan_for_user,
)
from .models import CanonicalLevel, RemedialStep

MSG_SUBJECT = gettext_lazy("Choose the member or the party organization.")
MSG_DATE = gettext_lazy("Enter a date as dd/mm/yyyy.")
STEP_ROWS = 4


def _say(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _date(value: str) -> datetime.date | None:
    """A date typed as dd/mm/yyyy or sent by a date input (yyyy-mm-dd); None if empty or bad."""
    value = value.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


# --- Registrations ------------------------------------------------------------------------------


@login_required
@require_safe
def registrations_view(request, year: int, pk: int):
    """Who registered for `year` in the unit's subtree; a cell's members and the unit's own
    registration, with the forms its roles may fill."""
    unit = get_organization_for_user(request.user, pk)
    members, own = followup.cell_registrations(unit, year) if unit.is_cell else ([], None)
    if not unit.is_cell:
        own = unit.registrations.filter(year=year).first()
    return render(
        request,
        "assessment/registrations.html",
        {
            "unit": unit,
            "year": year,
            "rows": followup.registration_rows(unit, year),
            "members": [(m, r, can_register(request.user, member=m)) for m, r in members],
            "own": own,
            "may_register_unit": can_register(request.user, unit=unit),
            "targets": CanonicalLevel.choices,
        },
    )


def _registration_subject(unit: Organization, value: str):
    if value == "u":
        return {"organization": unit}
    if value[:1] == "m" and value[1:].isdigit():
        member = Member.objects.in_subtree(unit).filter(pk=int(value[1:])).first()
        return {"member": member} if member else None
    return None


@login_required
@require_POST
def registration_save_view(request, year: int, pk: int):
    """Save a registration of the unit or of a member of its subtree."""
    unit = get_organization_for_user(request.user, pk)
    subject = _registration_subject(unit, request.POST.get("subject", ""))
    allowed = (
        can_register(request.user, **subject)
        if subject and "member" in subject
        else can_register(request.user, unit=unit)
    )
    if not allowed:
        raise PermissionDenied
    if subject is None:
        messages.error(request, MSG_SUBJECT)
        return redirect("assessment:registrations", year=year, pk=unit.pk)
    try:
        followup.registration_save(
            year=year,
            target=request.POST.get("target", ""),
            commitments=clean_text(request.POST.get("commitments", "")),
            by=request.user,
            version=_version(request),
            **subject,
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The registration was saved."))
    return redirect("assessment:registrations", year=year, pk=unit.pk)


@login_required
@require_POST
def member_registration_view(request, pk: int):
    """A member (or the cell's secretary for them) registers for the year after the
    assessment's, from the self-review page."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    try:
        followup.registration_save(
            year=assessment.cell_year.period.year + 1,
            member=assessment.member,
            target=request.POST.get("target", ""),
            commitments=clean_text(request.POST.get("commitments", "")),
            by=request.user,
            version=_version(request),
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The registration was saved."))
    return redirect("assessment:self_review", pk=assessment.pk)


# --- Follow-up ----------------------------------------------------------------------------------


@login_required
@require_safe
def follow_up_view(request, year: int, pk: int):
    """The remedial plans of the subtree for those rated not completed in `year`, with their
    progress, and those still without a plan."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    plans = list(followup.plans_in(unit, period))
    return render(
        request,
        "assessment/follow_up.html",
        {
            "unit": unit,
            "period": period,
            "plans": [(p, can_follow_up(request.user, p.unit)) for p in plans],
            "missing": followup.plans_missing(unit, period),
            "may_plan": can_follow_up(request.user, unit),
            "step_rows": range(1, STEP_ROWS + 1),
        },
    )


def _plan_subject(unit: Organization, value: str):
    if value[:1] == "m" and value[1:].isdigit():
        member = Member.objects.in_subtree(unit).filter(pk=int(value[1:])).first()
        return ({"member": member}, member.cell) if member else None
    if value[:1] == "u" and value[1:].isdigit():
        found = Organization.objects.in_subtree(unit).filter(pk=int(value[1:])).first()
        return ({"organization": found}, found) if found else None
    return None


@login_required
@require_POST
def remedial_plan_create_view(request, year: int, pk: int):
    """Make the remedial plan of a member or unit of the subtree rated not completed."""
    unit = get_organization_for_user(request.user, pk)
    if not can_follow_up(request.user, unit):
        raise PermissionDenied
    period = get_period(year)
    found = _plan_subject(unit, request.POST.get("subject", ""))
    if found is None:
        messages.error(request, MSG_SUBJECT)
        return redirect("assessment:follow_up", year=year, pk=unit.pk)
    subject, subject_unit = found
    if not can_follow_up(request.user, subject_unit):
        raise PermissionDenied
    steps = [
        (
            clean_text(request.POST.get(f"step_{n}", "")),
            _date(request.POST.get(f"due_{n}", "")),
        )
        for n in range(1, STEP_ROWS + 1)
    ]
    try:
        followup.remedial_plan_create(
            period=period,
            shortcomings=clean_text(request.POST.get("shortcomings", "")),
            owner=clean_line(request.POST.get("owner", "")),
            steps=steps,
            by=request.user,
            **subject,
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The remedial plan was saved."))
    return redirect("assessment:follow_up", year=year, pk=unit.pk)


@login_required
@require_POST
def remedial_step_done_view(request, pk: int):
    """Mark a step of a plan done (or not done, with an empty date)."""
    step = get_object_or_404(RemedialStep.objects.select_related("plan"), pk=pk)
    plan = get_remedial_plan_for_user(request.user, step.plan_id)
    if not can_follow_up(request.user, plan.unit):
        raise PermissionDenied
    try:
        followup.remedial_step_done(
            step=step,
            done_on=_date(request.POST.get("done_on", "")),
            by=request.user,
            version=_version(request),
        )
    except ValidationError as error:
        _say(request, error)
    return redirect("assessment:follow_up", year=plan.period.year, pk=plan.unit_id)


@login_required
@require_POST
def remedial_plan_remedied_view(request, pk: int):
    """Record that the plan's shortcomings were remedied, and how."""
    plan = get_remedial_plan_for_user(request.user, pk)
    if not can_follow_up(request.user, plan.unit):
        raise PermissionDenied
    day = _date(request.POST.get("remedied_on", ""))
    if day is None:
        messages.error(request, MSG_DATE)
    else:
        try:
            followup.remedial_plan_remedied(
                plan=plan,
                remedied_on=day,
                note=clean_text(request.POST.get("remedy_note", "")),
                by=request.user,
                version=_version(request),
            )
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(request, _("Saved."))
    return redirect("assessment:follow_up", year=plan.period.year, pk=plan.unit_id)
