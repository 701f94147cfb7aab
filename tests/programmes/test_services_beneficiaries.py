"""Beneficiary lists: template, upload (every row checked; wrong columns or over quota refuse the
whole file), fixing a row."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from cakupan.audit.models import AuditEntry
from cakupan.errors import OutOfScope
from cakupan.programmes.errors import ListColumnsWrong, ListEmpty, ListLocked, OverQuota
from cakupan.programmes.models import Beneficiary
from cakupan.programmes.services.beneficiaries import (
    EXAMPLE_NAME,
    beneficiaries_upload,
    beneficiary_fix,
    beneficiary_template_xlsx,
)
from cakupan.programmes.services.lists import COLUMNS
from cakupan.programmes.services.programmes import programme_approve
from tests.programmes.test_services_helpers import (
    BATUBULAN,
    KETEWEL,
    make_programme,
    nik,
    pemda,
    row,
    write_list,
)

pytestmark = pytest.mark.django_db

GOOD = [
    row(nik(1, 1, 1990, 11, female=True), "Ni Made Sari", "1990-01-01", "P"),
    row(nik(2, 2, 1985, 12), "I Wayan Sudarsana", "02/02/1985", "L", pekerjaan="nelayan"),
    row(nik(3, 3, 1980, 13), "I Ketut Arsa", "1980-03-03", "", desa=""),
]


def upload(programme, user, path, village=BATUBULAN):
    return beneficiaries_upload(
        programme=programme, kode_wilayah=village, file=path, acting_user=user
    )


def problems(baris: int) -> list[tuple[str, str]]:
    b = Beneficiary.objects.get(baris=baris)
    return [(m["kolom"], m["kode"]) for m in b.masalah]


def test_a_good_list_is_saved_row_by_row_and_audited(village_operator, tmp_path):
    programme = make_programme(village_operator)
    result = upload(programme, village_operator, write_list(tmp_path / "daftar.csv", GOOD))
    assert (result.baris, result.valid, result.bermasalah, result.diganti) == (3, 3, 0, 0)
    people = list(Beneficiary.objects.order_by("baris"))
    assert [(b.baris, b.nama, b.jenis_kelamin, b.kode_wilayah) for b in people] == [
        (1, "Ni Made Sari", "P", BATUBULAN),
        (2, "I Wayan Sudarsana", "L", BATUBULAN),
        (3, "I Ketut Arsa", "L", BATUBULAN),  # sex read from the NIK, village from the list
    ]
    assert str(people[1].tanggal_lahir) == "1985-02-02"
    entry = AuditEntry.objects.get(action="beneficiary.upload")
    assert entry.row_count == 3 and entry.region_code == BATUBULAN
    assert nik(1, 1, 1990, 11, female=True) not in str(entry.detail)


def test_every_bad_row_gets_its_problems_in_both_languages(village_operator, tmp_path):
    programme = make_programme(village_operator)
    rows = [
        *GOOD,
        row("51040101019", "Tanpa NIK Benar", "1990-01-01", "L"),  # 4: NIK 11 digits
        row(nik(5, 5, 1975, 15), "", "1975-05-05", "L"),  # 5: no name
        row(nik(6, 6, 1950, 16), "Kakek Tua", "1950-06-06", "L"),  # 6: 73 at the start
        row(nik(7, 7, 1991, 17), "Salah Tanggal", "31/02/1991", "X"),  # 7: bad date and sex
        row(nik(8, 8, 1992, 18), "Orang Ketewel", "1992-08-08", "L", desa=KETEWEL),  # 8
        row(nik(1, 1, 1990, 11, female=True), "Ni Made Sari", "1990-01-01", "P"),  # 9: again
        row(nik(10, 10, 1993, 20), "Beda Tanggal", "1993-10-11", "L"),  # 10: NIK says 10th
    ]
    result = upload(programme, village_operator, write_list(tmp_path / "daftar.csv", rows))
    assert (result.baris, result.valid, result.bermasalah) == (10, 3, 7)
    assert problems(4) == [("nik", "nik_panjang_salah")]
    assert problems(5) == [("nama", "sel_wajib_kosong")]
    assert problems(6) == [("tanggal_lahir", "usia_di_luar_batas")]
    assert problems(7) == [
        ("tanggal_lahir", "tanggal_tidak_valid"),
        ("jenis_kelamin", "jenis_kelamin_tidak_dikenal"),
    ]
    assert problems(8) == [("kode_wilayah", "desa_tidak_sesuai")]
    assert problems(9) == [("nik", "nik_ganda_di_daftar")]
    assert problems(10) == [("tanggal_lahir", "nik_tanggal_lahir_berbeda")]
    old = Beneficiary.objects.get(baris=6).masalah[0]
    assert old["pesan"].startswith("Kolom tanggal_lahir: usia 73 tahun pada awal program")
    assert old["message"] == (
        "Column tanggal_lahir: aged 73 at the programme start (2024-01-01), outside the BPU age "
        "limits 15–65 (Kepesertaan BPU BPJS Ketenagakerjaan: usia paling tinggi 65 tahun)."
    )
    assert Beneficiary.objects.get(baris=4).masalah[0]["message"] == (
        'NIK "***********": must have 16 digits, found 11 characters.'
    )


def test_a_file_with_the_wrong_columns_is_refused_whole_naming_them(village_operator, tmp_path):
    programme = make_programme(village_operator)
    upload(programme, village_operator, write_list(tmp_path / "lama.csv", GOOD))
    wrong = write_list(tmp_path / "salah.csv", [["x", "y", "z"]], header=["id", "name", "dob"])
    with pytest.raises(ListColumnsWrong) as refused:
        upload(programme, village_operator, wrong)
    assert refused.value.message_en == (
        "File salah.csv refused, nothing was saved: required columns nik, jenis_kelamin, "
        "kode_wilayah, pekerjaan are missing. Columns found: id, name, dob. Use the template: "
        "nik,nama,tanggal_lahir,jenis_kelamin,kode_wilayah,pekerjaan,unit."
    )
    assert refused.value.pesan_id.startswith("Berkas salah.csv ditolak, tidak ada yang disimpan")
    assert Beneficiary.objects.count() == 3  # the earlier list stands


def test_a_list_over_quota_is_refused_whole(village_operator, tmp_path):
    programme = make_programme(village_operator, villages={BATUBULAN: 2})
    with pytest.raises(OverQuota) as refused:
        upload(programme, village_operator, write_list(tmp_path / "daftar.csv", GOOD))
    assert refused.value.message_en == (
        "The list for village Batubulan 51.04.01.2001 has 3 people, over its quota of 2: the "
        "file was refused and nothing was saved. Remove 1 people or ask for a larger quota."
    )
    assert not Beneficiary.objects.exists()
    assert not AuditEntry.objects.filter(action="beneficiary.upload").exists()


def test_a_new_upload_replaces_the_village_list_until_approval(
    village_operator, make_user, tmp_path
):
    programme = make_programme(village_operator)
    upload(programme, village_operator, write_list(tmp_path / "a.csv", GOOD))
    result = upload(programme, village_operator, write_list(tmp_path / "b.csv", GOOD[:1]))
    assert (result.baris, result.diganti) == (1, 3)
    assert Beneficiary.objects.count() == 1
    programme_approve(programme=programme, acting_user=pemda(make_user))
    with pytest.raises(ListLocked):
        upload(programme, village_operator, write_list(tmp_path / "c.csv", GOOD))
    assert Beneficiary.objects.count() == 1


def test_another_village_operator_cannot_upload(village_operator, other_village_operator, tmp_path):
    programme = make_programme(village_operator)
    with pytest.raises(OutOfScope):
        upload(programme, other_village_operator, write_list(tmp_path / "a.csv", GOOD))


def test_formula_cells_are_kept_as_text_never_run(village_operator, tmp_path):
    programme = make_programme(village_operator)
    rows = [
        row(
            nik(1, 1, 1990, 11, female=True),
            '=HYPERLINK("http://x")',
            "1990-01-01",
            "P",
            pekerjaan="@SUM(A1)",
        )
    ]
    upload(programme, village_operator, write_list(tmp_path / "a.csv", rows))
    b = Beneficiary.objects.get()
    assert (b.nama, b.pekerjaan, b.masalah) == ('=HYPERLINK("http://x")', "@SUM(A1)", [])


def test_the_template_has_the_columns_an_example_and_instructions(village_operator, tmp_path):
    programme = make_programme(village_operator)
    content = beneficiary_template_xlsx(programme)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["penerima", "petunjuk"]
    rows = book.get_sheet_by_name("penerima").to_python()
    assert rows[0] == list(COLUMNS)
    assert rows[1][1] == EXAMPLE_NAME and rows[1][4] == BATUBULAN
    help_rows = book.get_sheet_by_name("petunjuk").to_python()
    assert help_rows[0] == ["kolom / column", "Petunjuk", "Instructions"]
    path = tmp_path / "templat.xlsx"
    path.write_bytes(content)
    with pytest.raises(ListEmpty):  # the example row alone is no list
        upload(programme, village_operator, path)


def test_a_filled_xlsx_upload_skips_the_example_row(village_operator, tmp_path):
    programme = make_programme(village_operator)
    path = tmp_path / "isi.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("penerima")
    sheet.write_row(0, 0, COLUMNS)
    sheet.write_row(1, 0, ["5104015505959999", EXAMPLE_NAME, "1995-05-15", "P", BATUBULAN, "", ""])
    for i, r in enumerate(GOOD, start=2):
        sheet.write_row(i, 0, r)
    book.close()
    upload_file = SimpleUploadedFile("isi.xlsx", Path(path).read_bytes())
    result = beneficiaries_upload(
        programme=programme, kode_wilayah=BATUBULAN, file=upload_file, acting_user=village_operator
    )
    assert (result.baris, result.valid, result.contoh_dilewati) == (3, 3, True)


def test_fixing_a_row_checks_it_again_and_keeps_the_nik_when_left_empty(village_operator, tmp_path):
    programme = make_programme(village_operator)
    rows = [*GOOD, row(nik(7, 7, 1991, 17), "Salah Tanggal", "31/02/1991", "L")]
    upload(programme, village_operator, write_list(tmp_path / "a.csv", rows))
    bad = Beneficiary.objects.get(baris=4)
    still_bad = beneficiary_fix(
        beneficiary=bad,
        data={"nik": "", "tanggal_lahir": "1991-07-08"},
        acting_user=village_operator,
    )
    assert [m["kode"] for m in still_bad.masalah] == ["nik_tanggal_lahir_berbeda"]
    fixed = beneficiary_fix(
        beneficiary=bad, data={"tanggal_lahir": "07/07/1991"}, acting_user=village_operator
    )
    assert fixed.masalah == [] and str(fixed.tanggal_lahir) == "1991-07-07"
    assert fixed.nik == nik(7, 7, 1991, 17)
    entry = AuditEntry.objects.filter(action="beneficiary.fix").latest("id")
    assert entry.detail == {"kolom": ["tanggal_lahir"], "masalah": 0, "baris": 4}


def test_fixing_a_nik_into_one_already_on_the_list_is_a_problem(village_operator, tmp_path):
    programme = make_programme(village_operator)
    upload(programme, village_operator, write_list(tmp_path / "a.csv", GOOD))
    third = Beneficiary.objects.get(baris=3)
    fixed = beneficiary_fix(
        beneficiary=third,
        data={
            "nik": GOOD[0][0],
            "nama": "Ni Made Sari",
            "tanggal_lahir": "1990-01-01",
            "jenis_kelamin": "P",
        },
        acting_user=village_operator,
    )
    assert [m["message"] for m in fixed.masalah] == [
        "Column nik: this NIK already appears in row 1 of the same list."
    ]
