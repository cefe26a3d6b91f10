"""Forms of the quarterly assessment (form 05, R27): they validate and map; services decide."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import frameworks, rules
from .forms import TEXT_AREA, TEXT_MAX
from .forms_frameworks import FrameworkFields
from .models import Level

STEP_LABELS = (
    ("submit", _("Submit the quarter's results")),
    ("return", _("Return the quarter's results")),
    ("decide", _("Decide the quarter's level")),
    ("reopen", _("Reopen the quarter's level")),
)


class QuarterOpenForm(forms.Form):
    number = forms.TypedChoiceField(
        label=capfirst(_("quarter")), coerce=int, choices=[(n, n) for n in range(1, 5)]
    )


class QuarterReviewForm(FrameworkFields, forms.Form):
    """Form 05: the quarter's results and shortcomings, a score per criterion of the leader's
    framework, and the conditions they tick."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    results = forms.CharField(
        label=_("Results of the quarter"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )
    shortcomings = forms.CharField(
        label=_("Shortcomings"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )

    def __init__(self, *args, row, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_framework_fields(
            criteria=frameworks.framework_criteria(framework),
            levels=frameworks.levels_of(
                framework.rule_set.levels.for_members().order_by("rank"), framework
            ),
            scores=row.scores,
            conditions=row.conditions,
        )
        if not self.is_bound:
            self.initial.update(
                {"results": row.results, "shortcomings": row.shortcomings, "version": row.version}
            )


class QuarterDecideForm(forms.Form):
    """A step on a leader's quarter: the decided level with its reasons, or a written reason
    to return or reopen it."""

    STEP_LABELS = STEP_LABELS
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    level = forms.ModelChoiceField(
        label=capfirst(_("decided level")), queryset=Level.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Reason for a level other than the self-assessed one"),
        widget=TEXT_AREA,
        required=False,
        max_length=TEXT_MAX,
    )
    override_note = forms.CharField(
        label=_("Reason for overriding a ground for not completed"),
        widget=TEXT_AREA,
        required=False,
        max_length=TEXT_MAX,
    )
    reason = forms.CharField(
        label=_("Reason to return or reopen"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )

    def __init__(self, *args, row, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = row.quarter.period.rule_set.levels.for_members().order_by(
            "rank"
        )
        if not self.is_bound:
            self.initial.update(
                {"version": row.version, "level": row.decided_level or row.self_level}
            )


class GroundForm(forms.Form):
    """Record a ground for not completed with a note, or clear one (`clear`: its id) with a
    reason written in `note`."""

    code = forms.ChoiceField(label=capfirst(_("ground")), required=False)
    note = forms.CharField(label=capfirst(_("note")), widget=TEXT_AREA, max_length=TEXT_MAX)
    clear = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (g["code"], rules.condition_text(g)) for g in framework.grounds
        ]
