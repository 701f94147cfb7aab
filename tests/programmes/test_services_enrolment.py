"""The enrolment file for the BPJS office, renewals due, and the payments command."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from cakupan.audit.models import AuditEntry
from cakupan.programmes.models import InvoiceStatus
from cakupan.programmes.services.enrolment import ENROLMENT_COLUMNS, enrolment_file, renewals_due
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import payment_record
from cakupan.programmes.services.programmes import programme_approve
from tests.programmes.test_services_helpers import (
    beneficiary,
    make_programme,
    nik,
    pemda,
    refresh,
    registry_person,
)

pytestmark = pytest.mark.django_db

NEW = nik(3, 3, 1980, 13)
LAPSED = nik(2, 2, 1985, 12)


@pytest.fixture
def officer(make_user):
    return pemda(make_user)


@pytest.fixture
def programme(village_operator, officer):
    registry_person(LAPSED, "I Wayan Sudarsana", date(1985, 2, 2), "L", paid_through="2023-06")
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
        "=cmd|' /C calc'!A0",
        date(1980, 3, 3),
        "L",
        match_status="tidak_ada",
        kelas="baru",
        pekerjaan="",
    )
    beneficiary(
        programme,
        3,
        nik(4, 4, 1975, 14),
        "I Made Aktif",
        date(1975, 4, 4),
        "L",
        kelas="aktif",
        match_status="otomatis",
    )
    return programme_approve(programme=programme, acting_user=officer)


def test_the_enrolment_file_has_what_a_bpu_registration_needs(programme, officer):
    name, content = enrolment_file(programme=programme, acting_user=officer)
    assert name == f"pendaftaran-program-{programme.pk}.csv"
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(ENROLMENT_COLUMNS)
    assert lines[1] == (
        "5104********0012,I Wayan Sudarsana,1985-02-02,L,51.04.01.2001,Batubulan,petani,,"
        'reaktivasi,"JKK,JKM",1000000,16800,2024-01-01,Desa Batubulan,'
        "Perlindungan petani Batubulan 2024"
    )
    assert lines[2].startswith("5104********0013,'=cmd|' /C calc'!A0,1980-03-03")
    assert ",petani," in lines[2]  # the occupation, when empty, is the target group
    assert len(lines) == 3  # the already active person is not enrolled
    entry = AuditEntry.objects.get(action="export")
    assert (entry.row_count, entry.detail) == (
        2,
        {"what": "enrolment", "format": "csv", "nik_penuh": False},
    )


def test_bpjs_staff_get_full_niks_in_xlsx(programme, bpjs_admin):
    _, content = enrolment_file(programme=programme, acting_user=bpjs_admin, format="xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == [LAPSED, NEW]
    assert AuditEntry.objects.get(action="export").detail["nik_penuh"] is True


def test_renewals_are_the_people_paid_up_to_a_month_and_no_later(programme, officer):
    for bulan, day in (("2024-01", 10), ("2024-02", 9)):
        invoice = invoice_issue(programme=programme, bulan=bulan, acting_user=officer)
        payment_record(
            nomor=invoice.nomor,
            tanggal=date(2024, int(bulan[5:]), day),
            jumlah=invoice.jumlah,
            acting_user=officer,
        )
    assert renewals_due(actor=officer, bulan="2024-01") == []
    (renewal,) = renewals_due(actor=officer, bulan="2024-02")
    assert (renewal.programme, renewal.peserta, renewal.bulan_berikut) == (programme, 2, "2024-03")
    assert (renewal.iuran, renewal.biaya_bulan, renewal.biaya_12_bulan) == (16_800, 33_600, 403_200)
    assert renewal.dalam_masa_program
    assert [b.baris for b in renewal.beneficiaries] == [1, 2]


def test_renewals_are_cut_to_the_reader_s_region(programme, officer, other_village_operator):
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    payment_record(
        nomor=invoice.nomor, tanggal=date(2024, 1, 10), jumlah=invoice.jumlah, acting_user=officer
    )
    assert renewals_due(actor=other_village_operator, bulan="2024-01") == []


def test_the_payments_command_records_a_file_or_names_its_problems(programme, officer, tmp_path):
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    bad = tmp_path / "salah.csv"
    bad.write_text(f"nomor,tanggal,jumlah\n{invoice.nomor},2024-01-10,1\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("programme", "payments-import", str(bad), stderr=err)
    assert refused.value.returncode == 1
    assert "baris 1, kolom jumlah: Pembayaran Rp1 tidak sama" in err.getvalue()
    good = tmp_path / "bayar.csv"
    good.write_text(f"nomor,tanggal,jumlah\n{invoice.nomor},2024-01-10,33600\n", encoding="utf-8")
    out = io.StringIO()
    call_command("programme", "payments-import", str(good), stdout=out)
    assert out.getvalue() == ("1 pembayaran dicatat, Rp33.600 / 1 payments recorded, Rp33.600\n")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    csv_out = io.StringIO()
    call_command("programme", "renewals", "--month", "2024-01", stdout=csv_out)
    assert csv_out.getvalue().splitlines()[1] == (
        "Perlindungan petani Batubulan 2024,2024-02,2,16800,33600,403200"
    )
