from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.access import get_member_for_user
from organizations.access import (
    can_create_accounts,
    get_organization_for_user,
    grantable_roles,
    visible_organizations,
)
from organizations.accounts import account_welcome_send
from organizations.models import Role

from .accounts import OfficerAccount, account_candidates, officer_accounts_create
from .forms import MemberForm, OfficerAccountFormSet, TransferForm
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


@login_required
def officer_accounts(request, pk: int):
    """Accounts for a unit's officers in bulk: pick members and roles; one transaction; the
    temporary passwords are shown once, on the answer to the POST (never stored in clear)."""
    unit = get_organization_for_user(request.user, pk)
    if not can_create_accounts(request.user, unit):
        raise PermissionDenied
    roles = [(role, Role(role).label) for role in grantable_roles(request.user, unit)]
    if not roles:  # a partial committee: no role sits on it
        return render(request, "members/officer_accounts.html", {"unit": unit, "rows": []})
    candidates = {m.pk: m for m in account_candidates(unit)}
    initial = [
        {"member": m.pk, "role": roles[0][0], "username": m.card_number}
        for m in candidates.values()
    ]
    formset = OfficerAccountFormSet(
        request.POST if request.method == "POST" else None,
        initial=initial,
        form_kwargs={"roles": roles},
    )
    errors = []
    if request.method == "POST" and formset.is_valid():
        rows = [
            OfficerAccount(candidates[f["member"]], f["role"], f["username"], f["email"])
            for f in formset.cleaned_data
            if f.get("create") and f["member"] in candidates
        ]
        try:
            created = officer_accounts_create(unit=unit, rows=rows, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            for account in created:
                if account.email:
                    account_welcome_send(email=account.email, request=request)
            response = render(
                request, "members/officer_accounts_done.html", {"unit": unit, "created": created}
            )
            response["Cache-Control"] = "no-store"
            return response
    rows = [(form, candidates.get(_int(form["member"].value()))) for form in formset]
    return render(
        request,
        "members/officer_accounts.html",
        {"unit": unit, "formset": formset, "rows": rows, "roles": roles, "errors": errors},
    )


def _int(value) -> int | None:
    return int(value) if str(value).isdigit() else None
