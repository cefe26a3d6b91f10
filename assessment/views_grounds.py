"""R5's grounds for not completed on a member's year (issue 14 item 3): the committee that
decides records a ground with a note, or clears one with a reason. A flagged member is then
decided above not completed only with a written override (decisions.member_checks). The
posting of a ground is shared with a leader's quarter (views_quarters)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import frameworks
from .access import can_decide_cell_work, get_assessment_for_user
from .forms_quarters import GroundForm


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
    `subject` (a member's year or a leader's quarter) from the posted GroundForm, by the
    request's user; the outcome is a message on the request. The caller has checked the user
    decides the subject. Raises Http404 for a flag to clear that is not the subject's."""
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
