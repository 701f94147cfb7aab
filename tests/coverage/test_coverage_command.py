import csv
import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

BALI = [
    ("51.01", "Kabupaten Jembrana"),
    ("51.02", "Kabupaten Tabanan"),
    ("51.03", "Kabupaten Badung"),
    ("51.04", "Kabupaten Gianyar"),
    ("51.05", "Kabupaten Klungkung"),
    ("51.06", "Kabupaten Bangli"),
    ("51.07", "Kabupaten Karangasem"),
    ("51.08", "Kabupaten Buleleng"),
    ("51.71", "Kota Denpasar"),
]
HEADER = (
    "kode_wilayah,nama_wilayah,peserta_aktif,peserta_pu,peserta_bpu,penduduk_bekerja,cakupan_persen"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("coverage", *args, stdout=out)
    return out.getvalue()


def test_empty_database_lists_the_9_bali_regencies_with_zeros(db):
    text = run("--region", "51", "--level", "regency", "--period", "2023-12", "--format", "csv")
    lines = text.strip().splitlines()
    assert lines[0] == HEADER
    rows = list(csv.reader(lines[1:]))
    assert [(r[0], r[1]) for r in rows] == BALI
    assert all(r[2:] == ["0", "0", "0", "", ""] for r in rows)


def test_counts_active_members_and_computes_percent(participants):
    from cakupan.coverage.models import Workforce

    Workforce.objects.create(
        kode_wilayah="51.04",
        periode="2023-12",
        sektor="semua",
        jenis_kelamin="semua",
        penduduk_bekerja=7,
    )
    rows = json.loads(
        run("--region", "51", "--level", "regency", "--period", "2023-12", "--format", "json")
    )
    gianyar = next(r for r in rows if r["kode_wilayah"] == "51.04")
    assert (gianyar["peserta_aktif"], gianyar["peserta_bpu"], gianyar["cakupan_persen"]) == (
        3,
        3,
        42.86,
    )
    denpasar = next(r for r in rows if r["kode_wilayah"] == "51.71")
    assert denpasar["peserta_aktif"] == 1 and denpasar["cakupan_persen"] is None


def test_lapsed_member_is_not_active(participants):
    from cakupan.coverage.facts import facts_refresh
    from cakupan.registry.models import Membership

    Membership.objects.filter(participant=participants[0]).update(bulan_iuran_terakhir="2023-11")
    facts_refresh("2023-12")
    rows = json.loads(
        run("--region", "51.04.01", "--level", "village", "--period", "2023-12", "--format", "json")
    )
    batubulan = next(r for r in rows if r["kode_wilayah"] == "51.04.01.2001")
    assert batubulan["peserta_aktif"] == 1


def test_by_sex_adds_a_column_and_splits_rows(participants):
    text = run(
        "--region",
        "51.04",
        "--level",
        "regency",
        "--period",
        "2023-12",
        "--by",
        "jenis_kelamin",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["jenis_kelamin"], r["peserta_aktif"]) for r in rows] == [("L", "2"), ("P", "1")]


def test_unknown_region_exits_2_with_both_languages(db):
    with pytest.raises(CommandError) as err:
        run("--region", "99", "--level", "regency", "--period", "2023-12")
    assert err.value.returncode == 2
    assert "Kode wilayah 99 tidak ada." in str(err.value)
    assert "Region code 99 does not exist." in str(err.value)


def test_bad_period_is_named(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("--region", "51", "--level", "regency", "--period", "2023-13")


def test_real_cli_on_a_fresh_sqlite_file(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite3",
        "CAKUPAN_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    cli = [sys.executable, "-m", "cakupan.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [
            *cli,
            "coverage",
            "--region",
            "51",
            "--level",
            "regency",
            "--period",
            "2023-12",
            "--format",
            "csv",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    lines = result.stdout.strip().splitlines()
    assert lines[0] == HEADER and len(lines) == 10
