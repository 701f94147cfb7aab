"""The synthetic Bali demo: calibrated to the published figures (domain.md), consistent, repeatable."""

from __future__ import annotations

from itertools import chain

import pytest
from django.db.models import F

from cakupan.coverage.models import Workforce
from cakupan.demo import (
    MINIMUM_WAGE,
    PERIODS,
    SUMBER,
    DemoParticipantsInvalid,
    demo_generate,
    demo_load,
    demo_plan,
    demo_villages,
)
from cakupan.identity import (
    nik_problems,
    nik_suspicions,
    parse_kpj,
    parse_nib,
    parse_nik,
    parse_npp,
    parse_npwp,
)
from cakupan.regions.models import Region
from cakupan.registry.models import Employer, Membership, Participant
from cakupan.registry.selectors import active_q

pytestmark = pytest.mark.django_db

N = 3000
REGENCIES = ("51.01", "51.02", "51.03", "51.04", "51.05", "51.06", "51.07", "51.08", "51.71")
FORMAL = ("PU", "JAKON")


@pytest.fixture
def demo() -> dict[str, int]:
    return demo_load(participants=N, seed=7)


def active(periode: str, region: str = "51", segmen: tuple[str, ...] | None = None) -> int:
    qs = Membership.objects.filter(active_q(periode), kode_wilayah__startswith=region)
    if segmen:
        qs = qs.filter(segmen__in=segmen)
    return qs.count()


def workforce(periode: str, region: str = "51", sektor: str = "semua", jk: str = "semua") -> int:
    return Workforce.objects.get(
        kode_wilayah=region, periode=periode, sektor=sektor, jenis_kelamin=jk
    ).penduduk_bekerja


def percent(part: int, whole: int) -> float:
    return 100 * part / whole


def test_active_participants_are_exactly_n_in_2023_and_scaled_753_of_1027_in_2022(demo):
    assert active("2023-12") == N
    assert active("2022-12") == round(N * 753 / 1027) == 2200
    assert demo["participants"] == Participant.objects.count()
    assert demo["memberships"] == Membership.objects.count()


def test_both_snapshots_hold_lapsed_members_and_most_2022_members_stay(demo):
    for periode in PERIODS:
        rows = Membership.objects.filter(periode=periode).count()
        lapsed = rows - active(periode)
        paid_before = Membership.objects.filter(periode=periode, bulan_iuran_terakhir__lt=periode)
        assert paid_before.count() == lapsed
        assert 0.08 <= lapsed / active(periode) <= 0.10
    active_2022 = Membership.objects.filter(active_q("2022-12")).values("participant_id")
    still = Membership.objects.filter(active_q("2023-12"), participant_id__in=active_2022).count()
    assert 0.85 < still / active("2022-12") < 0.95


def test_province_coverage_is_39_41_percent_in_2023_and_30_9_in_2022(demo):
    assert percent(active("2023-12"), workforce("2023-12")) == pytest.approx(39.41, abs=0.1)
    assert percent(active("2022-12"), workforce("2022-12")) == pytest.approx(30.9, abs=0.15)


def test_72_percent_of_workers_are_informal_and_formal_coverage_is_59_percent(demo):
    for periode in PERIODS:
        informal_share = percent(workforce(periode, sektor="informal"), workforce(periode))
        assert informal_share == pytest.approx(72, abs=0.5)
    formal = percent(active("2023-12", segmen=FORMAL), workforce("2023-12", sektor="formal"))
    assert formal == pytest.approx(59, abs=1.5)
    # What the published figures leave over for the informal sector (demo module docstring).
    informal = percent(active("2023-12", segmen=("BPU",)), workforce("2023-12", sektor="informal"))
    assert 30 < informal < 33
    pmi = percent(active("2023-12", segmen=("PMI",)), active("2023-12"))
    assert pmi == pytest.approx(1, abs=0.2)


def test_about_57_percent_of_workers_are_men(demo):
    for periode in PERIODS:
        assert percent(workforce(periode, jk="L"), workforce(periode)) == pytest.approx(57, abs=1)


def test_workforce_adds_up_by_sector_by_sex_and_regencies_to_the_province(demo):
    rows = Workforce.objects.all()
    assert rows.count() == 2 * 10 * 9
    assert set(rows.values_list("kode_wilayah", flat=True)) == {"51", *REGENCIES}
    assert set(rows.values_list("sumber", "estimasi")) == {(SUMBER, False)}
    cell = {
        (w.kode_wilayah, w.periode, w.sektor, w.jenis_kelamin): w.penduduk_bekerja for w in rows
    }
    for periode in PERIODS:
        for area in ("51", *REGENCIES):
            for jk in ("L", "P", "semua"):
                assert cell[area, periode, "semua", jk] == (
                    cell[area, periode, "formal", jk] + cell[area, periode, "informal", jk]
                )
            for sektor in ("formal", "informal", "semua"):
                assert cell[area, periode, sektor, "semua"] == (
                    cell[area, periode, sektor, "L"] + cell[area, periode, sektor, "P"]
                )
                assert cell["51", periode, sektor, jk] == sum(
                    cell[r, periode, sektor, jk] for r in REGENCIES
                )


def test_every_nik_is_valid_and_agrees_with_district_birth_date_and_sex(demo):
    districts = set(Region.objects.filter(level="district").values_list("code", flat=True))
    checked = 0
    for nik, tanggal_lahir, jenis_kelamin, kode_wilayah in Participant.objects.values_list(
        "nik", "tanggal_lahir", "jenis_kelamin", "kode_wilayah"
    ):
        assert nik_problems(nik, districts.__contains__) == []
        info = parse_nik(nik, districts.__contains__)
        assert nik_suspicions(info, tanggal_lahir, jenis_kelamin) == []
        assert info.district_code == kode_wilayah[:8]
        checked += 1
    assert checked == Participant.objects.count()
    villages = set(Region.objects.filter(level="village").values_list("code", flat=True))
    assert set(Participant.objects.values_list("kode_wilayah", flat=True)) <= villages
    # Membership rows carry the participant's residence, sex and birth date.
    assert not Membership.objects.exclude(
        kode_wilayah=F("participant__kode_wilayah"),
        jenis_kelamin=F("participant__jenis_kelamin"),
        tanggal_lahir=F("participant__tanggal_lahir"),
    ).exists()


def test_ages_are_17_to_64_at_the_end_of_2023_and_contributions_start_after_tmt(demo):
    years = {p.year for p in Participant.objects.values_list("tanggal_lahir", flat=True)}
    assert min(years) >= 2023 - 64 and max(years) <= 2023 - 17
    for tmt, paid in Membership.objects.values_list("tmt", "bulan_iuran_terakhir"):
        assert paid >= f"{tmt:%Y-%m}"


def test_segments_have_their_employer_programmes_and_incomes(demo):
    pu = Membership.objects.filter(periode="2023-12", segmen="PU")
    assert not pu.filter(employer__isnull=True).exists()
    assert not Membership.objects.exclude(segmen="PU").filter(employer__isnull=False).exists()
    assert set(pu.values_list("program", flat=True)) == {"JKK,JKM,JHT,JP", "JKK,JKM,JHT,JP,JKP"}
    bpu = Membership.objects.filter(segmen="BPU")
    assert set(bpu.values_list("program", flat=True)) == {"JKK,JKM", "JKK,JKM,JHT"}
    assert not bpu.exclude(upah__gte=1_000_000, upah__lte=3_000_000).exists()
    # Most PU work in their own regency; a few are paid under the minimum wage where they work.
    rows = pu.values_list("kode_wilayah", "employer__kode_wilayah", "upah")
    same = sum(home[:5] == work[:5] for home, work, _ in rows)
    assert 0.8 < same / len(rows) < 0.95
    below = sum(upah < MINIMUM_WAGE.get(work[:5], MINIMUM_WAGE["51"]) for _, work, upah in rows)
    assert 0.03 < below / len(rows) < 0.12


def test_employers_have_valid_unique_numbers_and_a_kbli_mix_by_regency(demo):
    employers = list(Employer.objects.values_list("npp", "nib", "npwp", "kbli", "kode_wilayah"))
    assert len(employers) == demo["employers"] == N // 40
    assert len({e[0] for e in employers}) == len({e[1] for e in employers}) == len(employers)
    for npp, nib, npwp, _, _ in employers:
        assert (parse_npp(npp), parse_nib(nib), parse_npwp(npwp)) == (npp, nib, npwp)
    for kpj in Membership.objects.values_list("kpj", flat=True).distinct()[:500]:
        assert parse_kpj(kpj) == kpj

    def share(kblis: set[str], regencies: tuple[str, ...]) -> float:
        inside = [e for e in employers if e[4][:5] in regencies]
        return sum(e[3] in kblis for e in inside) / len(inside)

    tourism = {"55110", "55130", "55199", "56101", "79111"}
    farming_fishing = {"01111", "01135", "03111"}
    assert share(tourism, ("51.03", "51.71")) > 2 * share(tourism, ("51.01", "51.06", "51.07"))
    assert share(farming_fishing, ("51.01", "51.06", "51.07")) > 3 * share(
        farming_fishing, ("51.03", "51.71")
    )


def test_badung_formal_coverage_is_higher_than_banglis(demo):
    def formal(region: str) -> float:
        return percent(
            active("2023-12", region, FORMAL), workforce("2023-12", region, sektor="formal")
        )

    assert formal("51.03") > formal("51.06") + 15
    assert formal("51.71") > formal("51.07")


def test_a_demo_needs_at_least_one_participant():
    with pytest.raises(DemoParticipantsInvalid):
        demo_plan(0)


def test_same_seed_gives_same_data_and_another_seed_other_data():
    villages = demo_villages()

    def rows(seed: int) -> tuple[list, list]:
        data = demo_generate(participants=500, seed=seed, villages=villages, chunk=128)
        return data.employers, list(chain.from_iterable(data.people))

    first = rows(11)
    assert rows(11) == first
    assert len(first[1]) > 500
    assert rows(12)[1] != first[1]
