"""The regional programme screens through HTTP: who may open each, what each shows, the scope cut,
and that sponsors see aggregates only."""

import re

from django.conf import settings

from cakupan.audit.models import AuditEntry
from cakupan.programmes.models import Roster
from tests.programmes.conftest import (
    BLAHBATUH,
    KERAMAS,
    SABA,
    make_funding,
    make_programme,
    make_sponsor,
    protect,
)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_overview_shows_map_programmes_budget_and_progress(
    client, region_scene, region_coverage, officer_gianyar, django_assert_max_num_queries
):
    client.force_login(officer_gianyar)
    with django_assert_max_num_queries(60):
        response = client.get("/program/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kabupaten Gianyar" in page and 'id="peta"' in page
    assert 'data-geojson="/program/peta.geojson?region=51.04&amp;periode=2023-12' in page
    for name in ("Petani Saba", "Petani Pering", "Nelayan Keramas", "Non-ASN Gianyar"):
        assert name in page
    assert "Non-ASN Provinsi Bali" not in page  # the province's programme is outside the scope
    # The submitted programme has an approve link to the village-side detail page.
    assert f'href="/program/{region_scene["b"].pk}/" class="button primary" data-approve' in page
    assert f'href="/program/{region_scene["a"].pk}/"' in page
    assert 'id="tabel-anggaran"' in page and "Rp20.160.000" in page
    assert 'id="tabel-tren"' in page
    assert "Saba" in page and 'data-status="berjalan"' in page


def test_overview_of_a_district_shows_coverage_and_the_target_gap(
    client, region_scene, region_coverage, officer_bali
):
    client.force_login(officer_bali)
    english(client)
    page = client.get(f"/program/?region={BLAHBATUH}").content.decode()
    assert "3.00%" in page  # 300 active ÷ 10,000 employed
    assert "4,700 more participants" in page  # 50% target: 5,000 − 300
    assert "1 / 9" in page  # one village of nine runs a programme
    assert "1 running, 2 planned or awaiting approval, 6 without a programme." in page


def test_analyst_sees_the_overview_without_approving(client, region_scene, analyst):
    client.force_login(analyst)
    page = client.get("/program/?region=51.04").content.decode()
    assert "Petani Pering" in page and "data-approve" not in page


def test_overview_roles_and_scope(
    client, region_scene, officer_gianyar, region_sponsor_user, make_user
):
    client.force_login(region_sponsor_user)
    response = client.get("/program/")
    assert response.status_code == 302 and response["Location"] == "/program/sponsor/"
    client.force_login(make_user("juri", "jury", "51"))
    assert client.get("/program/").status_code == 403
    assert client.get("/program/staf/").status_code == 403
    assert client.get("/program/sponsor/").status_code == 403
    assert client.get("/program/simulasi/").status_code == 403
    client.force_login(officer_gianyar)
    assert client.get("/program/?region=51.71").status_code == 403
    assert client.get("/program/peta.geojson?region=51.71").status_code == 403
    client.logout()
    assert client.get("/program/").status_code == 302  # to the login page


def test_map_lists_only_the_officer_s_own_villages(client, region_scene, officer_gianyar):
    client.force_login(officer_gianyar)
    english(client)
    data = client.get("/program/peta.geojson?periode=2023-12").json()
    codes = [f["properties"]["code"] for f in data["features"]]
    assert len(codes) == 70 and all(c.startswith("51.04.") for c in codes)
    saba = next(f["properties"] for f in data["features"] if f["properties"]["code"] == SABA)
    assert saba["status"] == "berjalan" and saba["warna"] == "#2166ac"
    assert saba["label"] == "Programme running"
    assert saba["detail"] == "103 protected in 2023-12, quota 110 · coverage unknown"
    vulnerable = client.get(
        f"/program/peta.geojson?region={BLAHBATUH}&periode=2023-12&warna=rentan"
    ).json()
    colours = {f["properties"]["code"]: f["properties"]["warna"] for f in vulnerable["features"]}
    assert colours[SABA] == "#2166ac" and colours[KERAMAS] == "#bababa"


def test_sponsor_sees_what_it_funded_and_no_names_or_nik(client, region_scene, region_sponsor_user):
    bank = make_sponsor("BPD Bali", "bank", "51", users=[region_sponsor_user])
    programme = make_programme(
        bank,
        make_funding(bank, sumber="CSR", jumlah=50_000_000),
        nama="CSR Keramas",
        villages={KERAMAS: 50},
    )
    people = protect(programme, KERAMAS, ["2023-12"], 40, nama="Ni Luh Rahasia")
    client.force_login(region_sponsor_user)
    page = client.get("/program/sponsor/").content.decode()
    assert "BPD Bali" in page and "CSR Keramas" in page and "Rp50.000.000" in page
    assert "Desa Saba" not in page and "Petani Saba" not in page
    assert "Ni Luh Rahasia" not in page
    assert all(person.nik not in page for person in people)
    assert not re.search(r"\d{16}|\d{4}\*{8}\d{4}", page)  # neither a NIK nor a masked one
    # On the map a sponsor sees its own programmes only; rosters are not its business.
    data = client.get("/program/peta.geojson?region=51.04.02&periode=2023-12").json()
    running = [
        f["properties"]["code"] for f in data["features"] if f["properties"]["status"] == "berjalan"
    ]
    assert running == [KERAMAS]
    response = client.get("/program/staf/")
    assert response.status_code == 302 and response["Location"] == "/program/sponsor/"
    assert client.post("/program/staf/", {"aksi": "isi"}).status_code == 403


def test_an_unlinked_sponsor_is_told_so(client, db, region_sponsor_user):
    client.force_login(region_sponsor_user)
    english(client)
    page = client.get("/program/sponsor/").content.decode()
    assert "Your account is not linked to a sponsor yet" in page


def test_staff_page_shows_the_share_and_what_it_is_made_of(client, region_scene, officer_bali):
    client.force_login(officer_bali)
    page = client.get("/program/staf/?region=51&jenis=non_asn").content.decode()
    assert "Dinas Sosial" in page and "99,00" in page
    assert "Non-ASN Provinsi Bali" in page and "APBD 2023" in page
    assert "64,50%" in page  # (99 + 30) ÷ 200
    assert 'id="tabel-tren-staf"' in page and "tren-grafik" in page
    assert 'id="unggah-daftar"' in page


def test_staff_upload_saves_rows_and_a_bad_file_shows_every_problem(client, db, officer_gianyar):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer_gianyar)
    good = SimpleUploadedFile(
        "daftar.csv",
        b"kode_wilayah,jenis,unit,periode,jumlah,sumber\n51.04,non_asn,Dinas Kesehatan,2024-01,40,\n",
    )
    response = client.post("/program/staf/", {"aksi": "unggah", "file": good})
    assert response.status_code == 302 and Roster.objects.get().jumlah == 40
    assert AuditEntry.objects.filter(action="roster.import").count() == 1
    bad = SimpleUploadedFile(
        "salah.csv",
        b"kode_wilayah,jenis,unit,periode,jumlah,sumber\n51.71,non_asn,Dinas,2024-01,4,\n"
        b"51.04,honorer,Dinas,2024-01,4,\n",
    )
    english(client)
    response = client.post("/program/staf/", {"aksi": "unggah", "file": bad})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="tabel-masalah"' in page
    assert "region 51.71 is outside your account&#x27;s scope (51.04)" in page
    assert "unknown value &#x27;honorer&#x27;" in page
    assert Roster.objects.count() == 1


def test_staff_entry_form_saves_one_count(client, db, officer_gianyar, analyst):
    client.force_login(officer_gianyar)
    response = client.post(
        "/program/staf/",
        {
            "aksi": "isi",
            "kode_wilayah": "51.04",
            "jenis": "perangkat_desa",
            "unit": "Saba",
            "periode": "2024-01",
            "jumlah": "11",
            "sumber": "",
        },
    )
    assert response.status_code == 302
    assert Roster.objects.get().unit == SABA
    client.force_login(analyst)
    assert client.get("/program/staf/").status_code == 200
    assert client.post("/program/staf/", {"aksi": "isi"}).status_code == 403


SIMULATE = (
    f"/program/simulasi/?region={BLAHBATUH}&per_desa=100&bulan=12&paket=JKK%2CJKM"
    "&penghasilan=&sudah_aktif=0&target=10&pembagian=proporsional&periode=&lewati=0&lewati=1"
)


def test_simulator_shows_cost_coverage_and_target(client, region_coverage, officer_gianyar):
    client.force_login(officer_gianyar)
    page = client.get(SIMULATE).content.decode()
    assert 'id="hasil-simulasi"' in page
    assert 'id="biaya-total">Rp181.440.000<' in page
    assert "12,00" in page and "3,00" in page  # Blahbatuh before and after
    assert "Kabupaten Gianyar" in page and ">Bali <" in page
    assert 'data-asumsi="orang_baru"' in page and "belum terlindungi" in page
    assert 'id="pekerja-dibutuhkan">700<' in page and "Rp141.120.000" in page
    assert (
        'data-geojson="/program/peta.geojson?region=51.04.02&amp;periode=2023-12&amp;warna=rentan"'
        in page
    )
    english(client)
    page = client.get(SIMULATE).content.decode()
    assert 'id="biaya-total">Rp181,440,000<' in page
    assert "not protected today" in page


def test_simulator_first_visit_and_the_running_villages_checkbox(
    client, region_coverage, region_scene, officer_gianyar
):
    client.force_login(officer_gianyar)
    first = client.get("/program/simulasi/").content.decode()
    assert 'id="hasil-simulasi"' in first and "Kabupaten Gianyar" in first
    skipped = client.get(SIMULATE).content.decode()
    assert 'id="biaya-total">Rp161.280.000<' in skipped  # Saba already runs one
    counted = client.get(SIMULATE.replace("&lewati=0&lewati=1", "&lewati=0")).content.decode()
    assert 'id="biaya-total">Rp181.440.000<' in counted


def test_simulator_roles_scope_and_errors(
    client, region_coverage, officer_denpasar, officer_gianyar, village_operator, make_user
):
    client.force_login(village_operator)
    assert client.get("/program/simulasi/").status_code == 403
    client.force_login(make_user("komite", "award_committee", "51"))
    page = client.get(SIMULATE).content.decode()
    assert 'id="biaya-total">Rp181.440.000<' in page and 'id="peta"' not in page
    client.force_login(officer_denpasar)
    assert 'id="galat-simulasi"' in client.get(SIMULATE).content.decode()
    client.force_login(officer_gianyar)
    page = client.get(SIMULATE.replace("penghasilan=", "penghasilan=500000")).content.decode()
    assert 'id="galat-simulasi"' in page
    assert "Declared income Rp500000 is below the lowest allowed, Rp1000000" in page


def test_a_village_operator_sees_its_own_village_only(client, region_scene, village_operator):
    client.force_login(village_operator)  # Batubulan, 51.04.01.2001
    page = client.get("/program/").content.decode()
    assert "Batubulan" in page and "0 / 1" in page  # its one village runs no programme
    assert "Petani Saba" not in page
    data = client.get("/program/peta.geojson").json()
    assert [f["properties"]["code"] for f in data["features"]] == ["51.04.01.2001"]
    assert client.get("/program/?region=51.04.02").status_code == 403


def test_a_national_user_chooses_a_region_first(client, region_scene, make_user):
    client.force_login(make_user("pusat", "bpjs_admin", None))
    english(client)
    page = client.get("/program/").content.decode()
    assert "Choose a province, regency or district" in page and "Petani Saba" in page
    assert client.get("/program/peta.geojson").json()["features"] == []
    simulator = client.get("/program/simulasi/")
    assert simulator.status_code == 200 and 'id="hasil-simulasi"' not in simulator.content.decode()
    assert client.get("/program/staf/").status_code == 200
    assert client.get("/program/sponsor/").status_code == 200
