"""Pages of leadership collectives (issue 14 item 1): a unit's collectives and their seats, a
collective's year (review, meeting, submission), and the managing board's decision table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from members.models import Member
from organizations.access import can_manage, get_organization_for_user
from organizations.collation import name_order

from . import collectives, prompts
from .access import (
    can_decide_collective,
    can_decide_collectives_of,
    can_enter_collective_work,
    get_collective_for_user,
    get_period,
)
from .cell_year import Conflict
from .forms import CollectiveDecisionTable
from .forms_collectives import (
    CollectiveForm,
    CollectiveMeetingForm,
    CollectiveReviewForm,
    CollectiveStatusForm,
    SeatForm,
)
from .models import CollectiveAssessment, DecisionKind
from .views import HISTORY_ROWS, _issue, units_decide_page
from .views_grounds import collective_grounds_context

HISTORY = HISTORY_ROWS


def _refused(request, error: Exception) -> None:
    if isinstance(error, Conflict):
        messages.error(request, str(error))
    else:
        messages.error(request, "; ".join(error.messages))


def _members_of(unit):
    return Member.objects.in_subtree(unit).current().order_by(*name_order("full_name"), "pk")


@login_required
def unit_collectives_view(request, year: int, pk: int):
    """A unit's leadership collectives and their state this year; a managing role adds one."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    form = CollectiveForm(request.POST or None)
    if request.method == "POST":
        if not can_manage(request.user, unit):
            raise PermissionDenied
        if form.is_valid():
            try:
                collectives.collective_create(
                    organization=unit, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("The collective was added."))
                return redirect("assessment:unit_collectives", year=year, pk=pk)
        else:
            messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
    rows = collectives.collective_years_of(unit, period)
    return render(
        request,
        "assessment/collectives.html",
        {
            "unit": unit,
            "period": period,
            "rows": rows,
            "form": CollectiveForm(),
            "can_manage": can_manage(request.user, unit),
            # the same checks as the deciding page's, so the link never leads to a refusal
            "decides": (unit.decides_grassroots or unit.decides_cells)
            and can_decide_collectives_of(request.user, unit),
        },
    )


def _review_form(row, period, data=None):
    return CollectiveReviewForm(
        data,
        row=row,
        levels=collectives.collective_levels(period.rule_set),
        framework=collectives.collective_framework(period),
        auto_id="review_%s",
    )


def _year_context(request, collective, period, *, review=None, meeting=None):
    row = collectives.collective_year_find(period=period, collective=collective)
    levels = collectives.collective_levels(period.rule_set)
    review = review or _review_form(row, period)
    meeting = meeting or CollectiveMeetingForm(
        initial={
            "version": row.version,
            "held_on": row.meeting_held_on,
            "present": row.meeting_present,
            "minutes": row.meeting_minutes,
            **{f"votes_{code}": n for code, n in (row.votes or {}).items()},
        },
        levels=levels,
        auto_id="meeting_%s",
    )
    user = request.user
    return {
        "collective": collective,
        "unit": collective.organization,
        "manager": collectives.managing_unit(collective),
        "period": period,
        "row": row,
        "seats": collectives.seats_in(collective, period.year),
        "review_form": review,
        "meeting_form": meeting,
        "count": collectives.meeting_count(row) if row.pk else None,
        "missing": collectives.submission_missing(row) if row.pk else [],
        # R3 and R5: what the collective framework suggests now, and the grounds recorded
        "suggestion": collectives.collective_suggestion(row) if row.pk else None,
        "grounds": collective_grounds_context(user, row),
        "can_enter": can_enter_collective_work(user, collective),
        "can_decide": can_decide_collective(user, collective),
        "can_manage": can_manage(user, collective.organization),
        "seat_form": SeatForm(members=_members_of(collective.organization), auto_id="seat_%s"),
        "history": row.history.select_related("history_user")[:HISTORY] if row.pk else [],
        "prompts": prompts.prompts_of_collective(row),
        "status_form": CollectiveStatusForm(
            initial={"version": row.version, "status": f"{row.status}:{row.reason_code}"},
            auto_id="status_%s",
        ),
        "reason_label": collectives.status_reason_label(row),
    }


@login_required
@require_safe
def collective_year_view(request, year: int, pk: int):
    collective = get_collective_for_user(request.user, pk)
    period = get_period(year)
    return render(
        request, "assessment/collective_year.html", _year_context(request, collective, period)
    )


def _for_entering(request, year: int, pk: int):
    collective = get_collective_for_user(request.user, pk, write=True)
    if not can_enter_collective_work(request.user, collective):
        raise PermissionDenied
    period = get_period(year)
    return collective, period


def _back(collective, period):
    return redirect("assessment:collective_year", year=period.year, pk=collective.pk)


@login_required
@require_POST
def collective_open_view(request, year: int, pk: int):
    collective, period = _for_entering(request, year, pk)
    if not period.is_open():
        raise PermissionDenied
    collectives.collective_year_open(period=period, collective=collective, by=request.user)
    return _back(collective, period)


def _row(collective, period) -> CollectiveAssessment:
    row = CollectiveAssessment.objects.filter(period=period, collective=collective).first()
    if row is None:
        raise Http404
    return row


@login_required
@require_POST
def collective_review_view(request, year: int, pk: int):
    collective, period = _for_entering(request, year, pk)
    row = _row(collective, period)
    form = _review_form(row, period, request.POST)
    if form.is_valid():
        try:
            collectives.collective_review_save(
                row=row,
                by=request.user,
                version=form.cleaned_data["version"],
                **form.review(),
            )
        except (ValidationError, Conflict) as error:
            _refused(request, error)
        else:
            messages.success(request, _("The collective's review was saved."))
            return _back(collective, period)
    context = _year_context(request, collective, period, review=form)
    return render(request, "assessment/collective_year.html", context)


@login_required
@require_POST
def collective_meeting_view(request, year: int, pk: int):
    collective, period = _for_entering(request, year, pk)
    row = _row(collective, period)
    form = CollectiveMeetingForm(
        request.POST, levels=collectives.collective_levels(period.rule_set), auto_id="meeting_%s"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            collectives.collective_meeting_save(
                row=row,
                by=request.user,
                version=data["version"],
                held_on=data["held_on"],
                present=data["present"],
                minutes=data["minutes"],
                votes=form.votes(),
            )
        except (ValidationError, Conflict) as error:
            _refused(request, error)
        else:
            messages.success(request, _("The collective's meeting was saved."))
            return _back(collective, period)
    context = _year_context(request, collective, period, meeting=form)
    return render(request, "assessment/collective_year.html", context)


@login_required
@require_POST
def collective_status_view(request, year: int, pk: int):
    """R28 row 3: the collective's unit marks it newly established (not reviewed this year) or
    not yet classified with a reason of R14, or back to be reviewed."""
    collective, period = _for_entering(request, year, pk)
    row = _row(collective, period)
    form = CollectiveStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
        return _back(collective, period)
    status, reason = form.cleaned_data["status"]
    try:
        collectives.collective_status_set(
            row=row,
            status=status,
            reason_code=reason,
            by=request.user,
            version=form.cleaned_data["version"],
        )
    except (ValidationError, Conflict) as error:
        _refused(request, error)
    else:
        messages.success(request, _("The collective's status was saved."))
    return _back(collective, period)


@login_required
@require_POST
def collective_submit_view(request, year: int, pk: int):
    collective, period = _for_entering(request, year, pk)
    try:
        collectives.collective_submit(row=_row(collective, period), by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The collective's review was submitted."))
    return _back(collective, period)


@login_required
@require_POST
def collective_seat_view(request, year: int, pk: int):
    collective = get_collective_for_user(request.user, pk)
    if not can_manage(request.user, collective.organization):
        raise PermissionDenied
    period = get_period(year)
    form = SeatForm(request.POST, members=_members_of(collective.organization))
    if not form.is_valid():
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
        return _back(collective, period)
    try:
        collectives.seat_add(collective=collective, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The seat was added."))
    return _back(collective, period)


@login_required
@require_POST
def collective_seats_from_posts_view(request, year: int, pk: int):
    """Seats derived from the party posts recorded on the unit (nothing typed twice)."""
    collective = get_collective_for_user(request.user, pk)
    if not can_manage(request.user, collective.organization):
        raise PermissionDenied
    changed = collectives.seats_from_posts(collective=collective, by=request.user)
    messages.success(
        request, _("%(n)s seats were taken from the party posts.") % {"n": len(changed)}
    )
    return _back(collective, get_period(year))


# --- The managing board decides ------------------------------------------------------------------


def _manager_for_deciding(request, pk: int):
    manager = get_organization_for_user(request.user, pk)
    if not (manager.decides_grassroots or manager.decides_cells):
        raise Http404
    if not can_decide_collectives_of(request.user, manager):
        raise PermissionDenied
    return manager


@login_required
def collectives_decide_view(request, year: int, pk: int):
    """The managing board's table of the collectives it decides: levels with the framework's
    suggestion and the written override of a rule check (R3, R5), returns, issue."""
    manager = _manager_for_deciding(request, pk)
    period = get_period(year)
    return units_decide_page(
        request,
        issuer=manager,
        period=period,
        kind=DecisionKind.COLLECTIVES,
        attribute="collective_assessment",
        rows_of=lambda: collectives.collective_rows(manager, period),
        save=lambda choices: collectives.collective_levels_decide(
            manager=manager, period=period, choices=choices, by=request.user
        ),
        template="assessment/collectives_decide.html",
        context=lambda: {
            "manager": manager,
            "grassroots": manager,  # the quota box names the group by it
            "quota": collectives.collectives_quota(manager=manager, period=period),
        },
        table_class=CollectiveDecisionTable,
    )


@login_required
@require_POST
def collectives_issue_view(request, year: int, pk: int):
    manager = _manager_for_deciding(request, pk)
    _issue(
        request,
        lambda **data: collectives.collectives_decision_issue(
            manager=manager, period=get_period(year), by=request.user, **data
        ),
    )
    return redirect("assessment:collectives_decide", year=year, pk=pk)


@login_required
@require_POST
def collective_return_view(request, year: int, pk: int, row_pk: int):
    manager = _manager_for_deciding(request, pk)
    period = get_period(year)
    rows = {r.pk: r for r in collectives.managed_collectives(manager, period, any_state=True)}
    if row_pk not in rows:
        raise Http404
    row = rows[row_pk]
    try:
        collectives.collective_return(
            row=row, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The work was returned."))
    return redirect("assessment:collectives_decide", year=year, pk=pk)
