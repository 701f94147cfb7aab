"""Staff and officials' rosters: saving, importing (all or nothing, bilingual problems), and the
share of them that programmes protect, per unit and over time."""

from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import translation

from cakupan.audit.models import AuditEntry
from cakupan.errors import InvalidInput, OutOfScope, PermissionDenied
from cakupan.programmes.models import Roster
from cakupan.programmes.rosters import (
    RostersRejected,
    roster_protection,
    roster_save,
    roster_trend,
    rosters_import,
)
from cakupan.programmes.selectors import roster_overview
from tests.programmes.conftest import (
    KERAMAS,
    SABA,
    make_funding,
    make_programme,
    make_sponsor,
    protect,
)

HEADER = "kode_wilayah,jenis,unit,periode,jumlah,sumber\n"


def test_roster_save_creates_then_corrects_and_is_audited(officer_gianyar):
    roster = roster_save(
        kode_wilayah="51.04",
        jenis="non_asn",
        unit="Dinas  Kesehatan",
        periode="2024-01",
        jumlah=42,
        sumber="BKPSDM",
        acting_user=officer_gianyar,
    )
    assert (roster.unit, roster.jumlah) == ("Dinas Kesehatan", 42)
    again = roster_save(
        kode_wilayah="51.04",
        jenis="non_asn",
        unit="Dinas Kesehatan",
        periode="2024-01",
        jumlah=45,
        acting_user=officer_gianyar,
    )
    assert again.pk == roster.pk and Roster.objects.get().jumlah == 45
    entries = AuditEntry.objects.filter(action="roster.save").order_by("id")
    assert [(e.detail["jumlah"], e.detail["baru"]) for e in entries] == [(42, True), (45, False)]


def test_an_officials_roster_names_its_village_by_code(officer_gianyar):
    by_name = roster_save(
        kode_wilayah="51.04",
        jenis="perangkat_desa",
        unit="saba",
        periode="2024-01",
        jumlah=12,
        acting_user=officer_gianyar,
    )
    assert by_name.unit == SABA
    with pytest.raises(InvalidInput) as error:
        roster_save(
            kode_wilayah="51.04",
            jenis="perangkat_desa",
            unit="Serangan",
            periode="2024-01",
            jumlah=12,
            acting_user=officer_gianyar,
        )
    assert error.value.message_en == (
        "unit: Column unit: no village named 'Serangan' in region 51.04; write its village code."
    )
    assert "tidak ada desa bernama 'Serangan' di wilayah 51.04" in error.value.pesan_id


def test_roster_save_checks_scope_role_and_values(officer_gianyar, analyst):
    with pytest.raises(OutOfScope):
        roster_save(
            kode_wilayah="51.71",
            jenis="non_asn",
            unit="Dinas",
            periode="2024-01",
            jumlah=1,
            acting_user=officer_gianyar,
        )
    with pytest.raises(PermissionDenied):
        roster_save(
            kode_wilayah="51.04",
            jenis="non_asn",
            unit="Dinas",
            periode="2024-01",
            jumlah=1,
            acting_user=analyst,
        )
    with pytest.raises(InvalidInput) as error:
        roster_save(
            kode_wilayah="51.04",
            jenis="honorer",
            unit="Dinas",
            periode="2024-13",
            jumlah=1,
            acting_user=officer_gianyar,
        )
    assert error.value.message_en.startswith("jenis: Column jenis: unknown value 'honorer'")
    assert Roster.objects.count() == 0


def test_rosters_import_saves_every_row(tmp_path, officer_gianyar):
    path = tmp_path / "daftar.csv"
    path.write_text(
        "Kode_Wilayah;Kind;OPD;Period;Count;Source\n"
        "51.04;non_asn;Dinas Kesehatan;2024-01;40;BKPSDM\n"
        "51.04;NON_ASN;Dinas Pendidikan;2024-01;1.200;BKPSDM\n"
        "51.04.02;perangkat_desa;Saba;2024-01;11;\n"
        "51.04.02.2003;prajuru_desa_adat;Desa Adat Keramas;2024-01;9;BKK\n",
        encoding="utf-8",
    )
    assert rosters_import(file=path, acting_user=officer_gianyar) == 4
    saved = {(r.jenis, r.unit): r.jumlah for r in Roster.objects.all()}
    assert saved == {
        ("non_asn", "Dinas Kesehatan"): 40,
        ("non_asn", "Dinas Pendidikan"): 1200,
        ("perangkat_desa", SABA): 11,
        ("prajuru_desa_adat", "Desa Adat Keramas"): 9,
    }
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.row_count == 4 and entry.detail["berkas"] == "daftar.csv"
    # The same file again updates, never duplicates.
    assert rosters_import(file=path, acting_user=officer_gianyar) == 4
    assert Roster.objects.count() == 4


def test_rosters_import_reads_xlsx(tmp_path, officer_gianyar):
    path = tmp_path / "daftar.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["kode_wilayah", "jenis", "unit", "periode", "jumlah", "sumber"])
    sheet.write_row(1, 0, ["51.04", "non_asn", "Satpol PP", "2024-01", 25, "BKPSDM"])
    book.close()
    assert rosters_import(file=path, acting_user=officer_gianyar) == 1
    assert Roster.objects.get().jumlah == 25


def test_rosters_import_rejects_the_whole_file_naming_row_and_column(tmp_path, officer_gianyar):
    path = tmp_path / "daftar.csv"
    path.write_text(
        HEADER
        + "51.04;non_asn;Dinas Kesehatan;2024-01;40;\n".replace(";", ",")
        + "51.71,non_asn,Dinas Sosial,2024-01,10,\n"
        + "51.04,honorer,Dinas Pariwisata,2024-1,sepuluh,\n"
        + "51.04,non_asn,Dinas Kesehatan,2024-01,41,\n"
        + "99.99,non_asn,,2024-01,5,\n",
        encoding="utf-8",
    )
    with pytest.raises(RostersRejected) as error:
        rosters_import(file=path, acting_user=officer_gianyar)
    found = [(p.baris, p.kolom, p.kode) for p in error.value.problems]
    assert found == [
        (2, "kode_wilayah", "di_luar_wilayah"),
        (3, "jenis", "jenis_tidak_dikenal"),
        (3, "periode", "bulan_tidak_valid"),
        (3, "jumlah", "angka_tidak_valid"),
        (4, "unit", "baris_ganda"),
        (5, "unit", "sel_wajib_kosong"),
        (5, "kode_wilayah", "wilayah_tidak_ada"),
    ]
    assert error.value.problems[0].message == (
        "Column kode_wilayah: region 51.71 is outside your account's scope (51.04)."
    )
    assert error.value.problems[4].pesan == (
        "Unit ini sudah ada di baris 1 untuk jenis dan periode yang sama."
    )
    assert error.value.message_en.startswith("File daftar.csv: 7 problems, nothing was saved.")
    assert "Baris 2, kolom kode_wilayah" in error.value.pesan_id
    assert Roster.objects.count() == 0 and not AuditEntry.objects.filter(action="roster.import")


def test_rosters_import_needs_the_columns_and_the_capability(tmp_path, officer_gianyar, analyst):
    from cakupan.imports.services.readers import MissingColumns

    path = tmp_path / "daftar.csv"
    path.write_text("kode_wilayah,unit,jumlah\n51.04,Dinas,3\n", encoding="utf-8")
    with pytest.raises(MissingColumns) as error:
        rosters_import(file=path, acting_user=officer_gianyar)
    assert "jenis, periode" in error.value.message_en
    with pytest.raises(PermissionDenied):
        rosters_import(file=path, acting_user=analyst)


def test_roster_protection_per_unit_with_what_it_is_made_of(region_scene, officer_gianyar):
    rows = roster_protection(actor=officer_gianyar, kode_wilayah="51.04", periode="2023-12")
    by_unit = {r.nama_unit: r for r in rows}
    assert set(by_unit) == {"Dinas Kesehatan", "Dinas Pendidikan", "Saba"}
    health = by_unit["Dinas Kesehatan"]
    assert (health.jumlah, health.dilindungi, health.persen) == (40, 30, Decimal("75.00"))
    assert health.dibawa and health.periode_daftar == "2023-01"
    [part] = health.programmes
    assert (part.nama, part.sponsor, part.sumber_dana, part.dilindungi) == (
        "Non-ASN Gianyar",
        "Pemerintah Kabupaten Gianyar",
        "APBD",
        30,
    )
    saba = by_unit["Saba"]
    assert (saba.jenis, saba.unit, saba.jumlah, saba.dilindungi) == (
        "perangkat_desa",
        "Desa Saba",
        10,
        8,
    )
    assert saba.programmes[0].sumber_dana == "BKK"
    assert by_unit["Dinas Pendidikan"].dilindungi == 0


def test_roster_trend_carries_counts_forward(region_scene, officer_gianyar):
    trend = roster_trend(actor=officer_gianyar, kode_wilayah="51.04")
    assert [(p.periode, p.jumlah, p.dilindungi, p.persen) for p in trend] == [
        ("2023-01", 100, 0, Decimal("0.00")),
        ("2023-06", 110, 0, Decimal("0.00")),
        ("2023-12", 110, 38, Decimal("34.55")),
    ]


def test_the_province_protects_almost_all_its_non_asn_staff(region_scene, officer_bali):
    overview = roster_overview(actor=officer_bali, kode_wilayah="51", jenis="non_asn")
    rows = {(r.kode_wilayah, r.unit): r for r in overview.rows_in("2023-12")}
    own = rows[("51", "Dinas Sosial")]
    assert (own.jumlah, own.dilindungi, own.persen) == (100, 99, Decimal("99.00"))
    assert own.programmes[0].nama == "Non-ASN Provinsi Bali"
    assert overview.point("2023-12").persen == Decimal("64.50")  # (99 + 30) ÷ (100 + 100)


def test_roster_protection_is_cut_to_scope(region_scene, officer_denpasar):
    assert roster_protection(actor=officer_denpasar, kode_wilayah=None) == []
    with pytest.raises(OutOfScope):
        roster_protection(actor=officer_denpasar, kode_wilayah="51.04")


def test_customary_officials_are_told_apart_from_village_officials(db, officer_gianyar):
    Roster.objects.create(
        kode_wilayah=KERAMAS,
        jenis="perangkat_desa",
        unit="Desa Keramas",
        periode="2023-12",
        jumlah=12,
    )
    Roster.objects.create(
        kode_wilayah=KERAMAS,
        jenis="prajuru_desa_adat",
        unit="Desa Adat Keramas",
        periode="2023-12",
        jumlah=7,
    )
    adat = make_sponsor("Desa Adat Keramas", "desa_adat", KERAMAS)
    village = make_sponsor("Desa Keramas", "desa", KERAMAS)
    protect(
        make_programme(adat, make_funding(adat, sumber="BKK"), kelompok="perangkat_desa"),
        KERAMAS,
        ["2023-12"],
        7,
    )
    protect(
        make_programme(village, make_funding(village, sumber="APBDes"), kelompok="perangkat_desa"),
        KERAMAS,
        ["2023-12"],
        10,
    )
    # A non-ASN programme whose unit has no roster: protected, but matched to nothing.
    gianyar = make_sponsor("Pemkab Gianyar", "kabupaten", "51.04")
    Roster.objects.create(
        kode_wilayah="51.04", jenis="non_asn", unit="Dinas Kesehatan", periode="2023-12", jumlah=5
    )
    protect(
        make_programme(
            gianyar, make_funding(gianyar, sumber="APBD"), kelompok="non_asn", villages={}
        ),
        KERAMAS,
        ["2023-12"],
        3,
        unit="Satpol PP",
    )
    overview = roster_overview(actor=officer_gianyar, kode_wilayah="51.04")
    shares = {r.jenis: (r.jumlah, r.dilindungi) for r in overview.rows_in("2023-12")}
    assert shares == {"perangkat_desa": (12, 10), "prajuru_desa_adat": (7, 7), "non_asn": (5, 0)}
    assert overview.unmatched == {"2023-12": 3}


def test_each_roster_kind_has_its_own_share():
    from cakupan.programmes.selectors import roster_kind_shares
    from cakupan.programmes.selectors.rosters import RosterRow

    rows = [
        RosterRow("51", "non_asn", "Dinas A", "Dinas A", "2023-12", "2023-12", 200, 199, ""),
        RosterRow("51", "non_asn", "Dinas B", "Dinas B", "2023-12", "2023-12", 50, 50, ""),
        RosterRow(
            "51.04.01.2001",
            "perangkat_desa",
            "51.04.01.2001",
            "Batubulan",
            "2023-12",
            "2023-12",
            12,
            3,
            "",
        ),
    ]
    with translation.override("en"):
        shares = {
            label: (str(persen), protected, listed)
            for label, persen, protected, listed in roster_kind_shares(rows)
        }
    assert shares == {
        "Non-civil-servant staff (non-ASN)": ("99.60", 249, 250),
        "Village officials (perangkat desa)": ("25.00", 3, 12),
    }
