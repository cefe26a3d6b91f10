"""Issue 13 item 5 in Chromium: a 2011 cell votes on its own levels (clean and strong…), its
members on theirs, and the members are listed in Vietnamese order (item 16)."""

import datetime

import pytest
from playwright.sync_api import expect

from assessment import cell_year as work
from assessment.services import period_create
from tests.conftest import ensure_seeded
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = ["Đặng Minh Quân", "Vũ Hồng Dung", "Bùi Văn An"]


def test_a_2011_cell_votes_clean_and_strong_beside_its_members_levels(
    page, live_server, log_in, tree, secretary, artifacts
):
    ensure_seeded()  # an earlier transactional test may have flushed the migrations' rule sets
    period_create(year=2011, by=None, assessment_date=datetime.date(2011, 12, 1))
    members = [
        MemberFactory(
            cell=tree.c1,
            full_name=name,
            admission_date=datetime.date(2000, 1, 1),
            full_membership_date=datetime.date(2001, 1, 1),
        )
        for name in NAMES
    ]
    cell_year = work.cell_year_open(period=cell_year_period(), cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/years/2011/cells/{tree.c1.pk}/meeting/")
    cell_row = page.get_by_test_id("tally-cell")
    cell_row.locator("input[name=votes_TSVM]").fill("3")
    cell_row.locator("input[name=votes_TSVM]").press("Tab")
    expect(page.get_by_test_id("proposal-cell")).to_have_text("TSVM")
    expect(cell_row.locator("input[name=votes_DTC_HTXSNV]")).to_have_count(0)
    expect(page.get_by_test_id("member-levels-header")).to_contain_text("ĐTC-HTXSNV")
    rows = page.locator("tr[data-testid^=tally-]").all_inner_texts()
    assert [next(n for n in NAMES if n in text) for text in rows[1:]] == [
        "Bùi Văn An",
        "Vũ Hồng Dung",
        "Đặng Minh Quân",
    ]
    page.screenshot(path=str(artifacts / "meeting-2011.png"), full_page=True)


def cell_year_period():
    from assessment.models import Period

    return Period.objects.get(year=2011)
