"""Issue 6, bad input: a list over quota, a person already sponsored elsewhere, a budget that does
not cover the premiums, a payment for an unknown invoice, a file with the wrong columns — each
gets a clear message in both languages, and nothing changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from cakupan.audit.models import AuditEntry
from cakupan.programmes.errors import (
    BudgetInsufficient,
    InvoiceNotFound,
    ListColumnsWrong,
    OverQuota,
)
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    Kelas,
    Payment,
    Programme,
    SponsoredMonth,
)
from cakupan.programmes.services.beneficiaries import beneficiaries_match, beneficiaries_upload
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import payment_record
from cakupan.programmes.services.programmes import programme_approve
from cakupan.registry.models import Membership, Participant
from tests.programmes.test_services_helpers import (
    BATUBULAN,
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

PEOPLE = [
    row(nik(1, 1, 1990, 11, female=True), "Ni Made Sari", "1990-01-01", "P"),
    row(nik(2, 2, 1985, 12), "I Wayan Sudarsana", "1985-02-02", "L"),
    row(nik(3, 3, 1980, 13), "I Ketut Arsa", "1980-03-03", "L"),
]


def state() -> dict[str, object]:
    """Everything a refused input must leave as it was."""
    return {
        "beneficiaries": sorted(
            Beneficiary.objects.values_list("pk", "nik", "kelas", "match_status")
        ),
        "programmes": sorted(Programme.objects.values_list("pk", "status")),
        "invoices": sorted(Invoice.objects.values_list("nomor", "status")),
        "payments": Payment.objects.count(),
        "sponsored": SponsoredMonth.objects.count(),
        "participants": Participant.objects.count(),
        "memberships": sorted(Membership.objects.values_list("pk", "bulan_iuran_terakhir")),
        "audit": AuditEntry.objects.count(),
        "coverage": village_active("2024-01"),
    }


@pytest.fixture
def snapshot():
    registry_person(nik(9, 9, 1979, 9), "Peserta Lain", date(1979, 9, 9), "L")
    refresh("2024-01")


def test_a_list_over_quota(village_operator, snapshot, tmp_path):
    programme = make_programme(village_operator, villages={BATUBULAN: 2})
    before = state()
    with pytest.raises(OverQuota) as refused:
        beneficiaries_upload(
            programme=programme,
            kode_wilayah=BATUBULAN,
            file=write_list(tmp_path / "daftar.csv", PEOPLE),
            acting_user=village_operator,
        )
    assert refused.value.pesan_id == (
        "Daftar desa Batubulan 51.04.01.2001 berisi 3 orang, melebihi kuota 2: berkas ditolak, "
        "tidak ada yang disimpan. Kurangi 1 orang atau minta kuota ditambah."
    )
    assert state() == before


def test_a_file_with_the_wrong_columns(village_operator, snapshot, tmp_path):
    programme = make_programme(village_operator)
    beneficiaries_upload(
        programme=programme,
        kode_wilayah=BATUBULAN,
        file=write_list(tmp_path / "baik.csv", PEOPLE),
        acting_user=village_operator,
    )
    before = state()
    wrong = write_list(
        tmp_path / "salah.csv",
        [["5104010101900011", "Made", "1990-01-01"]],
        header=["NIK", "Nama Lengkap", "Tgl Lahir"],
    )
    with pytest.raises(ListColumnsWrong) as refused:
        beneficiaries_upload(
            programme=programme, kode_wilayah=BATUBULAN, file=wrong, acting_user=village_operator
        )
    assert refused.value.pesan_id == (
        "Berkas salah.csv ditolak, tidak ada yang disimpan: kolom wajib jenis_kelamin, "
        "kode_wilayah, pekerjaan tidak ada. Kolom yang ada: NIK, Nama Lengkap, Tgl Lahir. "
        "Pakai templat: nik,nama,tanggal_lahir,jenis_kelamin,kode_wilayah,pekerjaan,unit."
    )
    assert state() == before


def test_a_budget_that_does_not_cover_the_premiums(village_operator, make_user, snapshot):
    programme = make_programme(village_operator, jumlah=20_159_999)
    before = state()
    with pytest.raises(BudgetInsufficient) as refused:
        programme_approve(programme=programme, acting_user=pemda(make_user))
    assert refused.value.pesan_id == (
        "Anggaran program Perlindungan petani Batubulan 2024 Rp20.160.000 (100 orang × Rp16.800 "
        "× 12 bulan) melebihi sisa dana ADD 2024 Rp20.159.999 (dana Rp20.159.999, sudah terikat "
        "program lain Rp0)."
    )
    assert state() == before


def test_a_payment_for_an_unknown_invoice(make_user, snapshot):
    before = state()
    with pytest.raises(InvoiceNotFound) as refused:
        payment_record(
            nomor="INV-7-202401",
            tanggal=date(2024, 1, 10),
            jumlah=16_800,
            acting_user=pemda(make_user),
        )
    assert refused.value.pesan_id == (
        "Tagihan INV-7-202401 tidak ada: periksa nomornya (bentuk INV-<program>-<YYYYMM>)."
    )
    assert refused.value.http_status == 404
    before["audit"] = AuditEntry.objects.count()  # the officer's account was made meanwhile
    assert state() == before


def test_a_person_already_sponsored_elsewhere_is_flagged_and_not_paid_for_twice(
    village_operator, make_user, snapshot, tmp_path
):
    officer = pemda(make_user)
    fishers = make_programme(
        village_operator, kelompok="nelayan", nama="Nelayan Batubulan", jumlah=10**8
    )
    beneficiaries_upload(
        programme=fishers,
        kode_wilayah=BATUBULAN,
        file=write_list(tmp_path / "nelayan.csv", PEOPLE[1:2]),
        acting_user=village_operator,
    )
    beneficiaries_match(programme=fishers, acting_user=village_operator)
    programme_approve(programme=fishers, acting_user=officer)
    paid = invoice_issue(programme=fishers, bulan="2024-01", acting_user=officer)
    payment_record(nomor=paid.nomor, tanggal=date(2024, 1, 5), jumlah=16_800, acting_user=officer)

    farmers = make_programme(village_operator, nama="Petani Batubulan", jumlah=10**8)
    beneficiaries_upload(
        programme=farmers,
        kode_wilayah=BATUBULAN,
        file=write_list(tmp_path / "petani.csv", PEOPLE),
        acting_user=village_operator,
    )
    summary = beneficiaries_match(programme=farmers, acting_user=village_operator)
    assert (summary.baru, summary.ganda) == (2, 1)
    twice = Beneficiary.objects.get(programme=farmers, kelas=Kelas.GANDA)
    assert (twice.nik, twice.ganda_programme) == (nik(2, 2, 1985, 12), fishers)
    with translation.override("en"):
        assert twice.get_kelas_display() == "Sponsored twice"

    programme_approve(programme=farmers, acting_user=officer)
    before = village_active("2024-01")
    invoice = invoice_issue(programme=farmers, bulan="2024-01", acting_user=officer)
    assert invoice.peserta == 2  # the fisher is not billed again
    payment_record(
        nomor=invoice.nomor, tanggal=date(2024, 1, 6), jumlah=2 * 16_800, acting_user=officer
    )
    assert village_active("2024-01") == before + 2
    assert SponsoredMonth.objects.filter(participant__nik=nik(2, 2, 1985, 12)).count() == 1
