"""Downloads of the assessment's official documents (issue 17) as PDF or Word (.docx). Each view
fetches its object through the access helper of its kind, like the page it is linked from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_safe

from organizations.documents import FORMATS, response

from . import documents
from .access import get_assessment_for_user, get_cell_year_for_user, get_decision_for_user


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


@login_required
@require_safe
def decision_view(request, pk: int, fmt: str = "pdf"):
    """A decision (members, units or re-rating) of an issuing body the user sees, or listing a
    member or unit the user sees."""
    fmt = _format(fmt)
    decision = get_decision_for_user(request.user, pk)
    return response(documents.decision_document(decision), fmt)


@login_required
@require_safe
def minutes_view(request, year: int, pk: int, fmt: str = "pdf"):
    fmt = _format(fmt)
    cell_year = get_cell_year_for_user(request.user, year, pk)
    return response(documents.minutes_document(cell_year), fmt)


@login_required
@require_safe
def cell_report_view(request, year: int, pk: int, fmt: str):
    fmt = _format(fmt)
    cell_year = get_cell_year_for_user(request.user, year, pk)
    return response(documents.cell_report_document(cell_year), fmt)


@login_required
@require_safe
def notice_view(request, year: int, pk: int, fmt: str):
    """The notice of results; 404 until a decision lists the cell or its members."""
    fmt = _format(fmt)
    cell_year = get_cell_year_for_user(request.user, year, pk)
    document = documents.notice_document(cell_year)
    if document is None:
        raise Http404
    return response(document, fmt)


@login_required
@require_safe
def self_review_view(request, pk: int, fmt: str):
    fmt = _format(fmt)
    assessment = get_assessment_for_user(request.user, pk)
    return response(documents.self_review_document(assessment), fmt)
