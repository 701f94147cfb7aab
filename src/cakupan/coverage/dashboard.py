"""The coverage dashboard as plain data: what the page, the map, the exports and the PDF report
show for one region, period and set of filters. Views only parse the request and render this."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from cakupan.accounts.scope import Actor, effective_region
from cakupan.coverage import palette
from cakupan.coverage.geo import feature_collection
from cakupan.coverage.selectors import (
    CoverageRow,
    CoverageTable,
    Filters,
    TrendPoint,
    coverage_periods,
    coverage_summary,
    coverage_table,
    coverage_trend,
    filters_parse,
)
from cakupan.errors import InvalidInput
from cakupan.regions.models import Level, Region
from cakupan.regions.selectors import child_level, code_level, region_ancestors, region_get


@dataclass(frozen=True)
class DashboardQuery:
    region_code: str | None
    periode: str | None
    banding: str | None
    filters: Filters
    ukuran: str = "cakupan"

    def params(self, **change: Any) -> str:
        """The query string of this view, with some values changed (for links)."""
        values = {
            "region": self.region_code or "",
            "periode": self.periode or "",
            "banding": self.banding or "",
            "sektor": "" if self.filters.sektor == "semua" else self.filters.sektor,
            "segmen": self.filters.segmen or "",
            "jenis_kelamin": self.filters.jenis_kelamin or "",
            "ukuran": "" if self.ukuran == "cakupan" else self.ukuran,
        }
        values.update(change)
        return urlencode({k: v for k, v in values.items() if v})


def dashboard_query_parse(actor: Actor, params: QueryDict) -> DashboardQuery:
    """The dashboard's request parameters, checked; defaults: the user's region, the newest
    period, growth against the period before it."""
    region_code = effective_region(actor, params.get("region") or None)
    periods = coverage_periods()
    periode = params.get("periode") or (periods[0] if periods else None)
    banding = params.get("banding")
    if banding is None and periode in periods:
        older = [p for p in periods if p < periode]
        banding = older[0] if older else None
    ukuran = params.get("ukuran") or "cakupan"
    if ukuran not in palette.MEASURES:
        raise InvalidInput(
            kolom="ukuran",
            pesan_rinci=f"ukuran {ukuran!r} tidak dikenal; pilih {', '.join(palette.MEASURES)}",
            detail=f"unknown measure {ukuran!r}; choose {', '.join(palette.MEASURES)}",
        )
    filters = filters_parse(
        sektor=params.get("sektor") or None,
        segmen=params.get("segmen") or None,
        jenis_kelamin=params.get("jenis_kelamin") or None,
    )
    return DashboardQuery(region_code, periode, banding or None, filters, ukuran)


@dataclass
class TrendChart:
    width: int
    height: int
    path: str
    points: list[dict[str, Any]]
    ticks: list[dict[str, Any]]
    target_y: float | None
    target_label: str


@dataclass
class Dashboard:
    query: DashboardQuery
    region: Region | None
    ancestors: list[Region]
    level: str | None
    periods: list[str]
    table: CoverageTable | None = None
    summary: CoverageRow | None = None
    rank: tuple[int, int] | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    chart: TrendChart | None = None
    legend: list[palette.LegendClass] = field(default_factory=list)
    crumbs: list[tuple[str, str | None]] = field(default_factory=list)
    row_urls: dict[str, str] = field(default_factory=dict)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level else ""

    @property
    def title(self) -> str:
        return self.region.name if self.region else "Indonesia"


def measure_value(row: CoverageRow, ukuran: str) -> float | None:
    value = {
        "cakupan": row.cakupan_persen,
        "pertumbuhan": row.pertumbuhan_persen,
        "kekurangan": row.kekurangan,
    }[ukuran]
    return None if value is None else float(value)


def dashboard_build(actor: Actor, query: DashboardQuery, url_base: str = "") -> Dashboard:
    """Everything the dashboard shows; `url_base` (the page's path) makes the drill-down links."""
    code = query.region_code
    board = Dashboard(
        query=query,
        region=region_get(code) if code else None,
        ancestors=list(region_ancestors(code)) if code else [],
        level=child_level(code),
        periods=coverage_periods(),
    )
    # Breadcrumbs: from the top of the user's scope down to the region shown.
    scope = actor.region_code
    if scope is None:
        board.crumbs.append(
            ("Indonesia", f"{url_base}?{query.params(region='')}" if code else None)
        )
    for a in board.ancestors:
        if scope is None or len(a.code) >= len(scope):
            board.crumbs.append((a.name, f"{url_base}?{query.params(region=a.code)}"))
    if board.region:
        board.crumbs.append((board.region.name, None))
    if not query.periode:
        return board
    common = {"periode": query.periode, "filters": query.filters, "banding": query.banding}
    if board.level:
        board.table = coverage_table(actor=actor, region_code=code, level=board.level, **common)
    if code:
        parent = code.rsplit(".", 1)[0] if "." in code else None
        level = code_level(code)
        if parent is None or actor.region_code is None or len(parent) >= len(actor.region_code):
            siblings = coverage_table(actor=actor, region_code=parent, level=level, **common)
            board.summary = next(r for r in siblings.rows if r.kode_wilayah == code)
            ranked = [r for r in siblings.rows if r.peringkat]
            if board.summary.peringkat and len(ranked) > 1:
                board.rank = (board.summary.peringkat, len(ranked))
        else:
            own = coverage_table(actor=actor, region_code=code, level=level, **common)
            board.summary = own.rows[0]
    else:
        board.summary = coverage_summary(
            actor=actor, region_code=None, periode=query.periode, filters=query.filters
        )
    board.trend = coverage_trend(actor=actor, region_code=code, filters=query.filters)
    target = board.table.target_persen if board.table else None
    board.chart = trend_chart(board.trend, target)
    rows = board.table.rows if board.table else []
    if board.level != "village":
        board.row_urls = {
            r.kode_wilayah: f"{url_base}?{query.params(region=r.kode_wilayah)}" for r in rows
        }
    board.legend = palette.legend(query.ukuran, [measure_value(r, query.ukuran) for r in rows])
    return board


def trend_chart(points: list[TrendPoint], target: Decimal | None) -> TrendChart | None:
    """Coordinates of an SVG line chart of coverage by period, with the target as a line."""
    values = [float(p.cakupan_persen) for p in points if p.cakupan_persen is not None]
    if not points:
        return None
    width, height, left, right, top, bottom = 640, 260, 44, 44, 14, 34
    top_value = max([*values, float(target) if target is not None else 0.0, 10.0]) * 1.15
    top_value = (int(top_value) // 10 + 1) * 10
    step = (width - left - right) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return round(top + (height - top - bottom) * (1 - v / top_value), 1)

    coords = []
    for i, p in enumerate(points):
        x = round(left + (i * step if len(points) > 1 else (width - left - right) / 2), 1)
        v = None if p.cakupan_persen is None else float(p.cakupan_persen)
        coords.append(
            {
                "x": x,
                "y": y(v) if v is not None else None,
                "periode": p.periode,
                "label": palette.format_number(v, 2) + "%" if v is not None else "–",
                "peserta": palette.format_number(p.peserta_aktif),
            }
        )
    drawn = [c for c in coords if c["y"] is not None]
    path = " ".join(f"{'M' if i == 0 else 'L'}{c['x']},{c['y']}" for i, c in enumerate(drawn))
    ticks = [{"y": y(v), "label": f"{v}%"} for v in range(0, top_value + 1, max(top_value // 5, 1))]
    return TrendChart(
        width=width,
        height=height,
        path=path,
        points=coords,
        ticks=ticks,
        target_y=y(float(target)) if target is not None else None,
        target_label=_("Target %(persen)s%%") % {"persen": palette.format_number(target, 2)}
        if target is not None
        else "",
    )


def map_geojson(board: Dashboard) -> dict[str, Any]:
    """The areas of the table as a FeatureCollection, coloured by the chosen measure."""
    if not board.table or not board.level:
        return {"type": "FeatureCollection", "features": []}
    ukuran = board.query.ukuran
    props = []
    for r in board.table.rows:
        value = measure_value(r, ukuran)
        props.append(
            {
                "code": r.kode_wilayah,
                "name": r.nama_wilayah,
                "warna": palette.colour_for(value, board.legend),
                "label": _value_label(value, ukuran),
                "detail": _("%(aktif)s active participants of %(bekerja)s employed")
                % {
                    "aktif": palette.format_number(r.peserta_aktif),
                    "bekerja": palette.format_number(r.penduduk_bekerja)
                    if r.penduduk_bekerja
                    else "?",
                },
                "estimasi": r.estimasi,
                **(
                    {"url": board.row_urls[r.kode_wilayah]}
                    if r.kode_wilayah in board.row_urls
                    else {}
                ),
            }
        )
    return feature_collection(board.level, props)


def _value_label(value: float | None, ukuran: str) -> str:
    if value is None:
        return _("No data")
    if ukuran == "kekurangan":
        return _("%(n)s more participants needed") % {"n": palette.format_number(value)}
    sign = "+" if ukuran == "pertumbuhan" and value > 0 else ""
    return f"{sign}{palette.format_number(value, 2)}%"
