"""The village programme map: every village of a region in a period, with its running
programmes, quota, people protected and coverage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.coverage.selectors import Filters, coverage_table
from cakupan.programmes.models import (
    VULNERABLE_GROUPS,
    ProgrammeStatus,
    ProgrammeVillage,
    SponsoredMonth,
)
from cakupan.programmes.selectors.common import _invalid, _own_programmes, programmes_running
from cakupan.regions.models import Region
from cakupan.regions.selectors import region_get, within_q
from cakupan.registry.selectors import period_parse

# Village states on the programme map.
BERJALAN, MENUNGGU, TANPA = "berjalan", "menunggu", "tanpa"


@dataclass
class VillageRow:
    kode_wilayah: str
    nama_wilayah: str
    status: str = TANPA  # berjalan / menunggu / tanpa
    programmes: int = 0  # approved programmes running in the period
    rentan: bool = False  # one of them protects vulnerable workers
    kuota: int = 0  # their quota in this village
    dilindungi: int = 0  # people protected in the period (paid months)
    peserta_aktif: int = 0
    penduduk_bekerja: int | None = None
    cakupan_persen: Decimal | None = None
    estimasi: bool = False
    informal_aktif: int = 0  # BPU participants
    informal_bekerja: int | None = None  # employed people, informal sector

    @property
    def berprogram(self) -> bool:
        return self.status == BERJALAN

    @property
    def informal_belum(self) -> int | None:
        """Informal workers not yet covered (never below 0); None without a denominator."""
        if self.informal_bekerja is None:
            return None
        return max(0, self.informal_bekerja - self.informal_aktif)


def village_programme_map(*, actor: Actor, kode_wilayah: str, periode: str) -> list[VillageRow]:
    """Every village of a region in `periode`: running programme or not, quota, protected, coverage.

    A village is `berjalan` with an approved programme covering the period, `menunggu` with one
    drafted, submitted, or approved for other months, else `tanpa`. The region is cut to the
    actor's scope; every programme covering a village counts, whoever sponsors it (a sponsor
    sees only its own).
    """
    require_capability(actor, "programmes.view")
    period_parse(periode)
    region = effective_region(actor, kode_wilayah)
    if not region:
        raise _invalid(
            "region",
            "pilih provinsi, kabupaten/kota, kecamatan atau desa",
            "choose a province, regency/city, district or village",
        )
    region_get(region)
    villages = Region.objects.filter(within_q("code", region), level="village").order_by("code")
    rows = {code: VillageRow(code, name) for code, name in villages.values_list("code", "name")}
    in_region = ProgrammeVillage.objects.filter(within_q("kode_wilayah", region))
    running = programmes_running(periode).filter(_own_programmes(actor))
    for r in (
        in_region.filter(programme__in=running)
        .values("kode_wilayah")
        .annotate(
            n=Count("programme", distinct=True),
            kuota=Sum("kuota"),
            rentan=Count(
                "programme",
                distinct=True,
                filter=Q(programme__kelompok_sasaran__in=VULNERABLE_GROUPS),
            ),
        )
    ):
        row = rows.get(r["kode_wilayah"])
        if row:
            row.status, row.programmes, row.kuota = BERJALAN, r["n"], r["kuota"] or 0
            row.rentan = bool(r["rentan"])
    pending = (
        in_region.filter(_own_programmes(actor, "programme__"))
        .exclude(programme__status=ProgrammeStatus.REJECTED)
        .exclude(programme__in=running)
        .values_list("kode_wilayah", flat=True)
        .distinct()
    )
    for code in pending:
        row = rows.get(code)
        if row and row.status == TANPA:
            row.status = MENUNGGU
    protected = SponsoredMonth.objects.filter(
        within_q("beneficiary__kode_wilayah", region),
        _own_programmes(actor, "programme__"),
        periode=periode,
    )
    for r in protected.values("beneficiary__kode_wilayah").annotate(
        n=Count("participant_id", distinct=True)
    ):
        row = rows.get(r["beneficiary__kode_wilayah"])
        if row:
            row.dilindungi = r["n"]
    if actor.can("coverage.view"):
        everyone = coverage_table(
            actor=actor, region_code=region, level="village", periode=periode, use_target=False
        )
        informal = coverage_table(
            actor=actor,
            region_code=region,
            level="village",
            periode=periode,
            filters=Filters(sektor="informal"),
            use_target=False,
        )
        for c in everyone.rows:
            row = rows.get(c.kode_wilayah)
            if row:
                row.peserta_aktif, row.penduduk_bekerja = c.peserta_aktif, c.penduduk_bekerja
                row.cakupan_persen, row.estimasi = c.cakupan_persen, c.estimasi
        for c in informal.rows:
            row = rows.get(c.kode_wilayah)
            if row:
                row.informal_aktif, row.informal_bekerja = c.peserta_aktif, c.penduduk_bekerja
    return list(rows.values())
