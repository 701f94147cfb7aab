"""The web shell in a real browser: log in, switch language, open every navigation entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-123"
WRONG_LOGIN = "Wrong username or password. Note that both are case-sensitive."


def translated(message: str, language: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


def nav_labels(language: str) -> list[str]:
    from cakupan.web.navigation import NAVIGATION

    with translation.override(language):
        return [str(entry.label) for entry in NAVIGATION]


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/masuk/")
    page.fill("main input[name=username]", username)
    page.fill("main input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def html_lang(page: Any) -> str:
    return page.get_attribute("html", "lang") or ""


def test_log_in_switch_to_english_and_open_every_navigation_entry(
    browser_db, make_user, participants, page, problems
):
    base = browser_db.url
    make_user("admin_bali", "bpjs_admin", "51", password=PASSWORD)

    log_in(page, base, "admin_bali", PASSWORD)
    assert page.url == f"{base}/"
    assert html_lang(page) == "id"
    nav_id = page.locator("nav.mainnav").inner_text()
    assert "Cakupan" in nav_id
    for label in nav_labels("id"):
        assert label in nav_id, f"Indonesian navigation label {label!r} missing from {nav_id!r}"
    assert problems.take() == []

    with page.expect_navigation():
        page.click("header form button[name=language][value=en]")
    assert html_lang(page) == "en"
    nav_en = page.locator("nav.mainnav").inner_text()
    for label in nav_labels("en"):
        assert label in nav_en, f"English navigation label {label!r} missing from {nav_en!r}"
    assert "Log out" in nav_en
    assert problems.take() == []

    hrefs = page.eval_on_selector_all("nav.mainnav a[href]", "links => links.map(a => a.href)")
    hrefs = list(dict.fromkeys(hrefs))
    assert len(hrefs) >= len(nav_labels("en")), hrefs
    broken = []
    for href in hrefs:
        response = page.goto(href)
        page.wait_for_load_state("networkidle")
        status = response.status if response is not None else None
        main = page.locator("main")
        main_text = main.first.inner_text().strip() if main.count() else ""
        content = page.content()
        why = []
        if status is None or status >= 400:
            why.append(f"HTTP {status}")
        if not main_text:
            why.append("empty or missing <main>")
        if "Traceback" in content or "Server Error" in content:
            why.append("error page")
        if html_lang(page) != "en":
            why.append(f"html lang {html_lang(page)!r} after switching to English")
        why += problems.take()
        if why:
            broken.append(f"{href}: {'; '.join(why)}")
    assert broken == [], "\n".join(broken)


def test_dashboard_fits_a_phone_screen(browser_db, make_user, participants, page, problems):
    base = browser_db.url
    make_user("admin_bali", "bpjs_admin", "51", password=PASSWORD)
    page.set_viewport_size({"width": 375, "height": 812})

    log_in(page, base, "admin_bali", PASSWORD)
    assert page.url == f"{base}/"
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, f"horizontal overflow at 375 px: {widths}"
    assert problems.take() == []


def test_wrong_password_shows_the_error_in_indonesian_and_stays_on_the_login_page(
    browser_db, make_user, page, problems
):
    base = browser_db.url
    make_user("admin_bali", "bpjs_admin", "51", password=PASSWORD)
    expected = translated(WRONG_LOGIN, "id")
    assert expected != WRONG_LOGIN, "the login error has no Indonesian translation"

    log_in(page, base, "admin_bali", "bukan-sandinya")
    assert page.url.startswith(f"{base}/masuk/")
    assert html_lang(page) == "id"
    assert expected in page.locator("main [role=alert]").inner_text()
    assert page.locator("nav.mainnav").count() == 0
    assert problems.take() == []
