"""Playwright drives the system Chromium (/usr/bin/chromium); no browser is downloaded.

Every page any browser test opens is checked by axe-core (the npm package, node_modules/axe-core,
never a CDN): the library is injected into each page of each context, runs when the page has
loaded and reports its serious and critical violations back to the test, which fails on any
(issue 19 item 2). Pages left before their check finished are opened again and checked at the
end of the test, and the last state of every open page (after htmx swaps) is checked too.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Without the background-networking flags Chromium keeps dialling out on a closed network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Impacts that fail a test; moderate and minor ones are printed only.
FAILING_IMPACTS = ("serious", "critical")
# Runs in every page (top frame only) once it has loaded; the promise lets the test wait for it.
AXE_RUNNER = """
(() => {
  if (window.top !== window) return;
  const report = (violations) => window.__axeReport(location.href, violations);
  // A widget drawn by a library we serve as it is (Swagger UI on /api/docs/) is marked
  // data-axe-third-party on our element that holds it; the page around it is still checked.
  const where = { exclude: [["[data-axe-third-party]"]] };
  const check = () => axe.run(where, { resultTypes: ["violations"] }).then(
    (result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    })),
    (error) => [{ id: "axe-error", impact: "critical", help: String(error), nodes: [] }],
  );
  window.__axeCheck = check;
  window.addEventListener("load", () => {
    window.__axeStarted(location.href);
    window.__axeDone = check().then(report);
  });
})();
"""


@dataclass
class AxeWatch:
    """The axe-core results of one browser context: which pages started a check, which finished."""

    context: object
    started: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    violations: list[tuple[str, dict]] = field(default_factory=list)
    finished: bool = False

    def record(self, url: str, violations: list[dict]) -> None:
        self.checked.add(url)
        self.violations.extend((url, v) for v in violations)

    def finish(self) -> None:
        """Wait for running checks, check the last state of open pages, re-open pages left early."""
        if self.finished:
            return
        self.finished = True
        for page in list(self.context.pages):
            if page.is_closed() or page.url == "about:blank":
                continue
            page.wait_for_load_state("load")
            page.evaluate("() => window.__axeDone")
            self.record(page.url, page.evaluate("() => window.__axeCheck()"))
        missed = list(dict.fromkeys(u for u in self.started if u not in self.checked))
        if missed:
            again = self.context.new_page()
            for url in missed:
                response = again.goto(url)
                if response is not None and response.ok:
                    again.evaluate("() => window.__axeDone")
                else:
                    self.checked.add(url)  # a POST-only address: its page was the response
            again.close()


# The watches of the contexts opened by the running test (any fixture or the test itself).
WATCHES: list[AxeWatch] = []


def watch_with_axe(context) -> AxeWatch:
    watch = AxeWatch(context)
    context.expose_binding("__axeStarted", lambda source, url: watch.started.append(url))
    context.expose_binding("__axeReport", lambda source, url, found: watch.record(url, found))
    context.add_init_script(script=AXE.read_text(encoding="utf-8") + AXE_RUNNER)
    WATCHES.append(watch)
    return watch


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        new_context = browser.new_context

        def new_context_with_axe(*args, **kwargs):
            # No CSS transitions (Bootstrap honours prefers-reduced-motion): axe must never measure
            # a button's colours half-way through its hover fade, as it did once in CI.
            kwargs.setdefault("reduced_motion", "reduce")
            context = new_context(*args, **kwargs)
            watch_with_axe(context)
            return context

        browser.new_context = new_context_with_axe  # contexts a test opens itself are checked too
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def accessible_pages():
    """Fails the test on any serious or critical axe-core violation on a page it opened."""
    WATCHES.clear()
    yield
    failing = []
    for watch in WATCHES:
        if not watch.context.pages and not watch.finished:
            continue  # closed without a page
        watch.finish()
        for url, violation in watch.violations:
            impact, rule = violation["impact"], violation["id"]
            line = f"{url}: [{impact}] {rule}: {violation['help']} {violation['nodes']}"
            print("axe", line)
            if impact in FAILING_IMPACTS:
                failing.append(line)
    checked = sorted({url for watch in WATCHES for url in watch.checked})
    print(f"axe-core checked {len(checked)} pages:", " ".join(checked))
    WATCHES.clear()
    failing = list(dict.fromkeys(failing))  # a page checked at load and at the end: once
    assert failing == [], "axe-core: serious or critical violations\n" + "\n".join(failing)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    for watch in WATCHES:
        if watch.context is context:
            watch.finish()  # before closing: the last state of the page is checked too
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Another signed-out browser (its own cookies) for a second user in the same test."""
    contexts = []

    def _new_page(width: int = 1280, height: int = 900):
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _new_page
    for watch in WATCHES:
        if watch.context in contexts:
            watch.finish()
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def log_in(live_server):
    """Log a page in through the real login form."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    def _log_in(page, username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].btn-danger")
        expect(page.get_by_test_id("username")).to_have_text(username)

    return _log_in
