"""`cakupan link FILE --out OUT.csv`: formats, header aliases, output file, summary, exit codes,
bad cells, and no NIK on stderr."""

import csv
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from cakupan.audit.models import AuditEntry

NIK_RUN = re.compile(r"\d{16}")
HEADER = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah", "pekerjaan"]
ROWS = [
    # exact NIK
    ["5104014101900001", "Ni Made Batubulan", "1990-01-01", "P", "51.04.01.2001", "petani"],
    # NIK missing, day/month written DD/MM/YYYY
    ["", "WAYAN BATUBULAN", "02/02/1985", "L", "51.04.01.2001", ""],
    # not in the registry
    ["5104012508990001", "I Komang Arsana", "25-08-1999", "L", "51.04.01.2002", "nelayan"],
]


def write_csv(path: Path, rows, header=HEADER, delimiter=",", encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("link", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read_output(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_link_writes_one_output_row_per_input_row(tmp_path, participants):
    out_path = tmp_path / "hasil.csv"
    stdout, stderr = run(write_csv(tmp_path / "daftar.csv", ROWS), "--out", out_path)
    header, exact, found, none = read_output(out_path)
    assert header == ["baris", "nik", "skor", "metode"]
    assert exact == ["1", "5104014101900001", "1.0000", "nik"]
    assert (found[0], found[1], found[3]) == ("2", "5104010202850002", "probabilistik")
    assert float(found[2]) >= 0.99
    assert none == ["3", "", "0.0000", "tidak_cocok"]
    assert re.fullmatch(
        r"daftar\.csv: 3 baris/rows; nik 1, probabilistik/probabilistic 1, tinjau/review 0, "
        r"tidak_cocok/no match 1; sel dikosongkan/cells taken as empty 0; \d+\.\d s → "
        + re.escape(str(out_path)),
        stdout.strip(),
    )
    assert stderr == ""
    entry = AuditEntry.objects.get(action="linkage.link")
    assert entry.row_count == 3 and entry.detail["nik"] == 1
    assert not NIK_RUN.search(str(entry.detail))


def test_english_headers_semicolons_and_windows_1252(tmp_path, participants):
    path = write_csv(
        tmp_path / "list.csv",
        [["", "Ni Made Batubulan", "01-01-1990", "p", "51.04.01.2001", "pédagang"]],
        header=["National ID", "Name", "Date of birth", "Sex", "Region code", "Occupation"],
        delimiter=";",
        encoding="cp1252",
    )
    run(path, "--out", tmp_path / "o.csv")
    baris, nik, _, metode = read_output(tmp_path / "o.csv")[1]
    assert (baris, nik, metode) == ("1", "5104014101900001", "probabilistik")


def test_xlsx_input(tmp_path, participants):
    path = tmp_path / "daftar.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Nama", "NIK"])
    sheet.write_row(1, 0, ["Ketut Ketewel", "5104010303800003"])
    workbook.close()
    run(path, "--out", tmp_path / "o.csv")
    assert read_output(tmp_path / "o.csv")[1] == ["1", "5104010303800003", "1.0000", "nik"]


def test_period_limits_the_registry(tmp_path, participants):
    run(write_csv(tmp_path / "d.csv", ROWS[:1]), "--out", tmp_path / "o.csv", "--period", "2022-12")
    assert read_output(tmp_path / "o.csv")[1][3] == "tidak_cocok"
    with pytest.raises(CommandError) as error:
        run(
            write_csv(tmp_path / "d.csv", ROWS[:1]),
            "--out",
            tmp_path / "o.csv",
            "--period",
            "12-2023",
        )
    assert error.value.returncode == 2 and "YYYY-MM" in str(error.value)


def test_bad_cells_are_taken_as_empty_counted_and_named_without_a_nik(tmp_path, participants):
    rows = [
        ["510401410190000", "Ni Made Batubulan", "31/02/1990", "X", "51.04.01.2001", ""],
        ["5104014101900001", "", "", "", "", ""],
    ]
    stdout, stderr = run(write_csv(tmp_path / "d.csv", rows), "--out", tmp_path / "o.csv")
    assert "sel dikosongkan/cells taken as empty 4" in stdout
    assert stderr.splitlines()[:2] == [
        "baris 1, kolom nik: NIK harus 16 angka; dianggap kosong.",
        "  row 1, column nik: a NIK has 16 digits; taken as empty.",
    ]
    assert stderr.splitlines()[2:4] == [
        "baris 1, kolom tanggal_lahir: '31/02/1990' bukan tanggal yang sah (YYYY-MM-DD, "
        "DD/MM/YYYY atau DD-MM-YYYY); dianggap kosong.",
        "  row 1, column tanggal_lahir: '31/02/1990' is not a valid date (YYYY-MM-DD, "
        "DD/MM/YYYY or DD-MM-YYYY); taken as empty.",
    ]
    assert "row 1, column jenis_kelamin: sex must be L or P; taken as empty." in stderr
    assert "baris 2, kolom nama: nama kosong." in stderr
    assert not NIK_RUN.search(stderr)
    # Row 1 has only its name and village left: a candidate for review at most. Row 2 has only
    # its NIK: taken, but not as an exact-NIK match, since no name confirms it.
    assert [r[3] for r in read_output(tmp_path / "o.csv")[1:]] == ["tinjau", "probabilistik"]


def test_missing_nama_column_is_exit_2_naming_it_without_showing_a_nik(tmp_path, db):
    # A file without a header: its first row, with a NIK, is taken for the header.
    path = write_csv(tmp_path / "d.csv", ROWS, header=None)
    with pytest.raises(CommandError) as error:
        run(path, "--out", tmp_path / "o.csv")
    message = str(error.value)
    assert error.value.returncode == 2
    assert message.splitlines()[0].startswith("Berkas d.csv tidak punya kolom wajib: nama.")
    assert message.splitlines()[1].startswith("File d.csv lacks required columns: nama.")
    assert "5104********0001" in message and not NIK_RUN.search(message)
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02 binary"])
def test_unreadable_file_is_exit_2(tmp_path, db, content):
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run(path, "--out", tmp_path / "o.csv")
    assert error.value.returncode == 2
    assert "tidak dapat dibaca" in str(error.value) and "cannot be read" in str(error.value)


def test_output_that_cannot_be_written_is_exit_2(tmp_path, participants):
    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path / "d.csv", ROWS), "--out", tmp_path / "no" / "such" / "o.csv")
    assert error.value.returncode == 2
    assert str(error.value).startswith("Berkas hasil o.csv tidak dapat ditulis: ")


def test_missing_file_is_exit_2(tmp_path, db):
    with pytest.raises(CommandError) as error:
        run(tmp_path / "nope.csv", "--out", tmp_path / "o.csv")
    assert error.value.returncode == 2
    assert str(error.value) == (
        f"Berkas {tmp_path / 'nope.csv'} tidak ada.\nFile {tmp_path / 'nope.csv'} does not exist."
    )


def test_real_cli_exit_code_and_stderr(tmp_path):
    path = write_csv(tmp_path / "d.csv", [["5104014101900001", "x"]], header=["nik", "nm"])
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "cakupan.cli", "link", str(path), "--out", str(tmp_path / "o.csv")],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "tidak punya kolom wajib: nama" in done.stderr
    assert "lacks required columns: nama" in done.stderr
    assert done.stdout == ""
