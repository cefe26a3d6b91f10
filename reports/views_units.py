"""The pages that show a unit or a member with everything about it (STYLE.md rule 9): home,
the tree, a unit's page and a member's page draw on the tree, the members, the years' work and
the reports, so they live here at the top layer. Their URLs keep their names
(`home`, `organizations:tree`, `organizations:unit`, `members:member`; see config/urls.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.access import can_decide_for_superior
from assessment.models import CanonicalLevel, Period
from members.access import get_member_for_user, visible_members
from members.counts import subtree_counts
from members.models import Member
from organizations.access import (
    can_create_accounts,
    can_manage,
    get_organization_for_user,
    unit_assignments,
    visible_organizations,
)
from organizations.collation import name_order
from organizations.models import Kind, Organization

from .submissions import submits_report
from .years import member_years, unit_years

TREE_MAX_DEPTH = 3  # levels shown below the root of the tree page at most
TREE_MAX_ROWS = 300  # a slow office PC renders this many rows at once; deeper nodes open on click
MEMBERS_PER_PAGE = 50
HISTORY_ROWS = 20


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
        from assessment.cell_year import own_assessment_find  # reads only (issue 12, fault 8)

        own_assessment = own_assessment_find(member=own_member, period=period)
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
            "can_create_accounts": can_create_accounts(request.user, unit),
            "period": Period.objects.open().first(),
            "years": unit_years(unit),
            "canonical_levels": CanonicalLevel.choices,
            "submits_report": submits_report(unit),
            "can_decide_below": unit.decides_grassroots
            and can_decide_for_superior(request.user, unit),
            "receives_reports": unit.kind == Kind.PROVINCE,  # reports of the committees below
            "decides_grassroots": unit.decides_grassroots,  # its working groups (issue 15)
        },
    )


@login_required
@require_safe
def member_detail(request, pk: int):
    member = get_member_for_user(request.user, pk)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "status_periods": member.status_periods.all(),
            "discipline_records": member.discipline_records.all(),
            "transfers": member.transfers.select_related("from_cell", "to_cell", "recorded_by"),
            "history": member.history.select_related("history_user")[:HISTORY_ROWS],
            "can_manage": can_manage(request.user, member.cell),
            "years": member_years(member),
        },
    )
