"""Working-population import: bad input is named and loses nothing; estimates add up and are
marked; a period without data and coverage above 100% are flagged, never silent."""

import csv
import io

from django.core.management import call_command

from cakupan.accounts.scope import SystemActor
from cakupan.coverage.models import Workforce
from cakupan.coverage.selectors import coverage_table
from cakupan.coverage.workforce import workforce_import
from cakupan.imports.models import Outcome

HEADER = "kode_wilayah,periode,sektor,jenis_kelamin,penduduk_bekerja,sumber\n"


def run(tmp_path, body: str, **kwargs):
    path = tmp_path / "w.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return workforce_import(path=path, acting_user=SystemActor(), **kwargs)


def test_imports_figures_with_their_source(tmp_path, db):
    result = run(
        tmp_path,
        '51.04,2023-12,semua,semua,296000,BPS Gianyar\n51.04,2023-12,formal,L,"80.000",\n',
    )
    assert result.record.outcome == Outcome.IMPORTED
    rows = {(w.sektor, w.jenis_kelamin): w for w in Workforce.objects.filter(estimasi=False)}
    assert rows["semua", "semua"].penduduk_bekerja == 296000
    assert rows["semua", "semua"].sumber == "BPS Gianyar"
    assert rows["formal", "L"].penduduk_bekerja == 80000
    assert rows["formal", "L"].sumber == "berkas w.csv"  # no source column value: the file


def test_bad_figures_are_named_by_row_and_column_and_nothing_is_imported(tmp_path, db):
    body = (
        "51.04,2023-12,semua,semua,-5,\n"
        "51.04,2023-12,formal,semua,0,\n"
        "51.99,2023-12,semua,semua,1000,\n"
        "51.04,2023-13,semua,semua,1000,\n"
        "51.04,2023-12,pertanian,X,1000,\n"
        "51.05,2023-12,semua,semua,tiga ribu,\n"
        "51.06,2023-12,semua,semua,1000,\n"
        "51.06,2023-12,semua,semua,1200,\n"
    )
    result = run(tmp_path, body)
    assert result.exit_code == 1
    assert Workforce.objects.count() == 0
    found = {(p.baris, p.kolom, p.kode) for p in result.problems}
    assert found == {
        (1, "penduduk_bekerja", "penyebut_tidak_positif"),
        (2, "penduduk_bekerja", "penyebut_tidak_positif"),
        (3, "kode_wilayah", "wilayah_tidak_ada"),
        (4, "periode", "bulan_tidak_valid"),
        (5, "sektor", "pilihan_tidak_dikenal"),
        (5, "jenis_kelamin", "pilihan_tidak_dikenal"),
        (6, "penduduk_bekerja", "angka_tidak_valid"),
        (8, "kode_wilayah", "penyebut_ganda"),
    }
    negative = next(p for p in result.problems if p.baris == 1)
    assert "lebih dari 0" in negative.pesan and "above 0" in negative.message


def test_command_exits_1_and_writes_both_languages(tmp_path, db, capsys):
    path = tmp_path / "w.csv"
    path.write_text(HEADER + "51.04,2023-12,semua,semua,-5,\n", encoding="utf-8")
    try:
        call_command("import", "workforce", str(path))
    except SystemExit as exit:
        assert exit.code == 1
    err = capsys.readouterr().err
    assert "baris 1" in err.lower() or "Baris 1" in err
    assert "penduduk_bekerja" in err
    assert Workforce.objects.count() == 0


def test_lower_levels_are_estimated_marked_and_add_up(tmp_path, participants):
    # participants: 2 in Batubulan, 1 in Ketewel (district 51.04.01), 1 in Denpasar.
    run(tmp_path, "51.04,2023-12,semua,semua,1000,Sakernas\n")
    estimates = {w.kode_wilayah: w for w in Workforce.objects.filter(estimasi=True, sektor="semua")}
    # Only the district and villages that have registered residents get a share.
    assert estimates["51.04.01"].penduduk_bekerja == 1000
    assert estimates["51.04.01.2001"].penduduk_bekerja == 667
    assert estimates["51.04.01.2002"].penduduk_bekerja == 333
    assert "Sakernas" in estimates["51.04.01.2001"].sumber
    assert "estimasi" in estimates["51.04.01.2001"].sumber

    table = coverage_table(
        actor=SystemActor(), region_code="51.04.01", level="village", periode="2023-12"
    )
    batubulan = next(r for r in table.rows if r.kode_wilayah == "51.04.01.2001")
    assert batubulan.estimasi and batubulan.cakupan_persen is not None
    assert "penduduk_bekerja_estimasi" in table.columns()
    assert any(n.kode == "penyebut_estimasi" for n in table.notices)

    # An imported figure replaces the estimate, and the rest is shared among the others.
    run(tmp_path, "51.04.01.2002,2023-12,semua,semua,400,Survei desa\n")
    ketewel = Workforce.objects.get(kode_wilayah="51.04.01.2002", sektor="semua")
    assert (ketewel.penduduk_bekerja, ketewel.estimasi) == (400, False)
    assert Workforce.objects.get(kode_wilayah="51.04.01.2001").penduduk_bekerja == 600


def test_cli_marks_estimates_in_a_column(tmp_path, participants):
    run(tmp_path, "51.04,2023-12,semua,semua,1000,Sakernas\n")
    out = io.StringIO()
    call_command(
        "coverage",
        "--region",
        "51.04.01",
        "--level",
        "village",
        "--period",
        "2023-12",
        "--format",
        "csv",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    batubulan = next(r for r in rows if r["kode_wilayah"] == "51.04.01.2001")
    assert batubulan["penduduk_bekerja_estimasi"] == "ya"
    assert batubulan["cakupan_persen"] == "0.30"  # 2 active of 667


def test_period_without_data_says_so(db):
    err = io.StringIO()
    out = io.StringIO()
    call_command(
        "coverage",
        "--region",
        "51",
        "--level",
        "regency",
        "--period",
        "2019-12",
        "--format",
        "csv",
        stdout=out,
        stderr=err,
    )
    assert "2019-12 belum punya data" in err.getvalue()
    assert "no registry data" in err.getvalue()
    table = coverage_table(
        actor=SystemActor(), region_code="51", level="regency", periode="2019-12"
    )
    assert [n.kode for n in table.notices] == ["periode_tanpa_data"]


def test_coverage_above_100_percent_is_flagged(tmp_path, participants):
    run(tmp_path, "51.04,2023-12,semua,semua,2,\n")
    table = coverage_table(
        actor=SystemActor(), region_code="51", level="regency", periode="2023-12"
    )
    gianyar = next(r for r in table.rows if r.kode_wilayah == "51.04")
    assert gianyar.cakupan_persen == 150 and gianyar.above_full
    assert gianyar.as_dict()["di_atas_100"] is True
    notice = next(n for n in table.notices if n.kode == "cakupan_di_atas_100")
    assert "51.04" in notice.pesan and "above 100%" in notice.message
    err = io.StringIO()
    call_command(
        "coverage",
        "--region",
        "51",
        "--level",
        "regency",
        "--period",
        "2023-12",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "di atas 100%" in err.getvalue()
