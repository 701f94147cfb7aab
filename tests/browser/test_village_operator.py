"""A village operator in the browser: creates its programme (the budget shows before saving),
downloads the template, uploads a list with an error, fixes the row in place, matches the list
with the registry, reviews an uncertain match and submits; once the regency approves and pays,
it sees each person's paid months."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from cakupan.programmes.models import Beneficiary, Programme
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import payment_record
from cakupan.programmes.services.programmes import programme_approve
from cakupan.programmes.services.sponsors import funding_create, sponsor_create
from tests.browser.test_shell import PASSWORD, log_in
from tests.programmes.test_services_helpers import (
    BATUBULAN,
    nik,
    refresh,
    registry_person,
    row,
    village_active,
    write_list,
)

pytestmark = pytest.mark.browser

ACTIVE = nik(4, 4, 1975, 14)
LAPSED = nik(2, 2, 1985, 12)
GEDE = nik(10, 10, 1970, 5)
GEDE_ON_LIST = nik(10, 10, 1970, 555)
BAD_DATE = nik(7, 7, 1991, 17)


def registry() -> None:
    """The 2024-01 snapshot: one active member, one lapsed, and two namesakes born the same day
    (a list row naming them with another NIK needs a person to decide)."""
    registry_person(ACTIVE, "I Made Aktif", date(1975, 4, 4), "L")
    registry_person(LAPSED, "I Wayan Sudarsana", date(1985, 2, 2), "L", paid_through="2023-06")
    registry_person(GEDE, "I Nyoman Gede", date(1970, 10, 10), "L", paid_through="2022-12")
    registry_person(
        nik(10, 10, 1970, 6), "I Nyoman Gede", date(1970, 10, 10), "L", paid_through=None
    )
    refresh("2024-01")


def the_list(tmp_path: Path) -> Path:
    return write_list(
        tmp_path / "daftar-batubulan.csv",
        [
            row(ACTIVE, "I Made Aktif", "1975-04-04", "L"),
            row(LAPSED, "I Wayan Sudarsana", "1985-02-02", "L"),
            row(GEDE_ON_LIST, "I Nyoman Gede", "1970-10-10", "L"),
            row(BAD_DATE, "I Putu Salah", "31/02/1991", "L"),
        ],
    )


def test_village_operator_uploads_fixes_matches_and_follows_its_programme(
    browser_db, make_user, page, problems, tmp_path
):
    base = browser_db.url
    operator = make_user("op_batubulan", "village_operator", BATUBULAN, password=PASSWORD)
    officer = make_user("pemda_gianyar", "pemda_officer", "51.04", password=PASSWORD)
    registry()
    sponsor = sponsor_create(
        jenis="desa", nama="Desa Batubulan", kode_wilayah=BATUBULAN, acting_user=operator
    )
    funding = funding_create(
        sponsor=sponsor, sumber="ADD", tahun_anggaran=2024, jumlah=20_160_000, acting_user=operator
    )
    log_in(page, base, "op_batubulan", PASSWORD)

    # its programme: the premium and budget show before anything is saved
    page.goto(f"{base}/program/baru/")
    page.select_option("select[name=funding]", str(funding.pk))
    page.fill("input[name=nama]", "Petani Batubulan 2024")
    page.select_option("select[name=kelompok_sasaran]", "petani")
    assert page.input_value("textarea[name=villages]") == BATUBULAN
    page.fill("input[name=bulan_mulai]", "2024-01")
    page.fill("input[name=durasi_bulan]", "12")
    with page.expect_navigation():
        page.click("button[name=aksi][value=hitung]")
    assert "20.160.000" in page.locator("#anggaran").inner_text()
    page.fill("input[name=durasi_bulan]", "6")  # HTMX recalculates on change, in place
    page.locator("input[name=durasi_bulan]").dispatch_event("change")
    page.locator("#anggaran-jumlah", has_text="10.080.000").wait_for()
    page.fill("input[name=durasi_bulan]", "12")
    assert not Programme.objects.exists()
    with page.expect_navigation():
        page.click("#simpan-program")
    programme = Programme.objects.get()
    assert page.url == f"{base}/program/{programme.pk}/"
    assert "20.160.000" in page.locator("#anggaran").inner_text()

    # the template
    with page.expect_download() as download:
        page.click(f"a[href='/program/{programme.pk}/templat.xlsx']")
    book = CalamineWorkbook.from_filelike(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.get_sheet_by_name("penerima").to_python()[0][:6] == [
        "nik",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "kode_wilayah",
        "pekerjaan",
    ]

    # upload a list with an error: the row with problems is shown, in both languages
    page.goto(f"{base}/program/{programme.pk}/unggah/")
    page.set_input_files("input[name=file]", str(the_list(tmp_path)))
    with page.expect_navigation():
        page.click("#form-unggah button[type=submit]")
    assert "tampil=masalah" in page.url
    rows = page.locator("#daftar-penerima tbody tr")
    assert rows.count() == 1
    assert "is not a valid date" in rows.first.inner_text()
    assert BAD_DATE not in page.content()  # NIKs are masked

    # fix it in place: HTMX swaps the row for a form, then for the row checked again
    rows.first.locator("a.perbaiki").click()
    form = page.locator("form.form-perbaiki")
    form.locator("input[name=tanggal_lahir]").fill("1991-07-07")
    form.locator("select[name=jenis_kelamin]").select_option("P")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("form.form-perbaiki", state="detached")
    fixed = page.locator("#daftar-penerima tbody tr").first
    assert "1991-07-07" in fixed.inner_text()
    assert "the NIK says jenis_kelamin L" in fixed.inner_text()  # a woman's day would be +40
    fixed.locator("a.perbaiki").click()
    page.locator("form.form-perbaiki select[name=jenis_kelamin]").select_option("L")
    page.locator("form.form-perbaiki button[type=submit]").click()
    page.wait_for_selector("form.form-perbaiki", state="detached")
    assert page.locator("#daftar-penerima tbody tr.bermasalah").count() == 0
    assert Beneficiary.objects.get(nik=BAD_DATE).masalah == []

    # match with the registry: exact NIKs, then one uncertain match to review
    with page.expect_navigation():
        page.click("#cocokkan")
    assert page.locator("ul.messages li.success").count() == 1
    page.goto(f"{base}/program/{programme.pk}/tinjau/")
    queue = page.locator("#antrean-tinjau tbody tr")
    assert queue.count() == 1
    assert queue.first.inner_text().count("I Nyoman Gede") == 2  # the list's and the registry's
    assert "5104********0005" in queue.first.inner_text()
    assert GEDE not in page.content() and GEDE_ON_LIST not in page.content()
    with page.expect_navigation():
        queue.first.locator("button[value=terima]").click()
    assert page.locator("#antrean-tinjau tbody tr[data-penerima]").count() == 0
    assert dict(Beneficiary.objects.values_list("nik", "kelas")) == {
        ACTIVE: "aktif",
        LAPSED: "reaktivasi",
        GEDE_ON_LIST: "reaktivasi",
        BAD_DATE: "baru",
    }

    # submit for approval
    page.goto(f"{base}/program/{programme.pk}/")
    with page.expect_navigation():
        page.click("#ajukan")
    programme.refresh_from_db()
    assert programme.status == "diajukan"
    assert page.locator("#ajukan").count() == 0

    # the regency approves, invoices and pays January: coverage rises by the 3 protected
    before = village_active("2024-01")
    programme_approve(programme=programme, acting_user=officer)
    invoice = invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    payment_record(
        nomor=invoice.nomor, tanggal=date(2024, 1, 10), jumlah=3 * 16_800, acting_user=officer
    )
    assert village_active("2024-01") == before + 3

    # the operator sees each person's status
    page.goto(f"{base}/program/{programme.pk}/penerima/?desa={BATUBULAN}")
    paid = page.locator("#daftar-penerima tbody tr[data-dibayar='1']")
    assert paid.count() == 3
    assert "2024-01" in paid.first.inner_text()
    assert (
        page.locator("#daftar-penerima tbody tr[data-kelas=aktif][data-dibayar='0']").count() == 1
    )
    page.goto(f"{base}/program/desa/")
    assert "1 / 1" in page.locator("#daftar-program").inner_text()  # invoices paid / issued
    assert problems.take() == []
