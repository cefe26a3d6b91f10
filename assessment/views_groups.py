"""Pages of a superior committee's working groups (issue 15 item 7): the year's groups with the
units they guide and, per unit, who attended its review meeting and their conclusion; forming
and changing a group. Read by whoever sees the committee; changed by its deciding board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import (
    can_decide_for_superior,
    get_group_superior_for_user,
    get_period,
    get_working_group_for_user,
    get_working_group_unit_for_user,
)
from .cell_year import Conflict
from .forms_groups import AttendanceForm, WorkingGroupForm
from .models import WorkingGroup, WorkingGroupUnit
from .views_meetings import _to_form
from .working_groups import (
    attendance_record,
    decided_units,
    units_without_attendee,
    working_group_save,
)


def _back(year: int, superior_pk: int):
    return redirect("assessment:working_groups", year=year, pk=superior_pk)


@login_required
def working_groups_view(request, year: int, pk: int):
    """The year's groups and their units; a POST forms a new group (the deciding board)."""
    write = request.method == "POST"
    superior = get_group_superior_for_user(request.user, pk, write=write)
    period = get_period(year)
    form = WorkingGroupForm(request.POST or None, units=decided_units(superior))
    if write and form.is_valid():
        try:
            working_group_save(
                superior=superior,
                period=period,
                by=request.user,
                **{k: form.cleaned_data[k] for k in ("name", "officials", "units")},
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("The working group was formed."))
            return _back(year, superior.pk)
    groups = (
        WorkingGroup.objects.filter(period=period, superior=superior)
        .prefetch_related("officials")
        .order_by("name")
    )
    rows = WorkingGroupUnit.objects.filter(period=period, group__in=groups).select_related(
        "unit", "attendee", "group"
    )
    by_group: dict[int, list] = {}
    for row in rows:
        by_group.setdefault(row.group_id, []).append(
            (
                row,
                AttendanceForm(
                    row=row,
                    initial={
                        "attendee": row.attendee_id,
                        "meeting_on": row.meeting_on,
                        "conclusion": row.conclusion,
                        "version": row.version,
                    },
                ),
            )
        )
    return render(
        request,
        "assessment/working_groups.html",
        {
            "superior": superior,
            "period": period,
            "groups": [(g, by_group.get(g.pk, [])) for g in groups],
            "without": units_without_attendee(superior, period).filter(
                pk__in=decided_units(superior).values("pk")
            ),
            "form": form,
            "can_change": can_decide_for_superior(request.user, superior),
        },
    )


@login_required
def working_group_view(request, year: int, pk: int):
    """Change a group: its name, officials and units (the deciding board)."""
    group = get_working_group_for_user(request.user, pk, write=True)
    if group.period.year != year:
        raise Http404
    initial = {
        "name": group.name,
        "officials": "\n".join(
            f"{o.full_name} — {o.title}" if o.title else o.full_name for o in group.officials.all()
        ),
        "units": [str(row.unit_id) for row in group.units.all()],
        "version": group.version,
    }
    form = WorkingGroupForm(
        request.POST or None, initial=initial, units=decided_units(group.superior)
    )
    if request.method == "POST" and form.is_valid():
        try:
            working_group_save(
                superior=group.superior,
                period=group.period,
                by=request.user,
                group=group,
                version=form.cleaned_data["version"],
                **{k: form.cleaned_data[k] for k in ("name", "officials", "units")},
            )
        except ValidationError as error:
            _to_form(form, error)
        except Conflict:
            form.add_error(None, _("Someone else changed this group meanwhile: load it again."))
        else:
            messages.success(request, _("The working group was changed."))
            return _back(year, group.superior_id)
    return render(
        request, "assessment/working_group.html", {"group": group, "form": form, "year": year}
    )


@login_required
@require_POST
def working_group_unit_view(request, year: int, pk: int):
    """Record the official who attended a unit's review meeting and their conclusion."""
    row = get_working_group_unit_for_user(request.user, pk, write=True)
    if row.period.year != year:
        raise Http404
    form = AttendanceForm(request.POST, row=row)
    try:
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}"
                    for k, v in form.errors.items()
                ]
            )
        attendance_record(row=row, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"{row.unit.name}: {' '.join(error.messages)}")
    except Conflict:
        messages.error(
            request,
            _("%(unit)s was changed by someone else meanwhile: check it and save again.")
            % {"unit": row.unit.name},
        )
    else:
        messages.success(request, _("Saved for %(unit)s.") % {"unit": row.unit.name})
    return _back(year, row.group.superior_id)
