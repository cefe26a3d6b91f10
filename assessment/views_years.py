"""The assessment years (step 0): the provincial board opens a year (its rules are a copy of
the rules in force, so editing them never changes a past year) and closes it."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organizations.forms import DateInput

from .access import can_manage_years
from .models import Period
from .services import period_close, period_create


class YearForm(forms.Form):
    year = forms.IntegerField(label=capfirst(gettext_lazy("year")), min_value=2000, max_value=2100)
    assessment_date = forms.DateField(
        label=capfirst(gettext_lazy("assessment date")),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Empty: 1 December of the year."),
    )


@login_required
def years_view(request):
    """Every year with its rules, state and deadlines; the board opens and closes years."""
    may_manage = can_manage_years(request.user)
    form = YearForm(request.POST or None, initial={"year": datetime.date.today().year})
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                period = period_create(
                    year=form.cleaned_data["year"],
                    assessment_date=form.cleaned_data["assessment_date"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("year", error)
            else:
                messages.success(
                    request,
                    _("The year %(year)s is open under the rules “%(rule_set)s”.")
                    % {"year": period.year, "rule_set": period.rule_set.name},
                )
                return redirect("assessment:years")
    return render(
        request,
        "assessment/years.html",
        {
            "periods": Period.objects.select_related("rule_set__cloned_from").prefetch_related(
                "deadlines"
            ),
            "form": form,
            "may_manage": may_manage,
        },
    )


@login_required
@require_POST
def year_close_view(request, year: int):
    if not can_manage_years(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    try:
        period_close(period=period, by=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("The year %(year)s is closed.") % {"year": year})
    return redirect("assessment:years")
