from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from members.models import Member
from organizations.access import get_organization_for_user, visible_organizations
from organizations.collation import name_order
from organizations.models import Organization

from . import cell_year as work
from . import corrections, decisions, followup, grassroots, rules
from .access import (
    can_decide_cell_work,
    can_decide_collectives_of,
    can_decide_for_superior,
    can_enter_cell_work,
    can_file_complaint,
    can_submit_grassroots,
    get_assessment_for_user,
    get_cell_for_user,
    get_cell_year_for_user,
    get_decision_for_user,
    get_period,
    rerating_grounds_for_user,
)
from .complaints import complaints_about
from .forms import (
    CellReportForm,
    DecisionIssueForm,
    GrassrootsSubmitForm,
    MeetingForm,
    MemberDecisionTable,
    RerateForm,
    ReturnForm,
    ReviewInputForm,
    SelfReviewForm,
    StatusForm,
    UnitDecisionTable,
    member_rows_initial,
    unit_rows_initial,
)
from .models import (
    AssessmentStatus,
    CanonicalLevel,
    CellYear,
    DeadlineLevel,
    Decision,
    DecisionKind,
    LaterRating,
    MemberAssessment,
    Tally,
)
from .progress import record_is_late
from .quarters import quarterly_evidence
from .views_grounds import member_grounds_context

HISTORY_ROWS = 30


def _cell_url(cell_year: CellYear, name: str = "cell_year") -> str:
    return reverse(f"assessment:{name}", args=[cell_year.period.year, cell_year.cell_id])


def _deadline(cell_year: CellYear):
    deadline = cell_year.period.deadlines.filter(level=DeadlineLevel.CELL).first()
    if deadline is None:
        return None, None
    return deadline, (deadline.due - timezone.localdate()).days


@login_required
@require_safe
def cell_year_view(request, year: int, pk: int):
    cell, period = get_cell_for_user(request.user, year, pk)
    cell_year = work.cell_year_find(period=period, cell=cell)
    if cell_year is None:  # not opened yet: the secretary opens it, a look writes nothing
        return render(
            request,
            "assessment/cell_year_unopened.html",
            {"cell": cell, "period": period, "can_enter": can_enter_cell_work(request.user, cell)},
        )
    meeting = work.meeting_of(cell_year)
    summary = work.meeting_summary(meeting)
    deadline, days_left = _deadline(cell_year)
    assessments = list(
        cell_year.assessments.select_related(
            "member", "decision__issuer", "decision__period"
        ).order_by(*name_order("member__full_name"), "pk")
    )
    work.levels_attach(assessments, [*summary.member_levels, *summary.cell_levels])
    return render(
        request,
        "assessment/cell_year.html",
        {
            "cell_year": cell_year,
            "assessments": assessments,
            # Each record beside the level its votes propose, looked up once here rather than
            # by a loop over every proposal in each row of the template (issue 18).
            "roster": [(a, summary.proposals.get(a.pk)) for a in assessments],
            "summary": summary,
            "checklist": work.submission_checklist(cell_year, summary, assessments=assessments),
            "deadline": deadline,
            "days_left": days_left,
            "days_late": -days_left if days_left is not None and days_left < 0 else 0,
            "can_enter": can_enter_cell_work(request.user, cell_year.cell),
            "can_return": can_decide_cell_work(request.user, cell_year.cell),
            "return_form": ReturnForm(),
            "status_form": StatusForm(),
            "history": cell_year.history.select_related("history_user")[:HISTORY_ROWS],
            # Issue 15: the registration for the year and last year's shortcomings beside it.
            "beside": followup.review_context(unit=cell_year.cell, year=cell_year.period.year),
        },
    )


@login_required
@require_POST
def cell_year_open_view(request, year: int, pk: int):
    """Open the cell's year, or refresh its roster (R13, R16): an explicit, attributed step."""
    cell, period = get_cell_for_user(request.user, year, pk, write=True)
    if not period.is_open():
        messages.error(request, _("The year is not open."))
    else:
        work.cell_year_open(period=period, cell=cell, by=request.user, start=True)
        messages.success(request, _("The cell's year is open and its roster is up to date."))
    return redirect("assessment:cell_year", year=year, pk=pk)


@login_required
@require_POST
def member_status_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    if not can_enter_cell_work(request.user, assessment.cell_year.cell):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            work.member_status_set(assessment=assessment, by=request.user, **form.cleaned_data)
        except (ValidationError, work.Conflict) as error:
            messages.error(request, "; ".join(_messages(error)))
        else:
            messages.success(
                request,
                _("The status of %(name)s was saved.") % {"name": assessment.member.full_name},
            )
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_cell_url(assessment.cell_year))


def _versioned_save(request, form, save, rebuild, *, success: str):
    """Validate `form` and call `save(data, version)`. On a conflict the user is told and gets a
    form with the newer values (`rebuild(current)`). Returns the form to show and whether saved."""
    if not form.is_valid():
        return form, False
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        save(data, form.cleaned_data["version"])
    except work.Conflict as conflict:
        messages.error(request, str(conflict))
        return rebuild(conflict.current), False
    except ValidationError as error:
        form.add_error(None, error.messages)
        return form, False
    messages.success(request, success)
    return form, True


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


@login_required
def self_review_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    cell_year = assessment.cell_year
    own = assessment.member.user_id == request.user.pk
    may_write = (cell_year.is_editable() or work.later_review_open(assessment)) and (
        own or can_enter_cell_work(request.user, cell_year.cell)
    )
    rule_set = cell_year.period.rule_set
    form = SelfReviewForm(
        request.POST if request.method == "POST" else None, assessment=assessment, rule_set=rule_set
    )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        form, saved = _versioned_save(
            request,
            form,
            lambda data, version: work.self_review_save(
                assessment=assessment,
                texts=form.texts(),
                scores=form.scores(),
                conditions=form.conditions(),
                by=request.user,
                version=version,
            ),
            lambda current: SelfReviewForm(assessment=current, rule_set=rule_set),
            success=_("The self-review was saved."),
        )
        if saved:
            return redirect("assessment:self_review", pk=assessment.pk)
    return render(
        request,
        "assessment/self_review.html",
        {
            "assessment": assessment,
            "cell_year": cell_year,
            "form": form,
            "may_write": may_write,
            "can_view_cell": visible_organizations(request.user)
            .filter(pk=cell_year.cell_id)
            .exists(),
            "inputs": assessment.inputs.all(),
            "history": assessment.history.select_related("history_user", "decided_level")[
                :HISTORY_ROWS
            ],
            "may_rerate": bool(rerating_grounds_for_user(request.user, assessment)),
            "reratings": assessment.reratings.select_related(
                "decision", "previous_level", "previous_decision", "level"
            ),
            "later": LaterRating.objects.filter(assessment=assessment).first(),
            "complaints": complaints_about(assessment),
            "may_complain": bool(assessment.decision_id)
            and can_file_complaint(request.user, assessment),
            # R27: a leader's quarters, evidence for the year (issue 14 item 6)
            "evidence": quarterly_evidence(assessment.member, cell_year.period),
            # R5: the grounds for not completed the deciding committee records (item 3)
            "grounds": member_grounds_context(request.user, assessment),
            # Issue 15: the registration for the year, last year's shortcomings and plan beside
            # it; the registration for the next year.
            "beside": followup.review_context(member=assessment.member, year=cell_year.period.year),
            "next_registration": assessment.member.registrations.filter(
                year=cell_year.period.year + 1
            ).first(),
            "may_register": own or can_enter_cell_work(request.user, cell_year.cell),
            "targets": CanonicalLevel.choices,
        },
    )


@login_required
def rerate_view(request, pk: int):
    """R9, form 03: re-rate a member's locked result by a new numbered decision."""
    assessment = get_assessment_for_user(request.user, pk)
    grounds = rerating_grounds_for_user(request.user, assessment)
    if not grounds:
        raise PermissionDenied
    rule_set = assessment.cell_year.period.rule_set
    form = RerateForm(
        request.POST if request.method == "POST" else None,
        grounds=grounds,
        levels=rule_set.levels.for_members().order_by("rank"),
        issuer=assessment.decision.issuer if assessment.decision_id else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = corrections.member_rerate(
                assessment=assessment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Decision %(decision)s re-rated the result.") % {"decision": decision}
            )
            return redirect("assessment:self_review", pk=assessment.pk)
    return render(request, "assessment/rerate.html", {"assessment": assessment, "form": form})


@login_required
def inputs_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk)
    form = ReviewInputForm(request.POST if request.method == "POST" else None, cell_year=cell_year)
    if request.method == "POST":
        if not can_enter_cell_work(request.user, cell_year.cell):
            raise PermissionDenied
        if form.is_valid():
            try:
                work.review_input_add(cell_year=cell_year, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The input was recorded."))
                return redirect(_cell_url(cell_year, "inputs"))
    return render(
        request,
        "assessment/inputs.html",
        {
            "cell_year": cell_year,
            "form": form,
            "inputs": cell_year.inputs.select_related("assessment__member", "recorded_by"),
            "can_enter": can_enter_cell_work(request.user, cell_year.cell),
        },
    )


@login_required
def cell_report_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk)
    form = CellReportForm(request.POST if request.method == "POST" else None, instance=cell_year)
    if request.method == "POST":
        if not can_enter_cell_work(request.user, cell_year.cell):
            raise PermissionDenied
        form, saved = _versioned_save(
            request,
            form,
            lambda data, version: work.cell_report_save(
                cell_year=cell_year, data=data, by=request.user, version=version
            ),
            lambda current: CellReportForm(instance=current),
            success=_("The cell's report was saved."),
        )
        if saved:
            return redirect(_cell_url(cell_year))
    return render(request, "assessment/cell_report.html", {"cell_year": cell_year, "form": form})


def _tally_rows(cell_year: CellYear, summary: work.MeetingSummary, meeting):
    """One row for the cell, then one per member to be assessed."""
    tallies = summary.tallies  # the meeting's, read once by meeting_summary
    subjects = [
        None,
        *cell_year.assessments.to_assess()
        .select_related("member")
        .order_by(*name_order("member__full_name"), "pk"),
    ]
    return [
        _tally_row(subject, tallies.get(subject.pk if subject else None), summary)
        for subject in subjects
    ]


def _tally_row(subject, tally, summary, *, errors=(), votes=None, conflict=False):
    key = subject.pk if subject else None
    votes = votes if votes is not None else (tally.votes if tally else {})
    levels = summary.member_levels if subject else summary.cell_levels
    return {
        "subject": subject,
        "key": key if key is not None else "cell",
        "votes": votes,
        # Each input's level and value, looked up once here rather than by a loop over the
        # votes inside the loop over the levels in the template (issue 18: per-row work).
        "inputs": [(level, votes.get(level.code)) for level in levels],
        "version": tally.version if tally else "",
        "commendation": bool(tally and tally.commendation_proposed),
        "proposal": summary.proposals.get(key),
        "has_votes": bool(tally and tally.votes),
        "errors": errors,
        "conflict": conflict,
    }


def _meeting_context(request, cell_year: CellYear, meeting, form=None):
    summary = work.meeting_summary(meeting)
    member_levels, cell_levels = summary.member_levels, summary.cell_levels
    return {
        "cell_year": cell_year,
        "meeting": meeting,
        "summary": summary,
        "form": form or MeetingForm(instance=meeting),
        "member_levels": member_levels,
        # Each subject votes on its own levels: before 2018 a cell's differ from a member's.
        "cell_levels": cell_levels,
        "split_levels": cell_levels != member_levels,
        "attendance_rows": [(m, summary.attendance.get(m.pk)) for m in summary.voters],
        "tally_rows": _tally_rows(cell_year, summary, meeting),
        "vote_history": Tally.history.filter(meeting_id=meeting.pk or 0).select_related(
            "history_user", "assessment__member"
        )[:HISTORY_ROWS],
        "editable": cell_year.is_editable() and can_enter_cell_work(request.user, cell_year.cell),
    }


@login_required
def meeting_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk)
    meeting = work.meeting_of(cell_year)
    form = None
    if request.method == "POST":
        cell_year = get_cell_year_for_user(request.user, year, pk, write=True)
        meeting = work.meeting_for(cell_year, by=request.user)
        form, saved = _versioned_save(
            request,
            MeetingForm(request.POST, instance=meeting),
            lambda data, version: work.meeting_save(
                meeting=meeting, data=data, by=request.user, version=version
            ),
            lambda current: MeetingForm(instance=current),
            success=_("The meeting details were saved."),
        )
        if saved:
            return redirect(_cell_url(cell_year, "meeting"))
    return render(
        request, "assessment/meeting.html", _meeting_context(request, cell_year, meeting, form)
    )


@login_required
@require_POST
def attendance_view(request, year: int, pk: int, member_pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk, write=True)
    meeting = work.meeting_for(cell_year, by=request.user)
    member = get_object_or_404(Member, pk=member_pk, cell=cell_year.cell)
    try:
        work.attendance_set(
            meeting=meeting,
            member=member,
            present=request.POST.get("present") == "on",
            absence_reason=request.POST.get("absence_reason", "")[:255],
            by=request.user,
        )
    except ValidationError as error:
        return HttpResponse("; ".join(error.messages), status=409)
    if not request.htmx:
        return redirect(_cell_url(cell_year, "meeting"))
    # The counts, and out of band the proposal cells: the vote inputs are left alone, so
    # nothing the secretary is typing is replaced.
    return render(
        request,
        "assessment/partials/attendance_response.html",
        _meeting_context(request, cell_year, meeting),
    )


def _parse_votes(post, levels) -> tuple[dict[str, int | None], list[str]]:
    votes, errors = {}, []
    for level in levels:
        raw = post.get(f"votes_{level.code}", "").strip()
        if raw == "":
            votes[level.code] = None
            continue
        try:
            votes[level.code] = int(raw)
        except ValueError:
            errors.append(
                _("“%(level)s”: the number of votes must be a whole number.")
                % {"level": level.short_name}
            )
    return votes, errors


@login_required
@require_POST
def tally_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk, write=True)
    meeting = work.meeting_for(cell_year, by=request.user)
    key = request.POST.get("subject", "cell")
    if key != "cell" and not key.isdigit():
        raise Http404  # not a member of this cell: as if missing
    subject = (
        None
        if key == "cell"
        else get_object_or_404(
            MemberAssessment.objects.select_related("member"),
            pk=key,
            cell_year=cell_year,
            status=AssessmentStatus.ASSESS,
        )
    )
    levels = list(cell_year.period.rule_set.levels.order_by("rank"))
    votes, errors = _parse_votes(request.POST, levels)
    version = request.POST.get("version", "")
    conflict = False
    if not errors:
        try:
            work.tally_save(
                meeting=meeting,
                assessment=subject,
                votes=votes,
                commendation_proposed=request.POST.get("commendation") == "on",
                by=request.user,
                version=int(version) if version.isdigit() else None,
            )
        except work.Conflict:
            conflict = True
            errors = [str(work.MSG_CONFLICT)]
            votes = None
        except ValidationError as error:
            errors = error.messages
    summary = work.meeting_summary(meeting)
    tally = Tally.objects.filter(meeting=meeting, assessment=subject).first()
    row = _tally_row(
        subject,
        tally,
        summary,
        errors=errors,
        votes=votes if errors and not conflict else None,
        conflict=conflict,
    )
    if not request.htmx:
        for error in errors:
            messages.error(request, error)
        return redirect(_cell_url(cell_year, "meeting"))
    context = _meeting_context(request, cell_year, meeting) | {"row": row}
    # 200 even with errors: htmx swaps only successful responses. The response changes the
    # row's state (version, errors) and its proposal, never the inputs being typed in.
    return render(request, "assessment/partials/tally_response.html", context)


@login_required
@require_POST
def submit_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk, write=True)
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Tick the confirmation before submitting."))
        return redirect(_cell_url(cell_year))
    try:
        work.cell_submit(cell_year=cell_year, by=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("The cell's work was submitted to the grassroots committee."))
    return redirect(_cell_url(cell_year))


@login_required
@require_POST
def return_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk)
    if not can_decide_cell_work(request.user, cell_year.cell):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            work.cell_return(
                cell_year=cell_year, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("The work was returned to the cell."))
    else:
        messages.error(request, _("Give the reason for returning the work to the cell."))
    return redirect(_cell_url(cell_year))


@login_required
@require_safe
def inbox_view(request, year: int, pk: int):
    """Issue 4, step 1: every cell below a unit, its state, on time or late, and counts."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    deadline = period.deadlines.filter(level=DeadlineLevel.CELL).first()
    cell_years = {
        cy.cell_id: cy
        for cy in CellYear.objects.for_period(period)
        .filter(cell__path__startswith=unit.path)
        .with_counts()
    }
    members = dict(
        Member.objects.of_year(period)
        .in_subtree(unit)
        .order_by()
        .values_list("cell")
        .annotate(n=Count("id"))
    )
    today = timezone.localdate()
    rows = []
    for cell in Organization.objects.in_subtree(unit).cells():
        cell_year = cell_years.get(cell.pk)
        late = record_is_late(
            cell_year,
            due=rules.unit_due(
                deadline.due if deadline else None, year_ends_later=cell.year_ends_later
            ),
            today=today,
        )
        rows.append(
            {"cell": cell, "cell_year": cell_year, "members": members.get(cell.pk, 0), "late": late}
        )
    return render(
        request,
        "assessment/inbox.html",
        {
            "unit": unit,
            "period": period,
            "deadline": deadline,
            "rows": rows,
            "late_count": sum(1 for r in rows if r["late"]),
            "can_decide": unit.decides_cells and can_decide_cell_work(request.user, unit),
        },
    )


# --- Step 7: the grassroots committee decides (issue 4) -----------------------------------------


def _member_table(cell_year, rows, data=None):
    """The members' decision table as a formset, one versioned form per row."""
    return MemberDecisionTable(
        data,
        initial=member_rows_initial(rows),
        form_kwargs={"levels": cell_year.period.rule_set.levels.for_members().order_by("rank")},
        prefix="rows",
    )


def _unit_table(period, rows, attribute: str, data=None, *, table_class=UnitDecisionTable):
    return table_class(
        data,
        initial=unit_rows_initial(rows, attribute),
        form_kwargs={"levels": period.rule_set.levels.for_organizations().order_by("rank")},
        prefix="rows",
    )


def _decide_context(cell_year, rows, *, errors=None, what_if=None, table=None):
    grassroots = Organization.objects.grassroots_of(cell_year.cell)
    table = table or _member_table(cell_year, rows)
    forms = table.by_id()
    return {
        "cell_year": cell_year,
        "rows": [(row, forms.get(row.assessment.pk)) for row in rows],
        "table": table,
        "errors": errors or {},
        "quota": decisions.grassroots_quota(
            grassroots=grassroots, period=cell_year.period, what_if=what_if
        ),
        "grassroots": grassroots,
        "all_decided": bool(rows) and all(r.assessment.decided_level_id for r in rows),
        "decisions": Decision.objects.filter(assessments__cell_year=cell_year).distinct(),
        "issue_form": DecisionIssueForm(issuer=grassroots),
    }


def _table_errors(table) -> dict[int, list[str]]:
    """A formset's own refusals (a level not of this year…), by row id."""
    return {
        f.initial.get("id"): [m for msgs in f.errors.values() for m in msgs]
        for f in table.forms
        if f.errors
    }


MSG_ROWS_REFUSED = gettext_lazy("Some levels were not saved; the reasons are shown in their rows.")


def _save_levels(request, save) -> dict[int, list[str]] | None:
    """Call `save()` (a table's save, row by row): None when every row passed, else the
    refusals and conflicts by row; the rows that passed are saved either way (fault 5)."""
    try:
        outcome = save()
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return {}
    errors = outcome.by_row()
    if outcome.saved:
        messages.success(
            request,
            _("%(n)s decided levels were saved.") % {"n": len(outcome.saved)},
        )
    if errors:
        messages.error(request, MSG_ROWS_REFUSED)
        return errors
    if not outcome.saved:
        messages.info(request, _("Nothing changed."))
    return None


def _save_table(request, table, save) -> dict[int, list[str]] | None:
    """Validate a unit table and save its changed rows: None when all passed, else why not."""
    if not table.is_valid():
        messages.error(request, MSG_ROWS_REFUSED)
        return _table_errors(table)
    return _save_levels(request, lambda: save(table.changed_choices()))


def _issue(request, issue) -> None:
    """Validate the decision form and call `issue(**data)`, telling the user the outcome."""
    form = DecisionIssueForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return
    try:
        decision = issue(**form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Decision %(decision)s was issued.") % {"decision": decision})


@login_required
def decide_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk)
    if not can_decide_cell_work(request.user, cell_year.cell):
        raise PermissionDenied
    rows = decisions.decision_rows(cell_year)
    errors = {}
    if request.method == "POST":
        table = _member_table(cell_year, rows, request.POST)
        if not table.is_valid():
            errors = _table_errors(table)
            messages.error(request, MSG_ROWS_REFUSED)
        else:
            errors = _save_levels(
                request,
                lambda: decisions.member_levels_decide(
                    cell_year=cell_year, choices=table.changed_choices(), by=request.user
                ),
            )
            if errors is None:
                return redirect(_cell_url(cell_year, "decide"))
        rows = decisions.decision_rows(cell_year)  # the rows saved show their new values
    return render(
        request, "assessment/decide.html", _decide_context(cell_year, rows, errors=errors)
    )


@login_required
@require_POST
def decide_preview_view(request, year: int, pk: int):
    """The quota as the levels on the page would make it ("what if", R10)."""
    cell_year = get_cell_year_for_user(request.user, year, pk)
    if not can_decide_cell_work(request.user, cell_year.cell):
        raise PermissionDenied
    rows = decisions.decision_rows(cell_year)
    table = _member_table(cell_year, rows, request.POST)
    table.is_valid()
    what_if = {pk: choice.level for pk, choice in table.all_choices().items()}
    return render(
        request, "assessment/partials/quota.html", _decide_context(cell_year, rows, what_if=what_if)
    )


@login_required
@require_POST
def decision_issue_view(request, year: int, pk: int):
    cell_year = get_cell_year_for_user(request.user, year, pk)
    if not can_decide_cell_work(request.user, cell_year.cell):
        raise PermissionDenied
    _issue(
        request,
        lambda **data: decisions.members_decision_issue(
            cell_year=cell_year, by=request.user, **data
        ),
    )
    return redirect(_cell_url(cell_year, "decide"))


def _decision_page(user, decision: Decision) -> str:
    """The page where `decision` was made, if `user` holds the deciding role; else 403."""
    year, issuer = decision.period.year, decision.issuer
    if decision.kind == DecisionKind.MEMBERS:
        cells = {a.cell_year.cell for a in decision.assessments.select_related("cell_year__cell")}
        if cells and all(can_decide_cell_work(user, cell) for cell in cells):
            return reverse("assessment:decide", args=[year, next(iter(cells)).pk])
    elif decision.kind == DecisionKind.UNITS and issuer.decides_cells:
        if can_decide_cell_work(user, issuer):
            return reverse("assessment:decide_cells", args=[year, issuer.pk])
    elif decision.kind == DecisionKind.UNITS and issuer.decides_grassroots:
        if can_decide_for_superior(user, issuer):
            return reverse("assessment:superior", args=[year, issuer.pk])
    elif decision.kind == DecisionKind.COLLECTIVES:
        if can_decide_collectives_of(user, issuer):
            return reverse("assessment:collectives_decide", args=[year, issuer.pk])
    raise PermissionDenied


@login_required
@require_POST
def decision_reopen_view(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    page = _decision_page(request.user, decision)
    try:
        decisions.decision_reopen(
            decision=decision, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Decision %(decision)s was reopened.") % {"decision": decision})
    return redirect(page)


def _grassroots_for_deciding(request, pk: int) -> Organization:
    unit = get_organization_for_user(request.user, pk)
    if not unit.decides_cells:
        raise Http404
    if not can_decide_cell_work(request.user, unit):
        raise PermissionDenied
    return unit


@login_required
def decide_cells_view(request, year: int, pk: int):
    """Step 7 for subordinate cells, with R7's prerequisites and the quota over the cells."""
    grassroots = _grassroots_for_deciding(request, pk)
    period = get_period(year)
    return units_decide_page(
        request,
        issuer=grassroots,
        period=period,
        kind=DecisionKind.UNITS,
        attribute="cell_year",
        rows_of=lambda: decisions.cell_rows(grassroots, period),
        save=lambda choices: decisions.cell_levels_decide(
            grassroots=grassroots, period=period, choices=choices, by=request.user
        ),
        template="assessment/decide_cells.html",
        context=lambda: {
            "grassroots": grassroots,
            "levels": list(period.rule_set.levels.for_organizations().order_by("rank")),
            "quota": decisions.cells_quota(grassroots=grassroots, period=period),
        },
    )


def units_decide_page(
    request,
    *,
    issuer: Organization,
    period,
    kind: str,
    attribute: str,
    rows_of,
    save,
    template: str,
    context,
    table_class=UnitDecisionTable,
):
    """A board's table of the unit rows it decides (subordinate cells, leadership collectives):
    on POST the rows changed are saved through `save(choices)` (decisions.Outcome) and the page
    is shown again (a redirect when all passed, else the rows with why); `rows_of()` gives the
    rows (each with `attribute` naming its record, its level and checks), `context()` what the
    page adds (its quota…), read after saving. Decisions of `kind` by `issuer` are listed."""
    rows = rows_of()
    errors = {}
    if request.method == "POST":
        table = _unit_table(period, rows, attribute, request.POST, table_class=table_class)
        errors = _save_table(request, table, save)
        if errors is None:
            return redirect(request.path)
        rows = rows_of()  # the rows saved show their new values
    table = _unit_table(period, rows, attribute, table_class=table_class)
    forms = table.by_id()
    records = [getattr(row, attribute) for row in rows]
    return render(
        request,
        template,
        {
            "period": period,
            "rows": [(row, forms[record.pk]) for row, record in zip(rows, records, strict=True)],
            "table": table,
            "errors": errors,
            "all_decided": bool(rows) and all(r.decided_level_id for r in records),
            "pending": [row for row, r in zip(rows, records, strict=True) if not r.decision_id],
            "decisions": Decision.objects.filter(issuer=issuer, period=period, kind=kind),
            "issue_form": DecisionIssueForm(issuer=issuer),
            **context(),
        },
    )


@login_required
@require_POST
def decide_cells_issue_view(request, year: int, pk: int):
    grassroots = _grassroots_for_deciding(request, pk)
    _issue(
        request,
        lambda **data: decisions.cells_decision_issue(
            grassroots=grassroots, period=get_period(year), by=request.user, **data
        ),
    )
    return redirect("assessment:decide_cells", year=year, pk=pk)


@login_required
@require_POST
def decide_cells_preview_view(request, year: int, pk: int):
    """The cells' quota as the levels on the page would make it ("what if", R10), live."""
    grassroots = _grassroots_for_deciding(request, pk)
    period = get_period(year)
    table = _unit_table(period, decisions.cell_rows(grassroots, period), "cell_year", request.POST)
    table.is_valid()
    what_if = {pk: choice.level for pk, choice in table.all_choices().items()}
    check = decisions.cells_quota(grassroots=grassroots, period=period, what_if=what_if)
    context = {"grassroots": grassroots, "quota": check, "counted": "units"}
    return render(request, "assessment/partials/quota.html", context)


# --- Steps 7 → 8: the grassroots organization's own level, decided by its superior ----------


@login_required
def grassroots_year_view(request, year: int, pk: int):
    unit = get_organization_for_user(request.user, pk)
    if not unit.submits_own_level:
        raise Http404
    period = get_period(year)
    grassroots_year = grassroots.grassroots_year_find(period=period, organization=unit)
    if request.method == "POST":
        if not can_submit_grassroots(request.user, unit):
            raise PermissionDenied
        form = GrassrootsSubmitForm(request.POST, levels=period.rule_set.levels.for_organizations())
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, "; ".join(errors))
            return redirect("assessment:grassroots_year", year=year, pk=pk)
        try:
            grassroots.grassroots_submit(
                grassroots_year=grassroots_year, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("The report was submitted to the superior committee."))
        return redirect("assessment:grassroots_year", year=year, pk=pk)
    superior = Organization.objects.deciding_superior(unit)
    return render(
        request,
        "assessment/grassroots_year.html",
        {
            "unit": unit,
            "period": period,
            "grassroots_year": grassroots_year,
            "superior": superior,
            "levels": list(period.rule_set.levels.for_organizations().order_by("rank")),
            "lower_done": grassroots.lower_levels_done(unit, period),
            "can_submit": can_submit_grassroots(request.user, unit),
            "can_decide": can_decide_for_superior(request.user, superior),
            "history": grassroots_year.history.select_related("history_user")[:HISTORY_ROWS]
            if grassroots_year.pk
            else [],
        },
    )


def _superior_for_deciding(request, pk: int) -> Organization:
    superior = get_organization_for_user(request.user, pk)
    if not superior.decides_grassroots:
        raise Http404
    if not can_decide_for_superior(request.user, superior):
        raise PermissionDenied
    return superior


@login_required
def superior_view(request, year: int, pk: int):
    """The superior board's inbox of grassroots organizations: decide, return, issue."""
    superior = _superior_for_deciding(request, pk)
    period = get_period(year)
    rows = grassroots.unit_rows(superior, period)
    errors = {}
    if request.method == "POST":
        table = _unit_table(period, rows, "grassroots_year", request.POST)
        errors = _save_table(
            request,
            table,
            lambda choices: grassroots.grassroots_levels_decide(
                superior=superior, period=period, choices=choices, by=request.user
            ),
        )
        if errors is None:
            return redirect("assessment:superior", year=year, pk=pk)
        rows = grassroots.unit_rows(superior, period)
    table = _unit_table(period, rows, "grassroots_year")
    forms = table.by_id()
    return render(
        request,
        "assessment/superior.html",
        {
            "superior": superior,
            "grassroots": superior,
            "period": period,
            "rows": [(row, forms[row.grassroots_year.pk]) for row in rows],
            "table": table,
            "errors": errors,
            "levels": list(period.rule_set.levels.for_organizations().order_by("rank")),
            "quotas": grassroots.units_quotas(
                superior=superior, period=period, submitted=[r.grassroots_year for r in rows]
            ),
            "all_decided": bool(rows) and all(r.grassroots_year.decided_level_id for r in rows),
            "pending": [r for r in rows if not r.grassroots_year.decision_id],
            "decisions": Decision.objects.filter(issuer=superior, period=period),
            "issue_form": DecisionIssueForm(issuer=superior),
        },
    )


@login_required
@require_POST
def superior_issue_view(request, year: int, pk: int):
    superior = _superior_for_deciding(request, pk)
    _issue(
        request,
        lambda **data: grassroots.grassroots_decision_issue(
            superior=superior, period=get_period(year), by=request.user, **data
        ),
    )
    return redirect("assessment:superior", year=year, pk=pk)


@login_required
@require_POST
def superior_return_view(request, year: int, pk: int, unit_pk: int):
    superior = _superior_for_deciding(request, pk)
    grassroots_year = get_object_or_404(
        grassroots.board_units(superior, get_period(year)), organization_id=unit_pk
    )
    try:
        grassroots.grassroots_return(
            grassroots_year=grassroots_year, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("The work was returned."))
    return redirect("assessment:superior", year=year, pk=pk)
