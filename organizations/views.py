from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessment.access import can_decide_for_superior
from assessment.models import CanonicalLevel, Period
from members.models import Member
from reports.submissions import submits_report
from reports.years import unit_years

from .access import (
    can_manage,
    get_organization_for_user,
    unit_assignments,
    visible_audit_events,
    visible_members,
    visible_organizations,
)
from .collation import name_order
from .counts import subtree_counts
from .forms import OrganizationForm
from .models import AuditAction, Kind, Notification, Organization
from .services import organization_add_child

TREE_MAX_DEPTH = 3  # levels shown below the root of the tree page at most
TREE_MAX_ROWS = 300  # a slow office PC renders this many rows at once; deeper nodes open on click
MEMBERS_PER_PAGE = 50


@login_required
@require_safe
def home(request):
    assignments = unit_assignments(request.user)
    counts = {}
    for assignment in assignments:
        unit = assignment.organization
        counts.update(subtree_counts(unit, [unit]))
    own_member = Member.objects.filter(user=request.user).select_related("cell").first()
    period = Period.objects.select_related("rule_set").first()
    own_assessment = None
    if own_member and period and period.is_open():
        from assessment.cell_year import cell_year_open

        cell_year = cell_year_open(period=period, cell=own_member.cell)
        own_assessment = cell_year.assessments.filter(member=own_member).first()
    return render(
        request,
        "organizations/home.html",
        {
            "rows": [(a, counts[a.organization.pk]) for a in assignments],
            "own_member": own_member,
            "own_assessment": own_assessment,
            "period": period,
        },
    )


def _tree_rows(root: Organization) -> tuple[list[tuple[Organization, object]], int]:
    depth = Organization.objects.in_subtree(root).depth_within(
        root, max_depth=TREE_MAX_DEPTH, max_rows=TREE_MAX_ROWS
    )
    nodes = list(Organization.objects.get_tree(root, max_depth=depth))
    counts = subtree_counts(root, nodes)
    return [(node, counts[node.pk]) for node in nodes], root.depth + depth


@login_required
@require_safe
def tree(request, pk: int | None = None):
    if pk is not None:
        roots = [get_organization_for_user(request.user, pk)]
    else:
        roots = [a.organization for a in unit_assignments(request.user)]
        roots = [r for r in roots if not any(o.contains(r) and o != r for o in roots)]
    return render(
        request,
        "organizations/tree.html",
        {
            "trees": [(root, *_tree_rows(root)) for root in roots],
        },
    )


@login_required
@require_safe
def unit_detail(request, pk: int):
    unit = get_organization_for_user(request.user, pk)
    children = list(Organization.objects.get_children(unit))
    counts = subtree_counts(unit, [unit, *children])
    members = visible_members(request.user).current().in_subtree(unit).order_by(*name_order(), "id")
    query = request.GET.get("q", "").strip()
    if query:
        members = members.filter(Q(full_name__icontains=query) | Q(card_number__startswith=query))
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    ancestors = visible_organizations(request.user).filter(
        pk__in=Organization.objects.get_ancestors(unit).values("pk")
    )
    return render(
        request,
        "organizations/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "counts": counts[unit.pk],
            "children": [(child, counts[child.pk]) for child in children],
            "page": page,
            "query": query,
            "can_manage": can_manage(request.user, unit),
            "period": Period.objects.open().first(),
            "years": unit_years(unit),
            "canonical_levels": CanonicalLevel.choices,
            "submits_report": submits_report(unit),
            "can_decide_below": unit.decides_grassroots
            and can_decide_for_superior(request.user, unit),
            "receives_reports": unit.kind == Kind.PROVINCE,  # reports of the committees below
        },
    )


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
