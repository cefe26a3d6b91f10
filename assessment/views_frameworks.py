"""The year's frameworks per form (issue 14 item 2): anyone reads them; the provincial board
edits those of its open year (R1: a closed year keeps its rules)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from . import frameworks, rules
from .access import can_manage_years, get_period
from .cell_year import Conflict

TEXT = forms.Textarea(attrs={"rows": 12, "class": "font-monospace", "spellcheck": "false"})
MSG_JSON = gettext_lazy("This is not valid JSON: %(error)s")


class JSONText(forms.CharField):
    """A JSON value typed as text; a syntax error is named on the field."""

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return json.loads(text or "null")
        except json.JSONDecodeError as error:
            raise ValidationError(MSG_JSON, params={"error": error.msg}) from error

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=1)


class FrameworkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    criteria = JSONText(label=gettext_lazy("Criteria groups"), widget=TEXT, required=False)
    level_conditions = JSONText(
        label=gettext_lazy("Conditions per level"), widget=TEXT, required=False
    )
    grounds = JSONText(label=gettext_lazy("Grounds for not completed"), widget=TEXT, required=False)
    quarterly = forms.BooleanField(label=gettext_lazy("Assessed quarterly too"), required=False)
    quarterly_averaging = forms.BooleanField(
        label=gettext_lazy("The year's score averages the quarters"), required=False
    )


def _name(entry: dict) -> str:
    return rules.condition_text({"vi": entry["name_vi"], "en": entry["name_en"]})


@login_required
@require_safe
def frameworks_view(request, year: int):
    """The year's frameworks per form, to read."""
    period = get_period(year)
    by_code = frameworks.frameworks_by_code(period.rule_set)
    return render(
        request,
        "assessment/frameworks.html",
        {"period": period, "frameworks": [by_code[c] for c in sorted(by_code)]},
    )


@login_required
def framework_view(request, year: int, code: str):
    """One framework of the year: anyone reads it; the provincial board edits it."""
    period = get_period(year)
    by_code = frameworks.frameworks_by_code(period.rule_set)
    framework = by_code.get(code)
    if framework is None:
        raise Http404
    may_edit = can_manage_years(request.user) and period.is_open()
    initial = {
        f: getattr(framework, f)
        for f in ("version", "criteria", "level_conditions", "grounds", "quarterly")
    } | {"quarterly_averaging": framework.quarterly_averaging}
    form = FrameworkForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_manage_years(request.user):
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                frameworks.framework_update(
                    framework=framework,
                    criteria=data["criteria"] or [],
                    level_conditions=data["level_conditions"] or {},
                    grounds=data["grounds"] or [],
                    quarterly=data["quarterly"],
                    quarterly_averaging=data["quarterly_averaging"],
                    by=request.user,
                    version=data["version"],
                )
            except Conflict as conflict:
                messages.error(request, str(conflict))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The framework was saved."))
                return redirect("assessment:framework", year=year, code=code)
    return render(
        request,
        "assessment/frameworks.html",
        {
            "period": period,
            "frameworks": [by_code[c] for c in sorted(by_code)],
            "framework": framework,
            "criteria": [
                (
                    _name(group),
                    group["max_points"],
                    [(_name(i), i["max_points"]) for i in group["items"]],
                )
                for group in frameworks.framework_criteria(framework)
            ],
            "grounds": [rules.condition_text(g) for g in framework.grounds],
            "form": form,
            "may_edit": may_edit,
        },
    )
