"""Review prompts from above (issue 14 item 7): a committee's page of the prompts it gives and
the answers, and the reviewee's written answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.access import get_organization_for_user

from . import prompts
from .access import (
    can_enter_cell_work,
    can_enter_collective_work,
    can_issue_prompts,
    get_period,
    get_prompt_for_user,
)
from .cell_year import Conflict
from .forms_prompts import PromptAnswerForm, PromptForm

PAGE_SIZE = 50


@login_required
def prompts_view(request, year: int, pk: int):
    """The prompts given in a unit's subtree for a year; its committee's board gives new ones."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    may_issue = can_issue_prompts(request.user, unit)
    form = PromptForm(
        request.POST if request.method == "POST" else None, issuer=unit, year=period.year
    )
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                prompts.prompt_issue(
                    issuer=unit,
                    period=period,
                    by=request.user,
                    member=data["card_number"],
                    cell=data["cell_code"],
                    collective=data["collective"],
                    text=data["text"],
                    given_on=data["given_on"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The review prompt was given."))
                return redirect("assessment:prompts", year=period.year, pk=unit.pk)
    page = Paginator(prompts.prompts_in_subtree(unit, period), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessment/prompts.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "may_issue": may_issue and period.is_open(),
            "page": page,
        },
    )


@login_required
def prompt_answer_view(request, pk: int):
    """The prompt and the reviewee's written answer: the member themself, or the cell
    secretary for the cell or from paper."""
    prompt = get_prompt_for_user(request.user, pk)
    may_answer = _may_answer(request.user, prompt)
    form = PromptAnswerForm(request.POST if request.method == "POST" else None, prompt=prompt)
    if request.method == "POST":
        prompt = get_prompt_for_user(request.user, pk, write=True)
        if form.is_valid():
            try:
                prompts.prompt_answer(
                    prompt=prompt,
                    answer=form.cleaned_data["answer"],
                    by=request.user,
                    version=form.cleaned_data["version"],
                )
            except Conflict as conflict:
                messages.error(request, str(conflict))
                form = PromptAnswerForm(prompt=conflict.current)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The answer was saved."))
                return redirect("assessment:prompt_answer", pk=prompt.pk)
    review = prompt.collective_year or prompt.cell_year
    return render(
        request,
        "assessment/prompt_answer.html",
        {
            "prompt": prompt,
            "form": form,
            "may_answer": may_answer,
            "subject": prompts.prompt_subject(prompt),
            "prompt_period": review.period,
            "collective": prompt.collective_year.collective if prompt.collective_year_id else None,
        },
    )


def _may_answer(user, prompt) -> bool:
    """The reviewee writes the answer while its review is open: the member themself or the
    cell's secretary; for a leadership collective, whoever enters the collective's work."""
    if prompt.collective_year_id:
        return prompt.collective_year.is_editable() and can_enter_collective_work(
            user, prompt.collective_year.collective
        )
    own = prompt.assessment_id is not None and prompt.assessment.member.user_id == user.pk
    cell = prompt.cell_year.cell
    return prompt.cell_year.is_editable() and (own or can_enter_cell_work(user, cell))
