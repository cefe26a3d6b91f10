"""The dossier's upload form (issue 15 item 8): it maps the fields; assessment.dossier checks
the file and files it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import DossierKind


class DossierScanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DossierKind.choices)
    title = forms.CharField(label=_("Title (optional)"), max_length=255, required=False)
    file = forms.FileField(
        label=_("Signed scan (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
