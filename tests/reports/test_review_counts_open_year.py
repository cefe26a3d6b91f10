"""Biểu 6F (R28) in a year still open agrees with the summary table on the same page: those
reviewed at a held meeting and awaiting their committee's decision (the summary's "assessed,
not yet decided") are reviewed (row 2), whether or not their cell or collective has submitted
yet; row 3.3 counts only those whose review has not been held (the summary's "no review
recorded yet"), members and collectives alike.

District A in 2025 (open), through the services the pages use:
  C1: 13 members (9 of them sit on G1's collectives), the cell's meeting held
      and its votes taken, not submitted                                        row 2
  C2: 3 members, the cell's year not opened                                     row 3.3
  G1's party committee: its review written and its meeting held, not submitted  row 2
  G1's standing committee and its Front's leadership: no record yet             row 3.3"""

import datetime
import re

import pytest
from django.urls import reverse

from assessment import cell_year as work
from assessment import collectives
from assessment.models import CellState, CellYear
from organizations.models import CollectiveKind, LeadershipCollective
from reports.summary import NOT_STARTED, UNDECIDED

from ..assessment.test_collectives import reviewed
from ..factories import MemberFactory
from .test_review_counts_collectives import _collective

FRONT = CollectiveKind.MASS_ORGANIZATION_LEADERSHIP

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


def _met(period, cell, secretary, votes):
    """The cell's year opened, its meeting held with everyone present and `votes` taken for
    the cell and each member; not submitted."""
    cell_year = work.cell_year_open(period=period, cell=cell, by=secretary)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(2025, 12, 10), "chair": "A", "recorder": "B"},
    )
    for member in cell.members.all():
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    for assessment in [None, *cell_year.assessments.all()]:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes=votes,
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    return cell_year


@pytest.fixture
def district(tree, period, secretary, committee):
    # Their seats go to members of C1 (the first cell of G1), on its roster below.
    party = _collective(tree.g1, CollectiveKind.PARTY_COMMITTEE, "BCH Đảng ủy xã G1", committee)
    _collective(tree.g1, CollectiveKind.STANDING_COMMITTEE, "BTV Đảng ủy xã G1", committee)
    _collective(tree.g1, FRONT, "Lãnh đạo Mặt trận xã G1", committee)
    MemberFactory.create_batch(4, cell=tree.c1)
    MemberFactory.create_batch(3, cell=tree.c2)
    _met(period, tree.c1, secretary, {"HTTNV": 13})
    reviewed(party, period, committee, votes={"HTTNV": 3})
    return tree.district_a


def _page(client, login, district_board, unit):
    page = login(district_board).get(reverse("reports:summary", args=[2025, unit.pk]))
    assert page.status_code == 200
    form = {row.key: row.values for row in page.context["review_counts"]}
    return page, form


def _shown(html: str) -> dict[str, list[str]]:
    """The page's Biểu 6F: each numbered row's figures as shown."""
    table = html.split('data-testid="review-counts"', 1)[1].split("</table>", 1)[0]
    return {
        number: re.findall(r'<td class="num text-end">([^<]*)</td>', cells)
        for number, cells in re.findall(r'data-row="([^"]+)">(.*?)</tr>', table, re.S)
    }


def test_those_met_and_awaiting_a_decision_are_reviewed_as_the_summary_says(
    client, login, district, district_board, period, tree
):
    assert CellYear.objects.get(period=period, cell=tree.c1).state == CellState.IN_PROGRESS
    page, form = _page(client, login, district_board, district)
    head = page.context["summary"].rows[0].sections
    members, bodies = head["members"], head["collectives"]
    # The summary's own figures: 13 members and 1 collective assessed and awaiting a decision,
    # 3 members and 2 collectives with no review recorded yet.
    assert (members.pending.get(UNDECIDED), members.pending.get(NOT_STARTED)) == (13, 3)
    assert (bodies.pending.get(UNDECIDED), bodies.pending.get(NOT_STARTED)) == (1, 2)
    # Biểu 6F, columns (collectives, members): row 2 is the assessed and those awaiting a
    # decision, row 3.3 only those not reviewed yet.
    assert form["1"] == (bodies.total, members.total) == (3, 16)
    assert form["2"] == (
        bodies.assessed + bodies.pending[UNDECIDED],
        members.assessed + members.pending[UNDECIDED],
    )
    assert form["2"] == (1, 13)
    assert form["3.3"] == (bodies.pending[NOT_STARTED], members.pending[NOT_STARTED]) == (2, 3)
    assert form["3"] == (2, 3)
    shown = _shown(page.content.decode())
    assert (shown["2"], shown["3.3"]) == (["1", "13"], ["2", "3"])


def test_the_province_reads_the_same(client, login, district, provincial, tree):
    _page_, form = _page(client, login, provincial, tree.province)
    assert (form["2"], form["3.3"]) == ((1, 13), (2, 3))


def test_a_roster_drawn_with_no_meeting_yet_is_not_reviewed(
    client, login, district, district_board, period, tree, committee, secretary
):
    """The review is held at the meeting: a cell that has drawn its roster and not met, and a
    collective whose review is written and not met, are still in row 3.3."""
    work.cell_year_open(period=period, cell=tree.c2, by=committee)
    front = LeadershipCollective.objects.get(kind=FRONT)
    row = collectives.collective_year_open(period=period, collective=front, by=committee)
    collectives.collective_review_save(
        row=row,
        by=committee,
        version=row.version,
        strengths="Đoàn kết.",
        shortcomings="",
        causes="",
        remedies="",
    )
    page, form = _page(client, login, district_board, district)
    members = page.context["summary"].rows[0].sections["members"]
    assert members.pending == {UNDECIDED: 16}  # the summary: every record awaits a decision
    assert (form["2"], form["3.3"]) == ((1, 13), (2, 3))  # 6F: C2 has not met
