"""Dashboard, map data, exports, PDF report, reconciliation and the coverage API, through HTTP."""

import csv
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from cakupan.audit.models import AuditEntry
from cakupan.coverage.facts import facts_refresh
from cakupan.coverage.models import CoverageDefinition, PublishedFigure, Workforce


@pytest.fixture
def gianyar(participants):
    """Gianyar with 1,000 employed people (imported); its district and villages estimated."""
    from cakupan.coverage.workforce import workforce_estimate

    Workforce.objects.create(
        kode_wilayah="51.04",
        periode="2023-12",
        sektor="semua",
        jenis_kelamin="semua",
        penduduk_bekerja=1000,
        sumber="Sakernas uji",
    )
    workforce_estimate("2023-12")
    return participants


def test_dashboard_shows_summary_table_map_and_trend(client, bpjs_admin, gianyar):
    client.force_login(bpjs_admin)
    page = client.get("/cakupan/?region=51").content.decode()
    assert "Kabupaten Gianyar" in page and 'id="peta"' in page
    assert 'data-geojson="/cakupan/peta.geojson?region=51' in page
    assert "tren-grafik" in page  # the trend chart
    assert "Kota Denpasar" in page
    # Drill-down link to the regency, breadcrumbs back up.
    assert "/cakupan/?region=51.04" in page
    district = client.get("/cakupan/?region=51.04").content.decode()
    assert "Sukawati" in district and "/cakupan/?region=51" in district
    assert "*" in district  # estimated denominators are marked


def test_map_geojson_colours_areas_and_links_down(client, bpjs_admin, gianyar):
    client.force_login(bpjs_admin)
    data = client.get("/cakupan/peta.geojson?region=51").json()
    assert len(data["features"]) == 9
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert props["51.04"]["label"] == "0,30%"  # 3 active ÷ 1,000
    assert props["51.04"]["warna"].startswith("#") and "region=51.04&" in props["51.04"]["url"]
    assert props["51.71"]["label"] in ("Tidak ada data", "No data")
    villages = client.get("/cakupan/peta.geojson?region=51.04.01").json()
    assert villages["features"] and "url" not in villages["features"][0]["properties"]


def test_filters_change_the_numbers(client, bpjs_admin, gianyar):
    client.force_login(bpjs_admin)
    data = client.get("/api/v1/coverage?region=51&level=regency&period=2023-12&jenis_kelamin=P")
    gianyar_row = next(r for r in data.json()["rows"] if r["kode_wilayah"] == "51.04")
    assert gianyar_row["peserta_aktif"] == 1  # Ni Made Batubulan


def test_scope_limits_the_dashboard(client, village_operator, gianyar):
    client.force_login(village_operator)
    assert client.get("/cakupan/?region=51.71").status_code == 403
    assert client.get("/cakupan/peta.geojson?region=51").status_code == 403
    own = client.get("/cakupan/").content.decode()
    assert "Batubulan" in own


def test_export_marks_estimates_and_is_audited(client, bpjs_admin, gianyar):
    client.force_login(bpjs_admin)
    response = client.get("/cakupan/ekspor/?region=51.04.01&format=csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    batubulan = next(r for r in rows if r["kode_wilayah"] == "51.04.01.2001")
    assert batubulan["penduduk_bekerja_estimasi"] == "True"
    assert "estimasi" in batubulan["sumber_penyebut"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["what"] == "coverage" and entry.row_count == len(rows)
    xlsx = client.get("/cakupan/ekspor/?region=51&format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_analyst_exports_village_operator_may_not(client, analyst, village_operator, gianyar):
    client.force_login(village_operator)
    assert client.get("/cakupan/ekspor/?format=csv").status_code == 403
    client.force_login(analyst)
    assert client.get("/cakupan/ekspor/?region=51&format=csv").status_code == 200


def test_pdf_report_names_the_regency_and_is_audited(client, bpjs_admin, gianyar):
    client.force_login(bpjs_admin)
    response = client.get("/cakupan/laporan.pdf?region=51.04")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Kabupaten Gianyar" in text and "Sukawati" in text
    assert AuditEntry.objects.get(action="export").detail["what"] == "coverage_report"


def test_growth_against_an_earlier_period(client, bpjs_admin, gianyar):
    from cakupan.registry.models import Membership

    first = Membership.objects.order_by("id").first()
    first.pk = None
    first.periode = "2022-12"
    first.tmt = first.tmt.replace(year=2022)
    first.bulan_iuran_terakhir = "2022-12"
    first.save()
    facts_refresh("2022-12")
    client.force_login(bpjs_admin)
    data = client.get(
        "/api/v1/coverage?region=51&level=regency&period=2023-12&compare=2022-12"
    ).json()
    row = next(r for r in data["rows"] if r["kode_wilayah"] == "51.04")
    assert (row["peserta_aktif_banding"], row["pertumbuhan_persen"]) == (1, 200.0)
    trend = client.get("/api/v1/coverage/trend?region=51.04").json()
    assert [(p["periode"], p["peserta_aktif"]) for p in trend] == [("2022-12", 1), ("2023-12", 3)]
    page = client.get("/cakupan/?region=51").content.decode()
    assert "+200" in page


def test_api_shape_target_gap_and_rank(client, bpjs_admin, gianyar):
    client.force_login(bpjs_admin)
    data = client.get("/api/v1/coverage?region=51&level=regency&period=2023-12&target=10").json()
    assert data["target_persen"] == 10.0
    row = next(r for r in data["rows"] if r["kode_wilayah"] == "51.04")
    assert row["kekurangan"] == 97  # 10% of 1,000 = 100, 3 active
    assert row["peringkat"] == 1 and row["di_atas_100"] is False
    bad = client.get("/api/v1/coverage?region=51&level=kota&period=2023-12")
    assert bad.status_code == 422 and bad.json()["kode"] == "masukan_tidak_valid"


def test_openapi_has_coverage_examples(client):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/coverage"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["example"]["rows"]


def test_reconciliation_reproduces_explains_and_accepts_new_figures(
    client, analyst, village_operator, gianyar
):
    Workforce.objects.filter(kode_wilayah="51.04").update(penduduk_bekerja=1000)
    PublishedFigure.objects.create(
        kode_wilayah="51.04",
        periode="2023-12",
        ukuran="cakupan",
        nilai=Decimal("0.3"),
        label="Cakupan Gianyar uji",
        sumber="uji",
    )
    PublishedFigure.objects.create(
        kode_wilayah="51.04",
        periode="2023-12",
        ukuran="peserta",
        nilai=Decimal("300"),
        label="Peserta Gianyar uji",
        sumber="uji",
        definisi=CoverageDefinition.objects.get(kode="aktif"),
    )
    client.force_login(analyst)
    page = client.get("/cakupan/definisi/").content.decode()
    assert "Cakupan Gianyar uji" in page and "Direproduksi oleh definisi" in page
    assert "memuat 1,0% dari angka terbitan" in page  # 3 of 300: incomplete registry
    assert "(100% − 72%) × 59%" in page and "32,36%" in page  # Bali's published mix check
    response = client.post(
        "/cakupan/definisi/",
        {
            "kode_wilayah": "51.04",
            "periode": "2023-12",
            "ukuran": "cakupan",
            "nilai": "0.30",
            "label": "Angka baru",
            "sumber": "Koran uji",
        },
    )
    assert response.status_code == 302
    assert PublishedFigure.objects.filter(label="Angka baru").exists()
    assert AuditEntry.objects.filter(action="published_figure.add").count() == 1
    client.force_login(village_operator)
    refused = client.post(
        "/cakupan/definisi/",
        {
            "kode_wilayah": "51.04",
            "periode": "2023-12",
            "ukuran": "cakupan",
            "nilai": "1",
            "label": "x",
            "sumber": "y",
        },
    )
    assert refused.status_code == 403
