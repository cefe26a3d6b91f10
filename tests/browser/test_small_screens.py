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
# The narrowest level menu and vote box in a table, in CSS pixels (none shrinks to a blank).
NARROWEST = """() => {
  const widths = (selector) => [...document.querySelectorAll(selector)]
    .map((e) => e.getBoundingClientRect().width);
  return [Math.min(...widths(".table select")), Math.min(...widths(".table input[type=number]"))];
}"""


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
    overflowing, shrunk = [], []
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
            menu, box = tab.evaluate(NARROWEST)  # Infinity where the page has none
            if menu < 112 or box < 64:
                shrunk.append((name, size, menu, box))
    assert overflowing == []
    assert shrunk == []


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


def tour(tree, member, assessment):
    """(user, path) of the other pages each role opens in a year."""
    y = "/years/2025"
    return [
        ("secretary", "/"),
        ("secretary", "/tree/"),
        ("secretary", f"/units/{tree.c1.pk}/"),
        ("secretary", f"{y}/cells/{tree.c1.pk}/inputs/"),
        ("secretary", f"{y}/cells/{tree.c1.pk}/report/"),
        ("secretary", f"/assessments/{assessment.pk}/"),
        ("secretary", f"/members/{member.pk}/"),
        ("secretary", "/notifications/"),
        ("secretary", "/accounts/password/"),
        ("secretary", f"{y}/units/{tree.c1.pk}/calendar/"),
        ("committee", f"{y}/units/{tree.g1.pk}/cells/"),
        ("committee", f"{y}/grassroots/{tree.g1.pk}/"),
        ("committee", f"/units/{tree.g1.pk}/new/"),
        ("committee", f"/units/{tree.c1.pk}/members/new/"),
        ("committee", f"/members/{member.pk}/edit/"),
        ("provincial", "/years/"),
        ("provincial", f"{y}/units/{tree.province.pk}/calendar/"),
        ("provincial", f"{y}/units/{tree.province.pk}/reports-received/"),
        ("provincial", f"{y}/units/{tree.district_a.pk}/yearly-report/"),
        ("provincial", "/audit/"),
        ("provincial", "/imports/"),
    ]


@pytest.mark.usefixtures("secretary", "committee", "provincial")
def test_the_other_pages_fit_a_phone(
    page,
    new_page,
    live_server,
    log_in,
    tree,
    year,  # noqa: F811 (the fixture imported above)
    artifacts,
):
    """Every page of the tour at 390 × 844: no sideways scroll (axe-core checks each, too)."""
    member = year[0]
    assessment = member.assessments.get()
    pages, overflowing = {}, []
    for user, path in tour(tree, member, assessment):
        if user not in pages:
            pages[user] = page if not pages else new_page()
            pages[user].set_viewport_size({"width": 390, "height": 844})
            log_in(pages[user], user)
        tab = pages[user]
        response = tab.goto(f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        scroll_width, inner_width = tab.evaluate(OVERFLOW)
        if scroll_width > inner_width:
            name = path.strip("/").replace("/", "-") or "home"
            tab.screenshot(path=str(artifacts / f"overflow-{name}.png"), full_page=True)
            overflowing.append((path, scroll_width))
    assert overflowing == []
