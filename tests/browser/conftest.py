"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live_server.

Chromium comes from Debian, never from Playwright's own download: when /usr/bin/chromium is missing
and we are root (CI, a fresh machine), the first browser test installs it with apt-get. If that
fails, the browser tests fail with the reason; they are skipped only off CI for a non-root user.

The live server needs committed data, so these tests run with `transactional_db`; see
`migrated_state` in tests/conftest.py for what that flush needs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=False,
    )


def ensure_chromium() -> None:
    """Make sure Debian's Chromium is at /usr/bin/chromium, installing it when we may."""
    if os.path.exists(CHROMIUM):
        return
    on_ci = bool(os.environ.get("CI"))
    if os.geteuid() != 0:
        reason = f"{CHROMIUM} is missing and installing it needs root (apt-get install -y chromium)"
        if on_ci:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            result = _run(command)
        except OSError as exc:
            pytest.fail(f"could not run {' '.join(command)}: {exc}", pytrace=False)
        if result.returncode != 0:
            tail = (result.stdout + result.stderr)[-3000:]
            pytest.fail(
                f"{' '.join(command)} failed (exit {result.returncode}), so there is no "
                f"{CHROMIUM} for the browser tests:\n{tail}",
                pytrace=False,
            )
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"apt-get install -y chromium ran but {CHROMIUM} is still missing", pytrace=False
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session.

    While Playwright's sync API runs, its event loop counts as running in this thread, and Django
    hands this thread a different set of database connections than before it started. A
    connection opened in one of those states cannot be closed from the other and would keep the
    PostgreSQL test database from being dropped, so every switch closes the connections first.
    """
    ensure_chromium()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    connections.close_all()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
        connections.close_all()
    connections.close_all()


class PageProblems:
    """Console errors and uncaught page errors seen by one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console.error at {message.location.get('url')}: {message.text}")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies, no language cookie) and page per test."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def problems(page: Any) -> PageProblems:
    """Console errors and page errors of `page`, listened to from before the first request."""
    return PageProblems(page)


@pytest.fixture
def browser_db(transactional_db: None, live_server: Any) -> Any:
    """Committed data the live server can see (tests/conftest.py restores the migrated state)."""
    return live_server
