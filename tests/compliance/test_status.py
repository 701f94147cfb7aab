"""Each compliance status with its reason, computed for all employers; follow-up and its pages."""

from datetime import date

import pytest

from cakupan.audit.models import AuditEntry
from cakupan.compliance.models import Business, ComplianceStatus, FollowUp, Status
from cakupan.compliance.status import status_refresh
from cakupan.registry.models import Employer, Membership, Participant

P = "2024-03"
BADUNG_UMK_2024 = 3_318_628


def employer(
    npp: str, skala: str = "kecil", kode: str = "51.03.01.1002", nib: str = ""
) -> Employer:
    return Employer.objects.create(
        npp=npp, nama=f"PT Uji {npp}", kode_wilayah=kode, skala=skala, nib=nib
    )


_serial = iter(range(1, 10_000))


def worker(e: Employer, *, upah=BADUNG_UMK_2024, program="JKK,JKM,JHT", paid=P, periode=P):
    n = next(_serial)
    p = Participant.objects.create(
        nik=f"510301010190{n:04d}",
        nama=f"Pekerja {n}",
        jenis_kelamin="L",
        kode_wilayah=e.kode_wilayah,
        tanggal_lahir=date(1990, 1, 1),
    )
    Membership.objects.create(
        periode=periode,
        participant=p,
        segmen="PU",
        employer=e,
        kode_wilayah=e.kode_wilayah,
        jenis_kelamin="L",
        program=program,
        upah=upah,
        tmt=date(2019, 1, 1),
        bulan_iuran_terakhir=paid,
    )


@pytest.fixture
def world(db):
    ok = employer("10000001", nib="9120000000001")
    worker(ok)
    worker(ok)
    short = employer("10000002")
    worker(short)
    Business.objects.create(
        nib="9120000000002",
        nama="PT Uji 10000002",
        kode_wilayah="51.03.01.1002",
        jumlah_pekerja=5,
        employer=short,
        cocok_metode="nib",
    )
    Business.objects.create(
        nib="9120000000009", nama="CV Belum Daftar", kode_wilayah="51.03.01.1002", jumlah_pekerja=12
    )
    Business.objects.create(
        nib="9120000000008", nama="UD Tanpa Pekerja", kode_wilayah="51.03.01.1002", jumlah_pekerja=0
    )
    low = employer("10000003")
    worker(low, upah=2_000_000)
    worker(low)
    missing = employer("10000004", skala="menengah")
    worker(missing, program="JKK,JKM,JHT")  # a medium firm must also give JP
    late = employer("10000005")
    worker(late, paid="2023-12")
    status_refresh(P)
    return {r.npp or r.nib: r for r in ComplianceStatus.objects.filter(periode=P)}


def test_each_status_with_its_reason(world):
    assert world["10000001"].status == Status.PATUH
    assert world["10000001"].pekerja_terdaftar == 2
    assert "2 pekerja aktif" in world["10000001"].alasan[0]["pesan"]

    pds_tk = world["10000002"]
    assert (pds_tk.status, pds_tk.pekerja_terdaftar, pds_tk.pekerja_dilaporkan) == (
        Status.PDS_TK,
        1,
        5,
    )
    assert pds_tk.nib == "9120000000002"  # known through the licensing list
    assert "1 active workers registered of the 5" in pds_tk.alasan[0]["message"]

    pwbd = world["9120000000009"]
    assert pwbd.status == Status.PWBD and pwbd.npp == "" and pwbd.pekerja_dilaporkan == 12
    assert "9120000000008" not in world  # no workers, no obligation

    upah = world["10000003"]
    assert upah.status == Status.PDS_UPAH
    assert "3.318.628" in upah.alasan[0]["pesan"] and "1 worker" in upah.alasan[0]["message"]

    program = world["10000004"]
    assert program.status == Status.PDS_PROGRAM and "JP" in program.alasan[0]["pesan"]

    late = world["10000005"]
    assert late.status == Status.TUNGGAKAN
    assert "3 bulan" in late.alasan[0]["pesan"] and late.pekerja_terdaftar == 0


def test_worst_reason_decides_and_all_reasons_are_kept(db):
    e = employer("10000006", skala="besar")
    worker(e, upah=1_000_000, program="JKK,JKM")
    Business.objects.create(
        nib="9120000000006",
        nama="x",
        kode_wilayah=e.kode_wilayah,
        jumlah_pekerja=3,
        employer=e,
        cocok_metode="nib",
    )
    status_refresh(P)
    row = ComplianceStatus.objects.get(npp="10000006")
    assert row.status == Status.PDS_TK
    assert [a["kode"] for a in row.alasan] == ["pds_tk", "pds_upah", "pds_program"]


def test_no_minimum_wage_for_the_year_says_wages_were_not_checked(db):
    e = employer("10000007")
    worker(e, upah=1, periode="2019-12", paid="2019-12")
    status_refresh("2019-12")
    row = ComplianceStatus.objects.get(npp="10000007", periode="2019-12")
    assert row.status == Status.PATUH
    assert any(a["kode"] == "upah_tidak_diperiksa" for a in row.alasan)


def test_refresh_replaces_the_period(world):
    Membership.objects.filter(employer__npp="10000005").update(bulan_iuran_terakhir=P)
    status_refresh(P)
    assert ComplianceStatus.objects.get(npp="10000005", periode=P).status == Status.PATUH
    assert ComplianceStatus.objects.filter(periode=P, npp="10000005").count() == 1


def test_follow_up_is_recorded_and_audited(client, bpjs_admin, world):
    client.force_login(bpjs_admin)
    row = world["9120000000009"]
    response = client.post(
        f"/kepatuhan/{row.pk}/", {"state": "dikunjungi", "catatan": "Pemilik ditemui"}
    )
    assert response.status_code == 302
    follow = FollowUp.objects.get(nib="9120000000009")
    assert follow.state == "dikunjungi" and follow.notes.get().catatan == "Pemilik ditemui"
    assert AuditEntry.objects.filter(action="compliance.follow_up").count() == 1
    page = client.get("/kepatuhan/?tindak_lanjut=dikunjungi").content.decode()
    assert "CV Belum Daftar" in page and "PT Uji 10000003" not in page


def test_lists_map_and_export(client, bpjs_admin, world):
    client.force_login(bpjs_admin)
    page = client.get("/kepatuhan/").content.decode()
    assert "CV Belum Daftar" in page and "PT Uji 10000002" in page
    assert "PT Uji 10000001" not in page  # compliant ones are not to follow up by default
    assert "PT Uji 10000001" in client.get("/kepatuhan/?status=").content.decode()
    geo = client.get("/kepatuhan/peta.geojson").json()
    badung = next(f for f in geo["features"] if f["properties"]["code"] == "51.03")
    assert badung["properties"]["label"].startswith("16,7")  # 1 of 6 compliant
    response = client.get("/kepatuhan/ekspor/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "CV Belum Daftar" in text and "Pekerja" not in text  # no worker names
    assert AuditEntry.objects.filter(action="export").get().detail["what"] == "compliance"


def test_scope_and_roles(client, make_user, world):
    other = make_user("pemda_tabanan", "pemda_officer", "51.02")
    client.force_login(other)
    assert "CV Belum Daftar" not in client.get("/kepatuhan/?status=").content.decode()
    row = world["9120000000009"]
    assert client.get(f"/kepatuhan/{row.pk}/").status_code == 404
    operator = make_user("op", "village_operator", "51.03.01.1002")
    client.force_login(operator)
    assert client.get("/kepatuhan/").status_code == 403
    badung = make_user("pemda_badung", "pemda_officer", "51.03")
    client.force_login(badung)
    assert client.get(f"/kepatuhan/{row.pk}/").status_code == 200
    assert client.post(f"/kepatuhan/{row.pk}/", {"state": "dikunjungi"}).status_code == 403
