"""The licensing API: answers by NIB, NPP or NPWP, bad input, token roles, rate limit, audit."""

from __future__ import annotations

import importlib
import json
import threading
import time
from datetime import date, timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.urls import clear_url_caches
from django.utils import timezone

from cakupan.accounts.services import token_create, token_revoke
from cakupan.audit import buffer
from cakupan.audit.models import AuditEntry
from cakupan.compliance import api as compliance_api
from cakupan.compliance.certificates import certificate_verify
from cakupan.compliance.models import Business, ComplianceStatus, Status
from cakupan.compliance.ratelimit import RateLimiter, limiter
from cakupan.registry.models import Employer, Membership, Participant

URL = "/api/v1/compliance"
P = "2024-03"


def _mount() -> None:
    """Mount the router on the project's NinjaAPI unless cakupan/api.py already does."""
    from cakupan import api as api_module

    api = api_module.api
    if any(r is compliance_api.router for _, r in api._routers):
        return
    api._bound_routers_cache = None  # URLs were built already: let them be built again
    api.add_router("/compliance", compliance_api.router)
    import cakupan.urls

    importlib.reload(cakupan.urls)
    clear_url_caches()


@pytest.fixture(autouse=True)
def _api(settings, tmp_path, monkeypatch):
    """The router mounted; audit entries queued until `audit_flush`; fresh limiter and caches."""
    _mount()
    settings.SIGNING_KEY_DIR = str(tmp_path / "keys")
    monkeypatch.setattr(buffer.BUFFER, "background", False)
    with buffer.BUFFER._lock:
        buffer.BUFFER._entries.clear()
    limiter.reset()
    monkeypatch.setattr(limiter, "clock", time.time)
    compliance_api._codes.clear()
    compliance_api._data_as_of[:] = [None, None]
    compliance_api.licensing_auth.forget()
    yield
    with buffer.BUFFER._lock:
        buffer.BUFFER._entries.clear()
    limiter.reset()


def status_row(
    *,
    npp: str = "10000001",
    nib: str = "9120000000001",
    npwp: str = "",
    status: str = Status.PATUH,
    days_old: int = 1,
    periode: str = P,
    kode_wilayah: str = "51.03.01.1002",
    nama: str = "PT Patuh Sejahtera",
) -> ComplianceStatus:
    alasan = [{"kode": status, "pesan": f"alasan {status}", "message": f"reason {status}"}]
    return ComplianceStatus.objects.create(
        periode=periode,
        npp=npp,
        nib=nib,
        npwp=npwp,
        nama=nama,
        kode_wilayah=kode_wilayah,
        status=status,
        alasan=alasan,
        pekerja_terdaftar=12 if npp else 0,
        pekerja_dilaporkan=12,
        computed_at=timezone.now() - timedelta(days=days_old),
    )


@pytest.fixture
def licensing_key(db):
    _, key = token_create(name="oss-bali", role="licensing_client", region_code="51")
    return key


def get(client, key: str | None, query: str = "", **params: str):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if query:
        return client.get(f"{URL}?{query}", **headers)
    return client.get(URL, params, **headers)


def compliance_audits() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="compliance.check").order_by("id"))


# ------------------------------------------------------------------------------------ answers


def test_answers_by_nib_with_status_reasons_period_validity_and_a_signed_code(
    client, licensing_key
):
    row = status_row(status=Status.PDS_TK, days_old=3)
    response = get(client, licensing_key, nib="9120000000001")
    assert response.status_code == 200
    body = response.json()
    computed = timezone.localtime(row.computed_at)
    assert body == {
        "terdaftar": True,
        "status": "pds_tk",
        "status_label": "Belum semua pekerja terdaftar (PDS-TK)",
        "status_label_en": "Not all workers registered (PDS-TK)",
        "pesan": (
            "PT Patuh Sejahtera (NPP 10000001): Belum semua pekerja terdaftar (PDS-TK), "
            "periode 2024-03."
        ),
        "message": (
            "PT Patuh Sejahtera (NPP 10000001): Not all workers registered (PDS-TK), "
            "period 2024-03."
        ),
        "alasan": [{"kode": "pds_tk", "pesan": "alasan pds_tk", "message": "reason pds_tk"}],
        "periode": P,
        "data_per": body["data_per"],
        "umur_data_hari": 3,
        "data_usang": False,
        "berlaku_sampai": (computed.date() + timedelta(days=45)).isoformat(),
        "kode_sertifikat": body["kode_sertifikat"],
        "npp": "10000001",
        "nib": "9120000000001",
        "nama": "PT Patuh Sejahtera",
        "kode_wilayah": "51.03.01.1002",
        "pekerja_terdaftar": 12,
        "pekerja_dilaporkan": 12,
    }
    assert body["data_per"].startswith(computed.strftime("%Y-%m-%dT%H:%M:%S"))
    assert (
        compliance_api.ComplianceOut.model_validate(body).model_dump(mode="json")["berlaku_sampai"]
        == (body["berlaku_sampai"])
    )
    verified = certificate_verify(body["kode_sertifikat"])
    assert (verified.verdict, verified.reason_code) == ("berlaku", "berlaku")
    assert verified.claims["status"] == "pds_tk" and verified.claims["periode"] == P
    assert verified.claims["valid_until"].isoformat() == body["berlaku_sampai"]


def test_answers_by_npp(client, licensing_key):
    status_row()
    body = get(client, licensing_key, npp="10000001").json()
    assert (body["status"], body["npp"], body["terdaftar"]) == ("patuh", "10000001", True)


def test_answers_by_npwp_in_either_the_15_or_the_16_digit_form(client, licensing_key):
    status_row(npwp="013000005000000")
    assert get(client, licensing_key, npwp="01.300.000.5-000.000").json()["npp"] == "10000001"
    assert get(client, licensing_key, npwp="0013000005000000").json()["npp"] == "10000001"


def test_answers_from_the_newest_period(client, licensing_key):
    status_row(periode="2024-02", status=Status.TUNGGAKAN, days_old=30)
    status_row(periode="2024-03", status=Status.PATUH)
    assert get(client, licensing_key, nib="9120000000001").json()["status"] == "patuh"


def test_a_nib_with_several_npps_answers_with_the_worst(client, licensing_key):
    status_row(npp="10000001", status=Status.PATUH)
    status_row(npp="10000002", status=Status.PDS_UPAH)
    body = get(client, licensing_key, nib="9120000000001").json()
    assert (body["status"], body["npp"]) == ("pds_upah", "10000002")


def test_a_registered_employer_speaks_for_its_nib_over_an_unmatched_licensing_row(
    client, licensing_key
):
    status_row(npp="", status=Status.PWBD, nama="PT Patuh Sejahtera")
    status_row(npp="10000001", status=Status.PATUH)
    body = get(client, licensing_key, nib="9120000000001").json()
    assert (body["terdaftar"], body["status"], body["npp"]) == (True, "patuh", "10000001")


def test_a_licensed_business_not_registered_is_pwbd_and_not_terdaftar(client, licensing_key):
    status_row(npp="", nib="9120000000009", status=Status.PWBD, nama="CV Belum Daftar")
    body = get(client, licensing_key, nib="9120000000009").json()
    assert (body["terdaftar"], body["status"], body["npp"]) == (False, "pwbd", None)
    assert body["pesan"] == (
        "CV Belum Daftar (NIB 9120000000009): Belum terdaftar (PWBD), periode 2024-03."
    )


def test_unknown_nib_is_a_clear_not_registered_answer_not_an_error(client, licensing_key):
    status_row(days_old=2)
    response = get(client, licensing_key, nib="9129999999999")
    assert response.status_code == 200
    body = response.json()
    assert (body["terdaftar"], body["status"], body["kode_sertifikat"]) == (
        False,
        "tidak_terdaftar",
        None,
    )
    assert body["pesan"] == (
        "Tidak ada usaha dengan NIB 9129999999999 yang terdaftar di BPJS Ketenagakerjaan atau "
        "tercatat dalam daftar perizinan yang dimiliki Cakupan."
    )
    assert body["message"] == (
        "No business with NIB 9129999999999 is registered with BPJS Ketenagakerjaan or listed "
        "in the licensing data Cakupan holds."
    )
    assert (body["umur_data_hari"], body["data_usang"]) == (2, False)
    assert compliance_api.ComplianceOut.model_validate(body).status == "tidak_terdaftar"


def test_not_registered_without_any_status_data_says_its_data_is_missing(client, licensing_key):
    body = get(client, licensing_key, npp="10000009").json()
    assert (body["status"], body["data_per"], body["data_usang"]) == ("tidak_terdaftar", None, True)
    assert body["pesan"].startswith("Tidak ada pemberi kerja dengan NPP 10000009 yang terdaftar")


def test_stale_data_is_flagged_with_its_age(client, licensing_key):
    row = status_row(days_old=60)
    body = get(client, licensing_key, nib="9120000000001").json()
    assert (body["umur_data_hari"], body["data_usang"]) == (60, True)
    valid_until = timezone.localtime(row.computed_at).date() + timedelta(days=45)
    assert body["berlaku_sampai"] == valid_until.isoformat()
    assert valid_until < timezone.localdate()


def test_no_answer_carries_a_workers_nik_or_name(client, licensing_key):
    from cakupan.compliance.status import status_refresh

    employer = Employer.objects.create(
        npp="10000007", nib="9120000000007", nama="PT Tujuh", kode_wilayah="51.03.01.1002"
    )
    for n, nama in enumerate(["Ni Luh Sari", "I Made Karya"], start=1):
        person = Participant.objects.create(
            nik=f"51030141019000{n:02d}",
            nama=nama,
            jenis_kelamin="P",
            kode_wilayah="51.03.01.1002",
            tanggal_lahir=date(1990, 1, 1),
        )
        Membership.objects.create(
            periode=P,
            participant=person,
            segmen="PU",
            employer=employer,
            kode_wilayah="51.03.01.1002",
            jenis_kelamin="P",
            program="JKK,JKM",
            upah=1_000_000,
            tmt=date(2019, 1, 1),
            bulan_iuran_terakhir=P,
        )
    Business.objects.create(
        nib="9120000000007",
        nama="PT Tujuh",
        kode_wilayah="51.03.01.1002",
        jumlah_pekerja=9,
        employer=employer,
        cocok_metode="nib",
    )
    status_refresh(P)
    text = get(client, licensing_key, nib="9120000000007").content.decode()
    assert json.loads(text)["pekerja_terdaftar"] == 2
    for person in Participant.objects.all():
        assert person.nik not in text and person.nik[-8:] not in text
        assert person.nama not in text
        for word in person.nama.split():
            if len(word) > 2:
                assert word not in text


# ------------------------------------------------------------------------------------ bad input


def test_nib_of_the_wrong_length_is_422_naming_nib(client, licensing_key):
    response = get(client, licensing_key, nib="912000000001")
    assert response.status_code == 422
    assert response.json() == {
        "kode": "nib_tidak_valid",
        "pesan": "nib: NIB harus 13 angka tanpa tanda baca; yang terkirim 12 karakter.",
        "message": "nib: a NIB is 13 digits with no punctuation; 12 characters were sent.",
    }


def test_npp_and_npwp_of_the_wrong_shape_are_422_naming_them(client, licensing_key):
    npp = get(client, licensing_key, npp="1234-567").json()
    assert npp["kode"] == "npp_tidak_valid"
    assert npp["message"] == (
        "npp: an NPP is 8 digits with no punctuation; 8 characters were sent, 1 of them not digits."
    )
    npwp = get(client, licensing_key, npwp="12345").json()
    assert npwp["kode"] == "npwp_tidak_valid"
    assert npwp["message"].startswith("npwp: an NPWP is 15 or 16 digits")


@pytest.mark.parametrize("query", ["", "nib=9120000000001&npp=10000001", "nib=&npp="])
def test_none_or_two_identifiers_is_422(client, licensing_key, query):
    response = get(client, licensing_key, query=query or "x=1")
    assert response.status_code == 422
    body = response.json()
    assert body["kode"] == "masukan_tidak_valid"
    assert body["message"].startswith("Send exactly one of nib, npp or npwp;")


@pytest.mark.parametrize("param", ["nib", "npp", "npwp"])
@pytest.mark.parametrize(
    "value",
    ["' OR 1=1 --", "<script>alert(1)</script>", "9120000000001'; DROP TABLE x; --", "\x00<b>"],
)
def test_sql_or_script_text_is_422_and_never_reflected(client, licensing_key, param, value):
    status_row()
    response = get(client, licensing_key, **{param: value})
    assert response.status_code == 422
    text = response.content.decode()
    assert response.json()["kode"] == f"{param}_tidak_valid"
    for fragment in ("OR 1=1", "script", "DROP", "<b>", "<", "'"):
        assert fragment not in text
    assert ComplianceStatus.objects.count() == 1


def test_a_huge_query_string_is_414_not_500(client, licensing_key):
    response = get(client, licensing_key, query="nib=" + "1" * 10_000)
    assert response.status_code == 414
    body = response.json()
    assert body["kode"] == "permintaan_terlalu_panjang"
    assert body["message"].startswith("The query string has 10004 characters, at most 2048")
    padded = get(client, licensing_key, query="nib=9120000000001&x=" + "y" * 10_000)
    assert padded.status_code == 414


def test_an_overlong_parameter_is_refused_before_it_is_parsed(client, licensing_key):
    body = get(client, licensing_key, npwp="1" * 200).json()
    assert body["kode"] == "npwp_tidak_valid"
    assert "200 characters were sent" in body["message"]


# ------------------------------------------------------------------------------------ who may ask


def test_no_token_is_401(client, db):
    response = client.get(URL, {"nib": "9120000000001"})
    assert response.status_code == 401
    assert response.json()["kode"] == "tidak_terautentikasi"


def test_a_token_of_another_role_is_403(client, db):
    _, key = token_create(name="analis", role="analyst", region_code="51")
    response = get(client, key, nib="9120000000001")
    assert response.status_code == 403
    assert response.json() == {
        "kode": "akses_ditolak",
        "pesan": "Anda tidak berhak: peran analyst tidak boleh compliance.check.",
        "message": "Not allowed: role analyst may not compliance.check.",
    }


def test_a_revoked_token_is_401(client, db):
    token, key = token_create(name="lama", role="licensing_client", region_code="51")
    status_row()
    token_revoke(token=token)
    response = get(client, key, nib="9120000000001")
    assert response.status_code == 401
    assert response.json()["kode"] == "tidak_terautentikasi"


def test_a_token_revoked_while_in_use_is_refused_within_the_cache_time(client, db, monkeypatch):
    token, key = token_create(name="lama", role="licensing_client", region_code="51")
    status_row()
    now = [1000.0]
    monkeypatch.setattr(compliance_api.licensing_auth, "clock", lambda: now[0])
    assert get(client, key, nib="9120000000001").status_code == 200
    token_revoke(token=token)
    now[0] += compliance_api.TOKEN_CACHE_SECONDS - 0.5
    assert get(client, key, nib="9120000000001").status_code == 200
    now[0] += 1
    assert get(client, key, nib="9120000000001").status_code == 401


def test_last_used_at_is_written_once_a_minute_not_on_every_call(client, db, monkeypatch):
    token, key = token_create(name="oss", role="licensing_client", region_code="51")
    now = [1000.0]
    monkeypatch.setattr(compliance_api.licensing_auth, "clock", lambda: now[0])
    get(client, key, nib="9120000000001")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    now[0] += 30
    get(client, key, nib="9120000000001")
    token.refresh_from_db()
    assert token.last_used_at == first
    now[0] += 31
    get(client, key, nib="9120000000001")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_an_unknown_token_is_401(client, db):
    assert get(client, "ckp_palsu", nib="9120000000001").status_code == 401
    assert get(client, "bukan-token", nib="9120000000001").status_code == 401


def test_a_bpjs_admin_signed_in_may_check(client, bpjs_admin):
    status_row()
    client.force_login(bpjs_admin)
    assert client.get(URL, {"nib": "9120000000001"}).json()["status"] == "patuh"


def test_an_employer_outside_the_tokens_region_is_403(client, db):
    _, key = token_create(name="oss-denpasar", role="licensing_client", region_code="51.71")
    status_row(kode_wilayah="51.03.01.1002")
    response = get(client, key, nib="9120000000001")
    assert response.status_code == 403
    assert response.json()["kode"] == "di_luar_wilayah"


# ------------------------------------------------------------------------------------ rate limit


def test_the_601st_call_in_a_minute_gets_429_with_retry_after(client, licensing_key, monkeypatch):
    status_row()
    now = [60 * 28_333_334 + 20.0]  # 20 s into a clock minute
    monkeypatch.setattr(limiter, "clock", lambda: now[0])
    for _ in range(600):
        assert get(client, licensing_key, nib="9120000000001").status_code == 200
    refused = get(client, licensing_key, nib="9120000000001")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json() == {
        "kode": "terlalu_banyak_permintaan",
        "pesan": (
            "Terlalu banyak permintaan: paling banyak 600 per menit untuk token ini. "
            "Coba lagi dalam 40 detik."
        ),
        "message": (
            "Too many requests: at most 600 a minute for this token. Try again in 40 seconds."
        ),
    }
    _, other = token_create(name="oss-lain", role="licensing_client", region_code="51")
    assert get(client, other, nib="9120000000001").status_code == 200
    now[0] += 40
    assert get(client, licensing_key, nib="9120000000001").status_code == 200


def test_the_limit_comes_from_settings(client, licensing_key, settings):
    settings.COMPLIANCE_RATE_PER_MINUTE = 3
    status_row()
    codes = [get(client, licensing_key, nib="9120000000001").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_nonsense_limit_setting_is_a_configuration_error(settings):
    settings.COMPLIANCE_RATE_PER_MINUTE = "banyak"
    with pytest.raises(ImproperlyConfigured, match="must be a positive integer"):
        limiter.hit("t1")


def test_a_shared_cache_holds_the_limit_across_processes():
    cache = LocMemCache("ratelimit-test", {})
    now = [1_700_000_000.0]
    workers = [RateLimiter(per_minute=1000, clock=lambda: now[0], shared=True) for _ in range(2)]
    for worker in workers:
        worker._configure()
        worker.cache = cache
    allowed = sum(workers[i % 2].hit("t1").allowed for i in range(2000))
    assert 1000 <= allowed <= 1000 + 2 * workers[0].sync_every
    now[0] += 60
    assert workers[0].hit("t1").allowed


def test_without_a_shared_cache_each_process_counts_alone():
    now = [1_700_000_000.0]
    worker = RateLimiter(per_minute=5, clock=lambda: now[0])
    assert worker.hit("t1").allowed and not worker.shared
    assert [worker.hit("t1").allowed for _ in range(5)] == [True] * 4 + [False]
    assert worker.hit("t2").allowed


# ------------------------------------------------------------------------------------ audit


def test_every_call_is_audited_in_one_batched_write(
    client, licensing_key, django_assert_max_num_queries
):
    status_row()
    queries = [
        {"nib": "9120000000001"},
        {"npp": "10000001"},
        {"nib": "9129999999999"},
        {"nib": "<script>"},
        {"nib": "9120000000001", "npp": "10000001"},
    ]
    before = timezone.now()
    for params in queries:
        get(client, licensing_key, **params)
    assert compliance_audits() == []
    assert buffer.BUFFER.pending() == len(queries)
    with django_assert_max_num_queries(4):  # savepoint, one INSERT, release
        assert buffer.audit_flush() == len(queries)
    entries = compliance_audits()
    assert [e.detail for e in entries] == [
        {"by": "nib", "value": "9120000000001", "status": "patuh", "periode": P,
         "data_usang": False},
        {"by": "npp", "value": "10000001", "status": "patuh", "periode": P, "data_usang": False},
        {"by": "nib", "value": "9129999999999", "status": "tidak_terdaftar"},
        {"by": "nib", "status": "nib_tidak_valid"},
        {"by": "nib", "status": "masukan_tidak_valid"},
    ]  # fmt: skip
    first = entries[0]
    assert first.actor is None and first.actor_label == "token:oss-bali"
    assert (first.target_type, first.region_code, first.ip_address) == (
        "compliance.compliancestatus",
        "51.03.01.1002",
        "127.0.0.1",
    )
    assert entries[2].region_code == "51"
    assert all(before <= e.created_at <= timezone.now() for e in entries)
    assert buffer.audit_flush() == 0


def test_a_npwp_that_is_a_nik_is_masked_in_the_audit_log(client, licensing_key):
    get(client, licensing_key, npwp="5103014101900001")
    get(client, licensing_key, npwp="5171010101900002")
    buffer.audit_flush()
    for entry in compliance_audits():
        assert "value" not in entry.detail or "*" in entry.detail["value"]
        assert "5103014101900001" not in json.dumps(entry.detail)


def test_a_failed_flush_is_retried_once_and_never_raises(caplog):
    calls = []

    def flaky(entries):
        calls.append(len(entries))
        if len(calls) == 1:
            raise OperationalError("server closed the connection")

    queue = buffer.AuditBuffer(background=False, write=flaky)
    queue.add(AuditEntry(action="compliance.check"))
    assert queue.flush() == 1 and calls == [1, 1]

    def down(entries):
        raise OperationalError("could not connect")

    queue.write = down
    queue.add(AuditEntry(action="compliance.check"))
    assert queue.flush() == 0 and queue.pending() == 1  # kept for the next flush

    def broken(entries):
        raise ValueError("bad row")

    queue.write = broken
    assert queue.flush() == 0 and queue.pending() == 0  # dropped, and said so
    assert "audit entries dropped after two failed writes: 1" in caplog.text


def test_the_background_thread_writes_within_the_interval_and_at_the_batch_size():
    written: list[int] = []
    done = threading.Event()

    def write(entries):
        written.append(len(entries))
        done.set()

    queue = buffer.AuditBuffer(flush_seconds=0.05, flush_at=3, write=write)
    queue.add(AuditEntry(action="compliance.check"))
    assert done.wait(2) and written == [1]
    done.clear()
    slow = buffer.AuditBuffer(flush_seconds=60, flush_at=3, write=write)
    for _ in range(3):
        slow.add(AuditEntry(action="compliance.check"))
    assert done.wait(2) and written[-1] == 3


# ------------------------------------------------------------------------------------ speed


def test_the_certificate_code_is_signed_once_per_status_row(client, licensing_key, monkeypatch):
    status_row()
    signed = []
    real = compliance_api.code_sign
    monkeypatch.setattr(compliance_api, "code_sign", lambda c: signed.append(c) or real(c))
    codes = {get(client, licensing_key, nib="9120000000001").json()["kode_sertifikat"]}
    codes.add(get(client, licensing_key, npp="10000001").json()["kode_sertifikat"])
    assert len(codes) == 1 and len(signed) == 1


def test_an_answer_takes_one_query_once_the_token_is_known(
    client, licensing_key, django_assert_num_queries
):
    status_row()
    with django_assert_num_queries(3):  # the token, its last_used_at, the status row
        assert get(client, licensing_key, nib="9120000000001").status_code == 200
    with django_assert_num_queries(1):  # the status row
        assert get(client, licensing_key, npp="10000001").status_code == 200


def test_the_openapi_document_describes_the_three_parameters_and_the_answer(client, bpjs_admin):
    client.force_login(bpjs_admin)
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/compliance"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["nib", "npp", "npwp"]
    assert set(operation["responses"]) == {"200", "403", "414", "422", "429"}
    assert "kode_sertifikat" in doc["components"]["schemas"]["ComplianceOut"]["properties"]


def test_every_status_has_labels_in_both_languages():
    assert set(compliance_api.STATUS_LABELS) == {*Status.values, "tidak_terdaftar"}
