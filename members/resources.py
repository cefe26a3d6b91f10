"""Member records in and out of the admin with django-import-export (issue 19, item 7), for an
administrator who fixes a few records by hand; the workbook import (reports/imports.py) stays
the main path. Rows are matched by party card number; `cell` is the cell's code. A change of
cell is a transfer (R16), recorded on the member's page, never by an import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from organizations.models import Organization

from .forms import MEMBER_FIELDS
from .models import Member

MSG_UNKNOWN_CELL = _("No unit has the code “%(code)s”.")
MSG_TRANSFER = _("A change of cell is a transfer: record it on the member's page.")


class UnitCodeWidget(widgets.ForeignKeyWidget):
    """A unit named by its code, with a translated error for an unknown one."""

    def __init__(self):
        super().__init__(Organization, field="code")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Organization.DoesNotExist:
            raise ValueError(MSG_UNKNOWN_CELL % {"code": value}) from None


class MemberResource(resources.ModelResource):
    cell = fields.Field(attribute="cell", column_name="cell", widget=UnitCodeWidget())

    class Meta:
        model = Member
        import_id_fields = ["card_number"]
        fields = [*MEMBER_FIELDS, "left_on"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Member.objects.select_related("cell")

    def import_instance(self, instance: Member, row, **kwargs) -> None:
        before = instance.cell_id if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        if before is not None and instance.cell_id != before:
            raise ValidationError({"cell": MSG_TRANSFER})
