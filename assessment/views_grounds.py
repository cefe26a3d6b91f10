"""R5's grounds for not completed (issue 14 item 3) on a member's year and on a leadership
collective's year: the body that decides records a ground with a note, or clears one with a
reason. A flagged subject is then decided above not completed only with a written override
(decisions.member_checks, collectives.collective_checks). The posting of a ground is shared
with a leader's quarter (views_quarters)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import collectives, frameworks
from .access import (
    can_decide_cell_work,
    can_decide_collective,
    get_assessment_for_user,
    get_collective_for_user,
    get_period,
)
from .forms_quarters import GroundForm
from .models import CollectiveAssessment


@login_required
@require_POST
def member_grounds_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    if not can_decide_cell_work(request.user, assessment.cell_year.cell):
        raise PermissionDenied
    framework = frameworks.framework_of(assessment.member, assessment.cell_year.period)
    if framework is None:
        raise Http404  # an era without frameworks per form
    ground_flags_post(request, subject=assessment, framework=framework)
    return redirect("assessment:self_review", pk=assessment.pk)


def member_grounds_context(user, assessment) -> dict:
    """What the self-review page shows of R5's grounds: the flags recorded (with their words),
    and for the deciding committee the form to record or clear one. Empty in an era without
    frameworks per form."""
    framework = frameworks.framework_of(assessment.member, assessment.cell_year.period)
    if framework is None:
        return {}
    may_flag = assessment.cell_year.period.is_open() and can_decide_cell_work(
        user, assessment.cell_year.cell
    )
    flags = assessment.ground_flags.select_related("recorded_by")
    if not flags and not may_flag:
        return {}
    return {
        "flags": flags_with_words(flags, framework),
        "ground_form": GroundForm(framework=framework),
        "grounds_url": reverse("assessment:member_grounds", args=[assessment.pk])
        if may_flag
        else "",
    }


def ground_flags_post(request, *, subject, framework) -> None:
    """Record a ground for not completed with a note, or clear one with a reason (R5), on
    `subject` (a member's year, a leader's quarter or a collective's year) from the posted
    GroundForm, by the request's user; the outcome is a message on the request. The caller
    has checked the user decides the subject. Raises Http404 for a flag to clear that is not
    the subject's."""
    form = GroundForm(request.POST, framework=framework)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a ground and write a note."))
        data = form.cleaned_data
        if data["clear"]:
            flag = get_object_or_404(subject.ground_flags.all(), pk=data["clear"])
            frameworks.ground_flag_clear(flag=flag, reason=data["note"], by=request.user)
        else:
            frameworks.ground_flag_record(
                subject=subject,
                framework=framework,
                code=data["code"],
                note=data["note"],
                by=request.user,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The grounds were updated."))


def flags_with_words(flags, framework) -> list[tuple]:
    """The flags recorded on a subject, each with its ground's words in the framework (R5)."""
    return [(flag, frameworks.ground_text(framework, flag.code)) for flag in flags]


@login_required
@require_POST
def collective_grounds_view(request, year: int, pk: int):
    """R5 for a leadership collective (disunity, violations in cadre work…): its managing
    board records or clears a ground on the collective's year."""
    collective = get_collective_for_user(request.user, pk)
    if not can_decide_collective(request.user, collective):
        raise PermissionDenied
    period = get_period(year)
    framework = collectives.collective_framework(period)
    row = CollectiveAssessment.objects.filter(period=period, collective=collective).first()
    if framework is None or row is None:
        raise Http404  # an era without frameworks, or a year not opened
    if not period.is_open():
        raise PermissionDenied
    ground_flags_post(request, subject=row, framework=framework)
    return redirect("assessment:collective_year", year=year, pk=collective.pk)


def collective_grounds_context(user, row: CollectiveAssessment) -> dict:
    """What the collective's page shows of R5's grounds: the flags recorded, and for its
    managing board (the year open) the form to record or clear one. Empty in an era without
    frameworks or before the collective's year is opened."""
    framework = collectives.collective_framework(row.period)
    if framework is None or row.pk is None:
        return {}
    may_flag = row.period.is_open() and can_decide_collective(user, row.collective)
    flags = row.ground_flags.select_related("recorded_by")
    if not flags and not may_flag:
        return {}
    url = reverse("assessment:collective_grounds", args=[row.period.year, row.collective_id])
    return {
        "flags": flags_with_words(flags, framework),
        "ground_form": GroundForm(framework=framework),
        "grounds_url": url if may_flag else "",
    }
