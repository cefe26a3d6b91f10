"""Changes of the tree. Each runs in one transaction and leaves a history row naming the user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import Organization


@transaction.atomic
def organization_add_child(
    *, parent: Organization | None, unit: Organization, by: AbstractBaseUser | None
) -> Organization:
    """Insert a validated, unsaved `unit` under `parent` (or as a root) in the tree."""
    unit.check_parent(parent)
    unit._history_user = by
    if parent is None:
        return Organization.objects.add_root(instance=unit)
    return Organization.objects.add_child(parent, instance=unit)
