from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput
from organizations.models import OrganizationQuerySet

from .models import Member

MEMBER_FIELDS = [
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "cell",
    "admission_date",
    "full_membership_date",
    "holds_leadership_post",
    "is_state_employee",
    "outside_political_system",
]


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "admission_date": DateInput(),
            "full_membership_date": DateInput(),
        }

    def __init__(self, *args, cells: OrganizationQuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A change of cell is a transfer, recorded on its own page (R16).
            del self.fields["cell"]
        else:
            self.fields["cell"].queryset = cells
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_card_number(self) -> str:
        return self.cleaned_data["card_number"].strip()

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())


class TransferForm(forms.Form):
    to_cell = forms.ModelChoiceField(queryset=None, label=capfirst(_("to cell")))
    on = forms.DateField(label=capfirst(_("date")), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=capfirst(_("reason")), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, cells: OrganizationQuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = cells
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Transfer")))


class OfficerAccountForm(forms.Form):
    """One row of the bulk accounts page: a member, whether to make their account, and how."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    create = forms.BooleanField(label=capfirst(_("make an account")), required=False)
    role = forms.ChoiceField(label=capfirst(_("role")), choices=())
    username = forms.CharField(
        label=capfirst(_("user name")),
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
    )
    email = forms.EmailField(label=capfirst(_("e-mail")), required=False)

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()

    def clean(self):
        data = super().clean()
        if data.get("create") and not data.get("username"):
            self.add_error("username", forms.Field.default_error_messages["required"])
        return data


OfficerAccountFormSet = forms.formset_factory(OfficerAccountForm, extra=0)
