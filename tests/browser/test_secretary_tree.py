import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_secretary_opens_the_tree_then_the_cell_and_sees_its_members(
    page, live_server, log_in, tree, secretary, c1_members, c3_member, artifacts
):
    log_in(page, "secretary")

    page.get_by_role("link", name="Cây tổ chức").click()
    tree_table = page.get_by_test_id("tree")
    expect(tree_table).to_contain_text(tree.c1.name)
    expect(tree_table).not_to_contain_text(tree.c3.name)

    tree_table.get_by_role("link", name=tree.c1.name).click()
    expect(page.locator("h1")).to_have_text(tree.c1.name)
    members = page.get_by_test_id("members")
    for member in c1_members:
        expect(members).to_contain_text(member.full_name)
    expect(members).not_to_contain_text(c3_member.full_name)
    expect(page.get_by_test_id("unit-members")).to_contain_text("3")
    page.screenshot(path=str(artifacts / "secretary-cell.png"), full_page=True)

    page.goto(f"{live_server.url}/units/{tree.c3.pk}/")
    expect(page.get_by_test_id("error-404")).to_contain_text("Không tìm thấy")
