"""A one-page A4 PDF coverage brief for one regency, in Indonesian, drawn with fpdf2.

`report_pdf` only renders a `CoverageReport`: the caller fills it from the coverage selectors,
so this module reads no database. The page holds a header, key figures, a choropleth of the
districts, a coverage trend, a district table and a footer with the definition and its sources.
Core fonts only (Helvetica, cp1252): every string passes through `sanitise` first.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.drawing import PaintedPath
from fpdf.enums import MethodReturnValue

from cakupan.coverage.palette import NO_DATA, LegendClass, colour_for, format_number, legend

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # exterior ring first, then holes


@dataclass
class ReportArea:
    kode_wilayah: str
    nama_wilayah: str
    peserta_aktif: int
    penduduk_bekerja: int | None
    cakupan_persen: Decimal | None
    estimasi: bool = False  # denominator is an estimate: marked "*" with a footnote
    pertumbuhan_persen: Decimal | None = None  # growth of peserta_aktif vs `banding` period
    kekurangan: int | None = None  # participants still needed to reach the target


@dataclass
class CoverageReport:
    region_code: str
    region_name: str  # e.g. "Kabupaten Badung"
    periode: str  # "2023-12"
    banding: str | None  # the earlier period growth is measured against, or None
    target_persen: Decimal | None
    summary: ReportArea  # the regency as a whole
    areas: list[ReportArea]  # its districts (kecamatan), any order
    trend: list[tuple[str, Decimal | None, int]]  # (periode, cakupan_persen, peserta_aktif)
    definisi: str  # the coverage definition used (numerator, denominator, period, source)
    sumber_penyebut: str  # source of the denominators
    geometry: dict  # GeoJSON FeatureCollection, properties.code = kode_wilayah (WGS84)
    dibuat: datetime  # when generated
    oleh: str  # who generated it (username)


MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

# Page geometry in mm (A4 portrait) and the project's colours (static/cakupan/cakupan.css).
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 14.0
CONTENT_W = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - 10.0
BRAND = "#0b5d3b"
BRAND_SOFT = "#e7f2ec"
INK = "#1c2529"
INK_SOFT = "#55636b"
LINE = "#d5dde1"
LINE_SOFT = "#e8edef"
ZEBRA = "#f4f6f7"
DANGER = "#a61b1b"
SUCCESS = "#17663c"
TREND = "#225ea8"
WHITE = "#ffffff"

PANEL_MIN, PANEL_MAX = 70.0, 120.0  # height of the map and trend row
MAX_TABLE_ROWS = 30  # more districts than this: the rest are summed up in one line
ESTIMATE_NOTE = "* penduduk bekerja hasil estimasi"

# Characters outside cp1252 that have a plain equivalent; anything else is decomposed
# (accents dropped) or becomes "?".
REPLACEMENTS = {
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "−": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "―": "-",
    "→": "->",
    "←": "<-",
    "≈": "~",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "ı": "i",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def sanitise(text: str) -> str:
    """`text` with every character the core fonts (cp1252) cannot show replaced: a plain
    equivalent, else the letter without its accent, else "?"; invisible controls dropped."""
    out = []
    for ch in text:
        if ch in REPLACEMENTS:
            out.append(REPLACEMENTS[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t":
            continue
        elif _encodable(ch):
            out.append(ch)
        else:
            plain = unicodedata.normalize("NFKD", ch)
            out.append(
                "".join(c for c in plain if _encodable(c) and not unicodedata.combining(c)) or "?"
            )
    return "".join(out)


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class _Pdf(FPDF):
    """FPDF whose text never raises on a character outside cp1252."""

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(sanitise(text))


# ---------------------------------------------------------------------------------- formatting


def period_label(periode: str, short: bool = False) -> str:
    """Month and year in Indonesian: 2023-12 is "Desember 2023" (short: "Des 2023"); a period
    in any other form is returned as it is."""
    try:
        year, month = (int(p) for p in periode.split("-"))
        name = (MONTHS_SHORT if short else MONTHS)[month - 1]
    except (ValueError, IndexError):
        return periode
    return f"{name} {year}"


def _percent(value: Decimal | float | None, sign: bool = False) -> str:
    if value is None:
        return "–"
    text = format_number(value, 2) + "%"
    return "+" + text if sign and value > 0 else text


def _target_label(value: Decimal) -> str:
    """45 → "45%", 42.5 → "42,5%": no trailing zeros."""
    exponent = value.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, min(2, decimals)) + "%"


def _count(value: int | None, estimated: bool = False) -> str:
    if value is None:
        return "–"
    return format_number(value) + ("*" if estimated else "")


def _timestamp(when: datetime) -> str:
    return f"{when.day} {MONTHS[when.month - 1]} {when.year} pukul {when:%H.%M}"


# ---------------------------------------------------------------------------------- drawing


def _text(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    style: str = "",
    colour: str = INK,
    align: str = "L",
) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.set_text_color(colour)
    pdf.set_xy(x, y)
    pdf.cell(w, h, text, align=align)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with "…" so it fits `width` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _section_title(pdf: FPDF, x: float, y: float, w: float, title: str) -> None:
    _text(pdf, x, y, w, 5, title, 9, "B", BRAND)
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.2)
    pdf.line(x, y + 5.6, x + w, y + 5.6)


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# ---------------------------------------------------------------------------------- blocks


def _header(pdf: FPDF, report: CoverageReport) -> float:
    pdf.set_fill_color(BRAND)
    pdf.rect(0, 0, PAGE_W, 3.5, style="F")
    _text(pdf, MARGIN, 9, 130, 5, "Laporan Cakupan Jaminan Sosial Ketenagakerjaan", 10, "B", BRAND)
    code = f"Kode wilayah {report.region_code}"
    _text(pdf, MARGIN + 130, 9, CONTENT_W - 130, 5, code, 8, colour=INK_SOFT, align="R")
    pdf.set_font("Helvetica", "B", 22)
    _text(pdf, MARGIN, 15, CONTENT_W, 10, _fit(pdf, report.region_name, CONTENT_W), 22, "B")
    parts = [f"Periode {period_label(report.periode)}"]
    if report.banding:
        parts.append(f"dibandingkan dengan {period_label(report.banding)}")
    if report.target_persen is not None:
        parts.append(f"target cakupan {_target_label(report.target_persen)}")
    _text(pdf, MARGIN, 26, CONTENT_W, 5, "  ·  ".join(parts), 10, colour=INK_SOFT)
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, 33.5, MARGIN + CONTENT_W, 33.5)
    return 37.0


def _key_figures(pdf: FPDF, report: CoverageReport, y: float) -> float:
    s = report.summary
    boxes: list[tuple[str, str, str, str]] = [
        ("Peserta aktif", _count(s.peserta_aktif), period_label(report.periode), INK),
        (
            "Penduduk bekerja",
            _count(s.penduduk_bekerja, s.estimasi),
            "hasil estimasi"
            if s.estimasi
            else ("penyebut cakupan" if s.penduduk_bekerja else "belum tersedia"),
            INK,
        ),
        ("Cakupan", _percent(s.cakupan_persen), "dari penduduk bekerja", INK),
    ]
    if report.banding:
        g = s.pertumbuhan_persen
        colour = INK if g is None or g == 0 else (SUCCESS if g > 0 else DANGER)
        boxes.append(
            (
                "Pertumbuhan peserta",
                _percent(g, sign=True),
                f"dibanding {period_label(report.banding)}",
                colour,
            )
        )
    if report.target_persen is not None:
        target = _target_label(report.target_persen)
        if s.kekurangan is None:
            value, note = "–", "penyebut belum tersedia"
        elif s.kekurangan == 0:
            value, note = "0", f"target {target} tercapai"
        else:
            value, note = _count(s.kekurangan), f"untuk mencapai target {target}"
        boxes.append(("Kekurangan peserta", value, note, INK))
    gap = 3.0
    w = (CONTENT_W - gap * (len(boxes) - 1)) / len(boxes)
    h = 19.0
    for i, (label, value, note, colour) in enumerate(boxes):
        x = MARGIN + i * (w + gap)
        pdf.set_fill_color(BRAND_SOFT)
        pdf.rect(x, y, w, h, style="F")
        pdf.set_fill_color(BRAND)
        pdf.rect(x, y, 1.0, h, style="F")
        _text(pdf, x + 3, y + 2, w - 4, 4, label.upper(), 6.5, "B", INK_SOFT)
        pdf.set_font("Helvetica", "B", 15)
        _text(pdf, x + 3, y + 6.5, w - 4, 7, _fit(pdf, value, w - 5), 15, "B", colour)
        pdf.set_font("Helvetica", "", 6.5)
        _text(pdf, x + 3, y + 13.8, w - 4, 3.5, _fit(pdf, note, w - 5), 6.5, colour=INK_SOFT)
    return y + h


# --- map


def _polygons(geometry: dict | None) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon as lists of (lon, lat) rings."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    raw = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    out = []
    for polygon in raw:
        rings = [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon if len(ring) >= 3]
        if rings:
            out.append(rings)
    return out


def _ring_area(ring: Sequence[Point]) -> float:
    return 0.5 * sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True)
    )


def _ring_centroid(ring: Sequence[Point]) -> Point:
    a = _ring_area(ring)
    if abs(a) < 1e-12:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * a), cy / (6 * a)


@dataclass
class _Projection:
    """Equirectangular, x scaled by cos(mid latitude), fitted into a box keeping the aspect."""

    lon0: float
    lat1: float
    k: float
    scale: float  # mm per degree of latitude
    x0: float
    y0: float
    width: float  # of the fitted map, mm
    height: float

    @classmethod
    def fit(cls, points: Iterable[Point], x: float, y: float, w: float, h: float) -> _Projection:
        lons, lats = zip(*points, strict=True)
        lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
        k = math.cos(math.radians((lat0 + lat1) / 2))
        span_x, span_y = max((lon1 - lon0) * k, 1e-9), max(lat1 - lat0, 1e-9)
        scale = min(w / span_x, h / span_y)
        x0 = x + (w - span_x * scale) / 2
        y0 = y + (h - span_y * scale) / 2
        return cls(lon0, lat1, k, scale, x0, y0, span_x * scale, span_y * scale)

    def __call__(self, p: Point) -> Point:
        return (
            self.x0 + (p[0] - self.lon0) * self.k * self.scale,
            self.y0 + (self.lat1 - p[1]) * self.scale,
        )


Feature = tuple[str, list[Polygon]]
LEGEND_W = 33.0  # legend column beside the map
LEGEND_H = 16.0  # legend rows under the map


def _features(geometry: dict) -> list[Feature]:
    """(code, polygons) of every feature that has a polygon."""
    out = []
    for f in (geometry or {}).get("features") or []:
        polys = _polygons(f.get("geometry"))
        if polys:
            out.append((str((f.get("properties") or {}).get("code", "")), polys))
    return out


def _outline(features: list[Feature]) -> list[Point]:
    return [p for _, polys in features for poly in polys for p in poly[0]]


def _map_height(features: list[Feature], w: float) -> float:
    """The panel height that shows the whole map at full width with its legend beside it."""
    if not features:
        return 0.0
    return 8 + max(52.0, _Projection.fit(_outline(features), 0, 0, w - LEGEND_W, 1000).height)


def _map_panel(
    pdf: FPDF,
    report: CoverageReport,
    features: list[Feature],
    numbers: dict[str, int],
    box: tuple[float, float, float, float],
) -> None:
    """Districts coloured by coverage, each marked with its number in the table."""
    x, y, w, h = box
    _section_title(pdf, x, y, w, "Peta cakupan per kecamatan")
    y, h = y + 8, h - 8
    if not features:
        _text(pdf, x, y + h / 2 - 3, w, 6, "Peta wilayah tidak tersedia.", 8, "I", INK_SOFT, "C")
        return
    classes = legend("cakupan", [])
    by_code = {a.kode_wilayah: a for a in report.areas}
    points = _outline(features)
    beside = _Projection.fit(points, x, y, w - LEGEND_W, h)
    below = _Projection.fit(points, x, y, w, h - LEGEND_H)
    project = beside if beside.scale >= below.scale else below
    fills = {}
    for code, polys in features:
        area = by_code.get(code)
        fills[code] = colour_for(area.cakupan_persen if area else None, classes)
        _map_shape(pdf, project, polys, fills[code])
    for code, polys in features:
        if code in numbers:
            _map_label(pdf, project, polys, str(numbers[code]), fills[code])
    if project is beside:
        lx = x + w - LEGEND_W + 2
        _map_legend(pdf, classes, lx, y + 2, columns=1)
        _text(pdf, lx, y + 40, LEGEND_W - 2, 3, "Angka di peta:", 6, "I", INK_SOFT)
        _text(pdf, lx, y + 42.6, LEGEND_W - 2, 3, "No. pada tabel", 6, "I", INK_SOFT)
        _scale_bar(pdf, project, lx, y + h - 6)
    else:
        _map_legend(pdf, classes, x, y + h - LEGEND_H + 2, columns=3, width=w * 0.78)
        _text(pdf, x + w * 0.8, y + h - 12, w * 0.2, 3, "Angka: No. tabel", 6, "I", INK_SOFT)
        _scale_bar(pdf, project, x + w * 0.8, y + h - 6)


def _map_shape(pdf: FPDF, project: _Projection, polys: list[Polygon], fill: str) -> None:
    """One area as a single path: even-odd fill leaves its holes open; thin white borders."""
    path = PaintedPath()
    path.style.fill_color = fill
    path.style.stroke_color = WHITE
    path.style.stroke_width = 0.3
    path.style.stroke_join_style = "round"
    path.style.intersection_rule = "evenodd"
    for poly in polys:
        for ring in poly:
            first, *rest = _thin([project(p) for p in ring])
            path.move_to(*first)
            for p in rest:
                path.line_to(*p)
            path.close()
    pdf.draw_path(path, copy=False)  # built here and never reused: no need for fpdf2's copy


def _thin(ring: list[Point], tolerance: float = 0.15) -> list[Point]:
    """`ring` without vertices closer than `tolerance` mm to the last one kept (invisible in
    print, and they slow the drawing and the label search)."""
    kept = [ring[0]]
    for p in ring[1:]:
        if abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= tolerance:
            kept.append(p)
    return kept if len(kept) >= 3 else ring


def _map_label(
    pdf: FPDF, project: _Projection, polys: list[Polygon], label: str, fill: str
) -> None:
    """The area's table number inside its largest part, near its centroid; left out when it
    fits nowhere on a 9 × 9 grid of candidate spots."""
    largest = max((poly[0] for poly in polys), key=lambda r: abs(_ring_area(r)))
    ring = _thin([project(p) for p in largest], 0.5)
    pdf.set_font("Helvetica", "B", 6.5)
    half_w, half_h = pdf.get_string_width(label) / 2 + 0.3, 1.1
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    if max(xs) - min(xs) < 2 * half_w or max(ys) - min(ys) < 2 * half_h:
        return
    cx, cy = _ring_centroid(ring)
    candidates = [
        (min(xs) + (max(xs) - min(xs)) * i / 10, min(ys) + (max(ys) - min(ys)) * j / 10)
        for i in range(1, 10)
        for j in range(1, 10)
    ]
    candidates.sort(key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    for px, py in [(cx, cy), *candidates]:
        corners = [(px + dx, py + dy) for dx in (-half_w, half_w) for dy in (-half_h, half_h)]
        if all(_inside(c, ring) for c in [(px, py), *corners]):
            colour = WHITE if _luminance(fill) < 0.45 else INK
            _text(
                pdf, px - half_w, py - half_h, 2 * half_w, 2 * half_h, label, 6.5, "B", colour, "C"
            )
            return


def _inside(point: Point, ring: Sequence[Point]) -> bool:
    """Ray casting: is `point` inside the closed `ring`?"""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _map_legend(
    pdf: FPDF,
    classes: list[LegendClass],
    x: float,
    y: float,
    columns: int,
    width: float = 31.0,
) -> None:
    _text(pdf, x, y, width, 3.5, "Cakupan", 7, "B", INK)
    entries = [(c.colour, c.label) for c in reversed(classes)]
    entries.append((NO_DATA, "Tanpa data"))
    rows = math.ceil(len(entries) / columns)
    col_w = width / columns
    for i, (colour, label) in enumerate(entries):
        cx = x + (i // rows) * col_w
        cy = y + 4.5 + (i % rows) * 3.6 if columns == 1 else y + 4.2 + (i % rows) * 3.1
        pdf.set_fill_color(colour)
        pdf.set_draw_color(LINE)
        pdf.set_line_width(0.1)
        pdf.rect(cx, cy + 0.3, 4.5, 2.6, style="DF")
        _text(pdf, cx + 5.5, cy, col_w - 6, 3.2, label, 6.5, colour=INK)


def _scale_bar(pdf: FPDF, project: _Projection, x: float, y: float) -> None:
    """A bar of a round number of km, at most 22 mm long (1° of latitude ≈ 111,32 km)."""
    km_per_mm = 111.32 / project.scale
    km = max(
        (n for n in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if n / km_per_mm <= 22),
        default=0.5,
    )
    length = km / km_per_mm
    pdf.set_draw_color(INK_SOFT)
    pdf.set_line_width(0.35)
    pdf.line(x, y + 3, x + length, y + 3)
    pdf.line(x, y + 2, x, y + 3)
    pdf.line(x + length, y + 2, x + length, y + 3)
    label = f"{format_number(km, 1 if km < 1 else 0)} km"
    _text(pdf, x, y - 0.6, length + 10, 2.8, label, 6, colour=INK_SOFT)


# --- trend


@dataclass
class _Chart:
    """The plot area of the trend chart (mm) and its 0-based percentage axis."""

    left: float
    right: float
    top: float
    bottom: float
    axis_top: float
    step: float

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.axis_top


def _trend_panel(pdf: FPDF, report: CoverageReport, x: float, y: float, w: float, h: float) -> None:
    """Coverage % per period as a line with points (gaps where unknown), the target dashed."""
    _section_title(pdf, x, y, w, "Tren cakupan")
    y, h = y + 8, h - 8
    points = [(p, None if v is None else float(v)) for p, v, _ in report.trend]
    known = [v for _, v in points if v is not None]
    if not known:
        _text(pdf, x, y + h / 2 - 3, w, 6, "Belum ada data tren cakupan.", 8, "I", INK_SOFT, "C")
        return
    target = None if report.target_persen is None else float(report.target_persen)
    chart = _Chart(x + 9, x + w - 2, y + 3, y + h - 9, *_axis(max([*known, target or 0.0])))
    _trend_axes(pdf, chart, x, y)
    slot = (chart.right - chart.left) / len(points)
    xs = [chart.left + slot * (i + 0.5) for i in range(len(points))]
    labels = _trend_line(pdf, chart, xs, [v for _, v in points])
    if report.target_persen is not None:
        _trend_target(pdf, chart, report.target_persen, labels)
    every = max(1, math.ceil(len(points) / (6 if slot < 12 else 8)))
    for i, (px, (periode, _)) in enumerate(zip(xs, points, strict=True)):
        if (len(points) - 1 - i) % every == 0:
            label = period_label(periode, short=True)
            width = slot * every
            _text(pdf, px - width / 2, chart.bottom + 1, width, 3, label, 6, "", INK_SOFT, "C")
    if any(v is None for _, v in points):
        note = "Titik kosong: penyebut belum tersedia."
        _text(
            pdf,
            chart.left,
            chart.bottom + 4.5,
            chart.right - chart.left,
            3,
            note,
            5.5,
            "I",
            INK_SOFT,
        )


def _trend_axes(pdf: FPDF, chart: _Chart, x: float, y: float) -> None:
    pdf.set_line_width(0.15)
    for i in range(round(chart.axis_top / chart.step) + 1):
        v = i * chart.step
        pdf.set_draw_color(LINE if i == 0 else LINE_SOFT)
        pdf.line(chart.left, chart.y(v), chart.right, chart.y(v))
        _text(pdf, x, chart.y(v) - 1.5, 8, 3, format_number(v), 6.5, colour=INK_SOFT, align="R")
    _text(pdf, x, y - 2.2, 20, 3, "%", 6.5, colour=INK_SOFT)


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _trend_line(pdf: FPDF, chart: _Chart, xs: list[float], values: list[float | None]) -> list[Box]:
    """The line, its points and their values (all of them up to 8 periods, else the last);
    returns the boxes taken by points and values, for the target label to avoid."""
    pdf.set_draw_color(TREND)
    pdf.set_line_width(0.6)
    for i in range(len(values) - 1):
        v1, v2 = values[i], values[i + 1]
        if v1 is not None and v2 is not None:
            pdf.line(xs[i], chart.y(v1), xs[i + 1], chart.y(v2))
    taken: list[Box] = []
    radius = min(0.9, (xs[1] - xs[0]) / 4 if len(xs) > 1 else 0.9)
    pdf.set_fill_color(WHITE)
    pdf.set_line_width(0.5 if radius > 0.7 else 0.35)
    for i, (px, v) in enumerate(zip(xs, values, strict=True)):
        if v is None:
            continue
        py = chart.y(v)
        pdf.circle(x=px, y=py, radius=radius, style="DF")
        taken.append((px - 1.2, py - 1.2, px + 1.2, py + 1.2))
        if len(values) <= 8 or i == len(values) - 1:
            _text(pdf, px - 8, py - 4.3, 16, 3, format_number(v, 2), 6, "B", TREND, "C")
            taken.append((px - 4, py - 4.3, px + 4, py - 1.3))
    return taken


def _trend_target(pdf: FPDF, chart: _Chart, target: Decimal, taken: list[Box]) -> None:
    """The target as a dashed line, labelled at the first corner free of points and values."""
    ty = chart.y(float(target))
    pdf.set_draw_color(DANGER)
    pdf.set_line_width(0.35)
    pdf.set_dash_pattern(dash=1.2, gap=0.9)
    pdf.line(chart.left, ty, chart.right, ty)
    pdf.set_dash_pattern()
    label = f"Target {_target_label(target)}"
    pdf.set_font("Helvetica", "B", 6.5)
    width = pdf.get_string_width(label) + 1
    spots = [
        (chart.left + 1, ty - 3.4),
        (chart.left + 1, ty + 0.5),
        (chart.right - width, ty - 3.4),
        (chart.right - width, ty + 0.5),
    ]

    def free(spot: tuple[float, float]) -> bool:
        x0, y0 = spot
        return not any(
            x0 < bx1 and bx0 < x0 + width and y0 < by1 and by0 < y0 + 3
            for bx0, by0, bx1, by1 in taken
        )

    x0, y0 = next((spot for spot in spots if free(spot)), spots[0])
    _text(pdf, x0, y0, width, 3, label, 6.5, "B", DANGER)


def _axis(highest: float) -> tuple[float, float]:
    """A round top for a 0-based percentage axis and its tick step, 4 to 6 ticks."""
    highest = max(highest * 1.1, 5.0)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if highest / step <= 5:
            return math.ceil(highest / step) * step, step
    step = 10 ** math.ceil(math.log10(highest / 5))
    return math.ceil(highest / step) * step, step


# --- table


@dataclass(frozen=True)
class _Column:
    header: str
    width: float
    align: str


def _table_columns(report: CoverageReport) -> list[_Column]:
    columns = [
        _Column("No.", 9, "R"),
        _Column("Kecamatan", 0, "L"),
        _Column("Peserta aktif", 27, "R"),
        _Column("Penduduk bekerja", 30, "R"),
        _Column("Cakupan", 27, "R"),
    ]
    if report.banding:
        columns.append(_Column("Pertumbuhan", 25, "R"))
    if report.target_persen is not None:
        columns.append(_Column("Kekurangan", 25, "R"))
    rest = CONTENT_W - sum(c.width for c in columns)
    return [_Column(c.header, c.width or rest, c.align) for c in columns]


def _sorted_areas(areas: list[ReportArea]) -> list[ReportArea]:
    """Coverage descending, areas without coverage last, ties by name."""
    return sorted(
        areas,
        key=lambda a: (a.cakupan_persen is None, -(a.cakupan_persen or 0), a.nama_wilayah),
    )


def _row_cells(report: CoverageReport, area: ReportArea, number: str) -> list[str]:
    cells = [
        number,
        area.nama_wilayah,
        _count(area.peserta_aktif),
        _count(area.penduduk_bekerja, area.estimasi),
        _percent(area.cakupan_persen),
    ]
    if report.banding:
        cells.append(_percent(area.pertumbuhan_persen, sign=True))
    if report.target_persen is not None:
        cells.append(_count(area.kekurangan))
    return cells


def _table_notes(report: CoverageReport, shown: list[ReportArea]) -> list[str]:
    notes = []
    everyone = [report.summary, *shown]
    if any(a.estimasi for a in everyone):
        notes.append(ESTIMATE_NOTE)
    if any(a.cakupan_persen is not None and a.cakupan_persen > 100 for a in everyone):
        notes.append(
            "Cakupan di atas 100% menandakan penyebut terlalu kecil atau peserta tercatat di "
            "wilayah yang salah: periksa datanya."
        )
    if report.target_persen is not None:
        notes.append(
            "Kekurangan: peserta aktif yang masih diperlukan untuk mencapai target "
            f"{_target_label(report.target_persen)}."
        )
    if report.banding:
        notes.append(
            f"Pertumbuhan: perubahan peserta aktif dibanding {period_label(report.banding)}."
        )
    return notes


@dataclass
class _TableLayout:
    shown: list[ReportArea]  # in table order; their numbers label the map
    hidden: int  # districts left out past MAX_TABLE_ROWS
    notes: list[str]  # lines under the table

    @classmethod
    def of(cls, report: CoverageReport) -> _TableLayout:
        ordered = _sorted_areas(report.areas)
        if len(ordered) > MAX_TABLE_ROWS:
            shown, hidden = ordered[: MAX_TABLE_ROWS - 1], len(ordered) - (MAX_TABLE_ROWS - 1)
        else:
            shown, hidden = ordered, 0
        return cls(shown, hidden, _table_notes(report, shown))

    @property
    def rows(self) -> int:
        """Header, districts, the "… dan N lain" line, total."""
        return 2 + len(self.shown) + (1 if self.hidden else 0)

    def height(self, row_h: float) -> float:
        return 8 + self.rows * row_h + 3.0 * len(self.notes) + 1


def _table(
    pdf: FPDF, report: CoverageReport, layout: _TableLayout, y: float, bottom: float
) -> float:
    """The district table with a total row and its notes, between `y` and `bottom` (rows
    shrink to fit); returns where it ends."""
    _section_title(pdf, MARGIN, y, CONTENT_W, "Cakupan per kecamatan")
    row_h = min(6.0, (bottom - y - layout.height(0)) / layout.rows)
    y += 8
    size = min(8.0, row_h * 1.75)
    columns = _table_columns(report)
    classes = legend("cakupan", [])
    pad = 1.5

    def row(
        cells: list[str], style: str, colour: str, fill: str | None, swatch: str | None
    ) -> None:
        nonlocal y
        if fill:
            pdf.set_fill_color(fill)
            pdf.rect(MARGIN, y, CONTENT_W, row_h, style="F")
        x = MARGIN
        pdf.set_font("Helvetica", style, size)
        for col, cell in zip(columns, cells, strict=False):
            text = _fit(pdf, cell, col.width - 2 * pad)
            _text(pdf, x + pad, y, col.width - 2 * pad, row_h, text, size, style, colour, col.align)
            x += col.width
        if swatch:  # the map colour just left of the coverage figure
            pdf.set_font("Helvetica", style, size)
            right = MARGIN + sum(c.width for c in columns[:5]) - pad
            side = min(2.6, row_h * 0.55)
            left = right - pdf.get_string_width(cells[4]) - 1.5 - side
            pdf.set_fill_color(swatch)
            pdf.set_draw_color(LINE)
            pdf.set_line_width(0.1)
            pdf.rect(left, y + (row_h - side) / 2, side, side, style="DF")
        y += row_h

    row([c.header for c in columns], "B", WHITE, BRAND, None)
    for i, area in enumerate(layout.shown, start=1):
        swatch = colour_for(area.cakupan_persen, classes)
        row(_row_cells(report, area, str(i)), "", INK, ZEBRA if i % 2 == 0 else None, swatch)
    if layout.hidden:
        more = ["", f"… dan {format_number(layout.hidden)} kecamatan lain"]
        row(more, "I", INK_SOFT, None, None)
    pdf.set_draw_color(INK_SOFT)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, MARGIN + CONTENT_W, y)
    total = _row_cells(report, report.summary, "")
    total[1] = report.region_name
    row(total, "B", INK, BRAND_SOFT, colour_for(report.summary.cakupan_persen, classes))
    y += 1
    for note in layout.notes:
        _text(pdf, MARGIN, y, CONTENT_W, 3, note, 6.5, colour=INK_SOFT)
        y += 3.0
    return y


# --- footer


def _footer_paragraphs(report: CoverageReport) -> list[tuple[str, str, float, str]]:
    """(text, style, size, colour) of each footer paragraph."""
    paragraphs = [
        (f"Definisi: {report.definisi}", "", 6.8, INK),
        (f"Sumber penyebut: {report.sumber_penyebut}", "", 6.8, INK),
    ]
    areas = [report.summary, *report.areas]
    if any(a.estimasi for a in areas):
        paragraphs.append(
            (
                "Angka cakupan, pertumbuhan dan kekurangan untuk wilayah dengan penduduk bekerja "
                "bertanda * juga merupakan estimasi, karena penyebutnya hasil estimasi.",
                "",
                6.8,
                INK,
            )
        )
    paragraphs.append(
        (f"Dibuat {_timestamp(report.dibuat)} oleh {report.oleh} — Cakupan", "", 6.5, INK_SOFT)
    )
    return paragraphs


def _footer_lines(pdf: FPDF, report: CoverageReport) -> list[tuple[str, str, float, str]]:
    """The footer broken into lines, at most 10, each (text, style, size, colour)."""
    lines = []
    for text, style, size, colour in _footer_paragraphs(report):
        pdf.set_font("Helvetica", style, size)
        broken = pdf.multi_cell(
            CONTENT_W, 3, text, dry_run=True, output=MethodReturnValue.LINES, align="L"
        )
        # fpdf2 hands the lines back already encoded for the font; decode them to text.
        lines += [(_decoded(line), style, size, colour) for line in broken]
    if len(lines) > 10:
        lines = lines[:9] + [(lines[9][0].rstrip() + " …", *lines[9][1:])]
    return lines


def _decoded(line: str) -> str:
    return line.encode("latin-1").decode("cp1252")


def _footer(pdf: FPDF, lines: list[tuple[str, str, float, str]], top: float) -> None:
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, top, MARGIN + CONTENT_W, top)
    y = top + 1.5
    for text, style, size, colour in lines:
        _text(pdf, MARGIN, y, CONTENT_W, 3, text, size, style, colour)
        y += 3.0


# ---------------------------------------------------------------------------------- report


def report_pdf(report: CoverageReport) -> bytes:
    """The report as a one-page A4 PDF; the same report gives the same bytes."""
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0
    pdf.set_title(f"Laporan Cakupan {report.region_name} {period_label(report.periode)}")
    pdf.set_author(report.oleh)
    pdf.set_subject("Laporan cakupan jaminan sosial ketenagakerjaan")
    pdf.set_creator("Cakupan")
    pdf.set_lang("id")
    pdf.set_creation_date(report.dibuat)
    pdf.add_page()

    y = _header(pdf, report)
    y = _key_figures(pdf, report, y) + 6
    footer = _footer_lines(pdf, report)
    footer_top = BOTTOM - 1.5 - 3.0 * len(footer)
    # The map and trend row takes what the table leaves at comfortable rows (5,4 mm), within
    # PANEL_MIN..PANEL_MAX and no taller than the map needs; the table then fits the rest.
    layout = _TableLayout.of(report)
    features = _features(report.geometry)
    map_w = CONTENT_W * 0.56
    room = footer_top - 4 - y - 6 - layout.height(5.4)
    panel_h = max(PANEL_MIN, min(PANEL_MAX, room, _map_height(features, map_w)))
    numbers = {a.kode_wilayah: i for i, a in enumerate(layout.shown, start=1)}
    _map_panel(pdf, report, features, numbers, (MARGIN, y, map_w, panel_h))
    _trend_panel(pdf, report, MARGIN + map_w + 8, y, CONTENT_W - map_w - 8, panel_h)
    end = _table(pdf, report, layout, y + panel_h + 6, footer_top - 4)
    _footer(pdf, footer, min(footer_top, end + 10))  # follows short content, no gap mid-page
    return bytes(pdf.output())
