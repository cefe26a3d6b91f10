from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .documents import check_symbol_unique
from .models import ALLOWED_PARENTS, Kind, Organization


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}, **kwargs)


class OrganizationForm(forms.ModelForm):
    """A unit's own fields. The parent comes from the URL; its kind limits this unit's kind."""

    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "kind",
            "active_from",
            "active_to",
            "official_name",
            "document_symbol",
            "place_name",
            "heading_superior",
            "year_ends_later",
        ]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}

    def __init__(self, *args, parent: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        if self.instance.pk:
            # The kind shapes the tree below; it is not changed in place.
            self.fields["kind"].disabled = True
        elif parent is not None:
            # Every kind stays selectable so that a wrong one gets the rule's own message.
            allowed = [str(k.label) for k in Kind if parent.kind in ALLOWED_PARENTS[k]]
            self.fields["kind"].help_text = _("Allowed here: %(kinds)s.") % {
                "kinds": ", ".join(allowed)
            }
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and cleaned.get("kind"):
            probe = Organization(kind=cleaned["kind"])
            try:
                probe.check_parent(self.parent)
            except ValidationError as error:
                self.add_error("kind", error.message_dict["kind"])
        if not self.instance.pk and cleaned.get("document_symbol") and self.parent is not None:
            probe = Organization(document_symbol=cleaned["document_symbol"])
            try:
                check_symbol_unique(probe, self.parent)
            except ValidationError as error:
                self.add_error("document_symbol", error.message_dict["document_symbol"])
        return cleaned
