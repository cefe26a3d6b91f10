"""The summary page's cost (issue 18: a province's page under 100 ms of server time): its figures
are written once in Python, each exactly as the template filters wrote them, and it takes a
fixed, small number of queries whatever the number of units and members below."""

import re

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessment import cell_year as work
from organizations.models import Kind
from reports.exports import summary_tables
from reports.summary_collectives import summary_with_collectives
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# Session, user, assignments, unit, year, the summary's own (tests/reports/test_summary.py
# allows it 12), Biểu 6F's leadership collectives (reports/summary_collectives.py: 6), the
# unread notifications, the years, the recent exports: 21 on a decided year.
PAGE_QUERIES = 21
# An open year adds the not-started counts and Biểu 6F's reviewed undecided members.
OPEN_YEAR_QUERIES = 26


def page_cells(page: bytes, section: str) -> list[list[str]]:
    """The figures of each body row of the page's table of `section`, as the page shows them."""
    text = page.decode()
    table = re.search(rf'data-section="{section}">(.*?)</table>', text, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [
        re.findall(r'<td class="num text-end">(.*?)</td>', row)
        for row in re.findall(r"<tr.*?</tr>", body, re.S)
    ]


def as_filters_wrote(values) -> list[str]:
    """A row's figures as the template filters wrote them before (intcomma, floatformat:2)."""
    return [
        "—" if v is None else floatformat(v, 2) if kind == "percent" else intcomma(v)
        for v, kind in values
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_figure_reads_as_the_template_filters_wrote_it(
    login, provincial, tree, year_2025, language
):
    client = login(provincial)
    client.cookies["django_language"] = language
    page = client.get(reverse("reports:summary", args=[2025, tree.province.pk])).content
    with translation.override(language):
        tables = summary_tables(summary_with_collectives(unit=tree.province, period=year_2025))
        for table in tables:
            expected = [as_filters_wrote(row["values"]) for row in table["rows"]]
            assert page_cells(page, table["name"]) == expected
    members = page_cells(page, "members")[0]
    assert ("23,26" if language == "vi" else "23.26") in members  # 10 of 43 assessed


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _grow(tree, districts: int, cells: int, members_per_cell: int) -> None:
    for _ in range(districts):
        district = OrganizationFactory(kind=Kind.SUPERIOR, parent=tree.province)
        grassroots = OrganizationFactory(kind=Kind.GRASSROOTS_COMMITTEE, parent=district)
        for _ in range(cells):
            MemberFactory.create_batch(
                members_per_cell, cell=OrganizationFactory(parent=grassroots)
            )


def test_a_decided_year_takes_a_fixed_number_of_queries_whatever_its_size(
    login, provincial, tree, year_2025, django_assert_max_num_queries
):
    client = login(provincial)
    url = reverse("reports:summary", args=[2025, tree.province.pk])
    client.get(url)  # the session's first read is not the page's cost
    small = _queries(client, url)
    _grow(tree, districts=6, cells=4, members_per_cell=3)
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(url)
    assert _queries(client, url) == small


def test_an_open_year_counts_the_reviewed_undecided_only_where_there_are_undecided(
    login, provincial, tree, period, secretary, django_assert_max_num_queries
):
    """Biểu 6F asks the database how many undecided were reviewed (R28) only when the summary
    has undecided: an open year with a roster drawn asks once (members), never per unit."""
    MemberFactory.create_batch(3, cell=tree.c1)
    work.cell_year_open(period=period, cell=tree.c1, by=secretary)
    client = login(provincial)
    url = reverse("reports:summary", args=[2025, tree.province.pk])
    client.get(url)
    small = _queries(client, url)
    _grow(tree, districts=4, cells=3, members_per_cell=2)
    with django_assert_max_num_queries(OPEN_YEAR_QUERIES):
        page = client.get(url)
    assert _queries(client, url) == small
    counts = {row.key: row.values for row in page.context["review_counts"]}
    assert counts["1"][1] == 3 + 4 * 3 * 2  # every current member is due
