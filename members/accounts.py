"""Accounts for a unit's officers, made in bulk by a board or an administrator (issue 19,
item 3). Each gets a temporary password, shown once, that its holder must change at the first
sign-in (organizations/accounts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from organizations.access import grantable_roles
from organizations.accounts import password_change_require
from organizations.models import Assignment, Organization, Role

from .models import Member, MemberQuerySet

# No look-alike characters (0/O, 1/l/I): the password is read off a screen or a printout.
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12
MSG_NONE_PICKED = _("Pick at least one member to make an account for.")
MSG_USERNAME_TAKEN = _("Row %(row)s (%(name)s): the user name “%(username)s” is taken already.")
MSG_USERNAME_TWICE = _("Row %(row)s (%(name)s): the user name “%(username)s” is used twice.")
MSG_HAS_ACCOUNT = _("Row %(row)s (%(name)s): the member has an account already.")
MSG_ROLE = _("Row %(row)s (%(name)s): the role “%(role)s” cannot be given here.")


@dataclass
class OfficerAccount:
    member: Member
    role: str
    username: str
    email: str = ""


@dataclass
class CreatedAccount:
    member: Member
    username: str
    role_label: str
    password: str  # the temporary password, in clear: shown once, never stored
    email: str = ""


def account_candidates(unit: Organization) -> MemberQuerySet:
    """Members without an account who may get one here: a cell's members; for a larger unit,
    the members of its subtree who hold a leadership post."""
    members = Member.objects.in_subtree(unit).current().filter(user__isnull=True)
    if not unit.is_cell:
        members = members.filter(holds_leadership_post=True)
    return members.select_related("cell").order_by("cell__path", "full_name", "pk")


def officer_accounts_create(
    *, unit: Organization, rows: list[OfficerAccount], by: AbstractBaseUser
) -> list[CreatedAccount]:
    """Make one account per row in one transaction: a user with a temporary password and the
    e-mail given, linked to the member record, holding `row.role` on `unit`, marked to change
    the password at the first sign-in. Returns the accounts with their passwords (in clear,
    for showing once). Raises ValidationError naming every bad row; then nothing is written."""
    if not rows:
        raise ValidationError(MSG_NONE_PICKED)
    _check(unit=unit, rows=rows, by=by)
    User = get_user_model()
    created = []
    with transaction.atomic():
        for row in rows:
            password = get_random_string(PASSWORD_LENGTH, PASSWORD_CHARS)
            user = User.objects.create_user(
                username=row.username,
                email=row.email,
                password=password,
                first_name=row.member.full_name[:150],
            )
            row.member.user = user
            row.member.save(update_fields=["user"])
            Assignment.objects.create(user=user, role=row.role, organization=unit)
            password_change_require(user=user)
            created.append(
                CreatedAccount(row.member, user.username, Role(row.role).label, password, row.email)
            )
    return created


def _check(*, unit: Organization, rows: list[OfficerAccount], by: AbstractBaseUser) -> None:
    User = get_user_model()
    roles = grantable_roles(by, unit)
    seen: set[str] = set()
    same_name = reduce(or_, (Q(username__iexact=row.username) for row in rows))
    taken = {
        name.casefold()
        for name in User.objects.filter(same_name).values_list("username", flat=True)
    }
    errors = []
    for number, row in enumerate(rows, start=1):
        params = {"row": number, "name": row.member.full_name, "username": row.username}
        if row.member.user_id is not None:
            errors.append(ValidationError(MSG_HAS_ACCOUNT, params=params))
        if row.role not in roles:
            errors.append(ValidationError(MSG_ROLE, params={**params, "role": row.role}))
        name = row.username.casefold()
        if name in taken:
            errors.append(ValidationError(MSG_USERNAME_TAKEN, params=params))
        elif name in seen:
            errors.append(ValidationError(MSG_USERNAME_TWICE, params=params))
        seen.add(name)
    if errors:
        raise ValidationError(errors)
