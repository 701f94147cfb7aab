"""The coverage dashboard in a real browser, on the synthetic Bali demo: the map of Bali's regencies
is coloured, clicking Gianyar drills down to its districts, the table sorts, the page switches to
English, the PDF report downloads, and the page fits a phone.

Set CAKUPAN_SCREENSHOT_DIR to a folder to keep screenshots of the dashboard at 1280 and 390 px
(dash-desktop.png, dash-phone.png) for a look by eye.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-123"

BALI_REGENCIES = {
    "Kabupaten Jembrana",
    "Kabupaten Tabanan",
    "Kabupaten Badung",
    "Kabupaten Gianyar",
    "Kabupaten Klungkung",
    "Kabupaten Bangli",
    "Kabupaten Karangasem",
    "Kabupaten Buleleng",
    "Kota Denpasar",
}
GIANYAR_DISTRICTS = {
    "Sukawati",
    "Blahbatuh",
    "Gianyar",
    "Tampaksiring",
    "Ubud",
    "Tegallalang",
    "Payangan",
}
# The server's no-data colour (palette.NO_DATA) and peta.js's fallback for a missing colour.
GREYS = {"#d9d9d9", "#cfd8dc"}
MAP_READY = '#peta[data-ready="1"]'

# For every area that drills down: a point well inside it that no other element covers, found
# on a grid over its bounding box (paths carry no data attributes; their tooltips name them).
AREA_POINTS_JS = """() => {
  const points = [];
  for (const path of document.querySelectorAll("#peta path.peta-tautan")) {
    const box = path.getBoundingClientRect();
    const on = (x, y) => document.elementFromPoint(x, y) === path;
    const hits = [];
    for (let i = 1; i < 24; i++) {
      for (let j = 1; j < 24; j++) {
        const x = box.left + (box.width * i) / 24, y = box.top + (box.height * j) / 24;
        if (on(x, y)) hits.push([x, y]);
      }
    }
    const deep = hits.filter(([x, y]) => on(x + 6, y) && on(x - 6, y) && on(x, y + 6) && on(x, y - 6));
    const pool = deep.length ? deep : hits;
    if (!pool.length) { points.push(null); continue; }
    const mx = pool.reduce((s, p) => s + p[0], 0) / pool.length;
    const my = pool.reduce((s, p) => s + p[1], 0) / pool.length;
    pool.sort((a, b) => Math.hypot(a[0] - mx, a[1] - my) - Math.hypot(b[0] - mx, b[1] - my));
    points.push({x: pool[0][0], y: pool[0][1]});
  }
  return points;
}"""

# [name, data-value of the column] of every table row, in the order shown.
COLUMN_JS = """([column]) => Array.from(document.querySelectorAll("#tabel-cakupan tbody tr"))
  .map((row) => [row.cells[0].dataset.value, row.cells[column].dataset.value])"""


@pytest.fixture
def bali_demo(browser_db: Any, make_user: Any) -> Any:
    """The synthetic Bali demo (2022-12 and 2023-12), its estimates and coverage facts, as
    `cakupan demo` loads it, plus an administrator of Bali; returns the live server."""
    from cakupan.coverage.facts import facts_refresh_all
    from cakupan.coverage.workforce import workforce_estimate_all
    from cakupan.demo import demo_load

    demo_load(participants=2000)
    workforce_estimate_all()
    facts_refresh_all()
    make_user("admin_bali", "bpjs_admin", "51", password=PASSWORD)
    return browser_db


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/masuk/")
    page.fill("main input[name=username]", username)
    page.fill("main input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def html_lang(page: Any) -> str:
    return page.get_attribute("html", "lang") or ""


def hex_to_rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def wait_for_map(page: Any) -> int:
    """Wait for peta.js to draw; returns the number of areas drawn."""
    page.wait_for_selector(MAP_READY, state="attached")
    assert page.get_attribute("#peta", "data-state") == "ready"
    return int(page.get_attribute("#peta", "data-features") or "0")


def map_fills(page: Any) -> list[str]:
    return [f.lower() for f in page.eval_on_selector_all("#peta path.peta-area", "ps => ps.map(p => p.getAttribute('fill'))")]


def table_names(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#tabel-cakupan tbody tr", "rows => rows.map(r => r.cells[0].dataset.value)"
    )


def areas_by_tooltip(page: Any) -> dict[str, dict[str, float]]:
    """Hover every area that drills down; its tooltip's first line (the name) → where it is."""
    page.eval_on_selector("#peta", "el => el.scrollIntoView({block: 'center'})")
    points = page.evaluate(AREA_POINTS_JS)
    assert all(points), f"an area of the map has no visible point: {points}"
    tooltip = page.locator("#peta .peta-tooltip")
    found = {}
    for point in points:
        page.mouse.move(1, 1)  # off the map: the previous tooltip closes
        tooltip.first.wait_for(state="detached")
        page.mouse.move(point["x"], point["y"])
        tooltip.first.wait_for(state="visible")
        assert tooltip.count() == 1
        name = tooltip.inner_text().splitlines()[0].strip()
        found[name] = point
    page.mouse.move(1, 1)
    return found


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("CAKUPAN_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)



MEASURE = """() => { const w = document.querySelector('.tablewrap');
  return {wrap: w.clientWidth, table: w.scrollWidth, doc: document.documentElement.scrollWidth,
   peta: document.querySelector('#peta').clientWidth, rowh: document.querySelector('#tabel-cakupan tbody tr').getBoundingClientRect().height,
   headh: document.querySelector('#tabel-cakupan thead tr').getBoundingClientRect().height}; }"""
V = {
"stack": """
.dasbor { grid-template-columns: minmax(0, 1fr); }
.dasbor table.data th button.sort { white-space: normal; }
.dasbor table.data th.n button.sort { text-align: right; }
.dasbor table.data th { vertical-align: bottom; }
""",
"side": """
.dasbor { grid-template-columns: minmax(16rem, 2fr) minmax(0, 3fr); }
.dasbor table.data th button.sort { white-space: normal; padding: 0.5rem; }
.dasbor table.data th.n button.sort { text-align: right; }
.dasbor table.data th { vertical-align: bottom; }
.dasbor table.data td { padding: 0.5rem; }
.dasbor table.data td:first-child code { font-size: 0.7rem; }
""",
"phone": """
.dasbor table.data th button.sort { white-space: normal; padding: 0.45rem; }
.dasbor table.data th.n button.sort { text-align: right; }
.dasbor table.data th { vertical-align: bottom; }
.dasbor table.data td { padding: 0.45rem; }
.dasbor table.data td:first-child code { display: none; }
""",
}
def test_measure(bali_demo, browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    base = bali_demo.url
    log_in(page, base, "admin_bali", PASSWORD)
    for region in ("51", "51.04"):
        for name, widths in (("stack", (1024, 1280, 1440)), ("side", (1024, 1280, 1440)), ("phone", (390,))):
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{base}/cakupan/?region={region}")
                wait_for_map(page)
                print("M0", region, name, width, page.evaluate(MEASURE))
                page.add_style_tag(content=V[name])
                page.wait_for_timeout(300)
                print("M1", region, name, width, page.evaluate(MEASURE))
                if width in (1280, 390): page.screenshot(path=f"/tmp/helper/{name}-{region}.png", full_page=True)
    context.close()
