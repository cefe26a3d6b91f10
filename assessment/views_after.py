"""Pages after the decision (issue 15): a member not yet classified rated later (R14), the
committee's decision on them, re-rating a unit (R9, form 03), complaints. Views parse,
authorize (access helpers; the machine refuses what a role may not do, with why) and call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from . import complaints, corrections, later
from .access import (
    can_decide_cell_work,
    can_enter_cell_work,
    can_file_complaint,
    can_handle_complaint,
    get_assessment_for_user,
    get_complaint_for_user,
    get_grassroots_for_later,
    get_period,
    get_unit_year_for_user,
    unit_rerating_grounds_for_user,
)
from .cell_year import Conflict
from .decisions import Choice
from .forms_after import (
    ComplaintAnswerForm,
    ComplaintForm,
    LaterVoteForm,
    ReasonForm,
    SigningForm,
    UnitRerateForm,
)
from .models import AssessmentStatus, CellYear, ComplaintState, LaterRating, LaterRatingState

MSG_OPENED = _(
    "The later rating was opened: the member writes the self-review, then the cell votes."
)
MSG_PROPOSED = _("The cell's vote was recorded; the grassroots committee decides.")
MSG_RETURNED = _("The later rating was returned to the cell.")
MSG_FILED = _("The complaint was filed; the body that issued the decision answers it.")
MSG_ANSWERED = _("The complaint was answered.")


def _errors(error: Exception) -> list[str]:
    return list(getattr(error, "messages", [str(error)]))


@login_required
def later_rating_view(request, pk: int):
    """R14: a member's later rating: opened and voted by the cell's secretary, returned by the
    grassroots committee (which decides on its own page)."""
    assessment = get_assessment_for_user(request.user, pk)
    row = LaterRating.objects.filter(assessment=assessment).first()
    cell = assessment.cell_year.cell
    secretary = can_enter_cell_work(request.user, cell)
    committee = can_decide_cell_work(request.user, cell)
    levels = assessment.cell_year.period.rule_set.levels.for_members().order_by("rank")
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    vote_form = LaterVoteForm(
        data if action == "propose" else None,
        levels=levels,
        initial={"version": row.version if row else 1},
    )
    return_form = ReasonForm(
        data if action == "return" else None, initial={"version": row.version if row else 1}
    )
    if data is not None:
        allowed = {"open": secretary, "propose": secretary, "return": committee}
        if not allowed.get(action, secretary or committee):
            raise PermissionDenied
        try:
            if action == "open":
                later.later_rating_open(assessment=assessment, by=request.user)
                messages.success(request, MSG_OPENED)
                return redirect("assessment:later_rating", pk=pk)
            if row is None and action in ("propose", "return"):
                raise Http404
            if action == "propose" and vote_form.is_valid():
                later.later_vote_record(
                    later=row,
                    by=request.user,
                    version=vote_form.cleaned_data["version"],
                    votes=vote_form.votes(),
                    **{k: vote_form.cleaned_data[k] for k in ("held_on", "counted", "present")},
                )
                messages.success(request, MSG_PROPOSED)
                return redirect("assessment:later_rating", pk=pk)
            if action == "return" and return_form.is_valid():
                later.later_rating_return(
                    later=row,
                    reason=return_form.cleaned_data["reason"],
                    by=request.user,
                    version=return_form.cleaned_data["version"],
                )
                messages.success(request, MSG_RETURNED)
                return redirect("assessment:later_rating", pk=pk)
        except (ValidationError, Conflict) as error:
            for message in _errors(error):
                messages.error(request, message)
    context = {
        "assessment": assessment,
        "later": row,
        "secretary": secretary,
        "committee": committee,
        "vote_form": vote_form,
        "return_form": return_form,
        "pending": assessment.status == AssessmentStatus.PENDING,
        "history": row.history.select_related("history_user")[:20] if row else [],
        "grassroots": Organization.objects.grassroots_of(cell),
    }
    return render(request, "assessment/later_rating.html", context)


def _choices(post, rows) -> dict[int, Choice]:
    """The committee's level per proposed row (`level-<assessment pk>`, its note and version)."""
    choices = {}
    for row in rows:
        pk = row.assessment.pk
        level = row.assessment.cell_year.period.rule_set.levels.filter(
            pk=post.get(f"level-{pk}") or 0
        ).first()
        choices[pk] = Choice(
            level=level or row.proposed_level,
            note=post.get(f"note-{pk}", ""),
            override_note=post.get(f"override-{pk}", ""),
            state_level=row.assessment.state_level,
            version=int(post[f"version-{pk}"]) if post.get(f"version-{pk}", "").isdigit() else None,
        )
    return choices


@login_required
def later_decide_view(request, year: int, pk: int):
    """R14: the grassroots committee decides its members rated later by one numbered decision
    (on the year they belong to, closed or not)."""
    grassroots = get_grassroots_for_later(request.user, pk)
    period = get_period(year)
    proposed = list(later.proposed_in(grassroots, period))
    form = SigningForm(request.POST or None, issuer=grassroots)
    if request.method == "POST" and form.is_valid():
        try:
            decision = later.later_decision_issue(
                grassroots=grassroots,
                period=period,
                choices=_choices(request.POST, proposed),
                by=request.user,
                **form.cleaned_data,
            )
        except (ValidationError, Conflict) as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                later.MSG_DECIDED % {"decision": decision, "n": len(proposed), "year": period.year},
            )
            return redirect("assessment:later_decide", year=year, pk=pk)
    context = {
        "grassroots": grassroots,
        "period": period,
        "proposed": proposed,
        "levels": period.rule_set.levels.for_members().order_by("rank"),
        "pending": later.pending_members(grassroots, period),
        "laters": later.later_ratings_in(grassroots, period).exclude(
            state=LaterRatingState.PROPOSED
        ),
        "form": form,
    }
    return render(request, "assessment/later_decide.html", context)


@login_required
def unit_rerate_view(request, year: int, pk: int):
    """R9, form 03: re-rate a subordinate cell's or a grassroots organization's own level by a
    new numbered decision of the body whose decision holds it."""
    row = get_unit_year_for_user(request.user, year, pk)
    grounds = unit_rerating_grounds_for_user(request.user, row)
    if not grounds:
        raise PermissionDenied
    form = UnitRerateForm(
        request.POST if request.method == "POST" else None,
        grounds=grounds,
        levels=row.period.rule_set.levels.for_organizations().order_by("rank"),
        issuer=row.decision.issuer,
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = corrections.unit_rerate(row=row, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Decision %(decision)s re-rated the result.") % {"decision": decision}
            )
            return redirect("assessment:decision_pdf", pk=decision.pk)
    unit = row.cell if isinstance(row, CellYear) else row.organization
    context = {
        "row": row,
        "unit": unit,
        "form": form,
        "reratings": row.reratings.select_related("decision", "previous_level", "level"),
        "complaints": complaints.complaints_about(row),
    }
    return render(request, "assessment/unit_rerate.html", context)


def _complaint_new(request, subject, back: str):
    if not can_file_complaint(request.user, subject):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaints.complaint_file(
                subject=subject, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, MSG_FILED)
            return redirect("assessment:complaint", pk=complaint.pk)
    context = {"subject": subject, "form": form, "back": back}
    return render(request, "assessment/complaint_new.html", context)


@login_required
def member_complaint_view(request, pk: int):
    """A member contests the decision on their result."""
    assessment = get_assessment_for_user(request.user, pk)
    return _complaint_new(request, assessment, reverse("assessment:self_review", args=[pk]))


@login_required
def unit_complaint_view(request, year: int, pk: int):
    """A subordinate cell or a grassroots organization contests the decision on its level."""
    row = get_unit_year_for_user(request.user, year, pk)
    return _complaint_new(request, row, reverse("organizations:unit", args=[pk]))


@login_required
def complaint_view(request, pk: int):
    """A complaint with its history; the handling body answers it here (an upheld answer
    issues the re-rating decision in the same step)."""
    complaint = get_complaint_for_user(request.user, pk)
    handler = can_handle_complaint(request.user, complaint.handler)
    if complaint.assessment_id:
        levels = complaint.assessment.cell_year.period.rule_set.levels.for_members()
    else:
        levels = complaint.subject.period.rule_set.levels.for_organizations()
    form = ComplaintAnswerForm(
        request.POST if request.method == "POST" else None,
        levels=levels.order_by("rank"),
        initial={"version": complaint.version},
    )
    if request.method == "POST":
        if not handler:
            raise PermissionDenied
        if form.is_valid():
            try:
                complaints.complaint_answer(
                    complaint=complaint, by=request.user, **form.cleaned_data
                )
            except (ValidationError, Conflict) as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, MSG_ANSWERED)
                return redirect("assessment:complaint", pk=pk)
    context = {
        "complaint": complaint,
        "form": form,
        "may_answer": handler and complaint.state == ComplaintState.RECEIVED,
        "history": complaint.history.select_related("history_user"),
    }
    return render(request, "assessment/complaint.html", context)
