"""R25: thousands with a dot, decimal comma, dates dd/mm/yyyy, in Vietnamese."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load humanize l10n %}" + source).render(Context(context))


def test_vietnamese_numbers_and_dates():
    with translation.override("vi"):
        assert render("{{ n|intcomma }}", n=94877) == "94.877"
        assert render("{{ n|intcomma }}", n=1234567) == "1.234.567"
        assert render("{{ p|floatformat:2 }} %", p=Decimal("25.58")) == "25,58 %"
        assert (
            render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=datetime.date(2025, 12, 31))
            == "31/12/2025"
        )
        assert render("{{ d }}", d=datetime.date(2025, 12, 31)) == "31/12/2025"


def test_english_keeps_day_first_dates():
    with translation.override("en"):
        assert render("{{ n|intcomma }}", n=94877) == "94,877"
        assert render("{{ d }}", d=datetime.date(2025, 12, 31)) == "31/12/2025"


def test_ids_and_years_are_never_grouped():
    """A grouped id in a hidden input or a test id would break the page silently."""
    with translation.override("vi"):
        assert render("{{ n }}", n=5492) == "5492"
        assert render("{{ y }}", y=2025) == "2025"
