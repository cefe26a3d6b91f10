"""The collectives' pages read a number of queries that does not grow with the collectives
(STYLE.md 7, issue 14): the managing board's decide page reads each kind of fact (the
framework's suggestion, R5's recorded and measured grounds, R7's disciplined members, R8's
collectives below still undecided, the managing unit) in one query for all its rows, with the
figures a single collective's page gives; a unit's list of its collectives reads their years
at once. The collectives are built through the services, as the pages build them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import collectives, frameworks
from assessment.models import CellYear, Period
from assessment.services import period_create
from members.models import DisciplineForm, DisciplineRecord
from organizations.models import CollectiveKind, Kind, Role, SeatRole
from tests.conftest import ensure_seeded
from tests.counts import counts_rebuild

from ..factories import MemberFactory, OrganizationFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

DECIDE_BUDGET = 22
LIST_BUDGET = 10

REVIEW = {
    2025: (
        {
            "political_leadership": "10",
            "organization_cadres": "10",
            "inspection": "8",
            "targets": "48",
            "subordinates": "18",
        },
        {
            "all_tasks_on_time": True,
            "exceeded_30_percent": True,
            "shortcomings_remedied": True,
            "no_subordinate_discipline": True,
            "quota": True,
        },
    ),
    2023: ({}, {"all_tasks_done": True, "half_exceeded": True, "most_tasks_done": True}),
}


def _collective(unit, by, members, name):
    collective = collectives.collective_create(
        organization=unit, kind=CollectiveKind.PARTY_COMMITTEE, name=name, by=by
    )
    for i, member in enumerate(members):
        collectives.seat_add(
            collective=collective,
            member=member,
            role=SeatRole.HEAD if i == 0 else SeatRole.MEMBER,
            start=datetime.date(2020, 10, 1),
            end=None,
            by=by,
        )
    return collective


def build(start, n, *, tree, period: Period, board):
    """`n` grassroots committees under district A, each with a party committee of three that
    scored its framework, met and submitted; every third with a member disciplined for a
    duty-related violation, every third with a ground recorded by the board, every third with
    its cell's collective opened and undecided below it, and one cell below decided not
    completed."""
    year = period.year
    scores, conditions = REVIEW[year]
    levels = {lv.code: lv for lv in period.rule_set.levels.all()}
    framework = collectives.collective_framework(period)
    for i in range(start, start + n):
        unit = OrganizationFactory(
            code=f"Q{i}",
            name=f"Đảng bộ xã Q{i:02}",
            kind=Kind.GRASSROOTS_COMMITTEE,
            parent=tree.district_a,
        )
        cell = OrganizationFactory(code=f"Q{i}C", name=f"Chi bộ thôn Q{i:02}", parent=unit)
        by = UserFactory(username=f"committee-q{i}")
        assign(by, Role.GRASSROOTS_COMMITTEE, unit)
        members = MemberFactory.create_batch(3, cell=cell)
        collective = _collective(unit, by, members, f"Ban Chấp hành xã Q{i:02}")
        row = collectives.collective_year_open(period=period, collective=collective, by=by)
        row = collectives.collective_review_save(
            row=row,
            by=by,
            version=row.version,
            strengths="Lãnh đạo hoàn thành nghị quyết.",
            shortcomings="",
            causes="",
            remedies="",
            scores=scores,
            conditions=conditions,
        )
        votes = {"HTXSNV": 3} if i % 2 else {"HTTNV": 3}
        row = collectives.collective_meeting_save(
            row=row,
            by=by,
            version=row.version,
            held_on=datetime.date(year, 12, 5),
            present=3,
            minutes="",
            votes=votes,
        )
        collectives.collective_submit(row=row, by=by)
        if i % 3 == 0:
            DisciplineRecord.objects.create(
                member=members[1],
                decided_on=datetime.date(year, 6, 1),
                form=DisciplineForm.REPRIMAND,
                duty_related=True,
                reason="Vi phạm trong thực hiện nhiệm vụ",
            )
        if i % 3 == 1:
            frameworks.ground_flag_record(
                subject=row, framework=framework, code="disunity", note="Kết luận UBKT", by=board
            )
        if i % 3 == 2:
            below = _collective(cell, by, members[:1], f"Chi ủy thôn Q{i:02}")
            collectives.collective_year_open(period=period, collective=below, by=by)
        if i == 1:
            CellYear.objects.create(period=period, cell=cell, decided_level=levels["KHTNV"])
            counts_rebuild()


def _get(client, url, budget, django_assert_max_num_queries):
    with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.parametrize("year", [2025, 2023])
def test_the_decide_page_reads_the_same_queries_for_3_and_12_collectives(
    client, tree, district_board, django_assert_max_num_queries, year
):
    ensure_seeded()
    period = period_create(year=year, by=None)
    url = reverse("assessment:collectives_decide", args=[year, tree.district_a.pk])
    client.force_login(district_board)

    build(0, 3, tree=tree, period=period, board=district_board)
    page, few = _get(client, url, DECIDE_BUDGET, django_assert_max_num_queries)
    assert len(page.context["rows"]) == 3
    build(3, 9, tree=tree, period=period, board=district_board)
    page, many = _get(client, url, DECIDE_BUDGET, django_assert_max_num_queries)
    assert len(page.context["rows"]) == 12
    assert many == few

    # the figures are those a single collective's page reads for it
    for row, _form in page.context["rows"]:
        ca = row.collective_assessment
        one = collectives.collective_year_find(period=period, collective=ca.collective)
        assert row.suggestion == collectives.collective_suggestion(one)
        assert row.checks == collectives.collective_checks(one, row.level)
    rows = [row for row, _form in page.context["rows"]]

    def naming(text):
        return sum(1 for row in rows if any(text in check.message for check in row.checks))

    assert naming("Kết luận UBKT") == 4  # R5: the ground the board recorded, one row in three
    assert naming("Chi ủy thôn") == 4  # R8: the undecided collective below, one row in three
    if year == 2025:  # R5 measured: a member disciplined for a duty-related violation
        assert naming("bị xử lý kỷ luật") == 4


def test_a_units_list_of_collectives_reads_the_same_queries_for_3_and_12(
    client, tree, committee, period, django_assert_max_num_queries
):
    members = MemberFactory.create_batch(2, cell=tree.c1)
    client.force_login(committee)
    url = reverse("assessment:unit_collectives", args=[2025, tree.g1.pk])

    def add(start, n):
        for i in range(start, start + n):
            collective = _collective(tree.g1, committee, members, f"Ban lãnh đạo {i:02}")
            if i % 2:
                collectives.collective_year_open(period=period, collective=collective, by=committee)

    add(0, 3)
    page, few = _get(client, url, LIST_BUDGET, django_assert_max_num_queries)
    add(3, 9)
    page, many = _get(client, url, LIST_BUDGET, django_assert_max_num_queries)
    assert many == few and len(page.context["rows"]) == 12
    states = [row.pk is not None for _c, row in page.context["rows"]]
    assert states.count(True) == 6
