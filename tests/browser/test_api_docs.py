"""The API's docs page (Swagger UI from drf-spectacular-sidecar) renders offline under our CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_api_docs_lists_the_endpoints_and_nothing_is_blocked(page, live_server, artifacts):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(r.url))
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/summary/" in p for p in paths)
    page.screenshot(path=artifacts / "api-docs.png", full_page=False)
    assert problems == []
