"""The regency PDF brief: one A4 page whatever the data, Indonesian text, real Badung geometry."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from cakupan.coverage.report import (
    ESTIMATE_NOTE,
    CoverageReport,
    ReportArea,
    period_label,
    report_pdf,
    sanitise,
)

GEO = Path(__file__).parents[2] / "src/cakupan/static/geo/bali-districts.geojson"

# (code, name, peserta aktif, penduduk bekerja, estimated, peserta a year earlier)
BADUNG = [
    ("51.03.01", "Kuta", 41_870, 62_400, False, 38_900),
    ("51.03.02", "Mengwi", 45_310, 128_700, False, 43_100),
    ("51.03.03", "Abiansemal", 22_480, 89_300, True, 22_950),
    ("51.03.04", "Petang", 5_120, 27_100, True, 4_870),
    ("51.03.05", "Kuta Selatan", 64_905, 143_200, False, 60_240),
    ("51.03.06", "Kuta Utara", 35_730, 95_900, False, 33_050),
]
TARGET = Decimal("45")


def _pct(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.01"))


def _gap(active: int, workers: int) -> int:
    return max(0, -(-int(TARGET) * workers // 100) - active)


def badung_geometry() -> dict:
    features = json.loads(GEO.read_text())["features"]
    return {
        "type": "FeatureCollection",
        "features": [f for f in features if f["properties"]["regency_code"] == "51.03"],
    }


def badung_area(code: str, name: str, active: int, workers: int, est: bool, before: int):
    return ReportArea(
        kode_wilayah=code,
        nama_wilayah=name,
        peserta_aktif=active,
        penduduk_bekerja=workers,
        cakupan_persen=_pct(active, workers),
        estimasi=est,
        pertumbuhan_persen=_pct(active - before, before),
        kekurangan=_gap(active, workers),
    )


def badung_report() -> CoverageReport:
    """Kabupaten Badung, December 2023: 215.415 of 546.600 workers covered, 39,41%."""
    areas = [badung_area(*row) for row in BADUNG]
    active = sum(a.peserta_aktif for a in areas)
    workers = sum(a.penduduk_bekerja or 0 for a in areas)
    before = sum(row[5] for row in BADUNG)
    summary = ReportArea(
        kode_wilayah="51.03",
        nama_wilayah="Kabupaten Badung",
        peserta_aktif=active,
        penduduk_bekerja=workers,
        cakupan_persen=_pct(active, workers),
        estimasi=False,
        pertumbuhan_persen=_pct(active - before, before),
        kekurangan=_gap(active, workers),
    )
    trend = [
        ("2023-01", Decimal("35.12"), 191_960),
        ("2023-03", Decimal("35.90"), 196_230),
        ("2023-06", Decimal("37.05"), 202_520),
        ("2023-09", Decimal("38.22"), 208_910),
        ("2023-12", summary.cakupan_persen, active),
    ]
    return CoverageReport(
        region_code="51.03",
        region_name="Kabupaten Badung",
        periode="2023-12",
        banding="2022-12",
        target_persen=TARGET,
        summary=summary,
        areas=areas,
        trend=trend,
        definisi=(
            "Cakupan = peserta aktif BPJS Ketenagakerjaan pada akhir periode (semua segmen, "
            "menurut domisili) dibagi penduduk bekerja usia 15 tahun ke atas di wilayah dan "
            "periode yang sama, dikali 100."
        ),
        sumber_penyebut=(
            "BPS, Survei Angkatan Kerja Nasional (Sakernas) Agustus 2023, Kabupaten Badung; "
            "kecamatan bertanda * diestimasi dari angka kabupaten menurut sebaran peserta."
        ),
        geometry=badung_geometry(),
        dibuat=datetime(2024, 1, 15, 9, 30),
        oleh="kadis.badung",
    )


def _read(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_badung_report_is_one_page_with_the_figures_in_indonesian():
    report = badung_report()
    assert report.summary.cakupan_persen == Decimal("39.41")

    pdf = report_pdf(report)

    assert pdf.startswith(b"%PDF")
    pages, text = _read(pdf)
    assert pages == 1
    for expected in (
        "Laporan Cakupan Jaminan Sosial Ketenagakerjaan",
        "Kabupaten Badung",
        "Desember 2023",
        "Desember 2022",
        "Kuta Selatan",
        "Abiansemal",
        "39,41%",
        "215.415",
        "546.600",
        "Target 45%",
        ESTIMATE_NOTE,
        "Dibuat 15 Januari 2024 pukul 09.30 oleh kadis.badung",
    ):
        assert expected in text, expected


def test_report_metadata_is_set_and_output_is_deterministic():
    report = badung_report()
    pdf = report_pdf(report)

    meta = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title == "Laporan Cakupan Kabupaten Badung Desember 2023"
    assert meta.author == "kadis.badung"
    assert b"/Lang (id)" in pdf
    assert report_pdf(report) == pdf


def test_districts_are_numbered_by_coverage_descending():
    _, text = _read(report_pdf(badung_report()))

    rows = re.findall(r"^(\d+) (\D+?) [\d.]+ [\d.*]+ ([\d,]+)%", text, flags=re.MULTILINE)
    assert rows == [
        ("1", "Kuta", "67,10"),
        ("2", "Kuta Selatan", "45,32"),
        ("3", "Kuta Utara", "37,26"),
        ("4", "Mengwi", "35,21"),
        ("5", "Abiansemal", "25,17"),
        ("6", "Petang", "18,89"),
    ]


def test_25_districts_still_fit_on_one_page():
    report = badung_report()
    areas = [
        ReportArea(
            kode_wilayah=f"99.01.{i:02d}",
            nama_wilayah=f"Kecamatan Nomor {i}",
            peserta_aktif=1_000 * i,
            penduduk_bekerja=10_000,
            cakupan_persen=Decimal(10 * i) / 4,
            estimasi=i % 3 == 0,
            pertumbuhan_persen=Decimal(i - 12),
            kekurangan=max(0, 4_500 - 1_000 * i),
        )
        for i in range(1, 26)
    ]
    report = replace(report, areas=areas, geometry={"type": "FeatureCollection", "features": []})

    pages, text = _read(report_pdf(report))

    assert pages == 1
    assert "Kecamatan Nomor 1 " in text and "Kecamatan Nomor 25 " in text
    assert "kecamatan lain" not in text


def test_more_than_30_districts_are_truncated_with_a_count():
    report = badung_report()
    areas = [
        ReportArea(f"99.01.{i:02d}", f"Kecamatan {i}", 100 * i, 10_000, Decimal(i))
        for i in range(1, 41)
    ]

    pages, text = _read(report_pdf(replace(report, areas=areas)))

    assert pages == 1
    assert "… dan 11 kecamatan lain" in text
    assert "Kecamatan 40 " in text and "Kecamatan 11 " not in text


def test_single_period_no_comparison_and_no_target():
    report = replace(
        badung_report(),
        banding=None,
        target_persen=None,
        trend=[("2023-12", Decimal("39.41"), 215_415)],
    )

    pages, text = _read(report_pdf(report))

    assert pages == 1
    assert "39,41%" in text
    assert "Pertumbuhan" not in text
    assert "Kekurangan" not in text and "Target" not in text


def test_no_trend_at_all():
    pages, text = _read(report_pdf(replace(badung_report(), trend=[])))

    assert pages == 1
    assert "Belum ada data tren cakupan." in text


def test_missing_values_and_odd_characters_do_not_break_the_report():
    report = badung_report()
    summary = replace(
        report.summary,
        nama_wilayah="Kabupaten Badung",
        penduduk_bekerja=None,
        cakupan_persen=None,
        pertumbuhan_persen=None,
        kekurangan=None,
    )
    areas = [
        ReportArea("51.03.01", "Kuta – Pantai ñ ≥ 5 × 2 “Legian” ☃", 100, None, None),
        ReportArea("51.03.02", "Mengwi", 0, 1_000, Decimal("0")),
        ReportArea("51.03.03", "Abiansemal", 1_500, 1_000, Decimal("150"), True),
    ]
    trend = [("2023-06", None, 0), ("2023-09", Decimal("38.22"), 10), ("2023-12", None, 12)]
    report = replace(
        report,
        region_name="Kabupaten Badung – Uji ≥ ñ",
        summary=summary,
        areas=areas,
        trend=trend,
        definisi="Cakupan = peserta ÷ penduduk bekerja × 100; ≥ 15 tahun − uji ☃.",
        oleh="pengguna–ñ",
    )

    pages, text = _read(report_pdf(report))

    assert pages == 1
    assert "Kabupaten Badung – Uji >= ñ" in text
    assert "Kuta – Pantai ñ" in text
    assert "150,00%" in text and "di atas 100%" in text


def test_empty_geometry_and_unknown_period_format():
    report = replace(badung_report(), geometry={}, periode="2023")

    pages, text = _read(report_pdf(report))

    assert pages == 1
    assert "Peta wilayah tidak tersedia." in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kuta – Selatan", "Kuta – Selatan"),
        ("≥ 15 tahun", ">= 15 tahun"),
        ("5 × 2 ÷ 1", "5 × 2 ÷ 1"),
        ("Peñalolén", "Peñalolén"),
        ("−3", "-3"),
        ("Łódź", "Lódz"),
        ("☃", "?"),
        ("Kuta\u00adSel\u200batan\x07", "KutaSelatan"),
        ("baris\nbaru", "baris\nbaru"),
    ],
)
def test_sanitise_keeps_cp1252_and_replaces_the_rest(text, expected):
    assert sanitise(text) == expected


def test_period_label_is_indonesian():
    assert period_label("2023-12") == "Desember 2023"
    assert period_label("2024-08", short=True) == "Agu 2024"
    assert period_label("2023") == "2023"
