"""The progress dashboard of a unit and a year (issue 5, item 1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.access import get_period
from assessment.quarters import late_quarters
from organizations.access import get_organization_for_user

from .dashboard import dashboard_build


@login_required
@require_safe
def progress_view(request, year: int, pk: int):
    """Anyone whose scope holds the unit sees it (a cell secretary, their own cell); a unit
    outside the scope, or a member with no unit role, answers 404."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    dashboard = dashboard_build(unit=unit, period=period)
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit": unit,
            "period": period,
            "dashboard": dashboard,
            "chart_data": dashboard.chart_data(),
            "table_figures": dashboard.table_figures(),
            # R27: leaders' quarters not decided after their due date (issue 14 item 6)
            "late_quarters": late_quarters(unit, period, dashboard.today),
        },
    )
