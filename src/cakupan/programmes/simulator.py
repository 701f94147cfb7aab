"""What-if simulator: what it costs and what coverage becomes if every village of a region
protects N workers, and how many workers at what cost reach a coverage target.

Pure functions over the coverage selectors and the dated rates table (rates.premium_monthly):
no figure is a constant here, and every assumption is returned, in both languages, with the
numbers it produced. Aggregates only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from cakupan.accounts.scope import Actor, SystemActor, in_scope, require_capability, require_scope
from cakupan.coverage.palette import format_number
from cakupan.coverage.selectors import (
    CoverageRow,
    Filters,
    Notice,
    coverage_percent,
    coverage_periods,
    coverage_summary,
    coverage_table,
)
from cakupan.errors import InvalidInput
from cakupan.programmes.models import VULNERABLE_GROUPS, ProgrammeVillage
from cakupan.programmes.rates import Premium, premium_monthly
from cakupan.programmes.selectors import programmes_running
from cakupan.regions.models import Region
from cakupan.regions.selectors import ancestor_codes, code_level, region_get, within_q
from cakupan.registry.selectors import period_parse

PEMBAGIAN = ("proporsional", "rata")
MAX_PER_VILLAGE = 100_000
MAX_MONTHS = 60


@dataclass(frozen=True)
class CoverageEffect:
    """Coverage of one area before and after the added participants."""

    kode_wilayah: str
    nama_wilayah: str
    level: str
    periode: str | None
    peserta_aktif: int
    penduduk_bekerja: int | None
    estimasi: bool
    tambahan: int
    informal_aktif: int
    informal_bekerja: int | None
    target_persen: Decimal | None

    @property
    def peserta_sesudah(self) -> int:
        return self.peserta_aktif + self.tambahan

    @property
    def cakupan_sebelum(self) -> Decimal | None:
        return coverage_percent(self.peserta_aktif, self.penduduk_bekerja)

    @property
    def cakupan_sesudah(self) -> Decimal | None:
        return coverage_percent(self.peserta_sesudah, self.penduduk_bekerja)

    @property
    def kenaikan_poin(self) -> Decimal | None:
        before, after = self.cakupan_sebelum, self.cakupan_sesudah
        return None if before is None or after is None else after - before

    @property
    def informal_sebelum(self) -> Decimal | None:
        return coverage_percent(self.informal_aktif, self.informal_bekerja)

    @property
    def informal_sesudah(self) -> Decimal | None:
        return coverage_percent(self.informal_aktif + self.tambahan, self.informal_bekerja)


@dataclass(frozen=True)
class Simulation:
    """If every village of a region protects `per_village` workers for `months` months."""

    kode_wilayah: str
    nama_wilayah: str
    periode: str | None  # the coverage period "before" is read from
    per_village: int
    months: int
    program: str
    premium: Premium
    tanggal_tarif: date
    skip_running: bool
    sudah_aktif_persen: Decimal
    desa: int  # villages in the region
    desa_berjalan: int  # of which already run an approved programme for vulnerable workers
    desa_baru: int  # villages that add people in the simulation
    orang_baru: int  # people those villages list
    tambahan_peserta: int  # active participants added (after the already-active discount)
    biaya: int  # rupiah, every village × people × premium × months
    effects: tuple[CoverageEffect, ...]  # the region, then each area containing it
    assumptions: tuple[Notice, ...]

    @property
    def iuran(self) -> int:
        return self.premium.iuran

    @property
    def biaya_per_desa(self) -> int:
        return self.per_village * self.iuran * self.months

    @property
    def biaya_per_bulan(self) -> int:
        return self.orang_baru * self.iuran


@dataclass(frozen=True)
class VillageShare:
    kode_wilayah: str
    nama_wilayah: str
    belum_terlindungi: int | None  # informal workers not covered (None: no denominator)
    pekerja: int  # workers the plan gives this village
    biaya: int


@dataclass(frozen=True)
class TargetPlan:
    """How many more workers, at what cost, bring a region to `target_persen` coverage."""

    kode_wilayah: str
    nama_wilayah: str
    periode: str | None
    target_persen: Decimal
    months: int
    program: str
    premium: Premium
    tanggal_tarif: date
    peserta_aktif: int
    penduduk_bekerja: int | None
    estimasi: bool
    pekerja_dibutuhkan: int | None  # None where the working population is unknown
    biaya: int | None
    pembagian: str  # proporsional / rata: how the workers are shared out to villages
    desa: tuple[VillageShare, ...]
    assumptions: tuple[Notice, ...]

    @property
    def iuran(self) -> int:
        return self.premium.iuran

    @property
    def cakupan_sekarang(self) -> Decimal | None:
        return coverage_percent(self.peserta_aktif, self.penduduk_bekerja)

    @property
    def cakupan_sesudah(self) -> Decimal | None:
        if self.pekerja_dibutuhkan is None:
            return None
        return coverage_percent(self.peserta_aktif + self.pekerja_dibutuhkan, self.penduduk_bekerja)

    @property
    def biaya_per_bulan(self) -> int | None:
        return None if self.pekerja_dibutuhkan is None else self.pekerja_dibutuhkan * self.iuran


# --- shared parts ----------------------------------------------------------------------------


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def _rp(amount: int) -> tuple[str, str]:
    """Rupiah written in Indonesian and English style."""
    return f"Rp{format_number(amount)}", f"Rp{amount:,}"


def _n(number: int | Decimal) -> tuple[str, str]:
    decimals = 0 if isinstance(number, int) or number == number.to_integral_value() else 2
    return format_number(number, decimals), f"{number:,.{decimals}f}"


def _pct(value: Decimal | None) -> tuple[str, str]:
    if value is None:
        return "–", "–"
    return f"{format_number(value, 2)}%", f"{value:.2f}%"


def _check_common(actor: Actor, kode_wilayah: str, months: int, periode: str | None) -> Region:
    require_capability(actor, "programmes.simulate")
    require_scope(actor, kode_wilayah)
    region = region_get(kode_wilayah)
    if not 1 <= months <= MAX_MONTHS:
        raise _invalid(
            "bulan",
            f"lama perlindungan harus 1–{MAX_MONTHS} bulan, tertulis {months}",
            f"the protection must last 1–{MAX_MONTHS} months, found {months}",
        )
    if periode:
        period_parse(periode)
    return region


def _period(periode: str | None) -> str | None:
    """The period asked for, else the newest with coverage facts (None when there is none)."""
    if periode:
        return periode
    periods = coverage_periods()
    return periods[0] if periods else None


def _premium(program: str, penghasilan: int | None, on: date) -> Premium:
    return premium_monthly(on=on, program=program, penghasilan=penghasilan)


def _premium_notice(premium: Premium, on: date, months: int) -> Notice:
    rp_id, rp_en = _rp(premium.iuran)
    inc_id, inc_en = _rp(premium.penghasilan)
    parts_id = " + ".join(
        f"{p.komponen} {_rp(p.iuran)[0]} ({p.dasar_hukum})" for p in premium.parts
    )
    parts_en = " + ".join(
        f"{p.komponen} {_rp(p.iuran)[1]} ({p.dasar_hukum})" for p in premium.parts
    )
    return Notice(
        "iuran",
        f"Iuran {rp_id} per orang per bulan untuk penghasilan yang dilaporkan {inc_id}: "
        f"{parts_id}; tarif yang berlaku pada {on.isoformat()}, selama {months} bulan.",
        f"Premium {rp_en} per person per month for a declared income of {inc_en}: "
        f"{parts_en}; rates in force on {on.isoformat()}, for {months} months.",
    )


def _coverage_notice(periode: str | None, effects: list[CoverageEffect]) -> list[Notice]:
    if periode is None:
        return [
            Notice(
                "tanpa_data_cakupan",
                "Belum ada data cakupan: hanya jumlah orang dan biaya yang dihitung.",
                "No coverage data yet: only the number of people and the cost are computed.",
            )
        ]
    notices = [
        Notice(
            "definisi_cakupan",
            f"Cakupan = peserta aktif ÷ penduduk bekerja, periode {periode} (data terakhir). "
            "Wilayah yang lebih luas naik dengan jumlah tambahan peserta yang sama.",
            f"Coverage = active participants ÷ employed people, period {periode} (the latest "
            "data). The wider areas rise by the same number of added participants.",
        )
    ]
    unknown = [e.nama_wilayah for e in effects if e.penduduk_bekerja is None]
    if unknown:
        notices.append(
            Notice(
                "penyebut_tidak_ada",
                f"Penduduk bekerja tidak diketahui untuk {', '.join(unknown)}: cakupannya "
                "tidak dapat dihitung.",
                f"The working population of {', '.join(unknown)} is unknown: its coverage "
                "cannot be computed.",
            )
        )
    if any(e.estimasi for e in effects):
        notices.append(
            Notice(
                "penyebut_estimasi",
                "Sebagian penduduk bekerja adalah estimasi dari tingkat di atasnya.",
                "Some working populations are estimates from the level above.",
            )
        )
    return notices


def _effects(
    actor: Actor, region: Region, periode: str | None, tambahan: int
) -> list[CoverageEffect]:
    """The region and every area containing it (up to the province), before and after.

    The containing areas' totals are read even where they lie beyond the actor's own scope: a
    regency officer sees its province's coverage as one aggregate figure, never its areas."""
    codes = [region.code, *reversed(ancestor_codes(region.code))]
    if periode is None:
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        return [
            CoverageEffect(
                c, names.get(c, c), code_level(c), None, 0, None, False, tambahan, 0, None, None
            )
            for c in codes
        ]
    effects = []
    for code in codes:
        reader = actor if in_scope(actor, code) else SystemActor()
        row: CoverageRow = coverage_summary(actor=reader, region_code=code, periode=periode)
        informal = coverage_summary(
            actor=reader, region_code=code, periode=periode, filters=Filters(sektor="informal")
        )
        effects.append(
            CoverageEffect(
                kode_wilayah=code,
                nama_wilayah=row.nama_wilayah,
                level=code_level(code),
                periode=periode,
                peserta_aktif=row.peserta_aktif,
                penduduk_bekerja=row.penduduk_bekerja,
                estimasi=row.estimasi,
                tambahan=tambahan,
                informal_aktif=informal.peserta_aktif,
                informal_bekerja=informal.penduduk_bekerja,
                target_persen=row.target_persen,
            )
        )
    return effects


def _today() -> date:
    return timezone.localdate()


# --- every village protects N ----------------------------------------------------------------


def villages_running(kode_wilayah: str, periode: str) -> int:
    """Villages of a region with an approved programme for vulnerable workers covering `periode`."""
    villages = Region.objects.filter(within_q("code", kode_wilayah), level="village")
    return (
        ProgrammeVillage.objects.filter(
            kode_wilayah__in=villages.values("code"),
            programme__in=programmes_running(periode).filter(
                kelompok_sasaran__in=VULNERABLE_GROUPS
            ),
        )
        .values("kode_wilayah")
        .distinct()
        .count()
    )


def simulate_villages(
    *,
    actor: Actor,
    kode_wilayah: str,
    per_village: int,
    months: int = 12,
    program: str = "JKK,JKM",
    penghasilan: int | None = None,
    skip_running: bool = True,
    periode: str | None = None,
    sudah_aktif_persen: Decimal = Decimal(0),
    tanggal_tarif: date | None = None,
) -> Simulation:
    """Every village of `kode_wilayah` protects `per_village` workers for `months` months.

    Cost = villages × people × premium (rates in force on `tanggal_tarif`, default today) ×
    months. "After" adds each listed person as an active participant — they are assumed to be
    unprotected informal workers — less `sudah_aktif_persen` of them assumed already active.
    Villages already running an approved programme for vulnerable workers in the period are
    counted and, with `skip_running`, add nobody and cost nothing.
    """
    region = _check_common(actor, kode_wilayah, months, periode)
    if not 1 <= per_village <= MAX_PER_VILLAGE:
        raise _invalid(
            "per_desa",
            f"orang per desa harus 1–{MAX_PER_VILLAGE}, tertulis {per_village}",
            f"people per village must be 1–{MAX_PER_VILLAGE}, found {per_village}",
        )
    sudah_aktif_persen = Decimal(sudah_aktif_persen)
    if not 0 <= sudah_aktif_persen <= 100:
        raise _invalid(
            "sudah_aktif",
            f"persen yang sudah aktif harus 0–100, tertulis {sudah_aktif_persen}",
            f"the share already active must be 0–100, found {sudah_aktif_persen}",
        )
    on = tanggal_tarif or _today()
    premium = _premium(program, penghasilan, on)
    periode = _period(periode)
    running_in = periode or on.strftime("%Y-%m")
    desa = Region.objects.filter(within_q("code", region.code), level="village").count()
    berjalan = villages_running(region.code, running_in)
    desa_baru = desa - berjalan if skip_running else desa
    orang_baru = desa_baru * per_village
    tambahan = int(
        (Decimal(orang_baru) * (100 - sudah_aktif_persen) / 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )
    biaya = orang_baru * premium.iuran * months
    effects = _effects(actor, region, periode, tambahan)

    n_id, n_en = _n(per_village)
    assumptions = [
        Notice(
            "orang_baru",
            f"Setiap desa melindungi {n_id} orang baru. Mereka diasumsikan pekerja informal (BPU) "
            "yang sekarang belum terlindungi: masing-masing menambah satu peserta aktif.",
            f"Each village protects {n_en} new people. They are assumed to be informal (BPU) "
            "workers not protected today: each adds one active participant.",
        ),
        Notice(
            "sudah_aktif",
            f"Dari orang dalam daftar, {_pct(sudah_aktif_persen)[0]} diasumsikan sudah menjadi "
            f"peserta aktif dan tidak menambah cakupan: tambahan {_n(tambahan)[0]} peserta.",
            f"Of the people listed, {_pct(sudah_aktif_persen)[1]} are assumed to be active "
            f"already and add no coverage: {_n(tambahan)[1]} participants added.",
        ),
        Notice(
            "desa_berjalan",
            f"{berjalan} dari {desa} desa sudah menjalankan program untuk pekerja rentan "
            f"(disetujui, berjalan pada {running_in}); "
            + (
                "mereka tidak dihitung dua kali: tidak ada tambahan maupun biaya dari desa itu."
                if skip_running
                else "mereka tetap dihitung: orang mereka dianggap tambahan baru."
            ),
            f"{berjalan} of {desa} villages already run a programme for vulnerable workers "
            f"(approved, running in {running_in}); "
            + (
                "they are not counted twice: those villages add neither people nor cost."
                if skip_running
                else "they are counted again: their people are taken as new."
            ),
        ),
        _premium_notice(premium, on, months),
        Notice(
            "biaya",
            f"Biaya = {desa_baru} desa × {n_id} orang × {_rp(premium.iuran)[0]} × {months} bulan "
            f"= {_rp(biaya)[0]}; orang yang ternyata sudah aktif tetap dianggarkan.",
            f"Cost = {desa_baru} villages × {n_en} people × {_rp(premium.iuran)[1]} × {months} "
            f"months = {_rp(biaya)[1]}; people found to be active already stay budgeted.",
        ),
        *_coverage_notice(periode, effects),
    ]
    return Simulation(
        kode_wilayah=region.code,
        nama_wilayah=region.name,
        periode=periode,
        per_village=per_village,
        months=months,
        program=program,
        premium=premium,
        tanggal_tarif=on,
        skip_running=skip_running,
        sudah_aktif_persen=sudah_aktif_persen,
        desa=desa,
        desa_berjalan=berjalan,
        desa_baru=desa_baru,
        orang_baru=orang_baru,
        tambahan_peserta=tambahan,
        biaya=biaya,
        effects=tuple(effects),
        assumptions=tuple(assumptions),
    )


# --- reach a target --------------------------------------------------------------------------


def workers_needed(target_persen: Decimal, penduduk_bekerja: int, peserta_aktif: int) -> int:
    """ceil(T% × employed − active), never below 0."""
    return max(0, math.ceil(Decimal(target_persen) * penduduk_bekerja / 100 - peserta_aktif))


def share_out(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, in whole people that add up to `total`:
    largest remainders get the leftover (ties: the earlier one). All-zero weights share evenly."""
    if not weights:
        return []
    if sum(weights) <= 0:
        return share_evenly(total, len(weights))
    whole = sum(weights)
    exact = [Fraction(total * w, whole) for w in weights]
    parts = [math.floor(x) for x in exact]
    leftover = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def share_evenly(total: int, count: int) -> list[int]:
    """`total` over `count` villages: the same to each, one more to the first `total % count`."""
    if count <= 0:
        return []
    base, rest = divmod(total, count)
    return [base + (1 if i < rest else 0) for i in range(count)]


def simulate_target(
    *,
    actor: Actor,
    kode_wilayah: str,
    target_persen: Decimal,
    months: int = 12,
    program: str = "JKK,JKM",
    penghasilan: int | None = None,
    periode: str | None = None,
    pembagian: str = "proporsional",
    tanggal_tarif: date | None = None,
) -> TargetPlan:
    """Workers needed to reach `target_persen` in a region = ceil(T% × employed − active), their
    cost = workers × premium × months, and each village's share: in proportion to its informal
    workers not yet covered (`proporsional`, employed informal − BPU participants), or evenly
    (`rata`). Without any informal figure for the villages, the share falls back to even."""
    region = _check_common(actor, kode_wilayah, months, periode)
    target = Decimal(target_persen)
    if not 0 < target <= 100:
        raise _invalid(
            "target",
            f"target harus di atas 0 sampai 100%, tertulis {target}",
            f"the target must be above 0 and at most 100%, found {target}",
        )
    if pembagian not in PEMBAGIAN:
        raise _invalid(
            "pembagian",
            f"pembagian {pembagian!r} tidak dikenal; pilih {', '.join(PEMBAGIAN)}",
            f"unknown split {pembagian!r}; choose {', '.join(PEMBAGIAN)}",
        )
    on = tanggal_tarif or _today()
    premium = _premium(program, penghasilan, on)
    periode = _period(periode)
    assumptions: list[Notice] = []
    if periode is None:
        assumptions.append(
            Notice(
                "tanpa_data_cakupan",
                "Belum ada data cakupan: jumlah pekerja yang dibutuhkan tidak dapat dihitung.",
                "No coverage data yet: the workers needed cannot be computed.",
            )
        )
        return TargetPlan(
            region.code, region.name, None, target, months, program, premium, on, 0, None,
            False, None, None, pembagian, (), tuple(assumptions),
        )  # fmt: skip
    row = coverage_summary(actor=actor, region_code=region.code, periode=periode)
    t_id, t_en = _pct(target)
    if not row.penduduk_bekerja:
        assumptions.append(
            Notice(
                "penyebut_tidak_ada",
                f"Penduduk bekerja {region.name} periode {periode} tidak diketahui: jumlah "
                "pekerja yang dibutuhkan tidak dapat dihitung.",
                f"The working population of {region.name} in {periode} is unknown: the workers "
                "needed cannot be computed.",
            )
        )
        return TargetPlan(
            region.code, region.name, periode, target, months, program, premium, on,
            row.peserta_aktif, None, False, None, None, pembagian, (), tuple(assumptions),
        )  # fmt: skip
    needed = workers_needed(target, row.penduduk_bekerja, row.peserta_aktif)
    biaya = needed * premium.iuran * months
    pb_id, pb_en = _n(row.penduduk_bekerja)
    pa_id, pa_en = _n(row.peserta_aktif)
    assumptions.append(
        Notice(
            "pekerja_dibutuhkan",
            f"Pekerja dibutuhkan = pembulatan ke atas ({t_id} × {pb_id} penduduk bekerja − "
            f"{pa_id} peserta aktif) = {_n(needed)[0]} (periode {periode}).",
            f"Workers needed = round up ({t_en} × {pb_en} employed − {pa_en} active "
            f"participants) = {_n(needed)[1]} (period {periode}).",
        )
    )
    if needed == 0:
        assumptions.append(
            Notice(
                "target_tercapai",
                f"Cakupan {region.name} sudah mencapai {t_id}.",
                f"{region.name} already reaches {t_en} coverage.",
            )
        )
    assumptions.append(
        Notice(
            "pekerja_baru",
            "Setiap pekerja tambahan diasumsikan pekerja informal (BPU) yang sekarang belum "
            "terlindungi.",
            "Each added worker is assumed to be an informal (BPU) worker not protected today.",
        )
    )
    assumptions.append(
        Notice(
            "biaya",
            f"Biaya = {_n(needed)[0]} pekerja × {_rp(premium.iuran)[0]} × {months} bulan = "
            f"{_rp(biaya)[0]}.",
            f"Cost = {_n(needed)[1]} workers × {_rp(premium.iuran)[1]} × {months} months = "
            f"{_rp(biaya)[1]}.",
        )
    )
    assumptions.append(_premium_notice(premium, on, months))
    shares, used, notes = _village_shares(
        actor, region, periode, needed, pembagian, premium, months
    )
    assumptions += notes
    if row.estimasi:
        assumptions.append(
            Notice(
                "penyebut_estimasi",
                "Penduduk bekerja wilayah ini adalah estimasi dari tingkat di atasnya.",
                "This region's working population is an estimate from the level above.",
            )
        )
    return TargetPlan(
        kode_wilayah=region.code,
        nama_wilayah=region.name,
        periode=periode,
        target_persen=target,
        months=months,
        program=program,
        premium=premium,
        tanggal_tarif=on,
        peserta_aktif=row.peserta_aktif,
        penduduk_bekerja=row.penduduk_bekerja,
        estimasi=row.estimasi,
        pekerja_dibutuhkan=needed,
        biaya=biaya,
        pembagian=used,
        desa=tuple(shares),
        assumptions=tuple(assumptions),
    )


def _village_shares(
    actor: Actor,
    region: Region,
    periode: str,
    needed: int,
    pembagian: str,
    premium: Premium,
    months: int,
) -> tuple[list[VillageShare], str, list[Notice]]:
    informal = coverage_table(
        actor=actor,
        region_code=region.code,
        level="village",
        periode=periode,
        filters=Filters(sektor="informal"),
        use_target=False,
    ).rows
    if not informal:
        return [], pembagian, []
    uncovered = [
        None if r.penduduk_bekerja is None else max(0, r.penduduk_bekerja - r.peserta_aktif)
        for r in informal
    ]
    notes: list[Notice] = []
    known = [u for u in uncovered if u is not None]
    if pembagian == "proporsional" and not sum(known):
        notes.append(
            Notice(
                "pembagian_rata_terpaksa",
                "Tidak ada angka pekerja informal per desa: pekerja dibagi rata.",
                "No village has an informal workforce figure: the workers are shared evenly.",
            )
        )
        pembagian = "rata"
    if pembagian == "proporsional":
        parts = share_out(needed, [u or 0 for u in uncovered])
        notes.append(
            Notice(
                "pembagian_proporsional",
                "Pembagian ke desa sebanding dengan pekerja informal yang belum terlindungi "
                "(penduduk bekerja informal − peserta BPU); sisa pembulatan ke desa dengan "
                "pecahan terbesar.",
                "Shared out to villages in proportion to their informal workers not yet "
                "covered (employed informal − BPU participants); the rounding leftover goes "
                "to the villages with the largest fractions.",
            )
        )
        missing = len(uncovered) - len(known)
        if missing:
            notes.append(
                Notice(
                    "desa_tanpa_penyebut",
                    f"{missing} desa tanpa angka pekerja informal tidak mendapat bagian.",
                    f"{missing} villages without an informal workforce figure get no share.",
                )
            )
        if needed > sum(known):
            notes.append(
                Notice(
                    "melebihi_informal",
                    f"Target membutuhkan {_n(needed)[0]} pekerja, lebih dari {_n(sum(known))[0]} "
                    "pekerja informal yang belum terlindungi: sebagian harus dari sektor "
                    "formal.",
                    f"The target needs {_n(needed)[1]} workers, more than the "
                    f"{_n(sum(known))[1]} informal workers not yet covered: some must come from "
                    "the formal sector.",
                )
            )
    else:
        parts = share_evenly(needed, len(informal))
        notes.append(
            Notice(
                "pembagian_rata",
                f"Dibagi rata ke {len(informal)} desa; sisa {needed % len(informal)} orang ke "
                "desa pertama menurut kode.",
                f"Shared evenly over {len(informal)} villages; the {needed % len(informal)} "
                "left over go to the first villages by code.",
            )
        )
    shares = [
        VillageShare(r.kode_wilayah, r.nama_wilayah, u, n, n * premium.iuran * months)
        for r, u, n in zip(informal, uncovered, parts, strict=True)
    ]
    return shares, pembagian, notes
