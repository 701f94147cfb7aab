"""Invoices and payments: a paid month makes the people on it active, so coverage moves."""

from __future__ import annotations

from datetime import date

import pytest

from cakupan.audit.models import AuditEntry
from cakupan.errors import PermissionDenied
from cakupan.programmes.errors import (
    AlreadySponsored,
    InvoiceAlreadyPaid,
    InvoiceEmpty,
    InvoiceExists,
    InvoiceNotFound,
    MonthOutsideProgramme,
    PaymentAmountWrong,
    PaymentFileRejected,
    ProgrammeStatusWrong,
)
from cakupan.programmes.models import Invoice, InvoiceStatus, Payment, SponsoredMonth
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import (
    payment_record,
    payments_import,
    sponsorship_apply,
)
from cakupan.programmes.services.programmes import programme_approve
from cakupan.registry.models import Membership, Participant
from tests.programmes.test_services_helpers import (
    beneficiary,
    make_programme,
    nik,
    pemda,
    refresh,
    registry_person,
    village_active,
)

pytestmark = pytest.mark.django_db

LAPSED = nik(2, 2, 1985, 12)
NEW = nik(3, 3, 1980, 13)
ACTIVE = nik(4, 4, 1975, 14)


@pytest.fixture
def officer(make_user):
    return pemda(make_user)


@pytest.fixture
def programme(village_operator, officer):
    """An approved programme of Batubulan whose list is classed: one to reactivate, one new,
    one already active; the registry has a 2024-01 snapshot."""
    registry_person(nik(1, 1, 1970, 1), "Orang Lain", date(1970, 1, 1), "L")
    registry_person(
        LAPSED,
        "I Wayan Sudarsana",
        date(1985, 2, 2),
        "L",
        paid_through="2023-06",
        tmt=date(2021, 3, 1),
    )
    registry_person(ACTIVE, "I Made Aktif", date(1975, 4, 4), "L")
    refresh("2024-01")
    programme = make_programme(village_operator)
    beneficiary(
        programme,
        1,
        LAPSED,
        "I Wayan Sudarsana",
        date(1985, 2, 2),
        "L",
        match_nik=LAPSED,
        match_status="otomatis",
        kelas="reaktivasi",
    )
    beneficiary(
        programme,
        2,
        NEW,
        "=I Ketut Baru",
        date(1980, 3, 3),
        "L",
        match_status="tidak_ada",
        kelas="baru",
    )
    beneficiary(
        programme,
        3,
        ACTIVE,
        "I Made Aktif",
        date(1975, 4, 4),
        "L",
        match_nik=ACTIVE,
        match_status="otomatis",
        kelas="aktif",
    )
    beneficiary(
        programme,
        4,
        nik(5, 5, 1975, 15),
        "Masih Salah",
        date(1975, 5, 5),
        "L",
        kelas="baru",
        masalah=[{"kolom": "nama", "kode": "x", "pesan": "x", "message": "x"}],
    )
    beneficiary(
        programme,
        5,
        nik(6, 6, 1976, 16),
        "Ditinjau",
        date(1976, 6, 6),
        "L",
        match_status="tinjau",
        match_nik=ACTIVE,
    )
    return programme_approve(programme=programme, acting_user=officer)


def test_an_invoice_bills_the_people_to_register_or_reactivate(programme, officer):
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    assert invoice.nomor == f"INV-{programme.pk}-202401"
    assert (invoice.peserta, invoice.jumlah, invoice.status) == (2, 33_600, InvoiceStatus.ISSUED)
    assert sorted(invoice.lines.values_list("beneficiary__baris", flat=True)) == [1, 2]
    assert AuditEntry.objects.get(action="invoice.issue").row_count == 2


def test_one_invoice_per_month_inside_the_programme(programme, officer):
    invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    with pytest.raises(InvoiceExists):
        invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    with pytest.raises(MonthOutsideProgramme) as refused:
        invoice_issue(programme=programme, bulan="2025-01", acting_user=officer)
    assert refused.value.message_en == (
        "Month 2025-01 is outside programme Perlindungan petani Batubulan 2024's span "
        "(2024-01 to 2024-12)."
    )


def test_only_approved_programmes_with_people_to_protect_are_invoiced(village_operator, officer):
    draft = make_programme(village_operator)
    with pytest.raises(ProgrammeStatusWrong):
        invoice_issue(programme=draft, bulan="2024-01", acting_user=officer)
    approved = programme_approve(programme=draft, acting_user=officer)
    with pytest.raises(InvoiceEmpty):
        invoice_issue(programme=approved, bulan="2024-01", acting_user=officer)
    assert not Invoice.objects.exists()


def test_a_payment_for_an_unknown_invoice_is_refused(officer):
    with pytest.raises(InvoiceNotFound) as refused:
        payment_record(
            nomor="INV-99-202401", tanggal=date(2024, 1, 10), jumlah=16_800, acting_user=officer
        )
    assert refused.value.message_en == (
        "Invoice INV-99-202401 does not exist: check its number (form INV-<programme>-<YYYYMM>)."
    )
    assert not Payment.objects.exists()


def test_a_payment_short_of_the_invoice_says_what_is_missing_and_changes_nothing(
    programme, officer
):
    refresh("2024-01")
    before = village_active("2024-01")
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    with pytest.raises(PaymentAmountWrong) as refused:
        payment_record(
            nomor=invoice.nomor, tanggal=date(2024, 1, 10), jumlah=16_800, acting_user=officer
        )
    assert refused.value.message_en == (
        f"A payment of Rp16.800 does not equal invoice {invoice.nomor}, Rp33.600: Rp16.800 is "
        "missing. The payment was not recorded."
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert not Payment.objects.exists() and not SponsoredMonth.objects.exists()
    assert village_active("2024-01") == before


def test_a_full_payment_makes_the_month_active_and_coverage_rises_by_exactly_those_people(
    programme, officer
):
    before = village_active("2024-01")
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    payment = payment_record(
        nomor=invoice.nomor,
        tanggal=date(2024, 1, 10),
        jumlah=33_600,
        referensi="TRX-1",
        acting_user=officer,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and payment.recorded_by == officer
    assert village_active("2024-01") == before + 2
    new = Participant.objects.get(nik=NEW)
    assert (new.nama, new.kode_wilayah) == ("=I Ketut Baru", "51.04.01.2001")
    membership = Membership.objects.get(periode="2024-01", participant=new)
    assert (
        membership.segmen,
        membership.program,
        membership.tmt,
        membership.bulan_iuran_terakhir,
    ) == ("BPU", "JKK,JKM", date(2024, 1, 1), "2024-01")
    lapsed = Membership.objects.get(periode="2024-01", participant__nik=LAPSED)
    assert (lapsed.tmt, lapsed.bulan_iuran_terakhir) == (date(2021, 3, 1), "2024-01")
    assert SponsoredMonth.objects.filter(periode="2024-01").count() == 2
    entry = AuditEntry.objects.get(action="payment.record")
    assert entry.row_count == 2 and entry.detail["diterapkan"] == 2
    with pytest.raises(InvoiceAlreadyPaid):
        payment_record(
            nomor=invoice.nomor, tanggal=date(2024, 1, 11), jumlah=33_600, acting_user=officer
        )


def test_a_month_without_a_registry_snapshot_is_kept_and_applied_when_it_arrives(
    programme, officer
):
    invoice = invoice_issue(programme=programme, bulan="2024-02", acting_user=officer)
    payment_record(
        nomor=invoice.nomor, tanggal=date(2024, 2, 10), jumlah=33_600, acting_user=officer
    )
    assert SponsoredMonth.objects.filter(periode="2024-02").count() == 2
    assert not Membership.objects.filter(periode="2024-02").exists()
    assert sponsorship_apply("2024-02") == 0
    registry_person(
        nik(9, 9, 1979, 9),
        "Peserta Februari",
        date(1979, 9, 9),
        "L",
        periode="2024-02",
        paid_through="2024-02",
    )
    assert sponsorship_apply("2024-02") == 2
    refresh("2024-02")
    assert village_active("2024-02") == 3


def test_sponsorship_leaves_a_wage_earner_active_in_the_month_alone(programme, officer):
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    Membership.objects.filter(participant__nik=LAPSED).update(
        segmen="PU", bulan_iuran_terakhir="2024-01"
    )
    payment_record(
        nomor=invoice.nomor, tanggal=date(2024, 1, 10), jumlah=33_600, acting_user=officer
    )
    assert Membership.objects.get(participant__nik=LAPSED).segmen == "PU"


def test_a_person_already_paid_for_by_another_programme_stops_the_payment(
    programme, officer, make_user
):
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    other = make_programme(
        pemda(make_user, "pemda2"),
        villages={"51.04.01.2003": 10},
        sponsor_kode="51.04.01.2003",
        nama="Guwang",
    )
    programme_approve(programme=other, acting_user=officer)
    twin = beneficiary(
        other,
        1,
        LAPSED,
        "I Wayan Sudarsana",
        date(1985, 2, 2),
        "L",
        kode_wilayah="51.04.01.2003",
        match_nik=LAPSED,
        kelas="reaktivasi",
        match_status="otomatis",
    )
    other_invoice = invoice_issue(programme=other, bulan="2024-01", acting_user=officer)
    payment_record(
        nomor=other_invoice.nomor, tanggal=date(2024, 1, 5), jumlah=16_800, acting_user=officer
    )
    assert twin.pk
    with pytest.raises(AlreadySponsored) as refused:
        payment_record(
            nomor=invoice.nomor, tanggal=date(2024, 1, 10), jumlah=33_600, acting_user=officer
        )
    assert "already paid for 2024-01 by another programme" in refused.value.message_en
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_a_village_operator_records_no_payments(programme, officer, village_operator):
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    with pytest.raises(PermissionDenied):
        payment_record(
            nomor=invoice.nomor,
            tanggal=date(2024, 1, 10),
            jumlah=33_600,
            acting_user=village_operator,
        )


def test_a_payment_file_is_recorded_whole(programme, officer, tmp_path):
    january = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    february = invoice_issue(programme=programme, bulan="2024-02", acting_user=officer)
    path = tmp_path / "bayar.csv"
    path.write_text(
        "nomor;tanggal;jumlah;referensi\n"
        f"{january.nomor};10/01/2024;33.600;TRX-1\n"
        f"{february.nomor};2024-02-10;33600;TRX-2\n",
        encoding="utf-8",
    )
    result = payments_import(file=path, acting_user=officer)
    assert result.jumlah == 67_200 and len(result.payments) == 2
    assert {p.metode for p in result.payments} == {"impor"}
    assert Invoice.objects.filter(status=InvoiceStatus.PAID).count() == 2
    assert village_active("2024-01") == 4


def test_a_payment_file_with_one_bad_row_records_nothing_and_names_row_and_column(
    programme, officer, tmp_path
):
    january = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    path = tmp_path / "bayar.csv"
    path.write_text(
        "nomor,tanggal,jumlah,referensi\n"
        f"{january.nomor},2024-01-10,33600,TRX-1\n"
        "INV-404-202401,2024-01-10,16800,TRX-2\n"
        f"{january.nomor},kemarin,abc,TRX-3\n",
        encoding="utf-8",
    )
    with pytest.raises(PaymentFileRejected) as refused:
        payments_import(file=path, acting_user=officer)
    assert [(p["baris"], p["kolom"], p["kode"]) for p in refused.value.problems] == [
        (2, "nomor", "tagihan_tidak_ada"),
        (3, "nomor", "tagihan_ganda_di_berkas"),
        (3, "tanggal", "tanggal_tidak_valid"),
        (3, "jumlah", "jumlah_tidak_valid"),
    ]
    assert refused.value.message_en.startswith(
        "Payment file bayar.csv refused, nothing was recorded: 4 problems. Row 2, column nomor: "
        "Invoice INV-404-202401 does not exist"
    )
    assert not Payment.objects.exists()
