"""Pages of the cell's meetings through the year (issue 16): the year's list, recording a
meeting on a phone, and the committee's inspection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from members.models import Member
from organizations.collation import name_order

from . import meetings
from .access import (
    can_decide_cell_work,
    can_enter_cell_work,
    get_cell_meeting_for_user,
    get_meetings_cell_for_user,
    get_period,
)
from .cell_year import Conflict
from .forms_meetings import CellMeetingForm, MeetingInspectionForm
from .models import CellMeeting, MeetingInspection


def _year_url(year: int, cell) -> str:
    return redirect("assessment:meetings", year=year, pk=cell.pk)


@login_required
@require_safe
def meetings_view(request, year: int, pk: int):
    """The cell's meetings in `year` with their quality, each member's attendance over the year
    (R21), and the committee's inspection."""
    cell = get_meetings_cell_for_user(request.user, pk)
    period = get_period(year)
    rules = meetings.meeting_rules_for(year)
    rows = meetings.with_counts(CellMeeting.objects.filter(cell=cell, held_on__year=year))
    members = Member.objects.filter(cell=cell).current().order_by(*name_order(), "pk")
    attendance = meetings.attendance_by_member(members=members, year=year, rules=rules)
    return render(
        request,
        "assessment/meetings/list.html",
        {
            "cell": cell,
            "period": period,
            "rules": rules,
            "rows": [(m, meetings.meeting_quality(m, rules)) for m in rows],
            "record": meetings.cell_meeting_year(cell=cell, year=year, rules=rules),
            "members": [(m, attendance.get(m.pk)) for m in members],
            "inspections": MeetingInspection.objects.filter(cell=cell, period=period),
            "inspection_missing": meetings.inspection_missing(
                cell=cell, period=period, rules=rules
            ),
            "can_enter": can_enter_cell_work(request.user, cell),
            "can_inspect": can_decide_cell_work(request.user, cell),
        },
    )


def _meeting_form_page(request, *, cell, year, form, meeting=None, absences=None):
    return render(
        request,
        "assessment/meetings/form.html",
        {
            "cell": cell,
            "year": year,
            "form": form,
            "rows": list(form.rows(absences)),
            "meeting": meeting,
            "reasons": meetings.AbsenceReason.choices,
            "editable": can_enter_cell_work(request.user, cell),
        },
    )


@login_required
def meeting_new_view(request, year: int, pk: int):
    """Record a meeting: all present by default, tap the absent and their reason (R21)."""
    cell = get_meetings_cell_for_user(request.user, pk, write=True)
    today = timezone.localdate()
    day = today if today.year == year else None
    roster = meetings.meeting_roster(cell=cell, day=day or today)
    form = CellMeetingForm(
        request.POST or None,
        roster=roster,
        rules=meetings.meeting_rules_for(year),
        year=year,
        initial={"held_on": day},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meetings.cell_meeting_record(
                cell=cell,
                kind=data["kind"],
                held_on=data["held_on"],
                absences=data["absences"],
                by=request.user,
                **form.details(),
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return _year_url(year, cell)
    return _meeting_form_page(request, cell=cell, year=year, form=form)


def _to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def meeting_edit_view(request, year: int, pk: int, meeting_pk: int):
    """A recorded meeting: read by anyone whose scope holds the cell, changed by its secretary."""
    write = request.method == "POST"
    meeting = get_cell_meeting_for_user(request.user, year, pk, meeting_pk, write=write)
    rows = list(
        meeting.attendance_rows.select_related("member").order_by(
            *name_order("member__full_name"), "pk"
        )
    )
    roster = [
        meetings.RosterEntry(a.member, guest=a.member.cell_id != meeting.cell_id) for a in rows
    ]
    absences = {a.member_id: a.absence_reason for a in rows if not a.present}
    initial = {f: getattr(meeting, f) for f in ("held_on", "kind", *meetings.MEETING_DETAILS)}
    initial["criteria"] = [code for code, met in meeting.criteria.items() if met]
    initial["version"] = meeting.version
    rules = meetings.meeting_rules_for(year)
    form = CellMeetingForm(
        request.POST or None, roster=roster, rules=rules, year=year, initial=initial
    )
    if write and form.is_valid():
        data = form.cleaned_data
        try:
            meetings.cell_meeting_update(
                meeting=meeting,
                version=data["version"] or 0,
                absences=data["absences"],
                by=request.user,
                held_on=data["held_on"],
                kind=data["kind"],
                **form.details(),
            )
        except Conflict:
            messages.error(
                request, _("Someone else changed this meeting meanwhile; here it is as it is now.")
            )
            return redirect("assessment:cell_meeting", year=year, pk=pk, meeting_pk=meeting_pk)
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return _year_url(year, meeting.cell)
    return _meeting_form_page(
        request, cell=meeting.cell, year=year, form=form, meeting=meeting, absences=absences
    )


@login_required
def inspection_view(request, year: int, pk: int):
    """The grassroots committee records its inspection of the cell's meetings (R21)."""
    cell = get_meetings_cell_for_user(request.user, pk)
    if not can_decide_cell_work(request.user, cell):
        raise PermissionDenied
    period = get_period(year)
    form = MeetingInspectionForm(
        request.POST or None, initial={"inspected_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meetings.meeting_inspection_record(
                cell=cell, period=period, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("The inspection was recorded."))
            return _year_url(year, cell)
    return render(
        request,
        "assessment/meetings/inspection.html",
        {
            "cell": cell,
            "period": period,
            "form": form,
            "record": meetings.cell_meeting_year(cell=cell, year=year),
        },
    )
