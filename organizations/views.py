from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .access import get_organization_for_user, visible_audit_events
from .audit_display import changes_show
from .forms import OrganizationForm
from .models import AuditAction, Notification
from .services import organization_add_child


@login_required
def unit_create(request, pk: int):
    parent = get_organization_for_user(request.user, pk, write=True)
    form = OrganizationForm(request.POST if request.method == "POST" else None, parent=parent)
    if request.method == "POST" and form.is_valid():
        unit = organization_add_child(parent=parent, unit=form.save(commit=False), by=request.user)
        messages.success(request, _("The unit “%(name)s” was created.") % {"name": unit.name})
        return redirect("organizations:unit", pk=unit.pk)
    return render(request, "organizations/unit_form.html", {"form": form, "parent": parent})


@login_required
def unit_edit(request, pk: int):
    unit = get_organization_for_user(request.user, pk, write=True)
    form = OrganizationForm(request.POST if request.method == "POST" else None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The unit “%(name)s” was saved.") % {"name": unit.name})
        return redirect("organizations:unit", pk=unit.pk)
    return render(request, "organizations/unit_form.html", {"form": form, "unit": unit})


NOTIFICATIONS_SHOWN = 50


@login_required
def notifications(request):
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        mine.unread().update(read_at=timezone.now())
        return redirect("organizations:notifications")
    return render(
        request, "organizations/notifications.html", {"notifications": mine[:NOTIFICATIONS_SHOWN]}
    )


AUDIT_PER_PAGE = 50


@login_required
@require_safe
def audit(request):
    """The audit trail, searchable by the boards (issue 7): read only, newest first."""
    events = visible_audit_events(request.user)
    q = request.GET.get("q", "").strip()[:100]
    action = request.GET.get("action", "")
    if q:
        events = events.filter(
            Q(actor_name__icontains=q)
            | Q(object_repr__icontains=q)
            | Q(reason__icontains=q)
            | Q(address__startswith=q)
        )
    if action in AuditAction.values:
        events = events.filter(action=action)
    for key, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
        day = parse_day(request.GET.get(key, ""))
        if day:
            events = events.filter(**{lookup: day})
    page = Paginator(events, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    changes_show(page.object_list)
    extra = request.GET.copy()
    extra.pop("page", None)
    return render(
        request,
        "organizations/audit.html",
        {
            "page": page,
            "q": q,
            "action": action,
            "actions": AuditAction.choices,
            "date_from": request.GET.get("from", ""),
            "date_to": request.GET.get("to", ""),
            "extra": extra.urlencode(),
        },
    )


def parse_day(value: str):
    """A dd/mm/yyyy or yyyy-mm-dd day from a search form; None when it is not one."""
    import datetime

    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None
