"""Quarterly assessment of leaders and managers (R27, form 05; issue 14 item 6): the year's
quarters, a unit's leaders in a quarter, one leader's quarter with its steps and grounds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from members.access import visible_members
from organizations.access import get_organization_for_user, visible_organizations

from . import quarters
from .access import (
    can_decide_quarter,
    can_manage_years,
    can_write_quarter,
    get_period,
    get_quarter_assessment_for_user,
)
from .cell_year import Conflict
from .forms_quarters import GroundForm, QuarterDecideForm, QuarterOpenForm, QuarterReviewForm
from .machine import Refused
from .models import Quarter
from .views_grounds import flags_with_words, ground_flags_post

STEPS = {"submit", "return", "decide", "reopen"}
DECIDE = "decide"  # the step form's prefix: its fields beside form 05's on one page


@login_required
def quarters_view(request, year: int):
    """The year's quarters, counted within the user's scope (a member: their own quarters);
    the provincial board opens one (its roster: the year's leaders)."""
    period = get_period(year)
    may_manage = can_manage_years(request.user)
    form = QuarterOpenForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                quarter = quarters.quarter_open(
                    period=period, number=form.cleaned_data["number"], by=request.user
                )
            except ValidationError as error:
                form.add_error("number", error)
            else:
                messages.success(request, _("%(quarter)s is open.") % {"quarter": quarter})
                return redirect("assessment:quarters", year=year)
    units = visible_organizations(request.user).order_by("depth", "path")[:1]
    return render(
        request,
        "assessment/quarters.html",
        {
            "period": period,
            "quarters": quarters.quarters_with_counts(
                period, members=visible_members(request.user)
            ),
            "form": form,
            "may_manage": may_manage,
            "unit": units[0] if units else None,
        },
    )


@login_required
@require_safe
def quarter_unit_view(request, year: int, number: int, pk: int):
    """A quarter's leaders under a unit in the user's scope, with their state and levels."""
    unit = get_organization_for_user(request.user, pk)
    quarter = get_object_or_404(
        Quarter.objects.select_related("period"), period=get_period(year), number=number
    )
    rows = quarters.quarter_assessments_in(unit, quarter)
    return render(
        request,
        "assessment/quarter_unit.html",
        {"unit": unit, "quarter": quarter, "rows": rows, "today": quarters.today()},
    )


def _context(request, row, form, decide_form):
    framework = quarters.framework_of(row)
    return {
        "row": row,
        "quarter": row.quarter,
        "form": form,
        "decide_form": decide_form,
        "ground_form": GroundForm(framework=framework),
        "flags": flags_with_words(row.ground_flags.select_related("recorded_by"), framework),
        "framework": framework,
        "grounds": quarters.grounds_holding(row),
        "may_write": row.is_editable() and can_write_quarter(request.user, row),
        "may_decide": row.quarter.is_open() and can_decide_quarter(request.user, row),
        "history": row.history.select_related("history_user", "decided_level")[:50],
    }


@login_required
def quarter_assessment_view(request, pk: int):
    """One leader's quarter (form 05): the leader or the secretary writes it."""
    row = get_quarter_assessment_for_user(request.user, pk)
    framework = quarters.framework_of(row)
    form = QuarterReviewForm(
        request.POST if request.method == "POST" else None, row=row, framework=framework
    )
    if request.method == "POST":
        if not can_write_quarter(request.user, row):
            raise PermissionDenied
        if form.is_valid():
            try:
                quarters.quarter_review_save(
                    assessment=row,
                    results=form.cleaned_data["results"],
                    shortcomings=form.cleaned_data["shortcomings"],
                    scores=form.scores(),
                    conditions=form.conditions(),
                    by=request.user,
                    version=form.cleaned_data["version"],
                )
            except Conflict as conflict:
                messages.error(request, str(conflict))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The quarter's results were saved."))
            return redirect("assessment:quarter_assessment", pk=row.pk)
    decide_form = QuarterDecideForm(row=row, prefix=DECIDE)
    return render(
        request, "assessment/quarter_assessment.html", _context(request, row, form, decide_form)
    )


@login_required
@require_POST
def quarter_step_view(request, pk: int):
    """Submit, return, decide or reopen a leader's quarter: the machine says who may."""
    row = get_quarter_assessment_for_user(request.user, pk)
    if not (can_write_quarter(request.user, row) or can_decide_quarter(request.user, row)):
        raise PermissionDenied
    form = QuarterDecideForm(request.POST, row=row, prefix=DECIDE)
    step = request.POST.get("step", "")
    if step not in STEPS or not form.is_valid():
        messages.error(request, _("Choose a step and fill in what it needs."))
        return redirect("assessment:quarter_assessment", pk=row.pk)
    data = form.cleaned_data
    try:
        quarters.quarter_step(
            assessment=row,
            name=step,
            by=request.user,
            reason=data["reason"],
            level=data["level"],
            note=data["note"],
            override_note=data["override_note"],
            version=data["version"],
        )
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except Refused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": dict(form.STEP_LABELS)[step]})
    return redirect("assessment:quarter_assessment", pk=row.pk)


@login_required
@require_POST
def quarter_grounds_view(request, pk: int):
    """The decider records a ground for not completed with a note, or clears one with a
    reason (R5)."""
    row = get_quarter_assessment_for_user(request.user, pk)
    if not can_decide_quarter(request.user, row):
        raise PermissionDenied
    ground_flags_post(request, subject=row, framework=quarters.framework_of(row))
    return redirect("assessment:quarter_assessment", pk=row.pk)
