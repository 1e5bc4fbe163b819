"""Shared fixtures for the tests that drive a real Chromium against pytest-django's live server.

One browser serves the whole package. Every page a test opens is watched: a console error, an uncaught script
error, a Content-Security-Policy violation (enforced or report-only), a failed request or a request to any host
but the test server fails the test, and a failed test leaves a screenshot of each open page in test-artifacts/.
"""
import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.factories import make_staff

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips every test with a line on how to install it
    expect = None

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "a-long-test-password-19"
SKIPPED = "browser tests skipped:"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]



class OneRequestAtATime(WSGIServer):
    """The live server, answering one request at a time. On SQLite the test database lives in memory and the server
    shares the test's one connection: two requests at once (the editor's checks and preview while typing) would use
    it from two threads, which SQLite refuses ("bad parameter or other API misuse"). Without threads the server sends
    `Connection: close`, so the browser opens a connection per request and none waits for another to close."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the server's thread already uses the test's connections


LiveServerThread.server_class = OneRequestAtATime

# Runs in every document before its own scripts; the watcher picks the line up from the console.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation (" + event.disposition + "): " + event.effectiveDirective + " blocked "
    + (event.blockedURI || "inline code") + " in " + event.documentURI);
}, true);
"""


def _missing_browser():
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM}"
    return None


@pytest.fixture(scope="package")
def browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}, and CI requires the browser tests (.ci/run installs Chromium).")
        pytest.skip(f"{SKIPPED} {missing}. Enable them with `apt-get install chromium` and `make test`.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running under the test, which Django takes for async code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The fixtures' teardown reads this to know whether the test itself failed.
    setattr(item, f"report_{report.when}", report)
    if report.skipped and isinstance(report.longrepr, tuple) and SKIPPED in report.longrepr[2]:
        # One place for every browser test, so `pytest -ra` folds them into one line.
        report.longrepr = (__file__, _missing_browser.__code__.co_firstlineno, report.longrepr[2])
    return report


class Watcher:
    """Collects what must never happen on a page, from every page and popup of the contexts it watches."""

    def __init__(self, server_url):
        self.host = urlsplit(server_url).netloc
        self.problems = []
        self.expected = set()  # (path, status) pairs a test asks for, such as a 404 page

    def expect_status(self, path, status):
        self.expected.add((path, status))

    def attach(self, context):
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught script error: {error.error}"))
        context.on("request", self._request)
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)

    def _is_expected(self, url, status):
        return (urlsplit(url).path, status) in self.expected

    def _console(self, message):
        if message.type != "error":
            return
        status = re.search(r"status of (\d{3})", message.text)
        if status and self._is_expected(message.location.get("url", ""), int(status.group(1))):
            return
        where = message.location.get("url") or (message.page.url if message.page else "?")
        self.problems.append(f"console error on {where}: {message.text}")

    def _request(self, request):
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.netloc != self.host:
            self.problems.append(f"request to another host: {request.url}")

    def _request_failed(self, request):
        # A load cut short by the next navigation is not an error of the page.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed ({request.failure}): {request.url}")

    def _response(self, response):
        if response.status >= 400 and not self._is_expected(response.url, response.status):
            self.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def watch(live_server):
    return Watcher(live_server.url)


def _artifact_name(nodeid):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def open_page(browser, live_server, watch, request):
    """Opens a watched page in a fresh browser context (own cookies): open_page(viewport=PHONE, locale="it-IT")."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_LISTENER)
        watch.attach(context)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = getattr(request.node, "report_call", None)
    if (report is not None and report.failed) or watch.problems:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            # A page that crashed or closed has nothing to show; the failure itself is reported anyway.
            with contextlib.suppress(Exception):
                page.screenshot(path=ARTIFACTS / f"{_artifact_name(request.node.nodeid)}-{number}.png", full_page=True)
    for context in contexts:
        context.close()  # also delivers the events still on their way
    if watch.problems:
        pytest.fail("The browser saw problems:\n" + "\n".join(dict.fromkeys(watch.problems)), pytrace=False)


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def demo(transactional_db):
    """The demo content (both languages, with its drawn illustrations), as a patient would first see it."""
    call_command("load_demo", "--allow-without-debug", verbosity=0)


@pytest.fixture
def staff(transactional_db):
    """make_staff(username, role) with a password the login form accepts (PASSWORD)."""

    def make(username, role, **overrides):
        user = make_staff(username, role, **overrides)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


def log_in(page, username, password=PASSWORD):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def axe_violations(page, impacts=None):
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now, optionally only of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} — "
        + "; ".join(node["html"][:160] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if impacts is None or violation["impact"] in impacts
    ]


def wait_for_admin_widgets(page):
    """Wait until the admin's script-built widgets (language tabs, select2) exist and admin-a11y.js repaired them."""
    page.wait_for_function("document.getElementById('modeltranslation-main-switch')?.hasAttribute('aria-label')")
