"""R23's optional leaders row (issue 14): the summary table counts, beside the members, those
reviewed on the leaders' form (2A), which their posts decide (item 5)."""

import datetime

import pytest
from django.urls import reverse

from assessment import cell_year as work
from assessment.models import MemberAssessment
from members.models import Post, PostKind
from reports.summary import LEADERS, SECTIONS, summary_build
from tests.counts import counts_rebuild
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_without_leaders_the_summary_keeps_its_three_tables(period, tree):
    MemberFactory.create_batch(2, cell=tree.c1)
    work.cell_year_open(period=period, cell=tree.c1)
    summary = summary_build(unit=tree.g1, period=period)
    assert summary.shown_sections == SECTIONS


def test_leaders_are_counted_apart_by_level_and_unit(login, period, tree, provincial, level):
    leader, other = MemberFactory.create_batch(2, cell=tree.c1)
    MemberFactory(cell=tree.c2)
    Post.objects.create(
        member=leader,
        kind=PostKind.GOVERNMENT,
        title="Chủ tịch UBND xã",
        leadership=True,
        start=datetime.date(2021, 6, 1),
    )
    for cell in (tree.c1, tree.c2):
        work.cell_year_open(period=period, cell=cell)
    MemberAssessment.objects.filter(member=leader).update(decided_level=level["HTTNV"])
    MemberAssessment.objects.filter(member=other).update(decided_level=level["HTXSNV"])
    counts_rebuild()  # levels written directly: the kept counts (leaders included) follow

    summary = summary_build(unit=tree.g1, period=period)
    assert summary.shown_sections == (*SECTIONS, LEADERS)
    head, c1_row, c2_row = (row.sections[LEADERS] for row in summary.rows)
    assert (head.total, head.assessed, head.counts) == (1, 1, {level["HTTNV"].pk: 1})
    assert (c1_row.total, c2_row.total) == (1, 0)
    assert summary.rows[0].sections["members"].total == 3  # the leaders stay among the members

    page = login(provincial).get(reverse("reports:summary", args=[2025, tree.g1.pk]))
    text = page.content.decode()
    assert 'data-section="leaders"' in text and "Cán bộ lãnh đạo, quản lý" in text
