"""Reconciliation: published coverage figures beside what each named definition computes.

A published figure is reproduced by a definition when the computed value rounds to it (within
half a unit of its last published digit: 59 → ±0.5, 39.41 → ±0.005, 1,027,000 → ±500). When no
definition does, the closest one is shown with the difference and its likely cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Sum

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.coverage.facts import TINGKAT
from cakupan.coverage.models import (
    CoverageDefinition,
    CoverageFact,
    CoverageSnapshot,
    Measure,
    PublishedFigure,
    Workforce,
)
from cakupan.coverage.palette import format_number
from cakupan.errors import InvalidInput
from cakupan.regions.selectors import code_level, region_get, within_q
from cakupan.registry.models import Membership
from cakupan.registry.selectors import period_end, period_parse


@dataclass
class Computed:
    definisi: CoverageDefinition
    periode: str
    nilai: Decimal | None
    pembilang: int | None = None  # numerator
    penyebut: int | None = None  # denominator
    estimasi: bool = False

    def diff(self, published: Decimal) -> Decimal | None:
        return None if self.nilai is None else self.nilai - published


@dataclass
class Reconciled:
    figure: PublishedFigure
    tolerance: Decimal
    same_period: list[Computed]
    match: Computed | None = None
    closest: Computed | None = None
    cause: tuple[str, str] = ("", "")  # Indonesian, English
    other_period: Computed | None = None


@dataclass
class MixCheck:
    """Whether published formal %, informal % and informal share can give the published total."""

    region_code: str
    periode: str
    formal: Decimal
    informal: Decimal
    share_informal: Decimal
    implied_total: Decimal
    published_totals: list[PublishedFigure]
    computed: dict[str, Decimal | None] = field(default_factory=dict)


def tolerance_of(value: Decimal) -> Decimal:
    """Half a unit of the last significant published digit."""
    exponent = value.normalize().as_tuple().exponent
    return Decimal(5) * Decimal(10) ** (int(exponent) - 1)


def _segments(defn: CoverageDefinition) -> list[str]:
    return [s for s in defn.segmen.split(",") if s]


def _numerator(defn: CoverageDefinition, region_code: str, periode: str) -> int:
    """Active participants by the definition, from the rollup; with a grace period, from the
    registry directly (members up to `masa_tenggang` months behind still count)."""
    segments = _segments(defn)
    if defn.masa_tenggang:
        year, month = period_parse(periode)
        month -= defn.masa_tenggang
        while month < 1:
            year, month = year - 1, month + 12
        qs = Membership.objects.filter(
            within_q("kode_wilayah", region_code),
            periode=periode,
            tmt__lte=period_end(periode),
            bulan_iuran_terakhir__gte=f"{year:04d}-{month:02d}",
        )
        if segments:
            qs = qs.filter(segmen__in=segments)
        return qs.aggregate(n=Count("id"))["n"]
    qs = CoverageFact.objects.filter(
        periode=periode, tingkat=TINGKAT[code_level(region_code)], kode_wilayah=region_code
    )
    if segments:
        qs = qs.filter(segmen__in=segments)
    return qs.aggregate(n=Sum("peserta"))["n"] or 0


def _workers(region_code: str, periode: str, sektor: str) -> Workforce | None:
    return Workforce.objects.filter(
        kode_wilayah=region_code, periode=periode, sektor=sektor, jenis_kelamin="semua"
    ).first()


def _percent(a: int, b: int | None) -> Decimal | None:
    if not b:
        return None
    return (Decimal(100 * a) / Decimal(b)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def definition_compute(defn: CoverageDefinition, region_code: str, periode: str) -> Computed:
    """The value of one definition for one region and period, with its parts."""
    if defn.ukuran == Measure.PORSI_PEKERJA:
        part, whole = (
            _workers(region_code, periode, defn.sektor),
            _workers(region_code, periode, "semua"),
        )
        return Computed(
            defn,
            periode,
            _percent(part.penduduk_bekerja, whole.penduduk_bekerja) if part and whole else None,
            pembilang=part.penduduk_bekerja if part else None,
            penyebut=whole.penduduk_bekerja if whole else None,
            estimasi=bool((part and part.estimasi) or (whole and whole.estimasi)),
        )
    has_data = CoverageSnapshot.objects.filter(periode=periode).exists()
    active = _numerator(defn, region_code, periode) if has_data else None
    if defn.ukuran == Measure.PESERTA:
        return Computed(defn, periode, None if active is None else Decimal(active), active)
    w = _workers(region_code, periode, defn.sektor)
    return Computed(
        defn,
        periode,
        _percent(active, w.penduduk_bekerja if w else None) if active is not None else None,
        pembilang=active,
        penyebut=w.penduduk_bekerja if w else None,
        estimasi=bool(w and w.estimasi),
    )


def _reconcile(
    figure: PublishedFigure, definitions: list[CoverageDefinition], periods: list[str]
) -> Reconciled:
    tol = tolerance_of(figure.nilai)
    same_kind = [d for d in definitions if d.ukuran == figure.ukuran]
    if figure.definisi_id:  # the publisher's own definition first
        same_kind.sort(key=lambda d: d.pk != figure.definisi_id)
    computed = [definition_compute(d, figure.kode_wilayah, figure.periode) for d in same_kind]
    result = Reconciled(figure=figure, tolerance=tol, same_period=computed)
    valued = [c for c in computed if c.nilai is not None]
    for c in valued:
        if abs(c.diff(figure.nilai)) <= tol:  # type: ignore[arg-type]
            result.match = c
            result.cause = (
                f"Direproduksi oleh definisi “{c.definisi.nama}”.",
                f"Reproduced by the definition “{c.definisi.name_en}”.",
            )
            return result
    if valued:
        result.closest = min(valued, key=lambda c: abs(c.diff(figure.nilai)))  # type: ignore[arg-type]
    for periode in periods:
        if periode == figure.periode:
            continue
        for d in same_kind:
            c = definition_compute(d, figure.kode_wilayah, periode)
            if c.nilai is not None and abs(c.diff(figure.nilai)) <= tol:  # type: ignore[arg-type]
                result.other_period = c
                result.cause = (
                    f"Sama dengan “{d.nama}” untuk periode {periode}: angka ini kemungkinan "
                    f"menggambarkan periode {periode}, bukan {figure.periode}.",
                    f"Equals “{d.name_en}” for period {periode}: the figure probably describes "
                    f"{periode}, not {figure.periode}.",
                )
                return result
    result.cause = _likely_cause(figure, result.closest)
    return result


def _likely_cause(figure: PublishedFigure, closest: Computed | None) -> tuple[str, str]:
    p = figure.periode
    if closest is None:
        return (
            f"Cakupan belum punya data untuk periode {p} (registri atau penduduk bekerja).",
            f"Cakupan has no data for period {p} yet (registry or working population).",
        )
    if figure.ukuran == Measure.PESERTA and closest.nilai:
        ratio = closest.nilai / figure.nilai * 100
        if not Decimal(90) <= ratio <= Decimal(110):
            return (
                f"Registri di Cakupan memuat {format_number(ratio, 1)}% dari angka terbitan: "
                "snapshot belum "
                "lengkap (cabang yang belum diimpor) atau data demo berskala lebih kecil.",
                f"Cakupan's registry holds {ratio:.1f}% of the published figure: the snapshot is "
                "incomplete (branches not imported) or the demo data is scaled down.",
            )
    if closest.estimasi:
        return (
            "Penyebut yang dipakai adalah estimasi; angka terbitan kemungkinan memakai penduduk "
            "bekerja hasil survei untuk wilayah ini.",
            "The denominator used is an estimate; the published figure probably used a surveyed "
            "working population for this area.",
        )
    return (
        "Kemungkinan penyebut lain (Sakernas Februari/Agustus, penduduk usia kerja) atau definisi "
        "aktif lain (masa tenggang, segmen) dari yang ada di Cakupan.",
        "Probably another denominator (Sakernas February/August, working-age population) or "
        "another definition of active (grace period, segments) than those in Cakupan.",
    )


def reconciliation_list(*, actor: Actor) -> list[Reconciled]:
    """Every published figure in the actor's region, reconciled."""
    require_capability(actor, "coverage.view")
    figures = PublishedFigure.objects.select_related("definisi")
    if actor.region_code:
        figures = figures.filter(within_q("kode_wilayah", actor.region_code))
    definitions = list(CoverageDefinition.objects.all())
    periods = list(CoverageSnapshot.objects.values_list("periode", flat=True))
    return [_reconcile(f, definitions, periods) for f in figures]


def mix_checks(reconciled: list[Reconciled]) -> list[MixCheck]:
    """For each region and period with published formal, informal and informal-share figures:
    the total they imply (share-weighted average) against the published totals."""
    groups: dict[tuple[str, str], dict[str, list[PublishedFigure]]] = {}
    for r in reconciled:
        f = r.figure
        kind = f.definisi.kode if f.definisi else ("total" if f.ukuran == Measure.CAKUPAN else "")
        groups.setdefault((f.kode_wilayah, f.periode), {}).setdefault(kind, []).append(f)
    checks = []
    for (code, periode), kinds in groups.items():
        try:
            formal = kinds["cakupan_formal"][0].nilai
            informal = kinds["cakupan_informal"][0].nilai
            share = kinds["porsi_informal"][0].nilai
        except KeyError:
            continue
        implied = ((100 - share) * formal + share * informal) / 100
        check = MixCheck(
            region_code=code,
            periode=periode,
            formal=formal,
            informal=informal,
            share_informal=share,
            implied_total=implied.quantize(Decimal("0.01")),
            published_totals=kinds.get("total", []) + kinds.get("cakupan", []),
        )
        defs = {d.kode: d for d in CoverageDefinition.objects.all()}
        for kode in ("cakupan", "cakupan_formal", "cakupan_informal", "porsi_informal"):
            if kode in defs:
                check.computed[kode] = definition_compute(defs[kode], code, periode).nilai
        checks.append(check)
    return checks


@transaction.atomic
def published_figure_add(
    *,
    acting_user: Actor,
    kode_wilayah: str,
    periode: str,
    ukuran: str,
    nilai: Decimal,
    label: str,
    sumber: str,
    definisi: CoverageDefinition | None = None,
) -> PublishedFigure:
    """Record a published figure so it is reconciled with the rest; audited."""
    require_capability(acting_user, "coverage.publish")
    region_get(kode_wilayah)
    require_scope(acting_user, kode_wilayah)
    period_parse(periode)
    if ukuran not in Measure.values:
        raise InvalidInput(
            kolom="ukuran",
            pesan_rinci=f"ukuran {ukuran!r} tidak dikenal",
            detail=f"unknown measure {ukuran!r}",
        )
    if nilai < 0 or (ukuran != Measure.PESERTA and nilai > 100):
        raise InvalidInput(
            kolom="nilai",
            pesan_rinci=f"nilai {nilai} di luar rentang (persen 0–100, jumlah ≥ 0)",
            detail=f"value {nilai} out of range (percent 0–100, count ≥ 0)",
        )
    figure = PublishedFigure.objects.create(
        kode_wilayah=kode_wilayah,
        periode=periode,
        ukuran=ukuran,
        nilai=nilai,
        label=label[:200],
        sumber=sumber[:300],
        definisi=definisi,
        created_by=acting_user if hasattr(acting_user, "pk") else None,
    )
    audit_record(
        actor=acting_user,
        action="published_figure.add",
        target=figure,
        region_code=kode_wilayah,
        detail={"periode": periode, "ukuran": ukuran, "nilai": str(nilai)},
    )
    return figure
