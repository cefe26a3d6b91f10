"""Who sees and changes what: a role on a unit covers the unit's subtree (STYLE.md rule 3).

Every view fetches organizations through these helpers (and members through members.access,
which applies the same rule). An object outside the user's scope answers 404, exactly like a
missing one, so nobody learns what exists elsewhere; one the user sees but whose role may not
change it answers 403.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Assignment, Organization, OrganizationQuerySet, Role

# Roles whose scope is a subtree of units; a member's scope is their own record only.
UNIT_ROLES = frozenset(Role.values) - {Role.MEMBER}


def _assignments(user: AbstractBaseUser) -> list[Assignment]:
    """The user's active assignments, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_xeploai_assignments"):
        user._xeploai_assignments = list(
            Assignment.objects.current().filter(user=user).select_related("organization")
        )
    return user._xeploai_assignments


def is_administrator(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(a.role == Role.ADMINISTRATOR for a in _assignments(user))
    )


def unit_assignments(user: AbstractBaseUser) -> list[Assignment]:
    return [a for a in _assignments(user) if a.role in UNIT_ROLES]


def subtree_filter(roots: list[Organization], prefix: str = "") -> Q | None:
    if not roots:
        return None
    return reduce(or_, (Q(**{f"{prefix}path__startswith": root.path}) for root in roots))


def role_roots(user: AbstractBaseUser, *, write: bool) -> list[Organization]:
    return [a.organization for a in unit_assignments(user) if a.can_manage or not write]


def visible_organizations(user: AbstractBaseUser, *, write: bool = False) -> OrganizationQuerySet:
    """Units the user may see (or, with `write`, manage)."""
    if is_administrator(user):
        return Organization.objects.all()
    condition = subtree_filter(role_roots(user, write=write))
    if condition is None:
        return Organization.objects.none()
    return Organization.objects.filter(condition)


def get_organization_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> Organization:
    try:
        unit = visible_organizations(user).get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404 from None
    if write and not can_manage(user, unit):
        raise PermissionDenied
    return unit


def can_manage(user: AbstractBaseUser, organization: Organization) -> bool:
    if is_administrator(user):
        return True
    return any(root.contains(organization) for root in role_roots(user, write=True))


AUDIT_ROLES = frozenset({Role.PROVINCIAL_BOARD, Role.SUPERIOR_BOARD})


def visible_audit_events(user: AbstractBaseUser):
    """The audit trail a user may search: an administrator all of it; a provincial or superior
    board the events of its subtree (sign-ins of its users included). Others: none (403)."""
    from .models import AuditEvent

    if is_administrator(user):
        return AuditEvent.objects.all()
    roots = [a.organization for a in unit_assignments(user) if a.role in AUDIT_ROLES]
    if not roots:
        raise PermissionDenied
    return AuditEvent.objects.filter(subtree_filter(roots, prefix="unit_"))


# Who makes accounts for a unit's officers (issue 19, item 3): the boards and the administrator.
ACCOUNT_ROLES = frozenset({Role.PROVINCIAL_BOARD, Role.SUPERIOR_BOARD})


def can_create_accounts(user: AbstractBaseUser, unit: Organization) -> bool:
    if is_administrator(user):
        return True
    return any(
        a.role in ACCOUNT_ROLES and a.organization.contains(unit) for a in unit_assignments(user)
    )


def grantable_roles(user: AbstractBaseUser, unit: Organization) -> list[str]:
    """The roles `user` may give on `unit`: those the unit's kind takes (models.ROLE_KINDS);
    only an administrator makes administrators."""
    from .models import ROLE_KINDS

    return [
        role
        for role in Role.values
        if unit.kind in ROLE_KINDS[role] and (role != Role.ADMINISTRATOR or is_administrator(user))
    ]
