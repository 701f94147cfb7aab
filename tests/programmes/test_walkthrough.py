"""Issue 6, done when: one village's programme walked from the upload of a list with errors to the
fixed list, matches (one accepted, one rejected on review), approval, invoice and payment — and
the village's coverage rises by exactly the number of newly protected people. The suite runs on
SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from datetime import date

import pytest

from cakupan.coverage.selectors import coverage_table
from cakupan.programmes.models import Beneficiary, Kelas, MatchStatus, SponsoredMonth
from cakupan.programmes.services.beneficiaries import (
    beneficiaries_match,
    beneficiaries_upload,
    beneficiary_fix,
    beneficiary_review,
)
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import payment_record
from cakupan.programmes.services.programmes import programme_approve, programme_submit
from cakupan.registry.models import Participant
from tests.programmes.test_services_helpers import (
    BATUBULAN,
    KETEWEL,
    make_programme,
    nik,
    pemda,
    refresh,
    registry_person,
    row,
    village_active,
    write_list,
)

pytestmark = pytest.mark.django_db

ACTIVE = nik(4, 4, 1975, 14)
LAPSED = nik(2, 2, 1985, 12)
GEDE_REGISTRY = nik(10, 10, 1970, 5)
SARI_REGISTRY = nik(15, 5, 1988, 31, female=True)


def registry() -> None:
    """The BPJS snapshot of 2024-01 in Batubulan and its neighbour Ketewel. Two pairs of
    namesakes born the same day: a list row naming one of them with another NIK cannot be
    matched without a person (each candidate scores at most ½)."""
    registry_person(ACTIVE, "I Made Aktif", date(1975, 4, 4), "L")
    registry_person(LAPSED, "I Wayan Sudarsana", date(1985, 2, 2), "L", paid_through="2023-06")
    registry_person(GEDE_REGISTRY, "I Nyoman Gede", date(1970, 10, 10), "L", paid_through="2022-12")
    registry_person(
        nik(10, 10, 1970, 6), "I Nyoman Gede", date(1970, 10, 10), "L", paid_through=None
    )
    registry_person(SARI_REGISTRY, "Ni Luh Putu Sari", date(1988, 5, 15), "P")
    registry_person(nik(15, 5, 1988, 32, female=True), "Ni Luh Putu Sari", date(1988, 5, 15), "P")
    registry_person(nik(1, 1, 1980, 1), "I Ketut Ketewel", date(1980, 1, 1), "L", village=KETEWEL)
    refresh("2024-01")


LIST = [
    row(ACTIVE, "I Made Aktif", "1975-04-04", "L"),  # 1 already active
    row(LAPSED, "I Wayan Sudarsana", "1985-02-02", "L"),  # 2 lapsed: reactivate
    row(nik(10, 10, 1970, 555), "I Nyoman Gede", "1970-10-10", "L"),  # 3 review: the same
    row(nik(15, 5, 1988, 77, female=True), "Ni Luh Putu Sari", "1988-05-15", "P"),  # 4 not
    row(nik(3, 3, 1983, 13), "I Made Baru", "1983-03-03", "L"),  # 5 new
    row("51040112129900", "Ni Kadek Baru", "1999-12-12", "P"),  # 6 NIK too short
    row(nik(5, 5, 1992, 21), "", "1992-05-05", "L"),  # 7 no name
    row(nik(6, 6, 1995, 22), "I Komang Muda", "1950-06-06", "L"),  # 8 year typed wrong
]


def test_one_village_from_a_list_with_errors_to_paid_protection(
    village_operator, make_user, tmp_path
):
    registry()
    officer = pemda(make_user)
    programme = make_programme(village_operator)

    # 1. the operator uploads a list with errors: every row kept, the bad ones with problems
    result = beneficiaries_upload(
        programme=programme,
        kode_wilayah=BATUBULAN,
        file=write_list(tmp_path / "daftar.csv", LIST),
        acting_user=village_operator,
    )
    assert (result.baris, result.valid, result.bermasalah) == (8, 5, 3)
    bad = {b.baris: b for b in Beneficiary.objects.exclude(masalah=[])}
    assert {k: [m["kode"] for m in b.masalah] for k, b in bad.items()} == {
        6: ["nik_panjang_salah"],
        7: ["sel_wajib_kosong"],
        8: ["nik_tanggal_lahir_berbeda", "usia_di_luar_batas"],
    }

    # 2. and fixes them row by row
    beneficiary_fix(
        beneficiary=bad[6],
        data={"nik": nik(12, 12, 1999, 23, female=True)},
        acting_user=village_operator,
    )
    beneficiary_fix(
        beneficiary=bad[7], data={"nama": "I Nengah Lupa"}, acting_user=village_operator
    )
    beneficiary_fix(
        beneficiary=bad[8], data={"tanggal_lahir": "1995-06-06"}, acting_user=village_operator
    )
    assert not Beneficiary.objects.exclude(masalah=[]).exists()

    # 3. matches: exact NIK first, then probabilistic; two uncertain ones wait for review
    summary = beneficiaries_match(programme=programme, acting_user=village_operator)
    assert (
        summary.dicocokkan,
        summary.aktif,
        summary.reaktivasi,
        summary.baru,
        summary.tinjau,
    ) == (
        8,
        1,
        1,
        4,
        2,
    )
    by_row = {b.baris: b for b in Beneficiary.objects.all()}
    assert by_row[3].match_status == by_row[4].match_status == MatchStatus.TINJAU
    assert by_row[3].match_nik == GEDE_REGISTRY and by_row[4].match_nik == SARI_REGISTRY
    beneficiary_review(beneficiary=by_row[3], accept=True, acting_user=village_operator)
    beneficiary_review(beneficiary=by_row[4], accept=False, acting_user=village_operator)
    kelas = dict(Beneficiary.objects.values_list("baris", "kelas"))
    assert kelas == {
        1: Kelas.AKTIF,
        2: Kelas.REAKTIVASI,
        3: Kelas.REAKTIVASI,
        4: Kelas.BARU,
        5: Kelas.BARU,
        6: Kelas.BARU,
        7: Kelas.BARU,
        8: Kelas.BARU,
    }
    protected = 7  # everyone but the already active one

    # 4. submitted, approved by the regency (the budget covers 100 × Rp16,800 × 12)
    programme_submit(programme=programme, acting_user=village_operator)
    programme_approve(programme=programme, acting_user=officer)

    # 5. the January invoice, paid: the village's coverage rises by exactly 7
    batubulan, ketewel = village_active("2024-01"), village_active("2024-01", KETEWEL)
    total = coverage_table(actor=officer, region_code="51.04", level="regency", periode="2024-01")
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    assert (invoice.peserta, invoice.jumlah) == (protected, protected * 16_800)
    payment_record(
        nomor=invoice.nomor,
        tanggal=date(2024, 1, 12),
        jumlah=invoice.jumlah,
        referensi="SP2D 001",
        acting_user=officer,
    )
    assert village_active("2024-01") == batubulan + protected
    assert village_active("2024-01", KETEWEL) == ketewel
    after = coverage_table(actor=officer, region_code="51.04", level="regency", periode="2024-01")
    assert after.rows[0].peserta_aktif == total.rows[0].peserta_aktif + protected

    # the accepted match reactivated the registry's own person; the rejected one is registered anew
    sponsored = dict(
        SponsoredMonth.objects.filter(periode="2024-01").values_list(
            "beneficiary__baris", "participant__nik"
        )
    )
    assert sponsored[3] == GEDE_REGISTRY and sponsored[2] == LAPSED
    assert sponsored[4] == nik(15, 5, 1988, 77, female=True)
    assert Participant.objects.filter(nama="Ni Luh Putu Sari").count() == 3
