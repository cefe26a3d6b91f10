"""Issue 8 in Chromium: a superior committee's board submits its yearly report; the provincial
board is told, and sees it arrive on time among the reports received."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessment.models import Deadline, DeadlineLevel
from tests.reports.test_submissions import decided, level  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.usefixtures("decided")
def test_a_superior_board_submits_and_the_province_sees_it_arrive_on_time(
    browser, page, live_server, log_in, tree, period, district_board, provincial, artifacts
):
    # The province set the superior committees' deadline a week from today.
    due = timezone.localdate() + datetime.timedelta(days=7)
    Deadline.objects.filter(period=period, level=DeadlineLevel.SUPERIOR).update(due=due)
    errors = console_errors(page)
    log_in(page, "district")
    page.goto(f"{live_server.url}/years/2025/units/{tree.district_a.pk}/calendar/")
    expect(page.get_by_test_id("timeline").locator("g.tl-mark")).to_have_count(4)
    expect(page.get_by_test_id("status-superior")).to_be_visible()
    page.screenshot(path=str(artifacts / "deadline-calendar.png"), full_page=True)

    page.get_by_test_id("report-link").click()
    page.get_by_test_id("submit-link").click()
    page.fill("textarea[name=strengths]", "Đoàn kết, lãnh đạo hoàn thành các chỉ tiêu.")
    page.fill("textarea[name=weaknesses]", "Một số chi bộ sinh hoạt chưa đều.")
    page.fill("textarea[name=commendations]", "Đề nghị khen 1 tổ chức cơ sở đảng.")
    page.fill("input[name=signer_name]", "Nguyễn Văn Bí")
    page.fill("input[name=signer_title]", "Phó Bí thư")
    page.screenshot(path=str(artifacts / "submission-form.png"), full_page=True)
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-timeliness")).to_have_class("badge text-bg-success")
    expect(page.get_by_test_id("signature")).to_contain_text("Nguyễn Văn Bí")
    expect(page.get_by_test_id("table-members")).to_contain_text("Đảng bộ xã G1")
    page.screenshot(path=str(artifacts / "submission-detail.png"), full_page=True)

    board = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    province_page = board.new_page()
    errors += console_errors(province_page)
    try:
        log_in(province_page, "provincial")
        expect(province_page.get_by_test_id("unread")).to_have_text("1")
        province_page.get_by_test_id("notifications-link").click()
        province_page.get_by_test_id("notifications").get_by_role("link").first.click()
        received = province_page.get_by_test_id("received-A")
        expect(received).to_contain_text("Nguyễn Văn Bí")
        expect(province_page.get_by_test_id("timeliness-A")).to_have_class("badge text-bg-success")
        expect(province_page.get_by_test_id("timeliness-B")).to_have_class("badge text-bg-danger")
        expect(province_page.get_by_test_id("missing")).to_contain_text("Huyện ủy B")
        expect(province_page.get_by_test_id("aggregate-due")).to_have_text(due.strftime("%d/%m/%Y"))
        expect(province_page.get_by_test_id("kpi-submitted")).to_contain_text("1 / 2")
        province_page.screenshot(path=str(artifacts / "deadline-aggregate.png"), full_page=True)
        province_page.get_by_role("link", name="2025").first.click()  # the breadcrumb
        expect(province_page.get_by_test_id("status-superior")).to_be_visible()
        province_page.screenshot(path=str(artifacts / "calendar-province.png"), full_page=True)
    finally:
        board.close()
    assert errors == []  # no CSP refusal, no script error
