"""Browser fixtures: one Debian Chromium for the session, driven by Playwright's sync API against
pytest-django's `live_server`, and a fresh browser context for each person in a test.

Every page a person opens is watched: a console error, an uncaught script error, a Content Security
Policy violation or a failed request (a stylesheet, a script, an image, a page) fails the test,
because each of them is something a user would notice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request, Response

REQUIRE_ALL = os.environ.get("PRACTICA_REQUIRE_ALL") == "1"
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach outside hosts (DESIGN.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
BROWSER_DIR = Path(__file__).resolve().parent
TIMEOUT_MS = 10_000

# Chromium reports violations in the console itself; this listener names them unmistakably too, so
# the check does not depend on the wording of Chromium's own message.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def pytest_collection_modifyitems(config, items):
    """Mark the tests under tests/browser, and run them after the rest of the suite.

    Once Playwright starts, its event loop stays current in the main thread for the session, and
    Django refuses ORM calls from there unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Running browser
    tests last keeps that setting away from every other test.
    """
    browser_items = [item for item in items if BROWSER_DIR in Path(item.path).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    items[:] = [item for item in items if item not in browser_items] + browser_items


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests."
        if REQUIRE_ALL:
            pytest.fail(message + " (PRACTICA_REQUIRE_ALL=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings, transactional_db):
    """The live server, with settings that name it (links in emails, CSRF origins)."""
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"]
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    return live_server


@dataclass
class Person:
    """One person at one browser: a context of their own, its page, and what went wrong on it."""

    name: str
    page: Page
    problems: list[str] = field(default_factory=list)
    # (status, path) pairs a test expects, each once: a refusal the test asserts on the page itself.
    expected: list[tuple[int, str]] = field(default_factory=list)
    excused: list[tuple[int, str]] = field(default_factory=list)

    def expect_status(self, status: int, path: str) -> None:
        """Let the next response from `path` be `status` (and Chromium's console line about it)
        without counting it as a problem."""
        self.expected.append((status, path))

    def watch(self) -> None:
        page = self.page
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        if self._is_excused(text, message.location.get("url", "")):
            return
        kind = "CSP violation" if _is_csp(text) else "console error"
        self.problems.append(f"{kind} on {self.page.url}: {text}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            key = (response.status, urlsplit(response.url).path)
            if key in self.expected:
                self.expected.remove(key)
                self.excused.append(key)
                return
            request = response.request
            self.problems.append(
                f"{request.resource_type} {request.method} {response.url} "
                f"answered {response.status}"
            )

    def _is_excused(self, text: str, url: str) -> bool:
        found = re.fullmatch(
            r"Failed to load resource: the server responded with a status of (\d+).*", text
        )
        if not found:
            return False
        key = (int(found.group(1)), urlsplit(url).path)
        return key in self.expected or key in self.excused

    def _on_request_failed(self, request: Request) -> None:
        # A request that got an HTTP error is reported by _on_response already.
        if request.failure and "ERR_ABORTED" not in request.failure:
            self.problems.append(f"{request.resource_type} {request.url} failed: {request.failure}")

    def snapshot(self, step: str) -> None:
        """Save a full-page screenshot for a human to look at, and stop if anything went wrong."""
        RESULTS_DIR.mkdir(exist_ok=True)
        # Back to the top first: a full-page shot of a scrolled page paints the sticky header halfway.
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=RESULTS_DIR / f"{step}.png", full_page=True)
        self.assert_no_problems()

    def assert_no_problems(self) -> None:
        assert not self.expected, f"{self.name} never got these expected answers: {self.expected}"
        csp = [p for p in self.problems if p.startswith("CSP violation")]
        assert not csp, f"{self.name} met Content Security Policy violations:\n" + "\n".join(csp)
        assert not self.problems, f"{self.name}'s browser reported problems:\n" + "\n".join(
            self.problems
        )


def _is_csp(text: str) -> bool:
    return text.startswith("CSP violation") or bool(
        re.search(r"Content[ -]Security[ -]Policy", text, re.IGNORECASE)
    )


@pytest.fixture
def person(browser, site) -> Iterator:
    """Make a person with a browser context of their own: `person("Ada")`."""
    contexts = []
    people: list[Person] = []

    def make(name: str) -> Person:
        context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        someone = Person(name=name, page=context.new_page())
        someone.watch()
        people.append(someone)
        return someone

    yield make
    for context in contexts:
        context.close()
    for someone in people:
        someone.assert_no_problems()
