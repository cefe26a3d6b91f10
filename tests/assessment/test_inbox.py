import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import cell_year as work
from assessment.models import CellState, CellYear

from ..factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def inbox(client, unit):
    return client.get(reverse("assessment:inbox", args=[2025, unit.pk]))


def test_it_lists_every_cell_with_state_counts_and_lateness(
    login, period, tree, committee, c1_members, monkeypatch
):
    MemberFactory.create_batch(2, cell=tree.c2)
    work.cell_year_open(period=period, cell=tree.c1)
    CellYear.objects.filter(cell=tree.c1).update(
        state=CellState.SUBMITTED,
        submitted_at=datetime.datetime(2025, 12, 18, 9, tzinfo=datetime.UTC),
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2025, 12, 22))
    response = inbox(login(committee), tree.g1)
    rows = {row["cell"].code: row for row in response.context["rows"]}
    assert set(rows) == {"C1", "C2"}
    assert rows["C1"]["cell_year"].state == CellState.SUBMITTED and not rows["C1"]["late"]
    assert rows["C1"]["members"] == 3 and rows["C1"]["cell_year"].n_to_assess == 3
    assert rows["C2"]["cell_year"] is None and rows["C2"]["late"]  # nothing by 20/12
    assert response.context["late_count"] == 1


def test_a_submission_after_the_deadline_is_late(login, period, tree, committee, c1_members):
    work.cell_year_open(period=period, cell=tree.c1)
    CellYear.objects.filter(cell=tree.c1).update(
        state=CellState.SUBMITTED,
        submitted_at=datetime.datetime(2025, 12, 21, 9, tzinfo=datetime.UTC),
    )
    rows = {r["cell"].code: r for r in inbox(login(committee), tree.g1).context["rows"]}
    assert rows["C1"]["late"]


def test_it_denies_other_district(login, period, tree, outsider_board):
    assert inbox(login(outsider_board), tree.g1).status_code == 404


def test_it_redirects_anonymous_users(client, period, tree):
    assert inbox(client, tree.g1).status_code == 302


def test_the_inbox_runs_the_same_queries_for_2_and_30_cells(login, period, tree, committee):
    client = login(committee)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert inbox(client, tree.g1).status_code == 200
        return len(context.captured_queries)

    small = count()
    for _ in range(28):
        cell = OrganizationFactory(parent=tree.g1)
        MemberFactory.create_batch(3, cell=cell)
        work.cell_year_open(period=period, cell=cell)
    assert count() == small
