"""The meetings dashboard of a unit and a year, and the meetings import (issue 16, items 5–6)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from assessment.access import get_period
from organizations.access import get_organization_for_user

from .imports import can_import
from .meetings_dashboard import meetings_dashboard_build
from .meetings_import import meetings_import


@login_required
@require_safe
def meetings_dashboard_view(request, year: int, pk: int):
    """Anyone whose scope holds the unit (404 outside it, as for the progress dashboard)."""
    unit = get_organization_for_user(request.user, pk)
    dashboard = meetings_dashboard_build(unit=unit, period=get_period(year))
    return render(
        request,
        "reports/meetings_dashboard.html",
        {"unit": unit, "period": dashboard.period, "d": dashboard, "chart": dashboard.chart_data()},
    )


class MeetingsUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"), allow_empty_file=True)
    write = forms.BooleanField(
        label=gettext_lazy("Import when the check finds no error (otherwise check only)"),
        required=False,
    )


@login_required
def meetings_import_view(request):
    """Upload a workbook of meetings and absences (sheets SinhHoat, VangMat): checked as a
    whole, written all or nothing (issue 16, item 6). Importers only, as for the roster."""
    if not can_import(request.user):
        raise PermissionDenied
    form = MeetingsUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = meetings_import(
            file=upload,
            by=request.user,
            dry_run=not form.cleaned_data["write"],
            file_name=upload.name,
        )
        if result.ok and not result.dry_run:
            messages.success(request, _("The meetings were imported."))
    return render(request, "reports/meetings_import.html", {"form": form, "result": result})
