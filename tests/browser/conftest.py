"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live_server.

Chromium comes from Debian, never from Playwright's own download: when /usr/bin/chromium is missing
and we are root (CI, a fresh machine), the first browser test installs it with apt-get. If that
fails, the browser tests fail with the reason; they are skipped only off CI for a non-root user.

The live server needs committed data, so these tests run with `transactional_db`, which empties
every table after each test. Two things in Cakupan's schema do not survive that as it is: the
append-only audit table refuses DELETE/TRUNCATE (by trigger), and the region tree is data loaded by
a migration. `browser_db` switches the audit triggers off just before Django's flush and puts the
triggers and the regions back before the next browser test and after the last one.
"""

from __future__ import annotations

import importlib
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
    """One headless Chromium for the whole session."""
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


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


# --- the database under a live server ---------------------------------------------------------


def _migration(name: str) -> Any:
    return importlib.import_module(name)


def _audit_triggers(enabled: bool) -> None:
    from django.db import connection

    triggers = _migration("cakupan.audit.migrations.0002_append_only_triggers")

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            state = "ENABLE" if enabled else "DISABLE"
            cursor.execute(f"ALTER TABLE audit_auditentry {state} TRIGGER USER")
        elif connection.vendor == "sqlite":
            if enabled:
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'audit_auditentry'"
                )
                if cursor.fetchone()[0] == 0:
                    for sql in triggers.SQLITE_UP:
                        cursor.execute(sql)
            else:
                for sql in triggers.SQLITE_DOWN:
                    cursor.execute(sql.replace("DROP TRIGGER", "DROP TRIGGER IF EXISTS"))


def _restore_migrated_state() -> None:
    """The audit triggers on, and the regions loaded, as `migrate` leaves them."""
    from django.apps import apps

    from cakupan.regions.models import Region
    from cakupan.regions.selectors import _known_codes

    _audit_triggers(True)
    if not Region.objects.exists():
        _migration("cakupan.regions.migrations.0002_load_regions").load(apps, None)
    _known_codes.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def _migrated_state_after_browser_tests(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """After this module's last flush, leave the test database as migrate made it."""
    yield
    with django_db_blocker.unblock():
        _restore_migrated_state()


@pytest.fixture
def browser_db(transactional_db: None, live_server: Any) -> Iterator[Any]:
    """Committed data the live server can see; the live server's URL is returned."""
    _restore_migrated_state()
    yield live_server
    _audit_triggers(False)  # Django's flush comes next and must be able to empty the audit table
