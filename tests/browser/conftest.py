"""A real Chromium (Debian's package) driven by Playwright against a live server.

No browser is ever downloaded: the tests use the system's chromium and skip,
saying why, where there is none. RAPPORT_REQUIRE_BROWSER=1 (set by CI) turns
that skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls that
# tests make around it are still plain synchronous code, on this thread's own
# connection (the test database is a file: see tests/settings.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


WAIT = 20.0  # seconds: how long a condition may take on a loaded machine


class ServedRequests:
    """The live server's requests, counted as they start and finish, to wait on them."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.in_flight = 0
        self.finished = 0

    def started(self, **kwargs: object) -> None:
        with self._changed:
            self.in_flight += 1

    def done(self, **kwargs: object) -> None:
        with self._changed:
            self.in_flight -= 1
            self.finished += 1
            self._changed.notify_all()

    def wait_until(self, check: Callable[[], bool], *, seconds: float = WAIT) -> None:
        """Wait until `check()` holds, checking again each time a request finishes.

        `check` runs outside the lock: it may query the database while requests run.
        """
        deadline = time.monotonic() + seconds
        while True:
            with self._changed:
                seen = self.finished
            if check():
                return
            with self._changed:
                left = deadline - time.monotonic()
                assert left > 0, "timed out"
                self._changed.wait_for(lambda seen=seen: self.finished != seen, timeout=left)

    def wait_idle(self, *, seconds: float = WAIT) -> None:
        """Wait until no request is being served (so none writes into the next test)."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.in_flight == 0, timeout=seconds), (
                f"{self.in_flight} requests still running after {seconds} s"
            )


@pytest.fixture(scope="session")
def served() -> Iterator[ServedRequests]:
    requests = ServedRequests()
    request_started.connect(requests.started, dispatch_uid="tests.browser.served")
    request_finished.connect(requests.done, dispatch_uid="tests.browser.served")
    yield requests
    request_started.disconnect(dispatch_uid="tests.browser.served")
    request_finished.disconnect(dispatch_uid="tests.browser.served")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("RAPPORT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and RAPPORT_REQUIRE_BROWSER=1")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    from playwright.sync_api import expect

    # expect() waits 5 s by default, not the context's timeout: the same wait for both.
    expect.set_options(timeout=int(WAIT * 1000))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server, served) -> Iterator[Callable[..., object]]:
    """A signed-in page in its own browser context (own cookies), one per person."""
    contexts = []

    def make(person, *, viewport: dict[str, int] | None = None, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(int(WAIT * 1000))
        contexts.append(context)
        page = context.new_page()
        page.goto("/login/")
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()
    # A poll or save still being served would write after the database is flushed.
    served.wait_idle()


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (vendored) on the page; the serious and critical findings, in words."""
    # The Content-Security-Policy runs scripts from Rapport's own origin only, never an
    # inline one: hand axe to the page from an address on that origin.
    origin = "/".join(page.url.split("/")[:3])
    address = f"{origin}/__axe__.js"
    page.route(address, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=address)
    page.unroute(address)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]
