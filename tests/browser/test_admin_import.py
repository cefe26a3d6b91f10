"""The admin's import of units in a real browser: the preview names the bad row and column in
Vietnamese, and nothing is offered for confirmation."""

import pytest
from playwright.sync_api import expect

from organizations.models import Organization

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_admin_import_preview_names_a_bad_row(
    page, live_server, log_in, administrator, tree, artifacts, tmp_path
):
    data = tmp_path / "don-vi.csv"
    data.write_text(
        "code,name,kind,parent\n"
        "G9,Đảng bộ xã G9,dang_bo_co_so,A\n"
        "X1,Không cha,chi_bo_truc_thuoc,KHONGCO\n",
        encoding="utf-8",
    )
    log_in(page, "admin")
    page.goto(f"{live_server.url}/quan-tri/organizations/organization/import/")
    page.set_input_files("input[name=import_file]", str(data))
    page.select_option("select[name=format]", label="csv")
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Một số dòng không hợp lệ")).to_be_visible()
    page.locator(".validation-error-count").first.hover()  # the row's errors show on hover
    expect(page.get_by_text("Không có đơn vị nào mang mã “KHONGCO”.")).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    page.screenshot(path=artifacts / "admin-import-errors.png", full_page=True)
    assert not Organization.objects.filter(code="G9").exists()
