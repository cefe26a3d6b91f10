from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.access import get_member_for_user
from organizations.access import get_organization_for_user, visible_organizations

from .forms import MemberForm, TransferForm
from .services import member_transfer


@login_required
def member_create(request, pk: int):
    unit = get_organization_for_user(request.user, pk, write=True)
    cells = visible_organizations(request.user, write=True).in_subtree(unit).cells()
    initial = {"cell": unit} if unit.is_cell else {}
    form = MemberForm(
        request.POST if request.method == "POST" else None, cells=cells, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(
            request, _("The member “%(name)s” was added.") % {"name": member.full_name}
        )
        return redirect("members:member", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "unit": unit})


@login_required
def member_edit(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    form = MemberForm(
        request.POST if request.method == "POST" else None, instance=member, cells=None
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("The member “%(name)s” was saved.") % {"name": member.full_name}
        )
        return redirect("members:member", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@login_required
def member_transfer_view(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    cells = visible_organizations(request.user, write=True).cells().exclude(pk=member.cell_id)
    form = TransferForm(request.POST if request.method == "POST" else None, cells=cells)
    if request.method == "POST" and form.is_valid():
        try:
            member_transfer(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The transfer was recorded."))
            return redirect("members:member", pk=member.pk)
    return render(request, "members/transfer_form.html", {"form": form, "member": member})
