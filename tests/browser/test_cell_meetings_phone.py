"""Issue 16's acceptance on a phone (390 × 844): the secretary records a monthly meeting of a
cell of 20 in under ten taps; the attendance shows on the member's self-review and on the
committee's decide page."""

import pytest
from playwright.sync_api import expect

from assessment import cell_year as work
from tests.conftest import PASSWORD
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


class Taps:
    """Counts what the secretary does with a finger: a tap, or a tap into a field and typing."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, value):
        self.count += 1
        locator.fill(value)


def phone_page(browser, live_server, username):
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-danger")
    expect(page.get_by_test_id("username")).to_have_text(username)
    return context, page


def test_a_secretary_records_a_monthly_meeting_of_20_in_under_ten_taps(
    browser, live_server, tree, period, secretary, committee, alice_member, artifacts
):
    members = [alice_member] + MemberFactory.create_batch(19, cell=tree.c1)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    ill = members[7]
    context, page = phone_page(browser, live_server, "secretary")
    page.goto(f"{live_server.url}/years/2025/cells/{tree.c1.pk}/meetings/")
    taps = Taps(page)
    taps.tap(page.get_by_test_id("new-meeting"))
    expect(page.get_by_test_id("roster").locator("li")).to_have_count(20)
    taps.fill(page.locator("#id_held_on"), "2025-10-06")
    taps.tap(page.get_by_test_id(f"member-{alice_member.pk}"))
    taps.tap(page.get_by_test_id(f"reason-{alice_member.pk}-unexcused"))
    taps.tap(page.get_by_test_id(f"member-{ill.pk}"))
    taps.tap(page.get_by_test_id(f"reason-{ill.pk}-ill"))
    page.screenshot(path=artifacts / "meeting-phone-form.png", full_page=False)
    taps.tap(page.get_by_test_id("save-meeting"))
    row = page.get_by_test_id("meetings").locator("tbody tr").first
    expect(row).to_contain_text("18 / 20")
    expect(row).to_contain_text("06/10/2025")
    page.screenshot(path=artifacts / "meeting-phone-list.png", full_page=True)
    assert taps.count < 10, taps.count
    print(f"\nmonthly meeting of 20 recorded in {taps.count} taps")
    context.close()

    # The member sees it on the self-review…
    context, page = phone_page(browser, live_server, "alice")
    assessment = cell_year.assessments.get(member=alice_member)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    evidence = page.get_by_test_id("member-meetings")
    expect(evidence).to_contain_text(
        "1 buổi đã họp · 0 có mặt · 0 vắng có lý do · 1 vắng không lý do"
    )
    page.screenshot(path=artifacts / "meeting-phone-self-review.png", full_page=False)
    context.close()

    # …and the committee on its decide page.
    context, page = phone_page(browser, live_server, "committee")
    page.goto(f"{live_server.url}/years/2025/cells/{tree.c1.pk}/decide/")
    line = page.get_by_test_id(f"attendance-{ill.pk}")
    expect(line).to_contain_text(ill.full_name)
    expect(line.locator("td.num")).to_have_text(["1", "0", "1", "0"])
    expect(page.get_by_test_id(f"attendance-{alice_member.pk}").locator("td.num")).to_have_text(
        ["1", "0", "0", "1"]
    )
    page.screenshot(path=artifacts / "meeting-phone-decide.png", full_page=True)

    # The committee's meetings dashboard draws the month chart from the same figures.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/years/2025/units/{tree.g1.pk}/meetings/")
    expect(page.get_by_test_id("held")).to_contain_text("1 / 0")
    expect(page.get_by_test_id("months").locator("tbody tr").nth(9)).to_contain_text("90,00 %")
    page.wait_for_function("window.Chart && Chart.getChart(document.querySelector('canvas'))")
    page.screenshot(path=artifacts / "meetings-dashboard.png", full_page=True)
    context.close()
