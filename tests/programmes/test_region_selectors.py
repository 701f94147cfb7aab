"""Regional reads of sponsored protection: region figures, programme lists, the village map,
budget use and what a sponsor funded — each cut to scope and role."""

import pytest

from cakupan.errors import OutOfScope, PermissionDenied
from cakupan.programmes.selectors import (
    budget_use,
    employer_sponsored,
    programme_list,
    programmes_running,
    protection_trend,
    region_protection,
    sponsor_summary,
    village_programme_map,
)
from tests.programmes.conftest import (
    BLAHBATUH,
    KERAMAS,
    PERING,
    SABA,
    make_funding,
    make_programme,
    make_sponsor,
    protect,
)


def test_region_protection_counts_villages_people_staff_and_officials(region_scene):
    district = region_protection(kode_wilayah=BLAHBATUH, periode="2023-12")
    assert (district.desa, district.desa_berprogram) == (9, 1)  # Saba: A and D run
    assert (district.dilindungi, district.rentan_dilindungi) == (103, 95)
    assert (district.non_asn, district.non_asn_dilindungi) == (0, 0)
    assert (district.perangkat, district.perangkat_dilindungi) == (10, 8)

    regency = region_protection(kode_wilayah="51.04", periode="2023-12")
    assert (regency.desa, regency.desa_berprogram) == (70, 1)
    assert (regency.dilindungi, regency.rentan_dilindungi) == (133, 95)
    # "dinas kesehatan " on the list matches the roster's "Dinas Kesehatan".
    assert (regency.non_asn, regency.non_asn_dilindungi) == (100, 30)
    assert regency.non_asn_persen == 30

    province = region_protection(kode_wilayah="51", periode="2023-12")
    assert (province.desa, province.dilindungi) == (716, 232)
    assert (province.non_asn, province.non_asn_dilindungi) == (200, 129)


def test_region_protection_in_another_month_and_region(region_scene):
    november = region_protection(kode_wilayah="51.04", periode="2023-11")
    assert (november.dilindungi, november.non_asn_dilindungi, november.perangkat_dilindungi) == (
        95,
        0,
        0,
    )
    assert november.non_asn == 100  # the 2023-01 roster still counts
    denpasar = region_protection(kode_wilayah="51.71", periode="2023-12")
    # Province staff living in Denpasar are protected there, but the province's roster is not
    # Denpasar's: they count in the people protected, not in Denpasar's non-ASN share.
    assert (denpasar.dilindungi, denpasar.non_asn, denpasar.non_asn_dilindungi) == (99, 0, 0)


def test_a_programme_runs_from_its_first_to_its_last_month(region_scene):
    running = lambda p: set(programmes_running(p).values_list("nama", flat=True))  # noqa: E731
    assert "Petani Saba" in running("2023-01") and "Petani Saba" in running("2023-12")
    assert "Petani Saba" not in running("2022-12") and "Petani Saba" not in running("2024-01")
    assert "Nelayan Keramas" in running("2024-01") and "Petani Pering" not in running("2023-06")


def test_employer_sponsored_counts_a_csr_company_s_protected_people(db):
    company = make_sponsor("PT Maju", "perusahaan", "51.04", npp="12345678")
    programme = make_programme(company, make_funding(company, sumber="CSR"), villages={PERING: 20})
    protect(programme, PERING, ["2023-12"], 20)
    assert employer_sponsored(npp="12345678", periode="2023-12") == 20
    assert employer_sponsored(npp="12345678", periode="2023-11") == 0
    assert employer_sponsored(npp="87654321", periode="2023-12") == 0


def test_programme_list_is_cut_to_scope_and_region(
    region_scene, officer_gianyar, officer_denpasar, officer_bali
):
    names = lambda qs: sorted(p.nama for p in qs)  # noqa: E731
    # The province's officials' programme covers Saba, in Gianyar: a Gianyar officer sees it.
    assert names(programme_list(actor=officer_gianyar)) == [
        "Nelayan Keramas",
        "Non-ASN Gianyar",
        "Perangkat desa Bali",
        "Petani Pering",
        "Petani Saba",
    ]
    assert names(programme_list(actor=officer_denpasar)) == []
    # A province officer asking for Blahbatuh also sees the province's programme covering Saba.
    assert names(programme_list(actor=officer_bali, kode_wilayah=BLAHBATUH)) == [
        "Nelayan Keramas",
        "Perangkat desa Bali",
        "Petani Pering",
        "Petani Saba",
    ]
    assert names(programme_list(actor=officer_gianyar, status="diajukan")) == ["Petani Pering"]
    with pytest.raises(OutOfScope):
        programme_list(actor=officer_denpasar, kode_wilayah=BLAHBATUH)


def test_a_sponsor_lists_only_its_own_programmes(region_scene, region_sponsor_user, make_user):
    bank = make_sponsor("BPD Bali", "bank", "51", users=[region_sponsor_user])
    own = make_programme(bank, make_funding(bank, sumber="CSR"), villages={KERAMAS: 50})
    assert list(programme_list(actor=region_sponsor_user)) == [own]
    jury = make_user("juri", "jury", "51")
    with pytest.raises(PermissionDenied):
        programme_list(actor=jury)


def test_village_map_lists_every_village_with_its_state(
    region_scene, region_coverage, officer_gianyar, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        rows = village_programme_map(
            actor=officer_gianyar, kode_wilayah=BLAHBATUH, periode="2023-12"
        )
    assert len(rows) == 9
    by_code = {r.kode_wilayah: r for r in rows}
    saba = by_code[SABA]
    assert (saba.status, saba.programmes, saba.kuota, saba.dilindungi, saba.rentan) == (
        "berjalan",
        2,
        110,
        103,
        True,
    )
    assert (saba.peserta_aktif, saba.informal_bekerja, saba.informal_belum) == (100, 1000, 900)
    assert by_code[PERING].status == "menunggu"  # submitted
    assert by_code[KERAMAS].status == "menunggu"  # approved for 2024
    assert sum(r.status == "tanpa" for r in rows) == 6


def test_village_map_refuses_another_regency(region_scene, officer_denpasar):
    with pytest.raises(OutOfScope):
        village_programme_map(actor=officer_denpasar, kode_wilayah=BLAHBATUH, periode="2023-12")


def test_budget_use_per_funding_line(region_scene, officer_gianyar, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        lines = budget_use(actor=officer_gianyar, kode_wilayah="51.04", tahun=2023)
    by_sponsor = {(line.sponsor, line.sumber): line for line in lines}
    assert set(by_sponsor) == {
        ("Desa Pering", "ADD"),
        ("Desa Saba", "ADD"),
        ("Pemerintah Kabupaten Gianyar", "APBD"),
        ("Pemerintah Provinsi Bali", "BKK"),  # pays for officials in Saba
    }
    saba = by_sponsor[("Desa Saba", "ADD")]
    assert saba.jumlah == 20_160_000
    assert saba.dikomitmenkan == 100 * 16_800 * 12 == 20_160_000
    assert saba.ditagih == saba.dibayar == 95 * 16_800 * 2
    assert saba.sisa == 0 and saba.persen_komitmen == 100
    # A submitted programme commits nothing yet; a staff programme commits its people to sponsor.
    assert by_sponsor[("Desa Pering", "ADD")].dikomitmenkan == 0
    assert by_sponsor[("Pemerintah Kabupaten Gianyar", "APBD")].dikomitmenkan == 30 * 16_800 * 12


def test_budget_use_of_the_province_includes_its_lines(region_scene, officer_bali):
    lines = budget_use(actor=officer_bali, kode_wilayah="51", tahun=2023)
    bkk = next(line for line in lines if line.sumber == "BKK")
    assert (bkk.jumlah, bkk.dikomitmenkan, bkk.dibayar) == (
        500_000_000,
        10 * 16_800 * 12,
        8 * 16_800,
    )
    assert (
        budget_use(actor=officer_bali, kode_wilayah="51", tahun=2024)[0].sponsor == "Desa Keramas"
    )


def test_sponsor_summary_shows_only_its_aggregates(region_scene, region_sponsor_user):
    bank = make_sponsor("BPD Bali", "bank", "51", users=[region_sponsor_user])
    funding = make_funding(bank, sumber="CSR", jumlah=50_000_000)
    programme = make_programme(bank, funding, nama="CSR Keramas", villages={KERAMAS: 50})
    protect(programme, KERAMAS, ["2023-11"], 40)
    protect(programme, KERAMAS, ["2023-12"], 5)
    [summary] = sponsor_summary(actor=region_sponsor_user)
    assert summary.nama == "BPD Bali" and summary.dana == 50_000_000
    assert [(m.periode, m.dilindungi) for m in summary.per_bulan] == [
        ("2023-11", 40),
        ("2023-12", 5),
    ]
    [row] = summary.programmes
    assert (row.nama, row.desa, row.kuota, row.dilindungi_terakhir) == ("CSR Keramas", 1, 50, 5)
    assert row.dibayar == 45 * 16_800 and row.dikomitmenkan == 50 * 16_800 * 12
    assert "nik" not in repr(summary).lower().replace("nik_", "")
    assert "Warga" not in repr(summary)


def test_sponsor_summary_for_regional_staff_lists_sponsors_in_scope(region_scene, officer_gianyar):
    names = [s.nama for s in sponsor_summary(actor=officer_gianyar)]
    assert names == ["Desa Keramas", "Desa Pering", "Desa Saba", "Pemerintah Kabupaten Gianyar"]


def test_protection_trend_per_period(region_scene, officer_gianyar):
    points = protection_trend(actor=officer_gianyar, kode_wilayah=None)
    assert [(p.periode, p.dilindungi, p.rentan) for p in points] == [
        ("2023-11", 95, 95),
        ("2023-12", 133, 95),
    ]


def test_sponsor_summary_of_one_page_of_sponsors(region_scene, officer_gianyar):
    from cakupan.programmes.selectors import sponsor_list

    ids = list(sponsor_list(actor=officer_gianyar).values_list("pk", flat=True))
    assert len(ids) == 4
    [saba] = sponsor_summary(actor=officer_gianyar, sponsor_ids=[region_scene["a"].sponsor_id])
    assert (saba.nama, saba.desa, saba.dikomitmenkan) == ("Desa Saba", 1, 20_160_000)
    assert saba.per_bulan[-1].dilindungi == 95
