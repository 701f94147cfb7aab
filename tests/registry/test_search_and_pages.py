"""Registry search, participant and employer pages, NIK reveal and the lookup APIs."""

from datetime import date

from cakupan.audit.models import AuditEntry
from cakupan.registry.models import Employer, Membership
from cakupan.registry.selectors import participant_search

NIK_KETEWEL = "5104010303800003"


def names(results):
    return [p.nama for p in results]


def test_name_search_ignores_case_and_accents(bpjs_admin, participants):
    assert names(participant_search(actor=bpjs_admin, q="kétut KETEWEL")) == ["Ketut Ketewel"]


def test_misspelled_name_is_found_best_match_first(bpjs_admin, participants):
    assert names(participant_search(actor=bpjs_admin, q="Wayan Batubulam"))[0] == "Wayan Batubulan"
    assert names(participant_search(actor=bpjs_admin, q="Wayn Batubulan"))[0] == "Wayan Batubulan"


def test_kpj_search(bpjs_admin, participants):
    Membership.objects.filter(participant=participants[2]).update(kpj="23000000077")
    assert names(participant_search(actor=bpjs_admin, q="23000000077")) == ["Ketut Ketewel"]


def test_status_and_segment_filters(bpjs_admin, participants):
    Membership.objects.filter(participant=participants[0]).update(bulan_iuran_terakhir="2023-06")
    lapsed = participant_search(actor=bpjs_admin, status="tidak_aktif", periode="2023-12")
    assert names(lapsed) == ["Ni Made Batubulan"]
    assert participant_search(actor=bpjs_admin, segmen="PU", periode="2023-12").count() == 0


def test_region_filter_stays_inside_scope(village_operator, participants):
    results = participant_search(actor=village_operator, kode_wilayah="51.71")
    assert results.count() == 0


def test_participant_page_shows_memberships_through_time(
    client, other_village_operator, participants
):
    p = participants[2]
    Membership.objects.create(
        periode="2022-12",
        participant=p,
        segmen="BPU",
        kode_wilayah=p.kode_wilayah,
        jenis_kelamin="L",
        program="JKK,JKM",
        tmt=date(2022, 1, 1),
        bulan_iuran_terakhir="2022-12",
    )
    client.force_login(other_village_operator)  # Ketewel's operator: NIK masked
    body = client.get(f"/registri/peserta/{p.pk}/").content.decode()
    assert body.index("2023-12") < body.index("2022-12")
    assert "5104********0003" in body and NIK_KETEWEL not in body


def test_nik_reveal_is_audited_and_only_for_roles_that_need_it(
    client, bpjs_admin, village_operator, participants
):
    p = participants[0]
    client.force_login(village_operator)
    assert client.post(f"/registri/peserta/{p.pk}/nik/").status_code == 403
    client.force_login(bpjs_admin)
    response = client.post(f"/registri/peserta/{p.pk}/nik/")
    assert p.nik in response.content.decode()
    entry = AuditEntry.objects.get(action="nik.reveal")
    assert entry.actor == bpjs_admin and entry.target_id == str(p.pk)


def test_participant_page_of_another_village_is_404(client, other_village_operator, participants):
    client.force_login(other_village_operator)
    assert client.get(f"/registri/peserta/{participants[0].pk}/").status_code == 404


def test_employer_page_lists_workers_per_period(client, bpjs_admin, participants):
    employer = Employer.objects.create(npp="12345678", nama="PT Satu", kode_wilayah="51.04.01.2001")
    Membership.objects.filter(participant=participants[0]).update(segmen="PU", employer=employer)
    client.force_login(bpjs_admin)
    body = client.get(f"/registri/pemberi-kerja/{employer.pk}/").content.decode()
    assert "Ni Made Batubulan" in body and "2023-12" in body
    assert "PT Satu" in client.get("/registri/pemberi-kerja/?q=12345678").content.decode()


def test_api_lookup_by_nik_in_the_body(client, bpjs_admin, participants):
    client.force_login(bpjs_admin)
    response = client.post(
        "/api/v1/participants/lookup", {"nik": NIK_KETEWEL}, content_type="application/json"
    )
    data = response.json()
    assert data["nama"] == "Ketut Ketewel" and data["memberships"][0]["periode"] == "2023-12"


def test_api_lookup_outside_scope_is_404(client, village_operator, participants):
    client.force_login(village_operator)
    response = client.post(
        "/api/v1/participants/lookup", {"nik": NIK_KETEWEL}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["kode"] == "tidak_ditemukan"


def test_api_lookup_needs_exactly_one_key(client, bpjs_admin, participants):
    client.force_login(bpjs_admin)
    response = client.post("/api/v1/participants/lookup", {}, content_type="application/json")
    assert response.status_code == 422 and response.json()["kode"] == "masukan_tidak_valid"


def test_api_employer_lookup_by_npp(client, bpjs_admin, db):
    Employer.objects.create(
        npp="12345678", nib="9120000000001", nama="PT Satu", kode_wilayah="51.04.01.2001"
    )
    Employer.objects.create(npp="87654321", nama="PT Jakarta", kode_wilayah="31.71.01.1001")
    client.force_login(bpjs_admin)
    items = client.get("/api/v1/employers?nib=9120000000001").json()["items"]
    assert [e["npp"] for e in items] == ["12345678"]
    assert client.get("/api/v1/employers?npp=87654321").json()["count"] == 0  # outside Bali


def test_api_import_status(client, bpjs_admin, tmp_path, db):
    from cakupan.imports.services.employers import employer_import

    path = tmp_path / "e.csv"
    path.write_text("npp,nama,kode_wilayah\n12345678,PT Satu,51.04.01.2001\n")
    record = employer_import(path=path, acting_user=bpjs_admin).record
    client.force_login(bpjs_admin)
    data = client.get(f"/api/v1/imports/{record.pk}").json()
    assert (data["outcome"], data["rows_imported"], len(data["sha256"])) == ("imported", 1, 64)


def test_openapi_schema_lists_the_registry_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/participants/lookup",
        "/api/v1/employers",
        "/api/v1/imports/{record_id}",
    } <= set(paths)
