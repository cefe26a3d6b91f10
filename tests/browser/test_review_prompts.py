"""Issue 14 items 7 and 8 in Chromium: the district's board gives a review prompt to a member,
the member answers it in writing from their self-review, and Biểu 6F on the summary page counts
it under 4.3 (the superior committee)."""

import pytest
from playwright.sync_api import expect

from assessment.cell_year import cell_year_open

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_prompt_is_given_answered_and_counted(
    page, new_page, live_server, log_in, tree, period, alice_member, district_board, artifacts
):
    cell_year_open(period=period, cell=tree.c1)
    log_in(page, "district")
    page.goto(f"{live_server.url}/years/2025/units/{tree.district_a.pk}/prompts/")
    page.fill("input[name=card_number]", alice_member.card_number)
    page.fill("input[name=given_on]", "20/11/2025")
    page.fill("textarea[name=text]", "Làm rõ trách nhiệm trong quản lý đất đai.")
    page.click("input[type=submit].btn-danger, button[type=submit].btn-danger")
    expect(page.get_by_test_id("prompts")).to_contain_text(alice_member.full_name)
    page.screenshot(path=artifacts / "review-prompts.png", full_page=True)

    member = new_page()
    log_in(member, "alice")
    assessment = alice_member.assessments.get()
    member.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    member.get_by_test_id("prompt-answer-link").click()
    member.fill("textarea[name=answer]", "Tôi đã rà soát và khắc phục.")
    member.click("input[type=submit].btn-danger, button[type=submit].btn-danger")
    expect(member.get_by_test_id("answer")).to_contain_text("Tôi đã rà soát và khắc phục.")

    page.goto(f"{live_server.url}/years/2025/units/{tree.district_a.pk}/summary/")
    form = page.get_by_test_id("review-counts")
    expect(form.locator('tr[data-row="4.3"] td.num').nth(1)).to_have_text("1")
    expect(form.locator('tr[data-row="3"] th')).to_have_text("Chưa kiểm điểm")
    form.screenshot(path=artifacts / "bieu-6f-screen.png")
