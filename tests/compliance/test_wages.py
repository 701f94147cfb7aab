"""Minimum wages: seeded with their decrees, importable, checked, and they move the statuses."""

from django.core.management import call_command

from cakupan.accounts.scope import SystemActor
from cakupan.compliance.models import MinimumWage
from cakupan.compliance.status import wage_in_force
from cakupan.compliance.wages import wage_import
from cakupan.imports.models import Outcome

HEADER = "kode_wilayah,tahun,upah_minimum,dasar,catatan\n"


def run(tmp_path, body):
    path = tmp_path / "umk.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return wage_import(path=path, acting_user=SystemActor())


def test_seeded_with_their_decrees(db):
    badung = MinimumWage.objects.get(kode_wilayah="51.03", tahun=2024)
    assert int(badung.upah_minimum) == 3318628 and "999/03-M/HK/2023" in badung.dasar
    wages = wage_in_force(2025)  # the 2024 decree stays in force until a new one
    assert wages["51.03"] == 3318628.0 and wages["51"] == 2813672.0
    assert wage_in_force(2023)["51"] == 2713672.0 and "51.03" not in wage_in_force(2023)


def test_bad_rows_are_named_and_nothing_changes(tmp_path, db):
    before = MinimumWage.objects.count()
    result = run(
        tmp_path,
        "51.03,2025,99,SK uji,\n51.99,2025,3500000,SK uji,\n51.03,25,3500000,SK uji,\n"
        "51.03.01,2025,3500000,SK uji,\n51.71,2025,3300000,,\n",
    )
    assert result.exit_code == 1 and MinimumWage.objects.count() == before
    assert {(p.baris, p.kolom, p.kode) for p in result.problems} == {
        (1, "upah_minimum", "upah_minimum_tidak_wajar"),
        (2, "kode_wilayah", "wilayah_tidak_ada"),
        (3, "tahun", "tahun_tidak_valid"),
        (4, "kode_wilayah", "wilayah_tidak_ada"),  # a district has no minimum wage
        (5, "dasar", "sel_wajib_kosong"),
    }


def test_import_adds_and_replaces(tmp_path, db):
    result = run(
        tmp_path, "51.03,2025,3534339,SK Gubernur uji 2024,\n51.03,2024,3318629,SK koreksi,\n"
    )
    assert result.record.outcome == Outcome.IMPORTED
    assert int(MinimumWage.objects.get(kode_wilayah="51.03", tahun=2025).upah_minimum) == 3534339
    assert MinimumWage.objects.get(kode_wilayah="51.03", tahun=2024).dasar == "SK koreksi"


def test_command(tmp_path, db):
    path = tmp_path / "umk.csv"
    path.write_text(HEADER + "51.71,2025,3300000,SK uji,\n", encoding="utf-8")
    call_command("import", "wages", str(path))
    assert MinimumWage.objects.filter(kode_wilayah="51.71", tahun=2025).exists()
