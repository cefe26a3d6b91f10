"""Issue 19, item 4: a vote save that fails is shown to the secretary, never hidden (htmx does
not swap an error response, so the page would otherwise keep stale figures in silence)."""

import pytest
from playwright.sync_api import expect

from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_vote_that_cannot_be_saved_shows_an_error(
    page, live_server, log_in, tree, period, secretary, artifacts
):
    from assessment import cell_year as work

    member = MemberFactory(cell=tree.c1, full_name="Đặng Thị Hồng")
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    work.attendance_set(
        meeting=work.meeting_for(cell_year),
        member=member,
        present=True,
        absence_reason="",
        by=secretary,
    )
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/years/2025/cells/{tree.c1.pk}/meeting/")
    expect(page.get_by_test_id("save-error")).to_be_hidden()
    # The server answers the save with an error, as a locked database or a crash would.
    page.route(
        "**/meeting/tally/", lambda route: route.fulfill(status=500, body="database is locked")
    )
    box = page.get_by_test_id("tally-cell").locator("input[name=votes_HTTNV]")
    box.fill("1")
    box.press("Tab")
    alert = page.get_by_test_id("save-error")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("chưa được lưu")
    expect(box).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(artifacts / "save-error.png"))
    # The connection comes back: the next save goes through and the box is clear again.
    page.unroute("**/meeting/tally/")
    box.fill("2")
    box.press("Tab")
    page.wait_for_load_state("networkidle")
    expect(
        page.get_by_test_id("tally-cell").locator("input[name=votes_HTTNV]")
    ).not_to_have_attribute("aria-invalid", "true")
