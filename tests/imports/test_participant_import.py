"""participant_import: every bad-input kind, formats, encodings, delimiters, partial, idempotence."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command

from cakupan.accounts.scope import SystemActor
from cakupan.audit.models import AuditEntry
from cakupan.imports.models import ImportRecord, Outcome
from cakupan.imports.services.participants import COLUMNS, participant_import
from cakupan.registry.models import Employer, Membership, Participant

HEADER = list(COLUMNS)  # the file format of design.md
GOOD = [
    [
        "5104014101900001",
        "Ni Made Sari",
        "1990-01-01",
        "P",
        "23000000001",
        "PU",
        "12345678",
        "51.04.01.2001",
        "karyawan",
        "JKK,JKM,JHT",
        "3000000",
        "2020-01-01",
        "2023-12",
    ],
    [
        "5104010202850002",
        "Wayan Éka",
        "02/02/1985",
        "L",
        "",
        "BPU",
        "",
        "51.04.01.2001",
        "petani",
        "JKK,JKM",
        "1000000",
        "2021-05-01",
        "2023-12",
    ],
]


def good_row(**changes):
    row = dict(zip(HEADER, GOOD[0], strict=True))
    row.update(changes)
    return [row[c] for c in HEADER]


def write_csv(path: Path, rows, *, delimiter=",", encoding="utf-8", header=HEADER) -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def run(path: Path, **kwargs):
    return participant_import(path=path, periode="2023-12", acting_user=SystemActor(), **kwargs)


@pytest.fixture
def employer(db):
    return Employer.objects.create(npp="12345678", nama="PT Satu", kode_wilayah="51.04.01.2001")


def test_good_file_imports_every_row(tmp_path, employer):
    result = run(write_csv(tmp_path / "p.csv", GOOD))
    assert result.record.outcome == Outcome.IMPORTED and result.exit_code == 0
    assert Participant.objects.count() == 2 and Membership.objects.count() == 2
    m = Membership.objects.get(participant__nik="5104014101900001")
    assert (m.segmen, m.employer, m.program, m.upah) == ("PU", employer, "JKK,JKM,JHT", 3000000)
    assert len(result.record.sha256) == 64
    assert AuditEntry.objects.get(action="import").row_count == 2


BAD_KINDS = [
    ("nik", "51040141019000", "nik_panjang_salah"),
    ("nik", "5199014101900001", "nik_wilayah_tidak_ada"),
    ("nik", "5104019913900001", "nik_tanggal_lahir_tidak_valid"),
    ("nik", "5104014101900000", "nik_nomor_urut_nol"),
    ("tanggal_lahir", "31/02/1990", "tanggal_tidak_valid"),
    ("kode_wilayah", "51.04.01.9999", "wilayah_tidak_ada"),
    ("segmen", "INFORMAL", "pilihan_tidak_dikenal"),
    ("npp", "", "pu_tanpa_npp"),
    ("npp", "87654321", "npp_tidak_terdaftar"),
    ("upah", "-100", "upah_negatif"),
    ("upah", "999999999999", "upah_tidak_wajar"),
    ("bulan_iuran_terakhir", "2019-12", "iuran_sebelum_tmt"),
    ("nama", "", "sel_wajib_kosong"),
    ("program", "JKK,ASURANSI", "program_tidak_valid"),
]


@pytest.mark.parametrize(("kolom", "nilai", "kode"), BAD_KINDS)
def test_each_bad_kind_is_named_and_nothing_is_imported(tmp_path, employer, kolom, nilai, kode):
    bad = good_row(**{kolom: nilai, "nik": good_row()[0] if kolom != "nik" else nilai})
    result = run(write_csv(tmp_path / "p.csv", [GOOD[1], bad]))
    assert result.record.outcome == Outcome.REJECTED and result.exit_code == 1
    assert [(p.baris, p.kolom, p.kode) for p in result.problems if not p.warning][:1] == [
        (2, kolom, kode)
    ]
    assert Participant.objects.count() == 0 and Membership.objects.count() == 0


def test_every_problem_of_a_row_is_reported_not_only_the_first(tmp_path, employer):
    bad = good_row(segmen="X", kode_wilayah="99.99", upah="-1", tmt="kemarin")
    result = run(write_csv(tmp_path / "p.csv", [bad]))
    assert {p.kode for p in result.problems} >= {
        "pilihan_tidak_dikenal",
        "wilayah_tidak_ada",
        "upah_negatif",
        "tanggal_tidak_valid",
    }


def test_same_nik_twice_in_one_file(tmp_path, employer):
    result = run(write_csv(tmp_path / "p.csv", [GOOD[0], GOOD[0]]))
    assert [(p.baris, p.kode) for p in result.problems] == [(2, "nik_ganda")]
    assert "baris 1" in result.problems[0].pesan


def test_nik_disagreeing_with_sex_is_a_warning_and_imported(tmp_path, employer):
    result = run(write_csv(tmp_path / "p.csv", [good_row(jenis_kelamin="L")]))
    assert result.record.outcome == Outcome.IMPORTED
    assert [(p.kode, p.warning) for p in result.problems] == [("nik_jenis_kelamin_berbeda", True)]
    assert Participant.objects.get().jenis_kelamin == "L"


def test_partial_imports_exactly_the_good_rows(tmp_path, employer):
    bad = good_row(nik="5104010303800003", segmen="??")
    result = run(write_csv(tmp_path / "p.csv", [GOOD[0], bad, GOOD[1]]), partial=True)
    assert result.record.outcome == Outcome.PARTIAL and result.exit_code == 1
    assert set(Participant.objects.values_list("nik", flat=True)) == {
        "5104014101900001",
        "5104010202850002",
    }


def test_rejects_report_masks_nik_and_neutralises_formulas(tmp_path, employer):
    rows = [good_row(nama='=HYPERLINK("http://x")', segmen="=1+1"), GOOD[0]]
    out = tmp_path / "tolak.csv"
    run(write_csv(tmp_path / "p.csv", rows), rejects_path=out)
    text = out.read_text(encoding="utf-8-sig")
    report = list(csv.DictReader(text.splitlines()))
    assert list(report[0]) == ["baris", "kolom", "nilai", "kode", "pesan", "message"]
    assert "5104014101900001" not in text and "5104********0001" in text
    segmen = next(r for r in report if r["kolom"] == "segmen")
    assert segmen["nilai"] == "'=1+1"


def test_xlsx_rejects_report(tmp_path, employer):
    out = tmp_path / "tolak.xlsx"
    run(write_csv(tmp_path / "p.csv", [good_row(segmen="?")]), rejects_path=out)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["baris", "kolom", "nilai", "kode", "pesan", "message"]
    assert rows[1][1:4] == ["segmen", "?", "pilihan_tidak_dikenal"]


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(",", "utf-8"), (";", "utf-8"), (",", "utf-8-sig"), (";", "cp1252")]
)
def test_encodings_and_delimiters(tmp_path, employer, delimiter, encoding):
    result = run(write_csv(tmp_path / "p.csv", GOOD, delimiter=delimiter, encoding=encoding))
    assert result.record.outcome == Outcome.IMPORTED, result.problems
    assert Participant.objects.get(nik="5104010202850002").nama == "Wayan Éka"


def test_english_header_aliases_any_case(tmp_path, employer):
    header = [
        "National ID",
        "NAME",
        "Date of Birth",
        "Sex",
        "KPJ",
        "Segment",
        "NPP",
        "Region Code",
        "Occupation",
        "Program",
        "Wage",
        "TMT",
        "Last Month Paid",
    ]
    result = run(write_csv(tmp_path / "p.csv", GOOD, header=header))
    assert result.record.outcome == Outcome.IMPORTED


def test_missing_required_column_is_unreadable(tmp_path, employer):
    path = write_csv(tmp_path / "p.csv", [r[:-1] for r in GOOD], header=HEADER[:-1])
    result = run(path)
    assert result.record.outcome == Outcome.UNREADABLE and result.exit_code == 2
    assert "bulan_iuran_terakhir" in result.record.message


def test_binary_garbage_is_unreadable(tmp_path, db):
    path = tmp_path / "p.csv"
    path.write_bytes(b"\x00\x01\x02garbage")
    assert run(path).exit_code == 2


def test_xlsx_file(tmp_path, employer):
    path = tmp_path / "p.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for i, row in enumerate(GOOD, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    result = run(path)
    assert result.record.outcome == Outcome.IMPORTED, result.problems
    assert Membership.objects.count() == 2


def test_same_file_twice_same_state_and_changed_row_updates(tmp_path, employer):
    path = write_csv(tmp_path / "p.csv", GOOD)
    run(path)
    first = list(Membership.objects.values_list("participant__nik", "upah", "bulan_iuran_terakhir"))
    run(path)
    assert (
        list(Membership.objects.values_list("participant__nik", "upah", "bulan_iuran_terakhir"))
        == first
    )
    assert Participant.objects.count() == 2
    run(write_csv(tmp_path / "p2.csv", [good_row(upah="4000000")]))
    assert Membership.objects.get(participant__nik="5104014101900001").upah == 4000000
    assert Membership.objects.count() == 2


def test_replace_removes_members_missing_from_the_file(tmp_path, employer):
    run(write_csv(tmp_path / "p.csv", GOOD))
    run(write_csv(tmp_path / "p2.csv", [GOOD[1]]), replace=True)
    assert list(Membership.objects.values_list("participant__nik", flat=True)) == [
        "5104010202850002"
    ]


def test_dry_run_imports_nothing(tmp_path, employer):
    result = run(write_csv(tmp_path / "p.csv", GOOD), dry_run=True)
    assert result.record.outcome == Outcome.CHECKED and Participant.objects.count() == 0


def test_cli_exit_codes(tmp_path, employer):
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import",
            "participants",
            str(write_csv(tmp_path / "b.csv", [good_row(segmen="?")])),
            "--period",
            "2023-12",
        )
    assert exit_.value.code == 1
    call_command(
        "import", "participants", str(write_csv(tmp_path / "g.csv", GOOD)), "--period", "2023-12"
    )
    assert Participant.objects.count() == 2


@pytest.fixture
def scratch_database_url(tmp_path):
    """A database of its own for a child process: a SQLite file, or a throwaway PostgreSQL
    database on the server the suite runs against."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path}/kill.sqlite3"
        return
    import psycopg

    name = f"cakupan_kill_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _registry_counts(url: str) -> tuple[int, int]:
    sql = "SELECT (SELECT count(*) FROM registry_participant), (SELECT count(*) FROM registry_membership)"
    if url.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return con.execute(sql).fetchone()
        finally:
            con.close()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()


@pytest.mark.parametrize("kill_after", [1.5, 3.0])
def test_import_killed_halfway_leaves_the_database_as_before(
    tmp_path, scratch_database_url, kill_after
):
    """SIGKILL the real command while it reads, checks or merges a large file: nothing lands."""
    import random

    env = {**os.environ, "DATABASE_URL": scratch_database_url, "CAKUPAN_DATA_DIR": str(tmp_path)}
    cli = [sys.executable, "-m", "cakupan.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True)
    rng = random.Random(5)
    rows = []
    for i in range(150_000):
        nik = f"510401{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(60, 99)}"
        rows.append(
            [
                f"{nik}{i % 9999 + 1:04d}",
                f"P {i}",
                "",
                "",
                "",
                "BPU",
                "",
                "51.04.01.2001",
                "",
                "JKK,JKM",
                "1000000",
                "2020-01-01",
                "2023-12",
            ]
        )
    path = write_csv(tmp_path / "big.csv", rows)
    child = subprocess.Popen(
        [*cli, "import", "participants", str(path), "--period", "2023-12", "--partial"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(kill_after)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL  # killed, not finished
    assert _registry_counts(scratch_database_url) == (0, 0)


def test_upload_page_runs_the_import_as_a_job(client, bpjs_admin, employer, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "up"
    from cakupan.jobs.models import Job
    from cakupan.jobs.services import job_run

    client.force_login(bpjs_admin)
    with open(
        write_csv(tmp_path / "p.csv", [GOOD[0], good_row(nik="5104010303800003", segmen="?")]), "rb"
    ) as f:
        response = client.post("/impor/", {"kind": "participants", "periode": "2023-12", "file": f})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
    job = job_run(job.pk)
    assert job.result["ditolak"] == 1 and Participant.objects.count() == 0
    assert not list((tmp_path / "up").iterdir())  # the upload is not kept
    record = ImportRecord.objects.get()
    assert record.created_by == bpjs_admin and record.job_id == job.pk
    download = client.get(job.result["rejects_url"])
    assert b"pilihan_tidak_dikenal" in b"".join(download.streaming_content)
    assert "Ni Made Sari" not in client.get("/impor/").content.decode()
    assert "p.csv" in client.get("/impor/").content.decode()


def test_upload_rows_outside_the_uploaders_region_are_rejected(tmp_path, make_user, employer):
    user = make_user("admin_badung", "bpjs_admin", "51.03")
    result = participant_import(
        path=write_csv(tmp_path / "p.csv", GOOD), periode="2023-12", acting_user=user
    )
    assert {p.kode for p in result.problems} == {"wilayah_di_luar_cakupan"}


def test_no_nik_in_command_output_or_logs(tmp_path, employer, capsys, caplog):
    bad = good_row(nik="5104014101900000")  # serial 0000: rejected, the NIK named masked
    with pytest.raises(SystemExit):
        call_command(
            "import",
            "participants",
            str(write_csv(tmp_path / "p.csv", [bad, GOOD[1]])),
            "--period",
            "2023-12",
        )
    out = capsys.readouterr()
    text = out.out + out.err + caplog.text
    assert "5104014101900000" not in text and "5104010202850002" not in text
    assert "5104********0000" in out.err
