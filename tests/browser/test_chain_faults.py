"""Issue 12, faults 1, 4 and 5 in Chromium: a stale level is never issued, a decision table
never reverts another user's row, and one failing row does not block the others."""

import datetime

import pytest
from django.utils import translation
from playwright.sync_api import expect

from assessment import cell_year as work
from assessment import decisions
from assessment.models import CellYear, Decision, DecisionState, Level
from organizations.models import Role
from tests.factories import UserFactory, assign

from .test_decision_chain import issue, submit_cell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = ["Đặng Thị Hồng", "Vũ Văn Quyết", "Ngô Minh Tâm"]
OTHERS = ["Lý Văn Hải", "Hồ Thị Lan", "Mai Văn Sơn"]
DOCUMENT = {
    "signed_on": datetime.date(2025, 12, 28),
    "signer_name": "Trần Văn Bí",
    "signer_title": "Bí thư",
}


def vi(message) -> str:
    with translation.override("vi"):
        return str(message)


def decide_and_issue(cell_year, committee):
    decisions.member_levels_decide(
        cell_year=cell_year,
        by=committee,
        choices={
            a.pk: decisions.Choice(a.proposed_level, version=a.version)
            for a in cell_year.assessments.all()
        },
    ).raise_refusals()
    return decisions.members_decision_issue(cell_year=cell_year, by=committee, **DOCUMENT)


def second_page(browser, log_in, username):
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    log_in(page, username)
    return page


def test_fault_1_a_stale_level_is_not_issued(
    browser, page, live_server, log_in, tree, period, secretary, committee, artifacts
):
    cell_year = submit_cell(period, tree.c1, secretary, NAMES, "HTTNV", "HTTNV")
    decision = decide_and_issue(cell_year, committee)
    decisions.decision_reopen(decision=decision, reason="Xem lại", by=committee)
    work.cell_return(cell_year=cell_year, reason="Kiểm phiếu lại", by=committee)
    raised = cell_year.assessments.get(member__full_name=NAMES[0])
    base = f"{live_server.url}/years/2025/cells/{tree.c1.pk}"

    log_in(page, "secretary")
    page.goto(f"{base}/meeting/")
    row = page.get_by_test_id(f"tally-{raised.pk}")
    row.locator("input[name=votes_HTTNV]").fill("")
    row.locator("input[name=votes_HTTNV]").press("Tab")
    row.locator("input[name=votes_HTXSNV]").fill("3")
    row.locator("input[name=votes_HTXSNV]").press("Tab")
    expect(page.get_by_test_id(f"proposal-{raised.pk}")).to_have_text("HTXSNV")
    page.goto(f"{base}/")
    page.get_by_test_id("confirm").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("cell-state")).to_have_text("Đã gửi")

    board = second_page(browser, log_in, "committee")
    board.goto(f"{base}/decide/")
    issue(board, justification="Thành tích nổi bật")
    board.get_by_test_id("issue").click()
    alert = board.locator(".alert-danger")
    expect(alert).to_contain_text(NAMES[0])
    expect(alert).to_contain_text(vi(decisions.MSG_NOTE_NEEDED))
    board.screenshot(path=str(artifacts / "fault-1-stale-level-refused.png"), full_page=True)
    assert not Decision.objects.filter(state=DecisionState.ISSUED).exists()


def test_fault_4_a_table_never_reverts_another_users_row(
    browser, page, live_server, log_in, tree, period, secretary, committee, artifacts
):
    cell_year = submit_cell(period, tree.c1, secretary, NAMES, "HTTNV", "HTTNV")
    decisions.member_levels_decide(
        cell_year=cell_year,
        by=committee,
        choices={a.pk: decisions.Choice(a.proposed_level) for a in cell_year.assessments.all()},
    ).raise_refusals()
    x, y = (cell_year.assessments.get(member__full_name=name) for name in NAMES[:2])
    assign(UserFactory(username="committee2"), Role.GRASSROOTS_COMMITTEE, tree.g1)
    url = f"{live_server.url}/years/2025/cells/{tree.c1.pk}/decide/"
    log_in(page, "committee")
    page.goto(url)  # A loads the table
    b = second_page(browser, log_in, "committee2")
    b.goto(url)  # B loads it too, changes X with a reason and saves
    b.get_by_test_id(f"level-{x.pk}").select_option(label="HTNV")
    b.get_by_test_id(f"note-{x.pk}").fill("Chậm hai nhiệm vụ")
    b.get_by_test_id("save-levels").click()
    expect(b.locator(".alert-success")).to_be_visible()

    # A saves the page as loaded, changing only Y: X keeps B's level and reason.
    page.get_by_test_id(f"level-{y.pk}").select_option(label="HTNV")
    page.get_by_test_id(f"note-{y.pk}").fill("Chậm một nhiệm vụ")
    page.get_by_test_id("save-levels").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id(f"level-{x.pk}")).to_have_value(
        str(Level.objects.get(rule_set=period.rule_set, code="HTNV").pk)
    )
    expect(page.get_by_test_id(f"note-{x.pk}")).to_have_value("Chậm hai nhiệm vụ")
    x.refresh_from_db()
    y.refresh_from_db()
    assert (x.decided_level.code, x.decision_note) == ("HTNV", "Chậm hai nhiệm vụ")
    assert y.decided_level.code == "HTNV"

    # A stale change of X is a conflict shown on X's row, and X stays as B left it.
    b.goto(url)
    b.get_by_test_id(f"note-{x.pk}").fill("Chậm hai nhiệm vụ, đã nhắc nhở")
    b.get_by_test_id("save-levels").click()
    expect(b.locator(".alert-success")).to_be_visible()
    page.get_by_test_id(f"level-{x.pk}").select_option(label="HTTNV")
    page.get_by_test_id("save-levels").click()
    expect(page.get_by_test_id(f"row-error-{x.pk}")).to_contain_text(vi(work.MSG_CONFLICT)[:30])
    page.screenshot(path=str(artifacts / "fault-4-conflict-on-the-row.png"), full_page=True)
    x.refresh_from_db()
    assert (x.decided_level.code, x.decision_note) == ("HTNV", "Chậm hai nhiệm vụ, đã nhắc nhở")


def test_fault_5_the_rows_that_pass_are_saved_and_the_failing_row_says_why(
    page, live_server, log_in, tree, period, secretary, committee, artifacts
):
    c1 = submit_cell(period, tree.c1, secretary, NAMES, "HTTNV", "HTTNV")
    c2 = submit_cell(period, tree.c2, secretary, OTHERS, "HTTNV", "HTTNV")
    decide_and_issue(c1, committee)
    reopened = decide_and_issue(c2, committee)
    decisions.decision_reopen(decision=reopened, reason="Xem lại", by=committee)

    log_in(page, "committee")
    page.goto(f"{live_server.url}/years/2025/units/{tree.g1.pk}/cells/decide/")
    page.get_by_test_id("save-cell-levels").click()
    expect(page.get_by_test_id("row-error-C2")).to_contain_text(vi(decisions.MSG_MEMBERS_FIRST))
    expect(page.locator(".alert-success")).to_be_visible()  # C1's row was saved
    page.screenshot(path=str(artifacts / "fault-5-one-row-refused.png"), full_page=True)
    assert CellYear.objects.get(pk=c1.pk).decided_level.code == "HTTNV"
    assert CellYear.objects.get(pk=c2.pk).decided_level is None
