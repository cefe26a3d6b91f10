"""Issue 19 item 1: every busy page fits a phone (390 × 844) and a small laptop (1366 × 768).

Each page is screenshotted at both sizes into test-artifacts/ and must not scroll sideways:
wide tables scroll inside their own box, the navigation collapses behind a menu button.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.reports.test_dashboard import lv, year  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def busy_pages(tree):
    """(user, screenshot name, path) of the busiest page of each step of the year."""
    y = "/years/2025"
    return [
        ("secretary", "cell-year", f"{y}/cells/{tree.c1.pk}/"),
        ("secretary", "meeting-votes", f"{y}/cells/{tree.c1.pk}/meeting/"),
        ("committee", "decide-members", f"{y}/cells/{tree.c2.pk}/decide/"),
        ("committee", "decide-cells", f"{y}/units/{tree.g1.pk}/cells/decide/"),
        ("outsider_board", "decide-superior", f"{y}/superiors/{tree.district_b.pk}/"),
        ("provincial", "summary", f"{y}/units/{tree.province.pk}/summary/"),
        ("provincial", "dashboard", f"{y}/units/{tree.province.pk}/progress/"),
    ]


@pytest.mark.usefixtures("year", "secretary", "committee", "outsider_board", "provincial")
def test_busy_pages_fit_a_phone_and_a_small_laptop(
    browser, page, new_page, live_server, log_in, tree, artifacts
):
    pages = {}
    overflowing = []
    for user, name, path in busy_pages(tree):
        if user not in pages:
            pages[user] = page if not pages else new_page()
            log_in(pages[user], user)
        tab = pages[user]
        for size, (width, height) in SIZES.items():
            tab.set_viewport_size({"width": width, "height": height})
            response = tab.goto(f"{live_server.url}{path}")
            assert response.status == 200, (name, response.status)
            tab.wait_for_load_state("networkidle")
            tab.screenshot(path=str(artifacts / f"small-{name}-{size}.png"), full_page=True)
            scroll_width, inner_width = tab.evaluate(OVERFLOW)
            print(f"{name} {width}×{height}: scrollWidth {scroll_width}, innerWidth {inner_width}")
            if scroll_width > inner_width:
                overflowing.append((name, size, scroll_width, inner_width))
    assert overflowing == []


def test_the_navigation_collapses_on_a_phone_with_log_out_in_reach(
    page, live_server, log_in, tree, secretary, artifacts
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "secretary")
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_hidden()  # behind the menu button
    page.get_by_test_id("nav-toggle").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bcollapse show\b"))  # opened
    expect(logout).to_be_visible()
    expect(page.get_by_test_id("password-change-link")).to_be_visible()
    assert logout.bounding_box()["x"] + logout.bounding_box()["width"] <= 390
    page.screenshot(path=str(artifacts / "small-navigation-open-phone.png"))
    page.get_by_test_id("password-change-link").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")


def test_a_laptop_shows_the_whole_navigation_without_a_menu_button(
    page, live_server, log_in, tree, secretary
):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "secretary")
    expect(page.get_by_test_id("nav-toggle")).to_be_hidden()
    expect(page.get_by_test_id("logout")).to_be_visible()
