"""Issue 16's evidence where decisions are made: each tag only calls assessment.meetings and
renders a partial, so a page shows the year's meetings with one `{% load %}` and one tag (the
rules live in assessment/meetings.py, not here)."""

from __future__ import annotations

from django import template

from members.models import Member
from organizations.collation import name_order

from .. import meetings

register = template.Library()


@register.inclusion_tag("assessment/meetings/partials/member_evidence.html")
def member_meetings(assessment):
    """One member's attendance over the assessment's year (the self-review)."""
    year = assessment.cell_year.period.year
    found = meetings.attendance_by_member(members=[assessment.member_id], year=year)
    return {
        "attendance": found.get(assessment.member_id),
        "year": year,
        "cell": assessment.cell_year.cell,
    }


@register.inclusion_tag("assessment/meetings/partials/cell_evidence.html")
def cell_meetings(cell_year):
    """The cell's meeting record and each member's attendance (the vote grid, the decide page)."""
    period, cell = cell_year.period, cell_year.cell
    members = Member.objects.filter(assessments__cell_year=cell_year).order_by(*name_order(), "pk")
    rules = meetings.meeting_rules_for(period.year)  # read once for both
    attendance = meetings.attendance_by_member(members=members, year=period.year, rules=rules)
    return {
        "record": meetings.cell_meeting_year(cell=cell, year=period.year, rules=rules),
        "members": [(m, attendance.get(m.pk)) for m in members],
        "any_flagged": any(a.flagged for a in attendance.values()),
        "period": period,
        "cell": cell,
    }


@register.inclusion_tag("assessment/meetings/partials/cells_evidence.html")
def cells_meetings(rows, period):
    """Beside each cell's proposal (the committee's cells page): its meeting quality and
    whether the inspection the rules require exists. `rows` have a `cell_year`, or are the
    decide table's (row, form) pairs."""
    rows = [row[0] if isinstance(row, tuple) else row for row in rows]
    cells = [row.cell_year.cell for row in rows]
    records = meetings.cells_meeting_years(cells=[c.pk for c in cells], year=period.year)
    return {
        "rows": [(row.cell_year, records[row.cell_year.cell_id]) for row in rows],
        "period": period,
    }
