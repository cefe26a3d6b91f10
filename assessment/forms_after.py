"""Forms after the decision (issue 15): the cell's later vote (R14), the committee's decision on
members rated later, re-rating a unit (R9, form 03), filing and answering a complaint. They
validate and map; the services in later.py, corrections.py and complaints.py decide."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput

from .forms import TEXT_AREA, RerateForm
from .models import ComplaintOutcome, Level

MSG_UPHELD_LEVEL = _("An upheld complaint re-rates the result: choose the new level.")
MSG_SIGNER = _("Give the date, the signer and the signer's title of the re-rating decision.")


class LaterVoteForm(forms.Form):
    """R18 at the cell's later meeting: the full members that count, those present, and the
    votes per level (one field per level of the rule set)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=capfirst(_("meeting date")), widget=DateInput())
    counted = forms.IntegerField(label=capfirst(_("full members that count")), min_value=1)
    present = forms.IntegerField(label=capfirst(_("full members present")), min_value=0)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for level in self.levels:
            self.fields[f"votes_{level.code}"] = forms.IntegerField(
                label=_("Votes for “%(level)s”") % {"level": level.name},
                min_value=0,
                required=False,
            )

    def votes(self) -> dict[str, int | None]:
        return {level.code: self.cleaned_data.get(f"votes_{level.code}") for level in self.levels}


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=capfirst(_("reason")), max_length=5000, widget=TEXT_AREA)


class SigningForm(forms.Form):
    """The date and signer of a numbered decision."""

    signed_on = forms.DateField(label=capfirst(_("date")), widget=DateInput())
    signer_name = forms.CharField(label=capfirst(_("signer")), max_length=120)
    signer_title = forms.CharField(label=capfirst(_("signer's title")), max_length=120)
    quota_justification = forms.CharField(
        label=capfirst(_("justification for exceeding the quota")),
        required=False,
        max_length=5000,
        widget=TEXT_AREA,
    )

    def __init__(self, *args, issuer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if issuer is not None and not self.is_bound:
            from .documents import last_signer

            self.initial = last_signer(issuer) | self.initial


class UnitRerateForm(RerateForm):
    """R9, form 03 for a cell's or an organization's own level."""


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=capfirst(_("complaint")),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ComplaintAnswerForm(forms.Form):
    """The handling body's answer; an upheld complaint also gives the re-rating decision."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=capfirst(_("outcome")), choices=ComplaintOutcome.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(label=capfirst(_("answer")), max_length=5000, widget=TEXT_AREA)
    level = forms.ModelChoiceField(
        label=capfirst(_("new level")), queryset=Level.objects.none(), required=False
    )
    signed_on = forms.DateField(label=capfirst(_("date")), widget=DateInput(), required=False)
    signer_name = forms.CharField(label=capfirst(_("signer")), max_length=120, required=False)
    signer_title = forms.CharField(
        label=capfirst(_("signer's title")), max_length=120, required=False
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ComplaintOutcome.UPHELD:
            if data.get("level") is None:
                self.add_error("level", MSG_UPHELD_LEVEL)
            if not (data.get("signed_on") and data.get("signer_name") and data.get("signer_title")):
                self.add_error(None, MSG_SIGNER)
        return data
