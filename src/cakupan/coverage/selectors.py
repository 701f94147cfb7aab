"""Coverage reads: active participants ÷ working population for every area of a level, with
growth, gap to a target and rank, all answered from the per-period rollup (coverage.facts).

One coverage figure has one definition here (design.md): numerator = active participants of the
period (all segments unless a sector or segmen filter says otherwise), denominator = Workforce of
the same area, period, sector and sex; `cakupan_persen` = 100 × numerator ÷ denominator.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Q, Sum, When

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.coverage.facts import AGE_BANDS, SECTOR_SEGMENTS, TINGKAT
from cakupan.coverage.models import CoverageFact, CoverageSnapshot, CoverageTarget, Workforce
from cakupan.errors import InvalidInput
from cakupan.regions.models import LEVEL_DEPTH, LEVELS
from cakupan.regions.selectors import ancestor_codes, code_level, region_descendants, region_get
from cakupan.registry.models import Segmen
from cakupan.registry.selectors import period_parse

BREAKDOWNS = ("segmen", "jenis_kelamin", "kelompok_umur")
SECTORS = ("semua", "formal", "informal")
COLUMNS = (
    "kode_wilayah",
    "nama_wilayah",
    "peserta_aktif",
    "peserta_pu",
    "peserta_bpu",
    "penduduk_bekerja",
    "cakupan_persen",
)
COMPARE_COLUMNS = ("peserta_aktif_banding", "pertumbuhan_persen", "perubahan_poin")
TARGET_COLUMNS = ("target_persen", "kekurangan")
BREAKDOWN_VALUES = {
    "segmen": tuple(Segmen.values),
    "jenis_kelamin": ("L", "P"),
    "kelompok_umur": AGE_BANDS,
}


@dataclass(frozen=True)
class Filters:
    """Which participants and which denominator: a sector, or one segmen, one sex, one age band."""

    sektor: str = "semua"
    segmen: str | None = None
    jenis_kelamin: str | None = None
    kelompok_umur: str | None = None

    def segments(self) -> tuple[str, ...] | None:
        if self.segmen:
            return (self.segmen,)
        if self.sektor != "semua":
            return SECTOR_SEGMENTS[self.sektor]
        return None

    def denominator_sector(self) -> str | None:
        """The Workforce sector that matches the numerator; None when none does (PMI, age)."""
        if self.kelompok_umur:
            return None
        if self.segmen:
            found = [s for s, segs in SECTOR_SEGMENTS.items() if self.segmen in segs]
            return found[0] if found and found[0] != "migran" else None
        return self.sektor


@dataclass(frozen=True)
class Notice:
    """Something the reader must see next to the numbers (bilingual)."""

    kode: str
    pesan: str
    message: str


@dataclass
class CoverageRow:
    kode_wilayah: str
    nama_wilayah: str
    peserta_aktif: int = 0
    peserta_pu: int = 0
    peserta_bpu: int = 0
    # of the active, protected by a sponsored programme's paid month (village, CSR, APBD …)
    peserta_disponsori: int = 0
    penduduk_bekerja: int | None = None
    cakupan_persen: Decimal | None = None
    by: dict[str, str] = field(default_factory=dict)
    estimasi: bool = False
    sumber_penyebut: str = ""
    peserta_aktif_banding: int | None = None
    pertumbuhan_persen: Decimal | None = None
    perubahan_poin: Decimal | None = None
    target_persen: Decimal | None = None
    kekurangan: int | None = None
    peringkat: int | None = None

    @property
    def above_full(self) -> bool:
        """Coverage above 100%: a denominator or a registry problem, never a real figure."""
        return self.cakupan_persen is not None and self.cakupan_persen > 100

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("by")
        data.update(self.by)
        for key in ("cakupan_persen", "pertumbuhan_persen", "perubahan_poin", "target_persen"):
            data[key] = None if data[key] is None else float(data[key])
        data["di_atas_100"] = self.above_full
        return data


@dataclass
class CoverageTable:
    region_code: str | None
    level: str
    periode: str
    filters: Filters
    by: tuple[str, ...]
    rows: list[CoverageRow]
    banding: str | None = None
    target_persen: Decimal | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def has_estimates(self) -> bool:
        return any(r.estimasi for r in self.rows)

    def columns(self) -> list[str]:
        """design.md's columns, one per breakdown, then what was asked for or must be marked."""
        cols = [*COLUMNS, *self.by]
        if self.has_estimates:
            cols.append("penduduk_bekerja_estimasi")
        if self.banding:
            cols += COMPARE_COLUMNS
        if self.target_persen is not None:
            cols += TARGET_COLUMNS
        return cols

    def records(self) -> list[dict[str, object]]:
        out = []
        for r in self.rows:
            d = r.as_dict()
            d["penduduk_bekerja_estimasi"] = r.estimasi
            out.append(d)
        return out


def coverage_percent(active: int, workers: int | None) -> Decimal | None:
    """100 × active ÷ workers, two decimals; None where the denominator is unknown (design.md)."""
    if not workers:
        return None
    return (Decimal(100 * active) / Decimal(workers)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def growth_percent(now: int, then: int | None) -> Decimal | None:
    if not then:
        return None
    return (Decimal(100 * (now - then)) / Decimal(then)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def filters_parse(
    *,
    sektor: str | None = None,
    segmen: str | None = None,
    jenis_kelamin: str | None = None,
    kelompok_umur: str | None = None,
) -> Filters:
    """Filters from request or command-line values, each checked against its choices."""
    checks = (
        ("sektor", sektor or "semua", SECTORS),
        ("segmen", segmen, BREAKDOWN_VALUES["segmen"]),
        ("jenis_kelamin", jenis_kelamin, BREAKDOWN_VALUES["jenis_kelamin"]),
        ("kelompok_umur", kelompok_umur, AGE_BANDS),
    )
    for kolom, value, choices in checks:
        if value and value not in choices:
            raise _invalid(
                kolom,
                f"{kolom} {value!r} tidak dikenal; pilih {', '.join(choices)}",
                f"unknown {kolom} {value!r}; choose {', '.join(choices)}",
            )
    return Filters(
        sektor=sektor or "semua",
        segmen=segmen or None,
        jenis_kelamin=jenis_kelamin or None,
        kelompok_umur=kelompok_umur or None,
    )


def _code_range(code: str | None) -> Q:
    """`code` and everything inside it, as a range an index can answer on any engine."""
    if not code:
        return Q()
    return Q(kode_wilayah=code) | Q(kode_wilayah__gte=code + ".", kode_wilayah__lt=code + "/")


def _fact_counts(
    periode: str, tingkat: int, region_code: str | None, filters: Filters, by: tuple[str, ...]
) -> dict[tuple[str, ...], dict[str, int]]:
    qs = CoverageFact.objects.filter(_code_range(region_code), periode=periode, tingkat=tingkat)
    if segments := filters.segments():
        qs = qs.filter(segmen__in=segments)
    if filters.jenis_kelamin:
        qs = qs.filter(jenis_kelamin=filters.jenis_kelamin)
    if filters.kelompok_umur:
        qs = qs.filter(kelompok_umur=filters.kelompok_umur)

    def only(segmen: str) -> Sum:
        return Sum(
            Case(When(segmen=segmen, then="peserta"), default=0, output_field=IntegerField())
        )

    counts = qs.values("kode_wilayah", *by).annotate(
        peserta_aktif=Sum("peserta"),
        peserta_pu=only("PU"),
        peserta_bpu=only("BPU"),
        peserta_disponsori=Sum(
            Case(When(disponsori=True, then="peserta"), default=0, output_field=IntegerField())
        ),
    )
    return {(c["kode_wilayah"], *(c[b] for b in by)): c for c in counts}


def _denominators(
    periode: str, codes: list[str], sector: str | None, by_sex: bool, sex: str | None
) -> dict[tuple[str, str], Workforce]:
    if sector is None:
        return {}
    qs = Workforce.objects.filter(periode=periode, sektor=sector, kode_wilayah__in=codes)
    if by_sex:
        qs = qs.exclude(jenis_kelamin="semua")
    else:
        qs = qs.filter(jenis_kelamin=sex or "semua")
    return {(w.kode_wilayah, w.jenis_kelamin): w for w in qs}


def target_for(region_code: str | None, periode: str) -> CoverageTarget | None:
    """The target that applies to an area in a period: its own or its nearest ancestor's (the
    national one has code ''), the first one due at or after `periode`, else the latest."""
    codes = [""] + (ancestor_codes(region_code) + [region_code] if region_code else [])
    targets = list(CoverageTarget.objects.filter(kode_wilayah__in=codes))
    for code in reversed(codes):
        own = sorted((t for t in targets if t.kode_wilayah == code), key=lambda t: t.periode)
        if own:
            due = [t for t in own if t.periode >= periode]
            return due[0] if due else own[-1]
    return None


def _check(actor: Actor, level: str, by: tuple[str, ...], periode: str) -> None:
    require_capability(actor, "coverage.view")
    period_parse(periode)
    if level not in LEVELS:
        raise _invalid(
            "level",
            f"tingkat {level!r} tidak dikenal; pilih {', '.join(LEVELS)}",
            f"unknown level {level!r}; choose {', '.join(LEVELS)}",
        )
    for b in by:
        if b not in BREAKDOWNS:
            raise _invalid(
                "by",
                f"rincian {b!r} tidak dikenal; pilih {', '.join(BREAKDOWNS)}",
                f"unknown breakdown {b!r}; choose {', '.join(BREAKDOWNS)}",
            )


def coverage_table(
    *,
    actor: Actor,
    region_code: str | None,
    level: str,
    periode: str,
    filters: Filters | None = None,
    by: tuple[str, ...] = (),
    banding: str | None = None,
    target_persen: Decimal | None = None,
    use_target: bool = True,
) -> CoverageTable:
    """Coverage of every area of `level` inside `region_code` (Indonesia when None) in `periode`.

    `banding` adds growth against that earlier period; the target (given, or the one that applies
    to the region) adds the participants still needed; `peringkat` ranks areas among siblings.
    Aggregates only: counted over everyone in the area, since no personal data leaves the query.
    """
    filters = filters or Filters()
    _check(actor, level, by, periode)
    region_code = effective_region(actor, region_code)
    if region_code:
        region = region_get(region_code)
        if LEVEL_DEPTH[level] < LEVEL_DEPTH[code_level(region_code)]:
            raise _invalid(
                "level",
                f"tingkat {level} berada di atas wilayah {region_code}",
                f"level {level} is above region {region_code}",
            )
    if banding:
        period_parse(banding)
    areas = (
        [(region.code, region.name)]
        if region_code and code_level(region_code) == level
        else list(region_descendants(region_code, level=level).values_list("code", "name"))
    )
    notices: list[Notice] = []
    snapshots = set(CoverageSnapshot.objects.values_list("periode", flat=True))
    for p in filter(None, (periode, banding)):
        if p not in snapshots:
            notices.append(
                Notice(
                    "periode_tanpa_data",
                    f"Periode {p} belum punya data registri: semua angka peserta bernilai 0.",
                    f"Period {p} has no registry data yet: every participant count is 0.",
                )
            )
    tingkat = TINGKAT[level]
    counts = _fact_counts(periode, tingkat, region_code, filters, by)
    before = _fact_counts(banding, tingkat, region_code, filters, ()) if banding else {}
    codes = [code for code, _ in areas]
    sector = None if {"segmen", "kelompok_umur"} & set(by) else filters.denominator_sector()
    by_sex = "jenis_kelamin" in by
    workers = _denominators(periode, codes, sector, by_sex, filters.jenis_kelamin)
    workers_before = (
        _denominators(banding, codes, sector, False, filters.jenis_kelamin) if banding else {}
    )
    if target_persen is None and use_target and sector == "semua" and not filters.jenis_kelamin:
        target = target_for(region_code, periode)
        target_persen = target.persen if target else None

    rows: list[CoverageRow] = []
    for code, name in areas:
        then = before.get((code,), {}).get("peserta_aktif", 0) if banding else None
        w_then = workers_before.get((code, filters.jenis_kelamin or "semua"))
        for combo in _combos(by):
            c = counts.get((code, *combo), {})
            values = dict(zip(by, combo, strict=True))
            w = workers.get((code, values.get("jenis_kelamin", filters.jenis_kelamin or "semua")))
            active = c.get("peserta_aktif", 0) or 0
            persen = coverage_percent(active, w.penduduk_bekerja if w else None)
            row = CoverageRow(
                kode_wilayah=code,
                nama_wilayah=name,
                peserta_aktif=active,
                peserta_pu=c.get("peserta_pu", 0) or 0,
                peserta_bpu=c.get("peserta_bpu", 0) or 0,
                peserta_disponsori=c.get("peserta_disponsori", 0) or 0,
                penduduk_bekerja=w.penduduk_bekerja if w else None,
                cakupan_persen=persen,
                by=values,
                estimasi=bool(w and w.estimasi),
                sumber_penyebut=w.sumber if w else "",
            )
            if banding and not by:
                row.peserta_aktif_banding = then
                row.pertumbuhan_persen = growth_percent(active, then)
                old = coverage_percent(then or 0, w_then.penduduk_bekerja if w_then else None)
                if persen is not None and old is not None:
                    row.perubahan_poin = persen - old
            if target_persen is not None and not by:
                row.target_persen = target_persen
                if row.penduduk_bekerja:
                    needed = math.ceil(target_persen * row.penduduk_bekerja / 100)
                    row.kekurangan = max(0, needed - active)
            rows.append(row)
    if not by:
        _rank(rows)
    above = [r.kode_wilayah for r in rows if r.above_full]
    if above:
        shown = ", ".join(above[:10]) + (" …" if len(above) > 10 else "")
        notices.append(
            Notice(
                "cakupan_di_atas_100",
                f"Cakupan di atas 100% di {len(above)} wilayah ({shown}): penduduk bekerja "
                "terlalu kecil atau peserta tercatat di wilayah yang salah. Periksa penyebutnya.",
                f"Coverage above 100% in {len(above)} areas ({shown}): the working population is "
                "too small or members are recorded in the wrong area. Check the denominator.",
            )
        )
    if any(r.estimasi for r in rows):
        notices.append(
            Notice(
                "penyebut_estimasi",
                "Penduduk bekerja bertanda * adalah estimasi dari tingkat di atasnya, dibagi "
                "menurut sebaran peserta terdaftar.",
                "Working populations marked * are estimates from the level above, shared out "
                "by where registered participants live.",
            )
        )
    return CoverageTable(
        region_code=region_code,
        level=level,
        periode=periode,
        filters=filters,
        by=by,
        rows=rows,
        banding=banding,
        target_persen=target_persen,
        notices=notices,
    )


def _rank(rows: list[CoverageRow]) -> None:
    """Rank by coverage among siblings (areas with the same parent); no coverage, no rank."""
    groups: dict[str, list[CoverageRow]] = {}
    for r in rows:
        parent = r.kode_wilayah.rsplit(".", 1)[0] if "." in r.kode_wilayah else ""
        groups.setdefault(parent, []).append(r)
    for siblings in groups.values():
        ranked = sorted(
            (r for r in siblings if r.cakupan_persen is not None),
            key=lambda r: r.cakupan_persen,  # type: ignore[arg-type, return-value]
            reverse=True,
        )
        for i, r in enumerate(ranked, start=1):
            r.peringkat = i


def _combos(by: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every combination of breakdown values, so each area lists the same rows."""
    combos: list[tuple[str, ...]] = [()]
    for b in by:
        combos = [(*c, v) for c in combos for v in BREAKDOWN_VALUES[b]]
    return combos


def coverage_summary(
    *, actor: Actor, region_code: str | None, periode: str, filters: Filters | None = None
) -> CoverageRow:
    """Coverage of one region as a whole (Indonesia when `region_code` is None)."""
    require_capability(actor, "coverage.view")
    filters = filters or Filters()
    region_code = effective_region(actor, region_code)
    if region_code:
        return coverage_table(
            actor=actor,
            region_code=region_code,
            level=code_level(region_code),
            periode=periode,
            filters=filters,
        ).rows[0]
    c = _fact_counts(periode, 0, None, filters, ()).get(("",), {})
    return CoverageRow(
        kode_wilayah="",
        nama_wilayah="Indonesia",
        peserta_aktif=c.get("peserta_aktif", 0) or 0,
        peserta_pu=c.get("peserta_pu", 0) or 0,
        peserta_bpu=c.get("peserta_bpu", 0) or 0,
        peserta_disponsori=c.get("peserta_disponsori", 0) or 0,
    )


@dataclass
class TrendPoint:
    periode: str
    peserta_aktif: int
    penduduk_bekerja: int | None
    cakupan_persen: Decimal | None
    estimasi: bool


def coverage_trend(
    *, actor: Actor, region_code: str | None, filters: Filters | None = None
) -> list[TrendPoint]:
    """Coverage of one region in every period that has data, oldest first (two queries)."""
    require_capability(actor, "coverage.view")
    filters = filters or Filters()
    region_code = effective_region(actor, region_code)
    tingkat = TINGKAT[code_level(region_code)] if region_code else 0
    qs = CoverageFact.objects.filter(tingkat=tingkat, kode_wilayah=region_code or "")
    if segments := filters.segments():
        qs = qs.filter(segmen__in=segments)
    if filters.jenis_kelamin:
        qs = qs.filter(jenis_kelamin=filters.jenis_kelamin)
    if filters.kelompok_umur:
        qs = qs.filter(kelompok_umur=filters.kelompok_umur)
    active = dict(qs.values_list("periode").annotate(n=Sum("peserta")).values_list("periode", "n"))
    for periode in CoverageSnapshot.objects.values_list("periode", flat=True):
        active.setdefault(periode, 0)
    sector = filters.denominator_sector()
    workers = {
        w.periode: w
        for w in Workforce.objects.filter(
            kode_wilayah=region_code or "",
            sektor=sector or "-",
            jenis_kelamin=filters.jenis_kelamin or "semua",
            periode__in=list(active),
        )
    }
    points = []
    for periode in sorted(active):
        w = workers.get(periode)
        points.append(
            TrendPoint(
                periode=periode,
                peserta_aktif=active[periode],
                penduduk_bekerja=w.penduduk_bekerja if w else None,
                cakupan_persen=coverage_percent(active[periode], w.penduduk_bekerja if w else None),
                estimasi=bool(w and w.estimasi),
            )
        )
    return points


def coverage_periods() -> list[str]:
    """Every period with coverage facts, newest first."""
    return list(CoverageSnapshot.objects.values_list("periode", flat=True))
