"""Forms of the quarterly assessment (form 05, R27): they validate and map; services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import frameworks, rules
from .forms import TEXT_AREA, TEXT_MAX
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


class QuarterReviewForm(forms.Form):
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
        self.score_fields, self.condition_fields = [], []
        for group in frameworks.framework_criteria(framework):
            title = rules.condition_text({"vi": group["name_vi"], "en": group["name_en"]})
            for item in group["items"]:
                name = f"score_{item['code']}"
                label = rules.condition_text({"vi": item["name_vi"], "en": item["name_en"]})
                self.fields[name] = forms.DecimalField(
                    label=f"{label} (≤ {item['max_points']})",
                    min_value=0,
                    max_value=item["max_points"],
                    decimal_places=2,
                    required=False,
                    localize=True,
                    initial=Decimal(row.scores[item["code"]])
                    if item["code"] in row.scores
                    else None,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
                self.score_fields.append(((title, group["max_points"]), name))
        seen = set()
        for level in framework.rule_set.levels.for_members().order_by("rank"):
            for condition in framework.level_conditions.get(level.code, level.conditions):
                code = condition["code"]
                if code in seen or code == "quota" or "measure" in condition:
                    continue
                if condition.get("scope") == "organization":
                    continue
                seen.add(code)
                self.fields[f"condition_{code}"] = forms.BooleanField(
                    label=rules.condition_text(condition),
                    required=False,
                    initial=row.conditions.get(code, False),
                )
                self.condition_fields.append(f"condition_{code}")
        if not self.is_bound:
            self.initial.update(
                {"results": row.results, "shortcomings": row.shortcomings, "version": row.version}
            )

    def score_bound_fields(self):
        return [(group, self[name]) for group, name in self.score_fields]

    def condition_bound_fields(self):
        return [self[name] for name in self.condition_fields]

    def scores(self) -> dict[str, object]:
        return {n.removeprefix("score_"): self.cleaned_data.get(n) for _, n in self.score_fields}

    def conditions(self) -> dict[str, bool]:
        return {
            n.removeprefix("condition_"): self.cleaned_data.get(n, False)
            for n in self.condition_fields
        }


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
