"""Units in and out of the admin with django-import-export (issue 19, item 7): for an
administrator who fixes a few records by hand. The workbook import (reports/imports.py) stays
the main path. Rows are matched by code; a new unit goes under the unit its `parent` column
names (empty: a new root), checked against the kinds it may sit under; moving an existing unit
is the tree's job, not an import's. The admin previews every row and names each error by row and
column; nothing is written unless the whole file is clean (one transaction)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import Organization

MSG_UNKNOWN_PARENT = _("No unit has the code “%(code)s”.")
MSG_NO_MOVE = _("An import does not move a unit: move it in the tree, or leave the parent as is.")


class UnitResource(resources.ModelResource):
    parent = fields.Field(column_name="parent", attribute=None, readonly=False)

    class Meta:
        model = Organization
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "parent", "active_from", "active_to"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def dehydrate_parent(self, unit: Organization) -> str:
        if not hasattr(self, "_codes"):
            self._codes = dict(Organization.objects.values_list("path", "code"))
        return self._codes.get(unit.path[: -Organization.steplen], "")

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name != "parent":
            super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance: Organization, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        code = str(row.get("parent") or "").strip()
        parent = Organization.objects.filter(code=code).first() if code else None
        if code and parent is None:
            raise ValidationError({"parent": MSG_UNKNOWN_PARENT % {"code": code}})
        if instance.pk:  # an empty parent leaves it where it is
            if parent is not None and parent.path != instance.path[: -Organization.steplen]:
                raise ValidationError({"parent": MSG_NO_MOVE})
            return
        instance.check_parent(parent)
        instance._import_parent = parent

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:  # the tree's own columns are set on insertion
            instance.full_clean(
                exclude=[*errors, "path", "depth", "numchild"], validate_unique=validate_unique
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance: Organization, is_create: bool) -> None:
        if not is_create:
            instance.save()
            return
        parent = instance._import_parent
        if parent is None:
            Organization.objects.add_root(instance=instance)
        else:
            parent.refresh_from_db()  # a parent given children earlier in the file
            Organization.objects.add_child(parent, instance=instance)
