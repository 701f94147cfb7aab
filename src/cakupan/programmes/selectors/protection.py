"""Who sponsored programmes protect: a region's plain counts for a period (the award app's
computed indicators), an employer's sponsored participants, and the trend over periods."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.coverage.selectors import coverage_percent
from cakupan.programmes.models import (
    VULNERABLE_GROUPS,
    ProgrammeVillage,
    Roster,
    RosterKind,
    SponsoredMonth,
)
from cakupan.programmes.selectors.common import _own_programmes, programmes_running
from cakupan.programmes.selectors.rosters import PERANGKAT_KINDS, _roster_match, _rosters_in
from cakupan.regions.models import Region
from cakupan.regions.selectors import code_level, within_q
from cakupan.registry.selectors import period_parse

# --- region protection (no actor: the award app's computed indicators) ----------------------


@dataclass(frozen=True)
class RegionProtection:
    kode_wilayah: str
    periode: str
    desa: int  # villages in the region (regions app, level village)
    desa_berprogram: int  # villages with an approved programme running in the period
    dilindungi: int  # distinct participants with a SponsoredMonth in the period (programme village)
    rentan_dilindungi: int  # of which in vulnerable groups (models.VULNERABLE_GROUPS)
    non_asn: int  # non-ASN roster counts (each unit's latest roster period ≤ P)
    non_asn_dilindungi: int  # protected by non_asn programmes, matched to those rosters
    perangkat: int  # perangkat_desa + prajuru_desa_adat roster counts
    perangkat_dilindungi: int  # protected by perangkat_desa programmes, matched to those rosters

    @property
    def non_asn_persen(self) -> Decimal | None:
        return coverage_percent(self.non_asn_dilindungi, self.non_asn)

    @property
    def perangkat_persen(self) -> Decimal | None:
        return coverage_percent(self.perangkat_dilindungi, self.perangkat)

    @property
    def desa_persen(self) -> Decimal | None:
        return coverage_percent(self.desa_berprogram, self.desa)


def region_protection(*, kode_wilayah: str, periode: str) -> RegionProtection:
    """What sponsored programmes protect in one region and period, as plain counts.

    People count in the region of their programme village (Beneficiary.kode_wilayah); staff and
    officials are counted against the rosters as `roster_protection` matches them.
    """
    period_parse(periode)
    code_level(kode_wilayah)
    desa = Region.objects.filter(within_q("code", kode_wilayah), level="village").count()
    desa_berprogram = (
        ProgrammeVillage.objects.filter(
            within_q("kode_wilayah", kode_wilayah), programme__in=programmes_running(periode)
        )
        .values("kode_wilayah")
        .distinct()
        .count()
    )
    people = SponsoredMonth.objects.filter(
        within_q("beneficiary__kode_wilayah", kode_wilayah), periode=periode
    ).aggregate(
        semua=Count("participant_id", distinct=True),
        rentan=Count(
            "participant_id",
            distinct=True,
            filter=Q(programme__kelompok_sasaran__in=VULNERABLE_GROUPS),
        ),
    )
    staff = _roster_match(
        rosters=_rosters_in(Roster.objects.all(), kode_wilayah, None),
        kode_wilayah=kode_wilayah,
        kinds=tuple(RosterKind.values),
        periods=[periode],
    )
    totals = staff.totals(periode)
    return RegionProtection(
        kode_wilayah=kode_wilayah,
        periode=periode,
        desa=desa,
        desa_berprogram=desa_berprogram,
        dilindungi=people["semua"] or 0,
        rentan_dilindungi=people["rentan"] or 0,
        non_asn=totals[RosterKind.NON_ASN][0],
        non_asn_dilindungi=totals[RosterKind.NON_ASN][1],
        perangkat=sum(totals[k][0] for k in PERANGKAT_KINDS),
        perangkat_dilindungi=sum(totals[k][1] for k in PERANGKAT_KINDS),
    )


def employer_sponsored(*, npp: str, periode: str) -> int:
    """Participants protected in `periode` by programmes whose sponsor has NPP `npp` (CSR)."""
    period_parse(periode)
    if not npp:
        return 0
    return (
        SponsoredMonth.objects.filter(periode=periode, programme__sponsor__npp=npp)
        .values("participant_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class ProtectionPoint:
    periode: str
    dilindungi: int
    rentan: int


def protection_trend(*, actor: Actor, kode_wilayah: str | None) -> list[ProtectionPoint]:
    """People protected by sponsored programmes in a region, every period with paid months."""
    require_capability(actor, "programmes.view")
    region = effective_region(actor, kode_wilayah)
    qs = SponsoredMonth.objects.filter(
        within_q("beneficiary__kode_wilayah", region), _own_programmes(actor, "programme__")
    )
    counts = (
        qs.values("periode")
        .annotate(
            n=Count("participant_id", distinct=True),
            rentan=Count(
                "participant_id",
                distinct=True,
                filter=Q(programme__kelompok_sasaran__in=VULNERABLE_GROUPS),
            ),
        )
        .order_by("periode")
    )
    return [ProtectionPoint(c["periode"], c["n"], c["rentan"]) for c in counts]
