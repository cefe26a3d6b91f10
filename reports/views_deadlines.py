"""Deadlines that drive the year (issue 8): a unit's calendar, yearly reports upward, and the
province's view of the reports received by a cut-off date.

Anyone whose scope holds the unit reads; only the unit's own board (or an administrator)
submits its report. Outside the scope: 404, as if missing; inside it, the wrong role: 403."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from assessment.access import get_period
from organizations.access import get_organization_for_user
from organizations.models import Kind, Organization

from . import submissions
from .access import get_reporting_unit_for_user
from .models import ReportSubmission
from .reminders import calendar_build

MSG_SUBMITTED = _("The yearly report was submitted (version %(version)s).")


class SubmissionForm(forms.ModelForm):
    """The narrative and signature of a yearly report; the figures are frozen by the service."""

    class Meta:
        model = ReportSubmission
        fields = [
            *submissions.NARRATIVE_FIELDS,
            "signer_name",
            "signer_title",
            "correction_reason",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (*submissions.NARRATIVE_FIELDS, "correction_reason")
        }

    def __init__(self, *args, correcting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strengths"].required = self.fields["weaknesses"].required = True
        if correcting:
            self.fields["correction_reason"].required = True
        else:
            del self.fields["correction_reason"]


class CutoffForm(forms.Form):
    cutoff = forms.DateField(
        label=_("Reports submitted by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _reporting_unit(request, pk: int, *, write: bool = False) -> Organization:
    return get_reporting_unit_for_user(request.user, pk, write=write)


@login_required
@require_safe
def calendar_view(request, year: int, pk: int):
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    return render(
        request,
        "reports/calendar.html",
        {"unit": unit, "period": period, "calendar": calendar_build(unit=unit, period=period)},
    )


@login_required
@require_safe
def submission_view(request, year: int, pk: int):
    """Every version of the unit's report for the year, newest first."""
    unit = _reporting_unit(request, pk)
    period = get_period(year)
    return render(
        request,
        "reports/submission.html",
        {
            "unit": unit,
            "period": period,
            "versions": submissions.versions_of(unit, period),
            "due": submissions.report_due(unit, period),
            "can_submit": submissions.can_submit_report(request.user, unit) and period.is_open(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_create_view(request, year: int, pk: int):
    unit = _reporting_unit(request, pk, write=True)
    period = get_period(year)
    latest = submissions.versions_of(unit, period).order_by("-version").first()
    initial = {
        name: getattr(latest, name)
        for name in (*submissions.NARRATIVE_FIELDS, "signer_name", "signer_title")
        if latest
    }
    data = request.POST if request.method == "POST" else None
    form = SubmissionForm(data, initial=initial, correcting=latest is not None)
    if form.is_valid():
        try:
            submission = submissions.report_submit(
                unit=unit, period=period, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, MSG_SUBMITTED % {"version": submission.version})
            return redirect("reports:submission_detail", pk=submission.pk)
    return render(
        request,
        "reports/submission_form.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "latest": latest,
            "due": submissions.report_due(unit, period),
        },
    )


@login_required
@require_safe
def submission_detail_view(request, pk: int):
    submission = submissions.get_submission_for_user(request.user, pk)
    return render(
        request,
        "reports/submission_detail.html",
        {
            "submission": submission,
            "unit": submission.unit,
            "period": submission.period,
            "tables": submissions.submission_tables(submission),
            "versions": submissions.versions_of(submission.unit, submission.period),
        },
    )


@login_required
@require_safe
def aggregate_view(request, year: int, pk: int):
    """The province's year from its superior committees' reports at a cut-off date."""
    unit = get_organization_for_user(request.user, pk)
    if unit.kind != Kind.PROVINCE:
        raise Http404
    period = get_period(year)
    form = CutoffForm(request.GET or None)
    cutoff = form.cleaned_data["cutoff"] if form.is_bound and form.is_valid() else None
    aggregate = submissions.province_aggregate(province=unit, period=period, cutoff=cutoff)
    if not form.is_bound:
        form = CutoffForm(initial={"cutoff": aggregate.cutoff})
    return render(
        request,
        "reports/deadline_aggregate.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "aggregate": aggregate,
            "tables": submissions.aggregate_tables(aggregate),
        },
    )
