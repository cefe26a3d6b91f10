"""Step 0: the provincial board opens a year on a copy of the rules in force and closes it;
others read the list only."""

import pytest
from django.urls import reverse

from assessment.models import Period, PeriodState, RuleSet, UnitSnapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_board_opens_a_year_on_a_copy_and_closes_it(login, tree, period, provincial, secretary):
    from tests.conftest import ensure_seeded

    ensure_seeded()
    url = reverse("assessment:years")
    assert login(secretary).post(url, {"year": 2026}).status_code == 403
    page = login(secretary).get(url)
    assert page.status_code == 200 and 'data-testid="open-year"' not in page.content.decode()
    client = login(provincial)
    assert client.post(url, {"year": 2026}).status_code == 302
    opened = Period.objects.get(year=2026)
    assert opened.rule_set.cloned_from == period.rule_set and opened.rule_set != period.rule_set
    again = client.post(url, {"year": 2026})
    assert again.status_code == 200 and again.context["form"].errors["year"]
    response = client.post(reverse("assessment:year_close", args=[2025]))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.state == PeriodState.CLOSED
    assert UnitSnapshot.objects.filter(period=period).count() > 0  # the tree is frozen
    assert period.history.first().history_user == provincial
    assert RuleSet.objects.filter(code__startswith="QD366-2025").count() == 2
