from cakupan.accounts.scope import SystemActor
from cakupan.imports.models import Outcome
from cakupan.imports.services.employers import employer_import
from cakupan.registry.models import Employer

HEADER = "npp,nib,npwp,nama,kbli,kode_wilayah,kelompok_risiko,skala\n"


def run(tmp_path, body: str, **kwargs):
    path = tmp_path / "e.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return employer_import(path=path, acting_user=SystemActor(), **kwargs)


def test_employers_import_and_reimport_is_idempotent(tmp_path, db):
    body = "12345678,9120000000001,,PT Satu,55110,51.04.01.2001,2,Kecil\n"
    assert run(tmp_path, body).record.outcome == Outcome.IMPORTED
    first = list(Employer.objects.values())
    assert run(tmp_path, body).record.outcome == Outcome.IMPORTED
    assert list(Employer.objects.values()) == first
    run(tmp_path, body.replace("PT Satu", "PT Satu Jaya"))
    assert Employer.objects.get().nama == "PT Satu Jaya"


def test_every_bad_cell_is_named_and_nothing_imported(tmp_path, db):
    body = (
        "1234567,91200,12,PT A,5511,51.99.99.9999,9,raksasa\n"
        "12345678,,,PT B,55110,51.04.01.2001,1,mikro\n"
        "12345678,,,PT C,55110,51.04.01.2001,1,mikro\n"
    )
    result = run(tmp_path, body)
    assert result.exit_code == 1 and Employer.objects.count() == 0
    assert {(p.baris, p.kolom, p.kode) for p in result.problems} == {
        (1, "npp", "npp_tidak_valid"),
        (1, "nib", "nib_tidak_valid"),
        (1, "npwp", "npwp_tidak_valid"),
        (1, "kbli", "kbli_tidak_valid"),
        (1, "kode_wilayah", "wilayah_tidak_ada"),
        (1, "kelompok_risiko", "kelompok_risiko_tidak_valid"),
        (1, "skala", "pilihan_tidak_dikenal"),
        (3, "npp", "npp_ganda"),
    }


def test_partial_imports_the_good_rows(tmp_path, db):
    body = "1234567,,,PT A,,51.04.01.2001,,\n12345678,,,PT B,,51.04.01.2001,,\n"
    result = run(tmp_path, body, partial=True)
    assert result.record.outcome == Outcome.PARTIAL
    assert list(Employer.objects.values_list("npp", flat=True)) == ["12345678"]
