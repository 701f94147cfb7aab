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
    const deep = hits.filter(
      ([x, y]) => on(x + 6, y) && on(x - 6, y) && on(x, y + 6) && on(x, y - 6));
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
    return [
        f.lower()
        for f in page.eval_on_selector_all(
            "#peta path.peta-area", "ps => ps.map(p => p.getAttribute('fill'))"
        )
    ]


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


def test_map_drill_down_sort_english_pdf_and_phone(bali_demo, page, problems, tmp_path):
    base = bali_demo.url
    log_in(page, base, "admin_bali", PASSWORD)
    assert page.url == f"{base}/"

    # Bali: nine regencies, coloured by coverage from the legend's classes.
    page.goto(f"{base}/cakupan/?region=51")
    assert wait_for_map(page) == 9
    fills = map_fills(page)
    assert len(fills) == 9, fills
    coloured = set(fills) - GREYS
    assert len(coloured) >= 2, f"the map is not coloured by coverage: {fills}"
    swatches = page.eval_on_selector_all(
        ".legenda .swatch",
        "ss => ss.map(s => [s.dataset.colour, getComputedStyle(s).backgroundColor])",
    )
    assert len(swatches) >= 3, swatches
    for colour, shown in swatches:
        assert shown == hex_to_rgb(colour), f"legend swatch {colour} is drawn as {shown}"
    assert coloured <= {c.lower() for c, _ in swatches}, "map colours missing from the legend"
    assert set(table_names(page)) == BALI_REGENCIES
    screenshot(page, "dash-desktop.png")
    assert problems.take() == []

    # Hover names every regency; clicking Gianyar opens its districts.
    areas = areas_by_tooltip(page)
    assert set(areas) == BALI_REGENCIES
    gianyar = areas["Kabupaten Gianyar"]
    with page.expect_navigation():
        page.mouse.click(gianyar["x"], gianyar["y"])
    query = parse_qs(urlsplit(page.url).query)
    assert query["region"] == ["51.04"], page.url
    assert query["periode"] == ["2023-12"], page.url
    assert page.locator("h1").inner_text() == "Cakupan — Kabupaten Gianyar"
    assert set(table_names(page)) == GIANYAR_DISTRICTS
    assert wait_for_map(page) == len(GIANYAR_DISTRICTS)
    assert len(map_fills(page)) == len(GIANYAR_DISTRICTS)
    crumbs = page.locator("nav.breadcrumbs")
    assert crumbs.inner_text().split(" › ") == ["Bali", "Kabupaten Gianyar"]
    back = crumbs.get_by_role("link", name="Bali", exact=True).get_attribute("href") or ""
    assert parse_qs(urlsplit(back).query)["region"] == ["51"]
    assert problems.take() == []

    # Sorting by coverage: ascending, then descending, by number.
    header = page.locator("#tabel-cakupan thead th", has_text="Cakupan %")
    column = page.eval_on_selector_all(
        "#tabel-cakupan thead th",
        "ths => ths.findIndex(th => th.textContent.trim() === 'Cakupan %')",
    )
    assert column > 0
    before = page.evaluate(COLUMN_JS, [column])
    values = [float(v) for _, v in before]
    assert len(set(values)) >= 2, f"every district has the same coverage: {before}"
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = page.evaluate(COLUMN_JS, [column])
    assert [float(v) for _, v in ascending] == sorted(values), ascending
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    descending = page.evaluate(COLUMN_JS, [column])
    assert [float(v) for _, v in descending] == sorted(values, reverse=True), descending
    assert [n for n, _ in descending] != [n for n, _ in ascending]
    assert problems.take() == []

    # English: the same page, translated, with its map.
    with page.expect_navigation():
        page.click("header form button[name=language][value=en]")
    assert html_lang(page) == "en"
    assert parse_qs(urlsplit(page.url).query)["region"] == ["51.04"], page.url
    assert page.locator("h1").inner_text() == "Coverage — Kabupaten Gianyar"
    head = page.locator("#tabel-cakupan thead").text_content() or ""
    assert "Working population" in head and "Coverage %" in head, head
    assert wait_for_map(page) == len(GIANYAR_DISTRICTS)
    assert len(set(map_fills(page)) - GREYS) >= 1
    assert problems.take() == []

    # The PDF report of Gianyar.
    with page.expect_download() as download_info:
        page.click("#laporan-pdf")
    download = download_info.value
    assert download.suggested_filename == "laporan-cakupan-51.04-2023-12.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kabupaten Gianyar" in text
    assert "Sukawati" in text and "Ubud" in text
    assert problems.take() == []

    # A phone: map and table stacked, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert wait_for_map(page) == len(GIANYAR_DISTRICTS)
    assert page.locator("#peta").is_visible()
    assert page.locator("#tabel-cakupan").is_visible()
    map_box = page.locator("#peta").bounding_box()
    assert map_box and map_box["width"] <= 390 and map_box["height"] > 100, map_box
    table_box = page.locator("#tabel-cakupan").bounding_box()
    assert table_box and table_box["y"] >= map_box["y"] + map_box["height"], (map_box, table_box)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= 390 + 1, f"horizontal overflow at 390 px: {widths}"
    screenshot(page, "dash-phone.png")
    assert problems.take() == []
