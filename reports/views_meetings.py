"""The meetings dashboard of a unit and a year (issue 16, item 5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.access import get_period
from organizations.access import get_organization_for_user

from .meetings_dashboard import meetings_dashboard_build


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
