"""R25: thousands with a dot, decimal comma, dates dd/mm/yyyy, in Vietnamese."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load l10n %}" + source).render(Context(context))


def test_vietnamese_numbers_and_dates():
    with translation.override("vi"):
        assert render("{{ n }}", n=94877) == "94.877"
        assert render("{{ n }}", n=1234567) == "1.234.567"
        assert render("{{ p|floatformat:2 }} %", p=Decimal("25.58")) == "25,58 %"
        assert (
            render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=datetime.date(2025, 12, 31))
            == "31/12/2025"
        )
        assert render("{{ d }}", d=datetime.date(2025, 12, 31)) == "31/12/2025"


def test_english_keeps_day_first_dates():
    with translation.override("en"):
        assert render("{{ n }}", n=94877) == "94,877"
        assert render("{{ d }}", d=datetime.date(2025, 12, 31)) == "31/12/2025"
