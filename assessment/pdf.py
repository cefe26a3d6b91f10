"""PDF documents of the cell's year, rendered by WeasyPrint from templates/reports/pdf/."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML


def render_minutes(context: dict) -> bytes:
    """The review meeting's minutes (biên bản), in the party's document layout (R25)."""
    html = render_to_string("reports/pdf/minutes.html", context)
    return HTML(string=html).write_pdf()


def render_decision(decision, listed) -> bytes:
    """A decision (quyết định) on members' levels, in the party's document layout (R25)."""
    html = render_to_string("reports/pdf/decision.html", {"decision": decision, "listed": listed})
    return HTML(string=html).write_pdf()
