"""Coverage per area: active participants ÷ working population, counted set-based in the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.coverage.models import Workforce
from cakupan.errors import InvalidInput
from cakupan.regions.models import LEVEL_DEPTH, LEVELS
from cakupan.regions.selectors import code_level, region_descendants, region_get, within_q
from cakupan.registry.models import Membership
from cakupan.registry.selectors import active_q

# Width of a code at each level: 51 / 51.03 / 51.03.01 / 51.03.01.2001
CODE_WIDTH = {"province": 2, "regency": 5, "district": 8, "village": 13}
BREAKDOWNS = ("segmen", "jenis_kelamin")
COLUMNS = (
    "kode_wilayah",
    "nama_wilayah",
    "peserta_aktif",
    "peserta_pu",
    "peserta_bpu",
    "penduduk_bekerja",
    "cakupan_persen",
)


@dataclass
class CoverageRow:
    kode_wilayah: str
    nama_wilayah: str
    peserta_aktif: int = 0
    peserta_pu: int = 0
    peserta_bpu: int = 0
    penduduk_bekerja: int | None = None
    cakupan_persen: Decimal | None = None
    by: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("by")
        data.update(self.by)
        data["cakupan_persen"] = None if self.cakupan_persen is None else float(self.cakupan_persen)
        return data


def coverage_percent(active: int, workers: int | None) -> Decimal | None:
    """100 × active ÷ workers, two decimals; None where the denominator is unknown (design.md)."""
    if not workers:
        return None
    return (Decimal(100 * active) / Decimal(workers)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def coverage_by_area(
    *,
    actor: Actor,
    region_code: str | None,
    level: str,
    periode: str,
    by: tuple[str, ...] = (),
) -> list[CoverageRow]:
    """Coverage of every area of `level` inside `region_code` in `periode`, zeros where no data.

    Numerator: memberships active in `periode` (registry.selectors.active_q) whose residence code
    lies in the area; a member recorded only at a coarser level counts in the coarser areas only.
    Denominator: Workforce of the same area and period, sector `semua` (and sex when broken down).
    """
    require_capability(actor, "coverage.view")
    if level not in LEVELS:
        raise InvalidInput(
            kolom="level",
            pesan_rinci=f"tingkat {level!r} tidak dikenal; pilih {', '.join(LEVELS)}",
            detail=f"unknown level {level!r}; choose {', '.join(LEVELS)}",
        )
    for b in by:
        if b not in BREAKDOWNS:
            raise InvalidInput(
                kolom="by",
                pesan_rinci=f"rincian {b!r} tidak dikenal; pilih {', '.join(BREAKDOWNS)}",
                detail=f"unknown breakdown {b!r}; choose {', '.join(BREAKDOWNS)}",
            )
    region_code = effective_region(actor, region_code)
    if region_code:
        region = region_get(region_code)
        if LEVEL_DEPTH[level] < LEVEL_DEPTH[code_level(region_code)]:
            raise InvalidInput(
                kolom="level",
                pesan_rinci=f"tingkat {level} berada di atas wilayah {region_code}",
                detail=f"level {level} is above region {region_code}",
            )
    areas = (
        list(region_descendants(region_code, level=level).values_list("code", "name"))
        if not region_code or code_level(region_code) != level
        else [(region.code, region.name)]
    )

    width = CODE_WIDTH[level]
    # Aggregates only: counted over all memberships in the region, whatever the role may read row
    # by row, since no personal data leaves this query.
    counts = (
        Membership.objects.filter(active_q(periode), within_q("kode_wilayah", region_code))
        .annotate(area=Substr("kode_wilayah", 1, width))
        .values("area", *by)
        .annotate(
            peserta_aktif=Count("id"),
            peserta_pu=Count("id", filter=Q(segmen="PU")),
            peserta_bpu=Count("id", filter=Q(segmen="BPU")),
        )
    )
    by_area: dict[tuple[str, ...], dict[str, int]] = {}
    for c in counts:
        by_area[(c["area"], *(c[b] for b in by))] = c

    workforce = Workforce.objects.filter(
        periode=periode,
        sektor="semua",
        kode_wilayah__in=[code for code, _ in areas],
    )
    if "jenis_kelamin" not in by:
        workforce = workforce.filter(jenis_kelamin="semua")
    else:
        workforce = workforce.exclude(jenis_kelamin="semua")
    denominators: dict[tuple[str, str], int] = {
        (w.kode_wilayah, w.jenis_kelamin): w.penduduk_bekerja for w in workforce
    }

    rows: list[CoverageRow] = []
    combos = _by_values(by)
    for code, name in areas:
        for combo in combos:
            c = by_area.get((code, *combo), {})
            sex = dict(zip(by, combo, strict=True)).get("jenis_kelamin", "semua")
            workers = None if "segmen" in by else denominators.get((code, sex))
            active = c.get("peserta_aktif", 0)
            rows.append(
                CoverageRow(
                    kode_wilayah=code,
                    nama_wilayah=name,
                    peserta_aktif=active,
                    peserta_pu=c.get("peserta_pu", 0),
                    peserta_bpu=c.get("peserta_bpu", 0),
                    penduduk_bekerja=workers,
                    cakupan_persen=coverage_percent(active, workers),
                    by=dict(zip(by, combo, strict=True)),
                )
            )
    return rows


def _by_values(by: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every combination of breakdown values, so each area lists the same rows."""
    if not by:
        return [()]
    fixed = {"segmen": ["PU", "BPU", "JAKON", "PMI"], "jenis_kelamin": ["L", "P"]}
    combos: list[tuple[str, ...]] = [()]
    for b in by:
        combos = [(*c, v) for c in combos for v in fixed[b]]
    return combos


def latest_period() -> str | None:
    """The newest period that has a registry snapshot."""
    return Membership.objects.order_by("-periode").values_list("periode", flat=True).first()


def coverage_periods() -> list[str]:
    """Every period with a registry snapshot, newest first."""
    return list(
        Membership.objects.order_by("-periode").values_list("periode", flat=True).distinct()
    )


def coverage_summary(*, actor: Actor, region_code: str | None, periode: str) -> CoverageRow:
    """Coverage of one region as a whole (Indonesia when `region_code` is None)."""
    require_capability(actor, "coverage.view")
    region_code = effective_region(actor, region_code)
    if region_code:
        return coverage_by_area(
            actor=actor, region_code=region_code, level=code_level(region_code), periode=periode
        )[0]
    counts = Membership.objects.filter(active_q(periode)).aggregate(
        peserta_aktif=Count("id"),
        peserta_pu=Count("id", filter=Q(segmen="PU")),
        peserta_bpu=Count("id", filter=Q(segmen="BPU")),
    )
    return CoverageRow(kode_wilayah="", nama_wilayah="Indonesia", **counts)
