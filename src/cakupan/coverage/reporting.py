"""The PDF report's content from a dashboard: the region, its areas, trend and definition."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from cakupan.coverage.dashboard import Dashboard
from cakupan.coverage.geo import feature_collection
from cakupan.coverage.report import CoverageReport, ReportArea
from cakupan.coverage.selectors import CoverageRow
from cakupan.errors import InvalidInput


def _area(r: CoverageRow) -> ReportArea:
    return ReportArea(
        kode_wilayah=r.kode_wilayah,
        nama_wilayah=r.nama_wilayah,
        peserta_aktif=r.peserta_aktif,
        penduduk_bekerja=r.penduduk_bekerja,
        cakupan_persen=r.cakupan_persen,
        estimasi=r.estimasi,
        pertumbuhan_persen=r.pertumbuhan_persen,
        kekurangan=r.kekurangan,
    )


def definition_text(board: Dashboard) -> str:
    """The definition behind the report's figures, in words (Indonesian)."""
    f = board.query.filters
    who = {
        "semua": "semua segmen (PU, BPU, JAKON, PMI)",
        "formal": "sektor formal (PU dan JAKON)",
        "informal": "sektor informal (BPU)",
    }[f.sektor]
    if f.segmen:
        who = f"segmen {f.segmen}"
    if f.jenis_kelamin:
        who += ", " + ("laki-laki" if f.jenis_kelamin == "L" else "perempuan")
    return (
        f"Cakupan = peserta aktif {who} ÷ penduduk bekerja {f.sektor} × 100, periode "
        f"{board.query.periode}. Peserta aktif: TMT paling lambat akhir periode dan iuran "
        "terbayar sampai periode itu. Peserta PMI dihitung dalam total, tidak dalam sektor."
    )


def regency_report(board: Dashboard, *, generated_by: str, now: datetime) -> CoverageReport:
    """A CoverageReport of the dashboard's region (a regency, or any region with areas below)."""
    if board.region is None or board.table is None or board.summary is None or not board.level:
        raise InvalidInput(
            kolom="region",
            pesan_rinci="laporan PDF dibuat untuk satu provinsi, kabupaten/kota atau kecamatan",
            detail="the PDF report is made for one province, regency/city or district",
        )
    table = board.table
    sources = sorted({r.sumber_penyebut for r in [board.summary, *table.rows] if r.sumber_penyebut})
    geometry = feature_collection(
        board.level, [{"code": r.kode_wilayah, "name": r.nama_wilayah} for r in table.rows]
    )
    return CoverageReport(
        region_code=board.region.code,
        region_name=board.region.name,
        periode=board.query.periode or "",
        banding=board.query.banding,
        target_persen=table.target_persen,
        summary=_area(board.summary),
        areas=[_area(r) for r in table.rows],
        trend=[(p.periode, p.cakupan_persen, p.peserta_aktif) for p in board.trend],
        definisi=definition_text(board),
        sumber_penyebut="; ".join(sources[:3]) or _("No working-population figure"),
        geometry=geometry,
        dibuat=now,
        oleh=generated_by,
    )
