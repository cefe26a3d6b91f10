"""The read-only JSON API (issue 19, item 8): units, members, a year's results and the summary.

Authentication by token (`Authorization: Token <key>`; an administrator issues keys in the admin
or with `manage.py drf_create_token <username>`) or by the browser's session. Every object comes
through the same access helpers as the pages (organizations/access.py): a unit or member outside
the user's role and subtree answers 404, exactly like a missing one. Lists are paginated
(`?page=`, `?page_size=` up to 1,000).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessment.access import get_period
from assessment.models import CellYear, Commendation, GrassrootsYear, MemberAssessment
from assessment.models_followup import ACTIVE_COMMENDATION_STATES
from members.access import get_member_for_user, visible_members
from organizations.access import get_organization_for_user, visible_organizations
from organizations.collation import name_order

from .serializers import (
    MemberSerializer,
    ResultSerializer,
    SummarySerializer,
    UnitResultSerializer,
    UnitSerializer,
)
from .summary_collectives import summary_json_with_collectives

UNDER = OpenApiParameter(
    "under", int, description="Only this unit's subtree (the unit's id, which must be in scope)."
)


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _under(request: Request):
    """The unit named by `?under=<id>`, fetched through the access helper; None without it."""
    raw = request.query_params.get("under")
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404
    return get_organization_for_user(request.user, int(raw))


@extend_schema(parameters=[UNDER])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the user sees: a role's unit and its subtree (an administrator: every unit)."""

    serializer_class = UnitSerializer
    pagination_class = Pages

    def get_queryset(self):
        units = visible_organizations(self.request.user).order_by("path")
        root = _under(self.request)
        return units if root is None else units.filter(path__startswith=root.path)

    def get_object(self):
        return get_organization_for_user(self.request.user, self.kwargs["pk"])


@extend_schema(parameters=[UNDER])
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Member records the user sees: those of their subtrees, and a member their own."""

    serializer_class = MemberSerializer
    pagination_class = Pages

    def get_queryset(self):
        members = visible_members(self.request.user).order_by("cell__path", *name_order(), "pk")
        root = _under(self.request)
        return members if root is None else members.filter(cell__path__startswith=root.path)

    def get_object(self):
        return get_member_for_user(self.request.user, self.kwargs["pk"])


class ResultList(generics.ListAPIView):
    """Members' results of a year in a unit's subtree (today's tree), by cell and name."""

    serializer_class = ResultSerializer
    pagination_class = Pages

    def get_queryset(self):
        unit = get_organization_for_user(self.request.user, self.kwargs["pk"])
        period = get_period(self.kwargs["year"])
        return (
            MemberAssessment.objects.filter(
                cell_year__period=period, cell_year__cell__path__startswith=unit.path
            )
            .select_related(
                "cell_year__period",
                "cell_year__cell",
                "member",
                "self_level",
                "proposed_level",
                "decided_level",
                "decision",
            )
            .annotate(
                commendation_proposed=Exists(
                    Commendation.objects.filter(
                        assessment=OuterRef("pk"), state__in=ACTIVE_COMMENDATION_STATES
                    )
                )
            )
            .order_by("cell_year__cell__path", *name_order("member__full_name"), "pk")
        )


class UnitResultList(generics.ListAPIView):
    """Units' results of a year in a unit's subtree (today's tree): cells and grassroots
    organizations, by tree path. Two queries whatever the number of units."""

    serializer_class = UnitResultSerializer
    pagination_class = Pages

    def get_queryset(self):
        unit = get_organization_for_user(self.request.user, self.kwargs["pk"])
        period = get_period(self.kwargs["year"])
        related = ("period", "proposed_level", "decided_level", "decision")
        cells = CellYear.objects.filter(period=period, cell__path__startswith=unit.path)
        grassroots = GrassrootsYear.objects.filter(
            period=period, organization__path__startswith=unit.path
        )
        rows = [_unit_result(r, r.cell) for r in cells.select_related("cell", *related)]
        rows += [
            _unit_result(r, r.organization)
            for r in grassroots.select_related("organization", *related)
        ]
        return sorted(rows, key=lambda row: row["path"])


def _unit_result(row, unit) -> dict:
    return {
        "path": unit.path,
        "unit": unit.pk,
        "unit_code": unit.code,
        "unit_name": unit.name,
        "kind": unit.kind,
        "year": row.period.year,
        "state": row.state,
        "status": row.status,
        "reason_code": row.reason_code,
        "proposed_level": row.proposed_level.code if row.proposed_level else None,
        "decided_level": row.decided_level.code if row.decided_level else None,
        "decision_number": row.decision.number if row.decision else None,
    }


class SummaryView(APIView):
    """The summary table's figures (R23–R24) for a unit and a year, with its leadership
    collectives (R28), as `export_summary --format json` prints them
    (reports/summary_collectives.py)."""

    @extend_schema(responses=SummarySerializer)
    def get(self, request: Request, year: int, pk: int) -> Response:
        unit = get_organization_for_user(request.user, pk)
        return Response(summary_json_with_collectives(unit, get_period(year)))
