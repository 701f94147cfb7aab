"""Staff and officials: the non-ASN and village officials' rosters of a region against the people
staff programmes protect, per unit and period, with the programmes behind each figure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.coverage.selectors import coverage_percent
from cakupan.programmes.models import (
    FundingKind,
    Programme,
    Roster,
    RosterKind,
    SponsoredMonth,
    SponsorKind,
    TargetGroup,
)
from cakupan.programmes.selectors.common import _invalid
from cakupan.regions.selectors import region_name_map, within_q

PERANGKAT_KINDS = (RosterKind.PERANGKAT_DESA, RosterKind.PRAJURU_DESA_ADAT)
# The programme group whose beneficiaries count against each roster kind.
ROSTER_GROUP = {
    RosterKind.NON_ASN: TargetGroup.NON_ASN,
    RosterKind.PERANGKAT_DESA: TargetGroup.PERANGKAT_DESA,
    RosterKind.PRAJURU_DESA_ADAT: TargetGroup.PERANGKAT_DESA,
}


@dataclass(frozen=True)
class ProgrammePart:
    """One programme behind a roster figure, with the budget line and rule that pay for it."""

    programme_id: int
    nama: str
    sponsor: str
    sumber_dana: str
    tahun_anggaran: int
    dasar_hukum: str
    dilindungi: int


@dataclass(frozen=True)
class RosterRow:
    kode_wilayah: str  # the employing government (province, regency or village)
    jenis: str
    unit: str  # agency/OPD, or for officials the village code
    nama_unit: str  # the unit as shown: the village name for officials
    periode: str  # the period the share is for
    periode_daftar: str  # the roster's own period (the latest ≤ periode)
    jumlah: int
    dilindungi: int
    sumber: str
    programmes: tuple[ProgrammePart, ...] = ()

    @property
    def persen(self) -> Decimal | None:
        return coverage_percent(self.dilindungi, self.jumlah)

    @property
    def dibawa(self) -> bool:
        """The count is carried forward from an earlier roster period."""
        return self.periode_daftar != self.periode

    @property
    def jenis_label(self) -> str:
        return str(RosterKind(self.jenis).label) if self.jenis in RosterKind.values else self.jenis


@dataclass(frozen=True)
class RosterTrendPoint:
    periode: str
    jumlah: int
    dilindungi: int

    @property
    def persen(self) -> Decimal | None:
        return coverage_percent(self.dilindungi, self.jumlah)


@dataclass
class RosterOverview:
    kode_wilayah: str
    jenis: str | None
    periods: list[str]  # every period with a roster or a paid month, oldest first
    rows: list[RosterRow]  # per unit and period (counts carried forward to later periods)
    trend: list[RosterTrendPoint]
    unmatched: dict[str, int]  # period → protected staff matching no roster

    def rows_in(self, periode: str | None) -> list[RosterRow]:
        return [r for r in self.rows if r.periode == periode]

    def point(self, periode: str | None) -> RosterTrendPoint | None:
        return next((p for p in self.trend if p.periode == periode), None)


def _unit_norm(unit: str) -> str:
    return " ".join(unit.split()).casefold()


def _rosters_in(qs: QuerySet[Roster], kode_wilayah: str | None, jenis: str | None) -> QuerySet:
    """Rosters of a region: registered by a government in it, or (officials) for a village in it."""
    if kode_wilayah:
        qs = qs.filter(
            within_q("kode_wilayah", kode_wilayah)
            | (Q(jenis__in=PERANGKAT_KINDS) & within_q("unit", kode_wilayah))
        )
    if jenis:
        qs = qs.filter(jenis=jenis)
    return qs


def roster_village(roster: Roster) -> str:
    """The village an officials' roster is for: its region when that is a village, else its unit
    (roster_save stores a village code there)."""
    if roster.kode_wilayah.count(".") == 3:
        return roster.kode_wilayah
    return roster.unit


@dataclass
class _Matched:
    roster: Roster
    dilindungi: int = 0
    parts: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class _Match:
    by_period: dict[str, dict[tuple, _Matched]]
    unmatched: dict[str, int]
    programmes: dict[int, dict]

    def totals(self, periode: str) -> dict[str, tuple[int, int]]:
        out = {k: (0, 0) for k in RosterKind.values}
        for m in self.by_period.get(periode, {}).values():
            count, protected = out[m.roster.jenis]
            out[m.roster.jenis] = (count + m.roster.jumlah, protected + m.dilindungi)
        return out


def _roster_key(r: Roster) -> tuple:
    if r.jenis in PERANGKAT_KINDS:
        return (r.jenis, roster_village(r))
    return (r.jenis, r.kode_wilayah, _unit_norm(r.unit))


def _roster_match(
    *,
    rosters: QuerySet[Roster],
    kode_wilayah: str | None,
    kinds: tuple[str, ...],
    periods: list[str] | None,
) -> _Match:
    """Rosters against the people staff programmes protect, for each period (None: every period
    with a roster or a paid month). Four queries, whatever the size.

    Each roster (unit) counts with its latest period ≤ P. A person protected in P by a programme
    of the matching group counts against:
    - non-ASN: the roster of the same unit (case and spacing ignored) kept by the deepest
      government holding non-ASN rosters whose region contains the programme's region;
    - officials: the village's roster (Beneficiary.kode_wilayah = the roster's village); where a
      village has both kinds, programmes of a customary-village sponsor or paid from BKK count
      against prajuru desa adat, the others against perangkat desa.
    A participant has one paid month per period at most, so the counts add up without overlap.
    """
    all_rosters = list(rosters.filter(jenis__in=kinds))
    wanted = sorted({r.periode for r in all_rosters}) if periods is None else list(periods)
    groups = sorted({ROSTER_GROUP[k] for k in kinds})
    protected = SponsoredMonth.objects.filter(programme__kelompok_sasaran__in=groups)
    if periods is not None:
        protected = protected.filter(periode__in=periods)
    if kode_wilayah:
        protected = protected.filter(
            (
                Q(programme__kelompok_sasaran=TargetGroup.NON_ASN)
                & within_q("programme__kode_wilayah", kode_wilayah)
            )
            | (
                Q(programme__kelompok_sasaran=TargetGroup.PERANGKAT_DESA)
                & within_q("beneficiary__kode_wilayah", kode_wilayah)
            )
        )
    counts = list(
        protected.values(
            "periode",
            "programme_id",
            "programme__kelompok_sasaran",
            "programme__kode_wilayah",
            "beneficiary__unit",
            "beneficiary__kode_wilayah",
        ).annotate(n=Count("participant_id", distinct=True))
    )
    if periods is None:
        wanted = sorted(set(wanted) | {c["periode"] for c in counts})
    programme_ids = sorted({c["programme_id"] for c in counts})
    programmes = {
        p["pk"]: p
        for p in Programme.objects.filter(pk__in=programme_ids).values(
            "pk",
            "nama",
            "sponsor__nama",
            "sponsor__jenis",
            "funding__sumber",
            "funding__tahun_anggaran",
            "dasar_hukum",
        )
    }
    # Officials' rosters of one village and kind: the village's own beats one kept above it.
    by_key: dict[tuple, list[Roster]] = defaultdict(list)
    for r in sorted(all_rosters, key=lambda r: (r.periode, len(r.kode_wilayah))):
        by_key[_roster_key(r)].append(r)
    non_asn_governments = {r.kode_wilayah for r in all_rosters if r.jenis == RosterKind.NON_ASN}
    by_period: dict[str, dict[tuple, _Matched]] = {}
    for periode in wanted:
        current: dict[tuple, _Matched] = {}
        for key, versions in by_key.items():
            upto = [r for r in versions if r.periode <= periode]
            if upto:
                current[key] = _Matched(upto[-1])
        by_period[periode] = current
    unmatched: dict[str, int] = defaultdict(int)
    for c in counts:
        current = by_period.get(c["periode"])
        if current is None:
            continue
        key = _protected_key(c, current, non_asn_governments, programmes)
        matched = current.get(key) if key else None
        if matched is None:
            unmatched[c["periode"]] += c["n"]
            continue
        matched.dilindungi += c["n"]
        matched.parts[c["programme_id"]] += c["n"]
    return _Match(by_period, dict(unmatched), programmes)


def _protected_key(
    c: dict, current: dict[tuple, _Matched], governments: set[str], programmes: dict[int, dict]
) -> tuple | None:
    if c["programme__kelompok_sasaran"] == TargetGroup.NON_ASN:
        region = c["programme__kode_wilayah"] or ""
        holders = [g for g in governments if region == g or region.startswith(g + ".")]
        if not holders:
            return None
        employer = max(holders, key=len)
        return (RosterKind.NON_ASN, employer, _unit_norm(c["beneficiary__unit"] or ""))
    village = c["beneficiary__kode_wilayah"]
    kinds = [k for k in PERANGKAT_KINDS if (k, village) in current]
    if not kinds:
        return None
    if len(kinds) == 1:
        return (kinds[0], village)
    p = programmes.get(c["programme_id"], {})
    adat = p.get("sponsor__jenis") == SponsorKind.DESA_ADAT or p.get("funding__sumber") == (
        FundingKind.BKK
    )
    return (RosterKind.PRAJURU_DESA_ADAT if adat else RosterKind.PERANGKAT_DESA, village)


def roster_overview(
    *, actor: Actor, kode_wilayah: str | None, jenis: str | None = None
) -> RosterOverview:
    """Staff and officials' rosters of a region against the people programmes protect: per unit
    and period, with the programmes behind each figure, and the trend over periods."""
    require_capability(actor, "programmes.view")
    region = effective_region(actor, kode_wilayah)
    if jenis and jenis not in RosterKind.values:
        choices = ", ".join(RosterKind.values)
        raise _invalid(
            "jenis",
            f"jenis {jenis!r} tidak dikenal; pilih {choices}",
            f"unknown kind {jenis!r}; choose {choices}",
        )
    kinds = (jenis,) if jenis else tuple(RosterKind.values)
    rosters = _rosters_in(Roster.objects.visible_to(actor), region, jenis)
    match = _roster_match(rosters=rosters, kode_wilayah=region, kinds=kinds, periods=None)
    villages = {
        roster_village(m.roster)
        for current in match.by_period.values()
        for m in current.values()
        if m.roster.jenis in PERANGKAT_KINDS
    }
    names = region_name_map(sorted(villages))
    rows: list[RosterRow] = []
    trend: list[RosterTrendPoint] = []
    for periode in sorted(match.by_period):
        current = match.by_period[periode]
        for m in sorted(
            current.values(), key=lambda m: (m.roster.jenis, m.roster.kode_wilayah, m.roster.unit)
        ):
            r = m.roster
            parts = tuple(
                ProgrammePart(
                    programme_id=pid,
                    nama=match.programmes[pid]["nama"],
                    sponsor=match.programmes[pid]["sponsor__nama"],
                    sumber_dana=match.programmes[pid]["funding__sumber"],
                    tahun_anggaran=match.programmes[pid]["funding__tahun_anggaran"],
                    dasar_hukum=match.programmes[pid]["dasar_hukum"],
                    dilindungi=n,
                )
                for pid, n in sorted(m.parts.items())
            )
            nama_unit = (
                names.get(roster_village(r), r.unit) if r.jenis in PERANGKAT_KINDS else r.unit
            )
            rows.append(
                RosterRow(
                    kode_wilayah=r.kode_wilayah,
                    jenis=r.jenis,
                    unit=r.unit,
                    nama_unit=nama_unit,
                    periode=periode,
                    periode_daftar=r.periode,
                    jumlah=r.jumlah,
                    dilindungi=m.dilindungi,
                    sumber=r.sumber,
                    programmes=parts,
                )
            )
        trend.append(
            RosterTrendPoint(
                periode=periode,
                jumlah=sum(m.roster.jumlah for m in current.values()),
                dilindungi=sum(m.dilindungi for m in current.values()),
            )
        )
    return RosterOverview(
        kode_wilayah=region or "",
        jenis=jenis,
        periods=sorted(match.by_period),
        rows=rows,
        trend=trend,
        unmatched=match.unmatched,
    )


def roster_kind_shares(rows: list[RosterRow]) -> list[tuple[str, Decimal | None, int, int]]:
    """(kind label, share %, protected, on the rosters) per roster kind of `rows`: non-ASN staff
    and village officials are different promises, so each gets its own share."""
    labels = dict(RosterKind.choices)
    totals: dict[str, list[int]] = {}
    for r in rows:
        total = totals.setdefault(r.jenis, [0, 0])
        total[0] += r.dilindungi
        total[1] += r.jumlah
    return [
        (str(labels.get(k, k)), coverage_percent(protected, listed), protected, listed)
        for k, (protected, listed) in sorted(totals.items())
    ]
