"""Forms of the working groups (issue 15 item 7): they parse and map; assessment.working_groups
decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms_meetings import DATE_INPUTS, PHONE_DATE
from .models import WorkingGroupOfficial
from .working_groups import parse_officials


class WorkingGroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the working group"), max_length=255)
    officials = forms.CharField(
        label=_("Officials, one a line: full name — title"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    units = forms.MultipleChoiceField(
        label=_("Party organizations it guides"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_rows = {str(u.pk): u for u in units}
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]

    def clean_officials(self):
        return parse_officials(self.cleaned_data["officials"])

    def clean_units(self):
        return [self.unit_rows[pk] for pk in self.cleaned_data["units"]]


class AttendanceForm(forms.Form):
    """Who of the group attended the unit's review meeting, when, and their conclusion."""

    attendee = forms.ModelChoiceField(
        label=_("Attending official"), queryset=WorkingGroupOfficial.objects.none(), required=False
    )
    meeting_on = forms.DateField(
        label=_("Date of the review meeting"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(**PHONE_DATE),
        required=False,
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, row, **kwargs):
        kwargs.setdefault("prefix", f"row{row.pk}")
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = row.group.officials.all()
