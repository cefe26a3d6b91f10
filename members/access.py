"""Who sees and changes which member (STYLE.md rule 3): the role-and-subtree rule of
organizations.access applied to members. A member outside the user's scope answers 404, one in
scope that the role may not change answers 403."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from organizations.access import can_manage, is_administrator, role_roots, subtree_filter

from .models import Member, MemberQuerySet


def visible_members(user: AbstractBaseUser, *, write: bool = False) -> MemberQuerySet:
    """Members in the user's subtrees, and the user's own member record (read only)."""
    members = Member.objects.select_related("cell")
    if is_administrator(user):
        return members.all()
    conditions = []
    subtree = subtree_filter(role_roots(user, write=write), prefix="cell__")
    if subtree is not None:
        conditions.append(subtree)
    if not write and user.is_authenticated:
        conditions.append(Q(user=user))
    if not conditions:
        return members.none()
    return members.filter(reduce(or_, conditions))


def get_member_for_user(user: AbstractBaseUser, pk: int, *, write: bool = False) -> Member:
    try:
        member = visible_members(user).get(pk=pk)
    except Member.DoesNotExist:
        raise Http404 from None
    if write and not can_manage(user, member.cell):
        raise PermissionDenied
    return member
