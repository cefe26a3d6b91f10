"""Forms of a leadership collective's year (issue 14 item 1): they validate and map; the
services in assessment/collectives.py decide."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.models import Member
from organizations.forms import DateInput
from organizations.models import CollectiveKind, SeatRole

from . import frameworks, rules
from .forms import TEXT_AREA, ErrorsNameTheirField
from .forms_frameworks import FrameworkFields
from .models import AssessmentStatus, Level


class CollectiveForm(ErrorsNameTheirField, forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=CollectiveKind.choices)
    name = forms.CharField(label=capfirst(_("name")), max_length=255)


class SeatForm(ErrorsNameTheirField, forms.Form):
    member = forms.ModelChoiceField(
        label=capfirst(_("party member")), queryset=Member.objects.none()
    )
    role = forms.ChoiceField(label=capfirst(_("role in the collective")), choices=SeatRole.choices)
    start = forms.DateField(label=capfirst(_("from")), widget=DateInput())
    end = forms.DateField(label=capfirst(_("to")), widget=DateInput(), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CollectiveReviewForm(FrameworkFields, ErrorsNameTheirField, forms.Form):
    """Form 01 for collectives. Under a collective framework (2023–) the collective scores its
    criteria and ticks its conditions, and the level derives from them (R3); before, it types
    its self-score and chooses its self-rated level."""

    TEXTS = ("strengths", "shortcomings", "causes", "remedies", "prompts_answer")

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    strengths = forms.CharField(
        label=capfirst(_("strengths")), max_length=20000, required=False, widget=TEXT_AREA
    )
    shortcomings = forms.CharField(
        label=capfirst(_("shortcomings")), max_length=20000, required=False, widget=TEXT_AREA
    )
    causes = forms.CharField(
        label=capfirst(_("causes")), max_length=20000, required=False, widget=TEXT_AREA
    )
    remedies = forms.CharField(
        label=capfirst(_("remedies")), max_length=20000, required=False, widget=TEXT_AREA
    )
    prompts_answer = forms.CharField(
        label=capfirst(_("answer to the review prompts")),
        max_length=20000,
        required=False,
        widget=TEXT_AREA,
    )
    self_score = forms.CharField(label=capfirst(_("self-score")), max_length=10, required=False)
    self_level = forms.ModelChoiceField(
        label=capfirst(_("self-rated level")), queryset=Level.objects.none(), required=False
    )

    def __init__(self, *args, row, levels, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        if framework is None:
            self.fields["self_level"].queryset = levels
            self.score_fields, self.condition_fields = [], []
        else:
            del self.fields["self_score"], self.fields["self_level"]
            self.add_framework_fields(
                criteria=frameworks.framework_criteria(framework),
                levels=frameworks.levels_of(levels, framework),
                scores=row.scores,
                conditions=row.conditions,
            )
        if not self.is_bound:
            self.initial.update(
                {
                    "version": row.version,
                    "strengths": row.report_strengths,
                    "shortcomings": row.report_shortcomings,
                    "causes": row.report_causes,
                    "remedies": row.report_remedies,
                    "prompts_answer": row.prompts_answer,
                    "self_score": row.self_score,
                    "self_level": row.self_level_id,
                }
            )

    def text_bound_fields(self):
        return [self[name] for name in self.TEXTS]

    def typed_bound_fields(self):
        return [self[name] for name in ("self_score", "self_level") if name in self.fields]

    def review(self) -> dict:
        """The service's arguments (collectives.collective_review_save), after is_valid."""
        data = {name: self.cleaned_data[name] for name in self.TEXTS}
        if self.framework is None:
            data["self_score"] = self.cleaned_data["self_score"]
            data["self_level"] = self.cleaned_data["self_level"]
        else:
            data["scores"], data["conditions"] = self.scores(), self.conditions()
        return data


class CollectiveMeetingForm(ErrorsNameTheirField, forms.Form):
    """The collective's review meeting; one vote field per level (`votes_<code>`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    held_on = forms.DateField(label=capfirst(_("meeting date")), widget=DateInput())
    present = forms.IntegerField(
        label=capfirst(_("members of the collective present")), min_value=0, max_value=999
    )
    minutes = forms.CharField(
        label=capfirst(_("discussion")), max_length=20000, required=False, widget=TEXT_AREA
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for level in self.levels:
            self.fields[f"votes_{level.code}"] = forms.IntegerField(
                label=level.name, min_value=0, max_value=999, required=False
            )

    def votes(self) -> dict[str, int | None]:
        return {lv.code: self.cleaned_data.get(f"votes_{lv.code}") for lv in self.levels}


def status_choices() -> list[tuple[str, object]]:
    """R28 row 3 for a collective: reviewed this year, not reviewed as newly established, or
    not yet classified for a reason of R14 ("status:reason" values)."""
    return [
        (f"{AssessmentStatus.ASSESS}:", AssessmentStatus.ASSESS.label),
        *(
            (f"{AssessmentStatus.NOT_CLASSIFIED}:{code}", label)
            for code, label in rules.UNIT_KPL_REASONS.items()
        ),
        *(
            (f"{AssessmentStatus.PENDING}:{code}", label)
            for code, label in rules.CPL_REASONS.items()
        ),
    ]


class CollectiveStatusForm(ErrorsNameTheirField, forms.Form):
    """Whether the collective is reviewed this year, and if not, why."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label=capfirst(_("status")), choices=status_choices)

    def clean_status(self) -> tuple[str, str]:
        status, _sep, reason = self.cleaned_data["status"].partition(":")
        return status, reason
