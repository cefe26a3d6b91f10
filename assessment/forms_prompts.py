"""Forms of review prompts from above (assessment/prompts.py): giving one, answering one."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.models import Member
from organizations.forms import DateInput
from organizations.models import CELL_KINDS, CollectiveKind, LeadershipCollective, Organization

from .forms import TEXT_AREA, _review_date

MSG_NO_SUCH_MEMBER = _("No member with card number %(value)s in this scope.")
MSG_NO_SUCH_CELL = _("No cell with code %(value)s in this scope.")
MSG_NO_SUCH_UNIT = _("No unit with code %(value)s below this committee.")
MSG_NO_SUCH_COLLECTIVE = _("%(unit)s has no leadership collective of this kind in %(year)s.")
MSG_SEVERAL_COLLECTIVES = _("%(unit)s has several leadership collectives of this kind in %(year)s.")
MSG_ONE_TARGET = _("Give one of: a member's card number, a cell's code, a leadership collective.")


class PromptForm(forms.Form):
    """A prompt to a person (by party card number), to a cell as a collective (by its code), or
    to a leadership collective (its unit's code and its kind, active that year), in the issuing
    committee's subtree."""

    card_number = forms.CharField(
        label=capfirst(_("party card number")), max_length=20, required=False
    )
    cell_code = forms.CharField(label=capfirst(_("cell code")), max_length=40, required=False)
    collective_unit = forms.CharField(
        label=capfirst(_("code of the leadership collective's unit")),
        max_length=40,
        required=False,
    )
    collective_kind = forms.ChoiceField(
        label=capfirst(_("kind of leadership collective")),
        choices=[("", "---------"), *CollectiveKind.choices],
        required=False,
    )
    given_on = forms.DateField(label=capfirst(_("date")), widget=DateInput())
    text = forms.CharField(label=capfirst(_("content")), widget=TEXT_AREA, max_length=20000)

    def __init__(self, *args, issuer: Organization, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.issuer, self.year = issuer, year
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Give the prompt"), css_class="btn-danger"))

    def clean_given_on(self):
        return _review_date(self, "given_on", self.year)

    def clean_card_number(self):
        card = self.cleaned_data["card_number"].strip()
        if not card:
            return None
        member = Member.objects.in_subtree(self.issuer).filter(card_number=card).first()
        if member is None:
            raise forms.ValidationError(MSG_NO_SUCH_MEMBER, params={"value": card})
        return member

    def clean_cell_code(self):
        code = self.cleaned_data["cell_code"].strip().upper()
        if not code:
            return None
        cell = (
            Organization.objects.in_subtree(self.issuer)
            .filter(kind__in=CELL_KINDS, code__iexact=code)
            .first()
        )
        if cell is None:
            raise forms.ValidationError(MSG_NO_SUCH_CELL, params={"value": code})
        return cell

    def clean_collective_unit(self):
        code = self.cleaned_data["collective_unit"].strip().upper()
        if not code:
            return None
        unit = (
            Organization.objects.in_subtree(self.issuer)
            .exclude(pk=self.issuer.pk)
            .filter(code__iexact=code)
            .first()
        )
        if unit is None:
            raise forms.ValidationError(MSG_NO_SUCH_UNIT, params={"value": code})
        return unit

    def _collective(self, unit: Organization, kind: str) -> LeadershipCollective | None:
        found = list(
            LeadershipCollective.objects.active_in(self.year).filter(organization=unit, kind=kind)
        )
        if len(found) == 1:
            return found[0]
        message = MSG_NO_SUCH_COLLECTIVE if not found else MSG_SEVERAL_COLLECTIVES
        self.add_error(
            "collective_kind",
            forms.ValidationError(message, params={"unit": unit.name, "year": self.year}),
        )
        return None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        unit, kind = data.get("collective_unit"), data.get("collective_kind")
        data["collective"] = None
        if unit is not None or kind:
            if unit is None or not kind:
                raise forms.ValidationError(MSG_ONE_TARGET)
            data["collective"] = self._collective(unit, kind)
            if data["collective"] is None:
                return data
        targets = (data.get("card_number"), data.get("cell_code"), data["collective"])
        if sum(target is not None for target in targets) != 1:
            raise forms.ValidationError(MSG_ONE_TARGET)
        return data


class PromptAnswerForm(forms.Form):
    answer = forms.CharField(
        label=capfirst(_("written answer")), widget=TEXT_AREA, max_length=20000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, prompt, **kwargs):
        kwargs.setdefault("initial", {"answer": prompt.answer, "version": prompt.version})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the answer"), css_class="btn-danger"))
