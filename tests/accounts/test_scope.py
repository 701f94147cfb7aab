"""A village operator reads only their village, through every path: selector, page, export, API."""

import pytest

from cakupan.errors import OutOfScope, PermissionDenied
from cakupan.registry.models import Participant
from cakupan.registry.selectors import participant_list

NIK_KETEWEL = "5104010303800003"


def test_village_operator_sees_only_their_village(village_operator, participants):
    names = set(participant_list(actor=village_operator).values_list("nama", flat=True))
    assert names == {"Ni Made Batubulan", "Wayan Batubulan"}


def test_regional_admin_sees_the_whole_province(bpjs_admin, participants):
    assert participant_list(actor=bpjs_admin).count() == 4


def test_analyst_reads_no_participant_rows(analyst, participants):
    with pytest.raises(PermissionDenied):
        participant_list(actor=analyst)
    assert Participant.objects.visible_to(analyst).count() == 0


def test_outsider_cannot_find_another_villages_person_by_nik(other_village_operator, participants):
    assert participant_list(actor=other_village_operator, search="5104014101900001").count() == 0


def test_outsider_page_does_not_list_other_village(client, other_village_operator, participants):
    client.force_login(other_village_operator)
    body = client.get("/registri/peserta/").content.decode()
    assert "Ketut Ketewel" in body
    assert "Batubulan" not in body


def test_outsider_export_holds_only_their_village(client, other_village_operator, participants):
    client.force_login(other_village_operator)
    response = client.get("/registri/peserta/ekspor/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0] == "nik,nama,tanggal_lahir,jenis_kelamin,kode_wilayah"
    assert len(lines) == 2 and "Ketut Ketewel" in lines[1]
    # masked: a village operator does not need the full NIK
    assert NIK_KETEWEL not in body and "5104********0003" in body


def test_outsider_api_returns_only_their_village(client, other_village_operator, participants):
    client.force_login(other_village_operator)
    data = client.get("/api/v1/participants").json()
    assert data["count"] == 1
    assert [p["nama"] for p in data["items"]] == ["Ketut Ketewel"]
    assert data["items"][0]["nik"] == "5104********0003"


def test_outsider_api_filter_on_other_village_returns_nothing(
    client, other_village_operator, participants
):
    client.force_login(other_village_operator)
    data = client.get("/api/v1/participants?kode_wilayah=51.04.01.2001").json()
    assert data["count"] == 0


def test_admin_sees_full_nik_operator_sees_masked(client, bpjs_admin, participants):
    client.force_login(bpjs_admin)
    items = client.get("/api/v1/participants?nama=Ketewel").json()["items"]
    assert items[0]["nik"] == NIK_KETEWEL


def test_coverage_for_region_outside_scope_is_refused(client, village_operator, participants):
    client.force_login(village_operator)
    response = client.get("/api/v1/coverage?region=51.71&level=village&period=2023-12")
    assert response.status_code == 403
    assert response.json()["kode"] == OutOfScope.kode
