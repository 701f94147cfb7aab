"""The what-if simulator: every village protects N workers, or reach a coverage target — every
figure computed by hand from the fixture below (region_coverage)."""

from datetime import date
from decimal import Decimal

import pytest

from cakupan.errors import InvalidInput, OutOfScope, PermissionDenied
from cakupan.programmes.rates import IncomeTooLow
from cakupan.programmes.simulator import (
    share_evenly,
    share_out,
    simulate_target,
    simulate_villages,
    workers_needed,
)
from tests.programmes.conftest import (
    BLAHBATUH,
    BLAHBATUH_VILLAGES,
    SABA,
)

ON = date(2024, 6, 1)


def test_nine_villages_protecting_100_each_for_a_year(region_coverage, officer_gianyar):
    sim = simulate_villages(
        actor=officer_gianyar, kode_wilayah=BLAHBATUH, per_village=100, tanggal_tarif=ON
    )
    assert sim.periode == "2023-12" and sim.iuran == 16_800
    assert (sim.desa, sim.desa_berjalan, sim.desa_baru, sim.orang_baru) == (9, 0, 9, 900)
    assert sim.biaya == 9 * 100 * 16_800 * 12 == 181_440_000
    assert sim.biaya_per_desa == 20_160_000 and sim.biaya_per_bulan == 15_120_000
    district, regency, province = sim.effects
    assert (district.nama_wilayah, regency.nama_wilayah, province.nama_wilayah) == (
        "Blahbatuh",
        "Kabupaten Gianyar",
        "Bali",
    )
    # Blahbatuh: 300 ÷ 10,000 → 1,200 ÷ 10,000; informal 300 ÷ 6,000 → 1,200 ÷ 6,000.
    assert (district.cakupan_sebelum, district.cakupan_sesudah) == (
        Decimal("3.00"),
        Decimal("12.00"),
    )
    assert district.kenaikan_poin == Decimal("9.00")
    assert (district.informal_sebelum, district.informal_sesudah) == (
        Decimal("5.00"),
        Decimal("20.00"),
    )
    # Gianyar: 300 ÷ 50,000 → 1,200 ÷ 50,000. Bali: 301 ÷ 2,000,000 → 1,201 ÷ 2,000,000 (read
    # for a Gianyar officer as one aggregate beyond its scope).
    assert (regency.cakupan_sebelum, regency.cakupan_sesudah) == (Decimal("0.60"), Decimal("2.40"))
    assert (province.peserta_aktif, province.peserta_sesudah) == (301, 1201)
    assert (province.cakupan_sebelum, province.cakupan_sesudah) == (
        Decimal("0.02"),
        Decimal("0.06"),
    )
    assert province.target_persen == Decimal("50.00")
    codes = [a.kode for a in sim.assumptions]
    assert codes[:5] == ["orang_baru", "sudah_aktif", "desa_berjalan", "iuran", "biaya"]
    cost = next(a for a in sim.assumptions if a.kode == "biaya")
    assert cost.pesan == (
        "Biaya = 9 desa × 100 orang × Rp16.800 × 12 bulan = Rp181.440.000; orang yang ternyata "
        "sudah aktif tetap dianggarkan."
    )
    assert cost.message.startswith("Cost = 9 villages × 100 people × Rp16,800 × 12 months")
    premium = next(a for a in sim.assumptions if a.kode == "iuran")
    assert "JKK Rp10,000 (PP 44/2015 jo. PP 82/2019; Permenaker 5/2021)" in premium.message
    assert "JKM Rp6,800" in premium.message and "2024-06-01" in premium.message


def test_villages_already_running_are_not_counted_twice(
    region_coverage, region_scene, officer_gianyar
):
    sim = simulate_villages(
        actor=officer_gianyar, kode_wilayah=BLAHBATUH, per_village=100, tanggal_tarif=ON
    )
    assert (sim.desa_berjalan, sim.desa_baru, sim.tambahan_peserta) == (1, 8, 800)
    assert sim.biaya == 8 * 100 * 16_800 * 12 == 161_280_000
    assert sim.effects[0].cakupan_sesudah == Decimal("11.00")  # (300 + 800) ÷ 10,000
    again = simulate_villages(
        actor=officer_gianyar,
        kode_wilayah=BLAHBATUH,
        per_village=100,
        skip_running=False,
        tanggal_tarif=ON,
    )
    assert (again.desa_berjalan, again.desa_baru, again.biaya) == (1, 9, 181_440_000)


def test_share_already_active_lowers_the_gain_not_the_cost(region_coverage, officer_gianyar):
    sim = simulate_villages(
        actor=officer_gianyar,
        kode_wilayah=BLAHBATUH,
        per_village=100,
        sudah_aktif_persen=Decimal("10"),
        tanggal_tarif=ON,
    )
    assert (sim.orang_baru, sim.tambahan_peserta, sim.biaya) == (900, 810, 181_440_000)
    assert sim.effects[0].cakupan_sesudah == Decimal("11.10")  # (300 + 810) ÷ 10,000


def test_package_income_and_months_come_from_the_rates_table(region_coverage, officer_gianyar):
    sim = simulate_villages(
        actor=officer_gianyar,
        kode_wilayah=BLAHBATUH,
        per_village=50,
        months=6,
        program="JKK,JKM,JHT",
        penghasilan=2_000_000,
        tanggal_tarif=ON,
    )
    # JKK 1% × 2,000,000 + JKM 6,800 + JHT 2% × 2,000,000
    assert sim.iuran == 20_000 + 6_800 + 40_000 == 66_800
    assert sim.biaya == 9 * 50 * 66_800 * 6
    # During the COVID discount (PP 49/2020) the same package cost 1% of it.
    covid = simulate_villages(
        actor=officer_gianyar,
        kode_wilayah=BLAHBATUH,
        per_village=100,
        tanggal_tarif=date(2020, 9, 1),
    )
    assert covid.iuran == 100 + 68
    with pytest.raises(IncomeTooLow):
        simulate_villages(
            actor=officer_gianyar, kode_wilayah=BLAHBATUH, per_village=100, penghasilan=900_000
        )


def test_simulation_without_coverage_data_still_costs(db, officer_gianyar):
    sim = simulate_villages(
        actor=officer_gianyar, kode_wilayah="51.04", per_village=100, tanggal_tarif=ON
    )
    assert sim.periode is None and sim.desa == 70 and sim.biaya == 70 * 100 * 16_800 * 12
    assert sim.effects[0].cakupan_sebelum is None
    assert "tanpa_data_cakupan" in [a.kode for a in sim.assumptions]


def test_simulator_checks_role_scope_and_numbers(
    region_coverage, officer_denpasar, officer_gianyar, village_operator, make_user
):
    with pytest.raises(OutOfScope):
        simulate_villages(actor=officer_denpasar, kode_wilayah=BLAHBATUH, per_village=100)
    with pytest.raises(PermissionDenied):
        simulate_villages(actor=village_operator, kode_wilayah=SABA, per_village=100)
    committee = make_user("komite", "award_committee", "51")
    assert simulate_villages(actor=committee, kode_wilayah=BLAHBATUH, per_village=1).desa == 9
    with pytest.raises(InvalidInput) as error:
        simulate_villages(actor=officer_gianyar, kode_wilayah=BLAHBATUH, per_village=0)
    assert error.value.message_en == "per_desa: people per village must be 1–100000, found 0"
    with pytest.raises(InvalidInput):
        simulate_villages(actor=officer_gianyar, kode_wilayah=BLAHBATUH, per_village=1, months=0)
    with pytest.raises(InvalidInput):
        simulate_target(actor=officer_gianyar, kode_wilayah=BLAHBATUH, target_persen=Decimal(0))


def test_reach_target_shares_workers_by_uncovered_informal_workers(
    region_coverage, officer_gianyar
):
    plan = simulate_target(
        actor=officer_gianyar, kode_wilayah=BLAHBATUH, target_persen=Decimal(10), tanggal_tarif=ON
    )
    # ceil(10% × 10,000 − 300) = 700; 700 × 16,800 × 12
    assert plan.pekerja_dibutuhkan == 700 and plan.biaya == 141_120_000
    assert (plan.cakupan_sekarang, plan.cakupan_sesudah) == (Decimal("3.00"), Decimal("10.00"))
    assert plan.pembagian == "proporsional"
    shares = {s.kode_wilayah: (s.belum_terlindungi, s.pekerja) for s in plan.desa}
    # Uncovered informal: 900 in each of the first three villages, 500 in the others (5,700):
    # 700 × 900 / 5,700 = 110.53 → 111; 700 × 500 / 5,700 = 61.40 → 61, the first one 62.
    assert [shares[c] for c in BLAHBATUH_VILLAGES] == [
        (900, 111),
        (900, 111),
        (900, 111),
        (500, 62),
        (500, 61),
        (500, 61),
        (500, 61),
        (500, 61),
        (500, 61),
    ]
    assert sum(s.pekerja for s in plan.desa) == 700
    assert sum(s.biaya for s in plan.desa) == plan.biaya
    needed = next(a for a in plan.assumptions if a.kode == "pekerja_dibutuhkan")
    assert needed.message == (
        "Workers needed = round up (10.00% × 10,000 employed − 300 active participants) = 700 "
        "(period 2023-12)."
    )
    assert needed.pesan.startswith("Pekerja dibutuhkan = pembulatan ke atas (10,00% × 10.000")


def test_reach_target_evenly(region_coverage, officer_gianyar):
    plan = simulate_target(
        actor=officer_gianyar,
        kode_wilayah=BLAHBATUH,
        target_persen=Decimal("12.345"),
        months=12,
        pembagian="rata",
        tanggal_tarif=ON,
    )
    assert plan.pekerja_dibutuhkan == 935  # ceil(1,234.5 − 300)
    assert [s.pekerja for s in plan.desa] == [104] * 8 + [103]  # 935 = 9 × 103 + 8
    assert plan.pembagian == "rata"


def test_a_target_already_reached_needs_nobody(region_coverage, officer_gianyar):
    plan = simulate_target(actor=officer_gianyar, kode_wilayah=BLAHBATUH, target_persen=Decimal(2))
    assert (plan.pekerja_dibutuhkan, plan.biaya) == (0, 0)
    assert "target_tercapai" in [a.kode for a in plan.assumptions]


def test_a_target_without_a_working_population_cannot_be_planned(region_coverage, officer_gianyar):
    plan = simulate_target(actor=officer_gianyar, kode_wilayah=SABA, target_persen=Decimal(10))
    assert plan.pekerja_dibutuhkan is None and plan.biaya is None
    assert [a.kode for a in plan.assumptions] == ["penyebut_tidak_ada"]


def test_workers_needed_and_sharing_arithmetic():
    assert workers_needed(Decimal("39.41"), 2_620_000, 1_027_000) == 5_542
    assert workers_needed(Decimal(30), 100, 40) == 0
    assert share_out(10, [1, 1, 1]) == [4, 3, 3]
    assert share_out(5, [0, 0]) == [3, 2]
    assert share_evenly(7, 3) == [3, 2, 2]
