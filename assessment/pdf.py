"""PDF documents of the cell's year: kept for callers of the first version; both now go through
the one base layout of issue 17 (assessment/documents.py)."""

from __future__ import annotations

from organizations.documents import render_pdf

from . import documents


def render_minutes(context: dict) -> bytes:
    """The review meeting's minutes (biên bản) of `context["cell_year"]`, as PDF bytes."""
    return render_pdf(documents.minutes_document(context["cell_year"]))


def render_decision(decision, listed=None) -> bytes:
    """A decision (quyết định) as PDF bytes; `listed` is no longer needed (read from the rows)."""
    return render_pdf(documents.decision_document(decision))
