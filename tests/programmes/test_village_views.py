"""The village operator's screens (and the officer's actions on them), through the test client."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from cakupan.audit.models import AuditEntry
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    InvoiceStatus,
    Programme,
    ProgrammeStatus,
)
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.programmes import programme_approve
from tests.programmes.test_services_helpers import (
    BATUBULAN,
    beneficiary,
    make_programme,
    nik,
    pemda,
    refresh,
    registry_person,
    row,
)

pytestmark = pytest.mark.django_db

HEADER = "nik,nama,tanggal_lahir,jenis_kelamin,kode_wilayah,pekerjaan\n"
GOOD_NIK = nik(1, 1, 1990, 11, female=True)


def csv_file(*lines: str, name: str = "daftar.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "".join(lines)).encode(), content_type="text/csv")


def line(values: list[str]) -> str:
    return ",".join(values) + "\n"


@pytest.fixture
def programme(village_operator):
    return make_programme(village_operator)


@pytest.fixture
def operator_client(client, village_operator):
    client.force_login(village_operator)
    return client


def test_the_operator_sees_its_programmes_with_their_figures(
    operator_client, programme, django_assert_max_num_queries
):
    beneficiary(programme, 1, GOOD_NIK, "Ni Made Sari", date(1990, 1, 1), "P", kelas="baru")
    with django_assert_max_num_queries(12):
        response = operator_client.get("/program/desa/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Perlindungan petani Batubulan 2024" in html
    assert "20.160.000" in html  # budget: 100 × Rp16.800 × 12


def test_another_village_does_not_see_the_programme(client, other_village_operator, programme):
    client.force_login(other_village_operator)
    assert "Perlindungan petani" not in client.get("/program/desa/").content.decode()
    response = client.get(f"/program/{programme.pk}/")
    assert response.status_code == 404
    assert client.get(f"/program/{programme.pk}/penerima/").status_code == 404


def test_the_detail_shows_the_budget_and_only_an_officer_gets_the_approve_button(
    operator_client, client, programme, make_user
):
    html = operator_client.get(f"/program/{programme.pk}/").content.decode()
    assert "Rp20.160.000" in html and 'id="ajukan"' in html and 'id="setujui"' not in html
    client.force_login(pemda(make_user))
    assert 'id="setujui"' in client.get(f"/program/{programme.pk}/").content.decode()


def test_the_template_downloads_as_xlsx(operator_client, programme):
    response = operator_client.get(f"/program/{programme.pk}/templat.xlsx")
    assert response["Content-Disposition"] == (
        f'attachment; filename="templat-penerima-{programme.pk}.xlsx"'
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["penerima", "petunjuk"]


def test_an_upload_over_quota_shows_why_in_both_languages_and_saves_nothing(
    operator_client, village_operator
):
    programme = make_programme(village_operator, villages={BATUBULAN: 1})
    upload = csv_file(
        line(row(GOOD_NIK, "Ni Made Sari", "1990-01-01", "P")),
        line(row(nik(2, 2, 1985, 12), "I Wayan", "1985-02-02", "L")),
    )
    response = operator_client.post(
        f"/program/{programme.pk}/unggah/", {"desa": BATUBULAN, "file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "melebihi kuota 1" in html and "over its quota of 1" in html
    assert not Beneficiary.objects.exists()


def test_an_upload_with_wrong_columns_names_them(operator_client, programme):
    upload = SimpleUploadedFile("salah.csv", b"id,name\n1,Made\n", content_type="text/csv")
    response = operator_client.post(
        f"/program/{programme.pk}/unggah/", {"desa": BATUBULAN, "file": upload}
    )
    html = response.content.decode()
    assert "kolom_daftar_salah" in html and "nik, tanggal_lahir, jenis_kelamin" in html
    assert not Beneficiary.objects.exists()


def test_an_upload_then_the_list_shows_problems_and_masked_niks(operator_client, programme):
    upload = csv_file(
        line(row(GOOD_NIK, "Ni Made Sari", "1990-01-01", "P")),
        line(row(nik(7, 7, 1991, 17), "Salah Tanggal", "31/02/1991", "L")),
    )
    response = operator_client.post(
        f"/program/{programme.pk}/unggah/", {"desa": BATUBULAN, "file": upload}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/program/{programme.pk}/penerima/?desa={BATUBULAN}&tampil=masalah"
    )
    html = operator_client.get(response["Location"]).content.decode()
    assert "Salah Tanggal" in html and "Ni Made Sari" not in html
    assert "bukan tanggal yang sah" in html and "is not a valid date" in html
    full = operator_client.get(f"/program/{programme.pk}/penerima/").content.decode()
    assert "5104********0011" in full and GOOD_NIK not in full


def test_a_row_is_fixed_in_place_with_htmx(operator_client, programme):
    operator_client.post(
        f"/program/{programme.pk}/unggah/",
        {
            "desa": BATUBULAN,
            "file": csv_file(line(row(nik(7, 7, 1991, 17), "Salah", "31/02/1991", "L"))),
        },
    )
    b = Beneficiary.objects.get()
    url = f"/program/{programme.pk}/penerima/{b.pk}/perbaiki/"
    form = operator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert form.startswith('<tr id="penerima-') and 'hx-post="' in form
    assert nik(7, 7, 1991, 17) not in form
    response = operator_client.post(
        url,
        {
            "nik": "",
            "nama": "Salah",
            "tanggal_lahir": "1991-07-07",
            "jenis_kelamin": "L",
            "kode_wilayah": BATUBULAN,
            "pekerjaan": "petani",
            "unit": "",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.startswith(f'<tr id="penerima-{b.pk}"') and "1991-07-07" in html
    b.refresh_from_db()
    assert b.masalah == [] and b.nik == nik(7, 7, 1991, 17)


def test_a_row_is_fixed_without_javascript_too(operator_client, programme):
    beneficiary(
        programme,
        1,
        "123",
        "Salah NIK",
        date(1990, 1, 1),
        "P",
        masalah=[{"kolom": "nik", "kode": "x", "pesan": "x", "message": "x"}],
    )
    b = Beneficiary.objects.get()
    url = f"/program/{programme.pk}/penerima/{b.pk}/perbaiki/"
    assert "<html" in operator_client.get(url).content.decode()
    response = operator_client.post(
        url,
        {
            "nik": GOOD_NIK,
            "nama": "Ni Made Sari",
            "tanggal_lahir": "1990-01-01",
            "jenis_kelamin": "P",
        },
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert (b.nik, b.masalah) == (GOOD_NIK, [])


def test_an_officer_approves_from_the_detail_page_or_is_told_why_not(
    client, village_operator, make_user
):
    officer = pemda(make_user)
    client.force_login(officer)
    short = make_programme(village_operator, jumlah=1_000_000)
    response = client.post(f"/program/{short.pk}/setujui/", follow=True)
    html = response.content.decode()
    assert "Rp20.160.000" in html and "Rp1.000.000" in html
    short.refresh_from_db()
    assert short.status == ProgrammeStatus.DRAFT
    Programme.objects.filter(pk=short.pk).update(status=ProgrammeStatus.REJECTED)
    ok = make_programme(village_operator, nama="Cukup")
    client.post(f"/program/{ok.pk}/setujui/")
    ok.refresh_from_db()
    assert ok.status == ProgrammeStatus.APPROVED and ok.approved_by == officer


def test_create_shows_the_budget_before_saving_then_saves_a_draft(
    operator_client, village_operator
):
    programme = make_programme(village_operator, kelompok="nelayan")
    data = {
        "funding": programme.funding_id,
        "nama": "Petani 2024",
        "kelompok_sasaran": "petani",
        "villages": BATUBULAN,
        "kuota": "100",
        "program": "JKK,JKM",
        "penghasilan": "",
        "bulan_mulai": "2024-01",
        "durasi_bulan": "12",
    }
    preview = operator_client.post("/program/baru/", {**data, "aksi": "hitung"}).content.decode()
    assert "Rp16.800" in preview and "Rp20.160.000" in preview
    assert Programme.objects.count() == 1
    response = operator_client.post("/program/baru/", {**data, "aksi": "simpan"})
    created = Programme.objects.get(nama="Petani 2024")
    assert response["Location"] == f"/program/{created.pk}/"


def test_create_quotes_the_rule_that_bars_a_funding_source(operator_client, village_operator):
    from cakupan.programmes.models import Funding

    programme = make_programme(village_operator, kelompok="nelayan")
    dana_desa = Funding.objects.create(
        sponsor=programme.sponsor, sumber="Dana Desa", tahun_anggaran=2024, jumlah=10**8
    )
    html = operator_client.post(
        "/program/baru/",
        {
            "funding": dana_desa.pk,
            "nama": "X",
            "kelompok_sasaran": "petani",
            "villages": BATUBULAN,
            "kuota": "100",
            "program": "JKK,JKM",
            "bulan_mulai": "2024-01",
            "durasi_bulan": "12",
            "aksi": "simpan",
        },
    ).content.decode()
    assert "SE Kemendes PDTT 4/PRI.00/I/2024" in html
    assert Programme.objects.count() == 1


def test_sponsor_and_funding_line_are_added_from_their_page(operator_client):
    operator_client.post(
        "/program/sponsor/baru/",
        {"aksi": "sponsor", "jenis": "desa", "nama": "Desa Batubulan", "kode_wilayah": BATUBULAN},
    )
    from cakupan.programmes.models import Funding, Sponsor

    sponsor = Sponsor.objects.get()
    response = operator_client.post(
        "/program/sponsor/baru/",
        {
            "aksi": "dana",
            "sponsor": sponsor.pk,
            "sumber": "ADD",
            "tahun_anggaran": "2024",
            "jumlah": "20160000",
        },
    )
    assert response["Location"] == "/program/baru/"
    assert Funding.objects.get().jumlah == 20_160_000


@pytest.fixture
def paid_ready(programme, make_user):
    """An approved programme with one new person, and the registry snapshot of 2024-01."""
    registry_person(nik(9, 9, 1979, 9), "Peserta Lain", date(1979, 9, 9), "L")
    refresh("2024-01")
    beneficiary(
        programme,
        1,
        GOOD_NIK,
        "Ni Made Sari",
        date(1990, 1, 1),
        "P",
        match_status="tidak_ada",
        kelas="baru",
    )
    officer = pemda(make_user)
    programme_approve(programme=programme, acting_user=officer)
    return programme, officer


def test_an_officer_issues_an_invoice_and_records_its_payment(client, paid_ready):
    programme, officer = paid_ready
    client.force_login(officer)
    client.post(f"/program/{programme.pk}/tagihan/", {"bulan": "2024-01"})
    invoice = Invoice.objects.get()
    response = client.post(
        "/program/pembayaran/",
        {"aksi": "catat", "nomor": invoice.nomor, "tanggal": "2024-01-10", "jumlah": "16800"},
        follow=True,
    )
    html = response.content.decode()
    assert f"{invoice.nomor}" in html and "1" in html
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/program/{programme.pk}/penerima/").content.decode()
    assert "months paid: 1, up to 2024-01" in page


def test_a_payment_for_an_unknown_invoice_is_refused_on_screen(client, paid_ready):
    _, officer = paid_ready
    client.force_login(officer)
    html = client.post(
        "/program/pembayaran/",
        {"aksi": "catat", "nomor": "INV-1-209901", "tanggal": "2024-01-10", "jumlah": "16800"},
    ).content.decode()
    assert (
        "Tagihan INV-1-209901 tidak ada" in html and "Invoice INV-1-209901 does not exist" in html
    )


def test_a_bad_payment_file_lists_each_problem_by_row_and_column(client, paid_ready):
    programme, officer = paid_ready
    client.force_login(officer)
    invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    upload = SimpleUploadedFile(
        "bayar.csv", b"nomor,tanggal,jumlah\nINV-0-000000,2024-01-10,1\n", content_type="text/csv"
    )
    html = client.post("/program/pembayaran/", {"aksi": "impor", "file": upload}).content.decode()
    assert 'id="masalah-pembayaran"' in html and "INV-0-000000" in html
    assert not Invoice.objects.filter(status=InvoiceStatus.PAID).exists()


def test_the_enrolment_file_masks_niks_for_an_officer_and_is_audited(client, paid_ready):
    programme, officer = paid_ready
    client.force_login(officer)
    response = client.get(f"/program/{programme.pk}/pendaftaran/?format=csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("nik,nama,tanggal_lahir,jenis_kelamin,kode_wilayah,desa")
    assert "5104********0011" in text and GOOD_NIK not in text
    entry = AuditEntry.objects.get(action="export")
    assert entry.row_count == 1 and entry.detail["what"] == "enrolment"


def test_the_enrolment_file_is_not_for_a_village_operator(operator_client, paid_ready):
    programme, _ = paid_ready
    assert operator_client.get(f"/program/{programme.pk}/pendaftaran/").status_code == 403


def test_renewals_list_who_loses_protection_and_the_cost(client, paid_ready):
    programme, officer = paid_ready
    client.force_login(officer)
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    client.post(
        "/program/pembayaran/",
        {"aksi": "catat", "nomor": invoice.nomor, "tanggal": "2024-01-10", "jumlah": "16800"},
    )
    html = client.get("/program/perpanjangan/?bulan=2024-01").content.decode()
    assert "Ni Made Sari" in html and "201.600" in html  # 12 × Rp16.800
    csv_text = (
        client.get("/program/perpanjangan/?bulan=2024-01&format=csv").getvalue().decode("utf-8-sig")
    )
    assert "Ni Made Sari" in csv_text and GOOD_NIK not in csv_text


def test_a_sponsor_sees_only_the_programmes_it_funds_and_no_names(client, programme, make_user):
    company = make_user("csr_bank", "sponsor", "51")
    client.force_login(company)
    assert "Perlindungan petani" not in client.get("/program/desa/").content.decode()
    programme.sponsor.users.add(company)
    assert "Perlindungan petani" in client.get("/program/desa/").content.decode()
    assert client.get(f"/program/{programme.pk}/penerima/").status_code == 403


def test_pages_need_a_login(client, programme):
    response = client.get(f"/program/{programme.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_match_then_review_from_the_screens(operator_client, programme):
    registry_person(nik(10, 10, 1970, 5), "I Nyoman Gede", date(1970, 10, 10), "L")
    registry_person(nik(10, 10, 1970, 6), "I Nyoman Gede", date(1970, 10, 10), "L")
    refresh("2024-01")
    operator_client.post(
        f"/program/{programme.pk}/unggah/",
        {
            "desa": BATUBULAN,
            "file": csv_file(
                line(row(nik(10, 10, 1970, 555), "I Nyoman Gede", "1970-10-10", "L")),
                line(row(GOOD_NIK, "Ni Made Sari", "1990-01-01", "P")),
            ),
        },
    )
    response = operator_client.post(f"/program/{programme.pk}/cocokkan/", {"desa": BATUBULAN})
    assert response["Location"] == f"/program/{programme.pk}/penerima/?desa={BATUBULAN}"
    queue = operator_client.get(f"/program/{programme.pk}/tinjau/").content.decode()
    assert queue.count("I Nyoman Gede") == 2 and "5104********0005" in queue
    assert nik(10, 10, 1970, 5) not in queue and nik(10, 10, 1970, 555) not in queue
    pending = Beneficiary.objects.get(match_status="tinjau")
    response = operator_client.post(
        f"/program/{programme.pk}/tinjau/",
        {"penerima": pending.pk, "keputusan": "terima"},
        follow=True,
    )
    pending.refresh_from_db()
    assert (pending.match_status, pending.kelas) == ("diterima", "aktif")
    assert "antrean-tinjau" in response.content.decode()


def test_a_row_not_waiting_for_review_cannot_be_decided(operator_client, programme):
    b = beneficiary(programme, 1, GOOD_NIK, "Ni Made Sari", date(1990, 1, 1), "P", kelas="baru")
    response = operator_client.post(
        f"/program/{programme.pk}/tinjau/", {"penerima": b.pk, "keputusan": "terima"}
    )
    assert response.status_code == 404
