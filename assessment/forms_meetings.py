"""Forms of the cell's meetings (issue 16): they parse and map; assessment.meetings decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .meetings import RosterEntry, criteria_labels
from .models import AbsenceReason, CellMeetingKind, MeetingRuleSet

MSG_REASON_NEEDED = _("Choose a reason for the absence of %(member)s.")
# A phone's date picker sends ISO dates; typed dates may also be dd/mm/yyyy.
DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]
PHONE_DATE = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}
MSG_WRONG_YEAR = _("The meeting must be held in %(year)s.")


class CellMeetingForm(forms.Form):
    """One screen: the date and kind, every member present unless ticked absent (with a reason),
    then the details. `roster` is the list of RosterEntry the page shows."""

    held_on = forms.DateField(
        label=_("Date"), input_formats=DATE_INPUTS, widget=forms.DateInput(**PHONE_DATE)
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CellMeetingKind.choices,
        initial=CellMeetingKind.REGULAR,
        widget=forms.RadioSelect,
    )
    chair = forms.CharField(label=_("Chair"), max_length=120, required=False)
    recorder = forms.CharField(label=_("Recorder"), max_length=120, required=False)
    superior_attendee = forms.CharField(
        label=_("Attending for the superior committee"), max_length=120, required=False
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=0, max_value=720, required=False
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    resolutions = forms.CharField(
        label=_("Resolutions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    criteria = forms.MultipleChoiceField(
        label=_("Content criteria met"), widget=forms.CheckboxSelectMultiple, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, roster: list[RosterEntry], rules: MeetingRuleSet | None, year: int, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.roster, self.year = roster, year
        self.fields["criteria"].choices = criteria_labels(rules)
        self.absent_given: set[int] = set()
        self.reasons_given: dict[int, str] = {}
        if self.is_bound:
            on_roster = {e.member.pk for e in roster}
            self.absent_given = {
                int(v) for v in self.data.getlist("absent") if v.isdigit() and int(v) in on_roster
            }
            self.reasons_given = {pk: self.data.get(f"reason_{pk}", "") for pk in on_roster}

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day.year != self.year:
            raise forms.ValidationError(MSG_WRONG_YEAR, params={"year": self.year})
        return day

    def clean(self):
        data = super().clean()
        absences = {}
        for entry in self.roster:
            pk = entry.member.pk
            if pk not in self.absent_given:
                continue
            reason = self.reasons_given.get(pk, "")
            if reason not in AbsenceReason.values:
                self.add_error(
                    None,
                    forms.ValidationError(
                        MSG_REASON_NEEDED, params={"member": entry.member.full_name}
                    ),
                )
            absences[pk] = reason
        data["absences"] = absences
        data["criteria"] = {code: True for code in data.get("criteria") or []}
        return data

    def rows(self, initial_absences: dict[int, str] | None = None):
        """(entry, absent, reason) for each roster member, as the page shows them."""
        absences = initial_absences or {}
        for entry in self.roster:
            pk = entry.member.pk
            if self.is_bound:
                yield entry, pk in self.absent_given, self.reasons_given.get(pk, "")
            else:
                yield entry, pk in absences, absences.get(pk, "")

    def details(self) -> dict:
        fields = ("chair", "recorder", "superior_attendee", "duration_minutes", "agenda")
        return {name: self.cleaned_data[name] for name in (*fields, "resolutions", "criteria")}


class MeetingInspectionForm(forms.Form):
    inspected_on = forms.DateField(
        label=_("Date of the inspection"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(**PHONE_DATE),
    )
    inspector = forms.CharField(label=_("Inspector"), max_length=120)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
