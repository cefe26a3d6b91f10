"""Issue 19 item 2: the axe-core check that every browser test's pages go through (conftest.py)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WATCHES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_check_finds_a_control_without_a_label(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    (watch,) = [w for w in WATCHES if w.context is page.context]
    watch.finish()
    found = {(v["id"], v["impact"]) for _, v in watch.violations}
    assert ("label", "critical") in found
    assert any(url.endswith("/accounts/login/") for url in watch.checked)
    watch.violations.clear()  # the planted input is this test's, not the page's


def test_the_check_reopens_a_page_left_before_its_check_ended(page, live_server):
    (watch,) = [w for w in WATCHES if w.context is page.context]
    watch.started.append(f"{live_server.url}/accounts/login/")  # as if left at once
    watch.finish()
    assert f"{live_server.url}/accounts/login/" in watch.checked
    assert [v for _, v in watch.violations if v["impact"] in ("serious", "critical")] == []


def test_focus_is_visible_on_a_link(page, live_server, log_in, tree, secretary):
    log_in(page, "secretary")
    page.keyboard.press("Tab")  # the skip link comes first
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    tree_link = page.get_by_role("link", name="Cây tổ chức đảng")
    for _ in range(10):  # on through the bar, by keyboard only
        page.keyboard.press("Tab")
        if tree_link.evaluate("e => e === document.activeElement"):
            break
    expect(tree_link).to_be_focused()
    style = tree_link.evaluate("e => getComputedStyle(e).outline")
    assert "solid" in style and "255, 255, 255" in style, style  # a white ring on the red bar
