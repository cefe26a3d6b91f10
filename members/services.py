"""Changes of member records that touch more than one row."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .models import MSG_NOT_A_CELL, Member, Transfer

MSG_SAME_CELL = _("The member already belongs to this cell.")


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_cell: Organization,
    on: datetime.date,
    reason: str,
    by: AbstractBaseUser | None,
) -> Transfer:
    """Move a member to another cell, keeping the move in history (R16)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not to_cell.is_cell:
        raise ValidationError({"to_cell": MSG_NOT_A_CELL})
    if member.cell_id == to_cell.pk:
        raise ValidationError({"to_cell": MSG_SAME_CELL})
    transfer = Transfer.objects.create(
        member=member,
        from_cell=member.cell,
        to_cell=to_cell,
        on=on,
        reason=reason,
        recorded_by=by,
    )
    member.cell = to_cell
    member._history_user = by
    member._change_reason = reason
    member.save(update_fields=["cell"])
    return transfer
