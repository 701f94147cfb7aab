"""Data indicators: metrics computed from Cakupan's own registry, coverage, compliance and
programmes, each value kept with how it was computed and from which period.

Reads run as the cycle's region (aggregates only, no personal data): the committee member who
asks must have `award.assess` and the cycle's region in scope; the figures are then those the
region's BPJS office would see. Programme figures come from cakupan.programmes.selectors
(imported when needed); where that module or its data is missing the value is "no data".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cakupan.accounts.roles import Role, role_can
from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.award.models import (
    BUSINESS,
    GOVERNMENT,
    Candidate,
    Cycle,
    Indicator,
    IndicatorKind,
    IndicatorValue,
)
from cakupan.award.services.cycles import stage_require
from cakupan.coverage.report import period_label


@dataclass(frozen=True)
class Metric:
    kode: str
    nama_id: str
    nama_en: str
    satuan: str
    untuk: frozenset[str]  # categories it applies to


METRICS: dict[str, Metric] = {
    m.kode: m
    for m in (
        Metric(
            "cakupan_persen",
            "Cakupan peserta aktif (% penduduk bekerja)",
            "Coverage: active participants (% of the employed)",
            "%",
            GOVERNMENT,
        ),
        Metric(
            "cakupan_perubahan_poin",
            "Perubahan cakupan sejak periode banding (poin persen)",
            "Change in coverage since the comparison period (percentage points)",
            "poin",
            GOVERNMENT,
        ),
        Metric(
            "peserta_pertumbuhan_persen",
            "Pertumbuhan peserta aktif sejak periode banding (%)",
            "Growth of active participants since the comparison period (%)",
            "%",
            GOVERNMENT,
        ),
        Metric(
            "desa_berprogram_persen",
            "Desa dengan program perlindungan yang berjalan (%)",
            "Villages with a sponsored protection programme running (%)",
            "%",
            GOVERNMENT,
        ),
        Metric(
            "rentan_per_1000",
            "Pekerja rentan terlindungi per 1.000 penduduk bekerja",
            "Vulnerable workers protected per 1,000 employed",
            "‰",
            GOVERNMENT,
        ),
        Metric(
            "non_asn_persen",
            "Pegawai non-ASN terlindungi (%)",
            "Non-civil-servant staff protected (%)",
            "%",
            GOVERNMENT,
        ),
        Metric(
            "perangkat_persen",
            "Perangkat desa dan prajuru desa adat terlindungi (%)",
            "Village officials (perangkat desa, prajuru desa adat) protected (%)",
            "%",
            GOVERNMENT,
        ),
        Metric(
            "kepatuhan_persen",
            "Pemberi kerja patuh di wilayah (%)",
            "Compliant employers in the region (%)",
            "%",
            GOVERNMENT,
        ),
        Metric(
            "kepatuhan_status",
            "Status kepatuhan perusahaan (patuh 100 … PWBD 0)",
            "The company's compliance status (compliant 100 … PWBD 0)",
            "poin",
            BUSINESS,
        ),
        Metric(
            "pekerja_disponsori",
            "Pekerja di luar karyawannya yang dilindungi lewat program CSR (orang)",
            "Workers beyond its own staff protected through CSR programmes (people)",
            "orang",
            BUSINESS,
        ),
    )
}

# A company's compliance status as points (worst to best, compliance.models.Status).
STATUS_POINTS = {
    "pwbd": 0,
    "tunggakan": 20,
    "pds_tk": 40,
    "pds_upah": 50,
    "pds_program": 60,
    "patuh": 100,
}

SOURCE_COVERAGE = (
    "registri BPJS Ketenagakerjaan (peserta aktif) dan penduduk bekerja Cakupan",
    "BPJS Ketenagakerjaan registry (active participants) and Cakupan's working population",
)
SOURCE_PROGRAMMES = ("program perlindungan Cakupan", "Cakupan's sponsored programmes")
SOURCE_COMPLIANCE = ("status kepatuhan Cakupan", "Cakupan's compliance statuses")


class CycleReader:
    """Reads aggregates for a cycle's region with the rights of that region's BPJS office."""

    role = Role.BPJS_ADMIN
    is_active = True

    def __init__(self, region_code: str | None) -> None:
        self.region_code = region_code

    def can(self, capability: str) -> bool:
        return role_can(self.role, capability)


@dataclass
class Computed:
    """One metric value with its explanation; `nilai_mentah` None when there is no data."""

    nilai_mentah: Decimal | None
    periode: str
    id: str
    en: str
    angka: dict[str, Any]


def _d(value: float | Decimal | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value}"


def _ratio(
    part: int | None, whole: int | None, scale: int
) -> tuple[Decimal | None, str | None, str | None]:
    if part is None or not whole:
        return None, "penyebut tidak ada atau nol", "the denominator is missing or zero"
    return _d(Decimal(scale * part) / Decimal(whole)), None, None


def _no_data(periode: str, why_id: str, why_en: str, angka: dict[str, Any]) -> Computed:
    return Computed(
        None,
        periode,
        f"Tidak ada data ({why_id}); indikator dihitung 0.",
        f"No data ({why_en}); the indicator counts 0.",
        angka,
    )


class _Context:
    """What one computation run reads once and shares across candidates."""

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.reader = CycleReader(cycle.kode_wilayah or None)
        self.periode = cycle.periode_data
        self._coverage: dict[str, dict[str, Any]] = {}
        self._compliance: dict[str, Any] = {}
        self._protection: dict[str, Any] = {}

    def coverage(self, code: str) -> Any:
        from cakupan.coverage.selectors import coverage_table
        from cakupan.regions.selectors import code_level

        level = code_level(code)
        if level not in self._coverage:
            table = coverage_table(
                actor=self.reader,
                region_code=self.cycle.kode_wilayah or None,
                level=level,
                periode=self.periode,
                banding=self.cycle.periode_banding or None,
                use_target=False,
            )
            self._coverage[level] = {r.kode_wilayah: r for r in table.rows}
        return self._coverage[level].get(code)

    def compliance(self, code: str) -> Any:
        from cakupan.compliance.selectors import compliance_by_area
        from cakupan.regions.selectors import code_level

        level = code_level(code)
        if level not in self._compliance:
            areas = compliance_by_area(
                actor=self.reader,
                region_code=self.cycle.kode_wilayah or None,
                level=level,
                periode=self.periode,
            )
            self._compliance[level] = {a.kode_wilayah: a for a in areas}
        return self._compliance[level].get(code)

    def protection(self, code: str) -> tuple[Any, str | None]:
        """The programmes' RegionProtection of `code`, or None and why not."""
        if code not in self._protection:
            try:
                from cakupan.programmes.selectors import region_protection
            except ImportError:
                self._protection[code] = (None, "modul program belum terpasang")
            else:
                self._protection[code] = (
                    region_protection(kode_wilayah=code, periode=self.periode),
                    None,
                )
        return self._protection[code]


def _coverage_metric(ctx: _Context, cand: Candidate, metric: str) -> Computed:
    p = ctx.periode
    row = ctx.coverage(cand.kode_wilayah)
    if row is None:
        return _no_data(p, "wilayah tanpa angka cakupan", "no coverage figures for the region", {})
    angka = {
        "peserta_aktif": row.peserta_aktif,
        "penduduk_bekerja": row.penduduk_bekerja,
        "cakupan_persen": None if row.cakupan_persen is None else str(row.cakupan_persen),
    }
    est_id = " (penduduk bekerja hasil estimasi)" if row.estimasi else ""
    est_en = " (working population estimated)" if row.estimasi else ""
    src_id = (
        f"sumber: {SOURCE_COVERAGE[0]}{'; ' + row.sumber_penyebut if row.sumber_penyebut else ''}"
    )
    src_en = (
        f"source: {SOURCE_COVERAGE[1]}{'; ' + row.sumber_penyebut if row.sumber_penyebut else ''}"
    )
    if metric == "cakupan_persen":
        if row.cakupan_persen is None:
            return _no_data(p, "penduduk bekerja belum ada", "no working population", angka)
        return Computed(
            row.cakupan_persen,
            p,
            f"Cakupan = 100 × {_num(row.peserta_aktif)} peserta aktif ÷ "
            f"{_num(row.penduduk_bekerja)} penduduk bekerja{est_id} = {row.cakupan_persen}% "
            f"({period_label(p)}; {src_id}).",
            f"Coverage = 100 × {_num(row.peserta_aktif)} active participants ÷ "
            f"{_num(row.penduduk_bekerja)} employed{est_en} = {row.cakupan_persen}% "
            f"({p}; {src_en}).",
            angka,
        )
    banding = ctx.cycle.periode_banding
    if not banding:
        return _no_data(
            p, "siklus tanpa periode banding", "the cycle has no comparison period", angka
        )
    periode = f"{banding}..{p}"
    angka["peserta_aktif_banding"] = row.peserta_aktif_banding
    if metric == "peserta_pertumbuhan_persen":
        if row.pertumbuhan_persen is None:
            return _no_data(
                periode, f"tidak ada peserta pada {banding}", f"no participants in {banding}", angka
            )
        return Computed(
            row.pertumbuhan_persen,
            periode,
            f"Pertumbuhan = 100 × ({_num(row.peserta_aktif)} − {_num(row.peserta_aktif_banding)}) "
            f"÷ {_num(row.peserta_aktif_banding)} peserta aktif = {row.pertumbuhan_persen}% "
            f"({period_label(banding)} → {period_label(p)}; sumber: {SOURCE_COVERAGE[0]}).",
            f"Growth = 100 × ({_num(row.peserta_aktif)} − {_num(row.peserta_aktif_banding)}) ÷ "
            f"{_num(row.peserta_aktif_banding)} active participants = {row.pertumbuhan_persen}% "
            f"({banding} → {p}; source: {SOURCE_COVERAGE[1]}).",
            angka,
        )
    if row.perubahan_poin is None:
        return _no_data(
            periode, f"cakupan {banding} tidak diketahui", f"coverage in {banding} unknown", angka
        )
    before = row.cakupan_persen - row.perubahan_poin  # type: ignore[operator]
    return Computed(
        row.perubahan_poin,
        periode,
        f"Perubahan cakupan = {row.cakupan_persen}% ({period_label(p)}) − {before}% "
        f"({period_label(banding)}) = {row.perubahan_poin} poin ({src_id}).",
        f"Change in coverage = {row.cakupan_persen}% ({p}) − {before}% ({banding}) = "
        f"{row.perubahan_poin} points ({src_en}).",
        angka,
    )


def _protection_metric(ctx: _Context, cand: Candidate, metric: str) -> Computed:
    p = ctx.periode
    rp, why = ctx.protection(cand.kode_wilayah)
    if rp is None:
        return _no_data(p, why or "", "the programmes module is not installed", {})
    src_id, src_en = f"sumber: {SOURCE_PROGRAMMES[0]}", f"source: {SOURCE_PROGRAMMES[1]}"
    if metric == "desa_berprogram_persen":
        value, w_id, w_en = _ratio(rp.desa_berprogram, rp.desa, 100)
        angka = {"desa_berprogram": rp.desa_berprogram, "desa": rp.desa}
        if value is None:
            return _no_data(p, w_id or "", w_en or "", angka)
        return Computed(
            value,
            p,
            f"Desa berprogram = 100 × {_num(rp.desa_berprogram)} ÷ {_num(rp.desa)} desa = "
            f"{value}% ({period_label(p)}; {src_id}).",
            f"Villages with a programme = 100 × {_num(rp.desa_berprogram)} ÷ {_num(rp.desa)} "
            f"villages = {value}% ({p}; {src_en}).",
            angka,
        )
    if metric == "rentan_per_1000":
        row = ctx.coverage(cand.kode_wilayah)
        workers = row.penduduk_bekerja if row is not None else None
        value, w_id, w_en = _ratio(rp.rentan_dilindungi, workers, 1000)
        angka = {"rentan_dilindungi": rp.rentan_dilindungi, "penduduk_bekerja": workers}
        if value is None:
            return _no_data(p, w_id or "", w_en or "", angka)
        return Computed(
            value,
            p,
            f"Pekerja rentan terlindungi = 1.000 × {_num(rp.rentan_dilindungi)} ÷ "
            f"{_num(workers)} penduduk bekerja = {value} per 1.000 ({period_label(p)}; "
            f"{src_id}; penyebut: {SOURCE_COVERAGE[0]}).",
            f"Vulnerable workers protected = 1,000 × {_num(rp.rentan_dilindungi)} ÷ "
            f"{_num(workers)} employed = {value} per 1,000 ({p}; {src_en}; denominator: "
            f"{SOURCE_COVERAGE[1]}).",
            angka,
        )
    part, whole, label_id, label_en = (
        (rp.non_asn_dilindungi, rp.non_asn, "pegawai non-ASN", "non-civil-servant staff")
        if metric == "non_asn_persen"
        else (rp.perangkat_dilindungi, rp.perangkat, "perangkat desa", "village officials")
    )
    value, w_id, w_en = _ratio(part, whole, 100)
    angka = {"dilindungi": part, "jumlah": whole}
    if value is None:
        return _no_data(p, w_id or "", w_en or "", angka)
    return Computed(
        value,
        p,
        f"{label_id.capitalize()} terlindungi = 100 × {_num(part)} ÷ {_num(whole)} = {value}% "
        f"({period_label(p)}; {src_id}).",
        f"{label_en.capitalize()} protected = 100 × {_num(part)} ÷ {_num(whole)} = {value}% "
        f"({p}; {src_en}).",
        angka,
    )


def _compliance_rate(ctx: _Context, cand: Candidate, metric: str) -> Computed:
    p = ctx.periode
    area = ctx.compliance(cand.kode_wilayah)
    if area is None or not area.total:
        return _no_data(p, "belum ada status kepatuhan", "no compliance statuses", {})
    value = _d(area.persen_patuh)
    return Computed(
        value,
        p,
        f"Kepatuhan = 100 × {_num(area.patuh)} patuh ÷ {_num(area.total)} pemberi kerja dan "
        f"usaha = {value}% ({period_label(p)}; sumber: {SOURCE_COMPLIANCE[0]}).",
        f"Compliance = 100 × {_num(area.patuh)} compliant ÷ {_num(area.total)} employers and "
        f"businesses = {value}% ({p}; source: {SOURCE_COMPLIANCE[1]}).",
        {"patuh": area.patuh, "total": area.total},
    )


def _company_status(ctx: _Context, cand: Candidate, metric: str) -> Computed:
    from cakupan.compliance.models import ComplianceStatus

    p = ctx.periode
    row = ComplianceStatus.objects.filter(npp=cand.npp, periode=p).first() if cand.npp else None
    if row is None:
        return _no_data(
            p,
            f"tidak ada status kepatuhan NPP {cand.npp or '-'}",
            f"no compliance status for NPP {cand.npp or '-'}",
            {},
        )
    points = STATUS_POINTS[row.status]
    return Computed(
        Decimal(points),
        p,
        f"Status kepatuhan {row.get_status_display()} = {points} poin (patuh 100, PDS-Program "
        f"60, PDS-Upah 50, PDS-TK 40, menunggak 20, PWBD 0; {period_label(p)}; sumber: "
        f"{SOURCE_COMPLIANCE[0]}).",
        f"Compliance status {row.status} = {points} points (compliant 100, PDS-Program 60, "
        f"PDS-Upah 50, PDS-TK 40, arrears 20, PWBD 0; {p}; source: {SOURCE_COMPLIANCE[1]}).",
        {"status": row.status, "pekerja_terdaftar": row.pekerja_terdaftar},
    )


def _company_sponsored(ctx: _Context, cand: Candidate, metric: str) -> Computed:
    p = ctx.periode
    try:
        from cakupan.programmes.selectors import employer_sponsored
    except ImportError:
        return _no_data(
            p, "modul program belum terpasang", "the programmes module is not installed", {}
        )
    people = employer_sponsored(npp=cand.npp, periode=p) if cand.npp else 0
    return Computed(
        Decimal(people),
        p,
        f"Pekerja di luar karyawannya yang dilindungi lewat program CSR: {_num(people)} orang "
        f"dengan iuran terbayar pada {period_label(p)} (sumber: {SOURCE_PROGRAMMES[0]}).",
        f"Workers beyond its own staff protected through CSR programmes: {_num(people)} people "
        f"with a paid month in {p} (source: {SOURCE_PROGRAMMES[1]}).",
        {"orang": people},
    )


COMPUTE: dict[str, Callable[[_Context, Candidate, str], Computed]] = {
    "cakupan_persen": _coverage_metric,
    "cakupan_perubahan_poin": _coverage_metric,
    "peserta_pertumbuhan_persen": _coverage_metric,
    "desa_berprogram_persen": _protection_metric,
    "rentan_per_1000": _protection_metric,
    "non_asn_persen": _protection_metric,
    "perangkat_persen": _protection_metric,
    "kepatuhan_persen": _compliance_rate,
    "kepatuhan_status": _company_status,
    "pekerja_disponsori": _company_sponsored,
}


def scale_value(indicator: Indicator, raw: Decimal | None) -> Decimal | None:
    """The metric mapped linearly onto the indicator's scale between `batas_bawah` (scale
    minimum) and `batas_atas` (maximum), clipped; None stays None."""
    if raw is None:
        return None
    lo, hi = indicator.batas_bawah, indicator.batas_atas
    assert lo is not None and hi is not None and lo != hi
    f = min(Decimal(1), max(Decimal(0), (raw - lo) / (hi - lo)))
    return (indicator.low + f * (indicator.high - indicator.low)).quantize(Decimal("0.0001"))


def values_compute(*, cycle: Cycle, acting_user: Actor, kategori: str | None = None) -> int:
    """Compute every data indicator of every active candidate (of one category, or all) and
    keep each value with its explanation; returns how many values were written."""
    require_capability(acting_user, "award.assess")
    require_scope(acting_user, cycle.kode_wilayah or None)
    stage_require(cycle, "compute", acting_user=acting_user)
    ctx = _Context(cycle)
    now = timezone.now()
    rows: list[IndicatorValue] = []
    for cc in cycle.categories.select_related("rubric").all():
        if kategori and cc.kategori != kategori:
            continue
        indicators = list(
            Indicator.objects.filter(aspect__version=cc.rubric, jenis=IndicatorKind.DATA)
        )
        if not indicators:
            continue
        for cand in cycle.candidates.filter(kategori=cc.kategori, aktif=True):
            for ind in indicators:
                c = COMPUTE[ind.metrik](ctx, cand, ind.metrik)
                rows.append(
                    IndicatorValue(
                        candidate=cand,
                        indicator=ind,
                        nilai_mentah=c.nilai_mentah,
                        nilai=scale_value(ind, c.nilai_mentah),
                        periode=c.periode,
                        penjelasan={"id": c.id, "en": c.en, "angka": c.angka, "metrik": ind.metrik},
                        computed_at=now,
                        computed_by=acting_user if hasattr(acting_user, "pk") else None,
                    )
                )
    with transaction.atomic():
        scope = IndicatorValue.objects.filter(candidate__cycle=cycle)
        if kategori:
            scope = scope.filter(candidate__kategori=kategori)
        scope.delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=500)
        audit_record(
            actor=acting_user,
            action="award.compute",
            target=cycle,
            rows=len(rows),
            region_code=cycle.kode_wilayah,
            detail={
                "siklus": cycle.kode,
                "kategori": kategori or "semua",
                "periode": cycle.periode_data,
            },
        )
    return len(rows)
