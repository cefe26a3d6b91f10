"""Accounts pages in a real browser: the officers' accounts made in bulk, then the first sign-in
with the temporary password, which must go to the password change first."""

import pytest
from playwright.sync_api import expect

from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_board_makes_an_account_and_its_holder_must_change_the_password(
    page, live_server, log_in, district_board, tree, artifacts
):
    MemberFactory(cell=tree.c1, full_name="Bí Thư Chi Bộ", holds_leadership_post=True)
    log_in(page, "district")
    page.goto(f"{live_server.url}/units/{tree.c1.pk}/accounts/")
    page.get_by_label("Tạo tài khoản cho Bí Thư Chi Bộ").check()
    page.get_by_label("Tên đăng nhập").fill("bithu-c1")
    page.screenshot(path=artifacts / "officer-accounts.png", full_page=True)
    page.get_by_role("button", name="Tạo các tài khoản").click()
    table = page.get_by_test_id("created-accounts")
    expect(table).to_contain_text("bithu-c1")
    password = table.locator("tbody tr td code").nth(1).inner_text()
    page.screenshot(path=artifacts / "officer-accounts-done.png", full_page=True)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "bithu-c1")
    page.fill("input[name=password]", password)
    page.click("button[type=submit].btn-danger")
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")
    expect(page.get_by_role("alert")).to_contain_text("hãy đặt mật khẩu của riêng mình")
    page.screenshot(path=artifacts / "first-sign-in.png", full_page=True)
