"""Reads of sponsored protection for the regional side: who is protected where, which villages run
a programme, how budget lines are used, what a sponsor funded. Aggregates only, never a NIK.

"Protected in period P by a programme" = a SponsoredMonth(participant, periode=P, programme)
exists (a paid month). A programme "runs" in P when it is approved and
`bulan_mulai` ≤ P < `bulan_mulai` + `durasi_bulan` months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Substr

from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor, effective_region, require_capability, require_scope
from cakupan.coverage.selectors import Filters, coverage_percent, coverage_table
from cakupan.errors import InvalidInput
from cakupan.programmes.models import (
    VULNERABLE_GROUPS,
    Beneficiary,
    Funding,
    FundingKind,
    Invoice,
    Kelas,
    Payment,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
    Roster,
    RosterKind,
    Sponsor,
    SponsoredMonth,
    SponsorKind,
    TargetGroup,
)
from cakupan.regions.models import Region
from cakupan.regions.selectors import code_level, region_get, region_name_map, within_q
from cakupan.registry.selectors import period_parse

PERANGKAT_KINDS = (RosterKind.PERANGKAT_DESA, RosterKind.PRAJURU_DESA_ADAT)
# The programme group whose beneficiaries count against each roster kind.
ROSTER_GROUP = {
    RosterKind.NON_ASN: TargetGroup.NON_ASN,
    RosterKind.PERANGKAT_DESA: TargetGroup.PERANGKAT_DESA,
    RosterKind.PRAJURU_DESA_ADAT: TargetGroup.PERANGKAT_DESA,
}
# Village states on the programme map.
BERJALAN, MENUNGGU, TANPA = "berjalan", "menunggu", "tanpa"


# --- periods and running programmes ----------------------------------------------------------


def month_index(periode: str) -> int:
    """`YYYY-MM` as a month count (year × 12 + month − 1), for month arithmetic."""
    year, month = period_parse(periode)
    return year * 12 + month - 1


def month_of(index: int) -> str:
    """The `YYYY-MM` of a month count."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def programme_end(programme: Programme) -> str:
    """The last month a programme covers."""
    return month_of(month_index(programme.bulan_mulai) + programme.durasi_bulan - 1)


def _end_index(prefix: str = "") -> Cast:
    """SQL: the month count just after a programme's last month (start + duration)."""
    start = f"{prefix}bulan_mulai"
    year = Cast(Substr(start, 1, 4), IntegerField())
    month = Cast(Substr(start, 6, 2), IntegerField())
    return year * 12 + month - 1 + F(f"{prefix}durasi_bulan")  # type: ignore[return-value]


def programmes_running(periode: str) -> QuerySet[Programme]:
    """Approved programmes covering `periode` (unscoped: callers cut to region and role)."""
    return (
        Programme.objects.filter(status=ProgrammeStatus.APPROVED, bulan_mulai__lte=periode)
        .alias(akhir=_end_index())
        .filter(akhir__gt=month_index(periode))
    )


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def _is_sponsor(actor: Actor) -> bool:
    return actor.role == Role.SPONSOR


def _own_programmes(actor: Actor, prefix: str = "") -> Q:
    """A sponsor reads only the programmes of the sponsors it acts for (Sponsor.users);
    `prefix` points at the programme through a relation."""
    if not _is_sponsor(actor):
        return Q()
    if getattr(actor, "pk", None) is None or not hasattr(actor, "sponsors"):
        return Q(**{f"{prefix}pk__in": []})  # an API token acts for no sponsor
    return Q(**{f"{prefix}sponsor__users": actor})


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


# --- programmes ------------------------------------------------------------------------------


def programme_list(
    *, actor: Actor, status: str | None = None, kode_wilayah: str | None = None
) -> QuerySet[Programme]:
    """Programmes `actor` may read: inside its scope or covering a village in it; a sponsor
    sees only its own sponsors'. `kode_wilayah` keeps those inside that region or covering a
    village in it."""
    require_capability(actor, "programmes.view")
    qs = Programme.objects.visible_to(actor)
    if actor.region_code:
        # A programme run from outside the scope (the province's, a company's) that covers a
        # village inside it is part of the region's picture too.
        covers = ProgrammeVillage.objects.filter(
            within_q("kode_wilayah", actor.region_code), programme=OuterRef("pk")
        )
        qs = qs | Programme.objects.filter(Exists(covers))
    qs = qs.filter(_own_programmes(actor))
    if status:
        if status not in ProgrammeStatus.values:
            choices = ", ".join(ProgrammeStatus.values)
            raise _invalid(
                "status",
                f"status {status!r} tidak dikenal; pilih {choices}",
                f"unknown status {status!r}; choose {choices}",
            )
        qs = qs.filter(status=status)
    if kode_wilayah:
        require_scope(actor, kode_wilayah)
        villages = ProgrammeVillage.objects.filter(
            within_q("kode_wilayah", kode_wilayah), programme=OuterRef("pk")
        )
        qs = qs.filter(within_q("kode_wilayah", kode_wilayah) | Q(Exists(villages)))
    return qs.select_related("sponsor", "funding")


def _kuota_subquery() -> Coalesce:
    total = (
        ProgrammeVillage.objects.filter(programme=OuterRef("pk"))
        .values("programme")
        .annotate(s=Sum("kuota"))
        .values("s")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _to_sponsor_subquery() -> Coalesce:
    """Beneficiaries a programme pays for once enrolled: matched as lapsed or not registered."""
    total = (
        Beneficiary.objects.filter(
            programme=OuterRef("pk"), kelas__in=[Kelas.REAKTIVASI, Kelas.BARU]
        )
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _village_count_subquery() -> Coalesce:
    total = (
        ProgrammeVillage.objects.filter(programme=OuterRef("pk"))
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _money_subquery(model: type, path: str) -> Coalesce:
    total = (
        model.objects.filter(**{path: OuterRef("pk")})
        .values(path)
        .annotate(s=Sum("jumlah"))
        .values("s")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def programme_figures(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """Programmes with their villages, quota, people to sponsor, invoiced and paid (one query)."""
    return qs.annotate(
        jumlah_desa=_village_count_subquery(),
        jumlah_kuota=_kuota_subquery(),
        jumlah_penerima=_to_sponsor_subquery(),
        ditagih=_money_subquery(Invoice, "programme"),
        dibayar=_money_subquery(Payment, "invoice__programme"),
    )


def programme_commitment(iuran: int, durasi_bulan: int, kuota: int, penerima: int) -> int:
    """What an approved programme commits, rupiah: premium × months × people, where people is
    its villages' quota, or for a programme without villages (staff) its people to sponsor."""
    return iuran * durasi_bulan * (kuota or penerima)


# --- the village map -------------------------------------------------------------------------


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


# --- budget use ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    funding_id: int
    sponsor: str
    sponsor_jenis: str
    sumber: str
    tahun_anggaran: int
    keterangan: str
    jumlah: int  # the budget line, rupiah
    programmes: int  # approved programmes charged to it
    dikomitmenkan: int  # premium × months × people of those programmes
    ditagih: int  # invoiced
    dibayar: int  # paid

    @property
    def sisa(self) -> int:
        return self.jumlah - self.dikomitmenkan

    @property
    def persen_komitmen(self) -> Decimal | None:
        return coverage_percent(self.dikomitmenkan, self.jumlah)

    @property
    def persen_bayar(self) -> Decimal | None:
        return coverage_percent(self.dibayar, self.jumlah)

    @property
    def sumber_label(self) -> str:
        return str(FundingKind(self.sumber).label) if self.sumber in FundingKind.values else ""


def budget_use(*, actor: Actor, kode_wilayah: str | None, tahun: int) -> list[BudgetLine]:
    """Each budget line of fiscal year `tahun` in a region: its amount, what approved programmes
    commit, what was invoiced and paid (over every programme charged to the line).

    Lines are those of sponsors seated in the region, or charged by a programme in it.
    """
    require_capability(actor, "programmes.view")
    region = effective_region(actor, kode_wilayah)
    sponsors = Sponsor.objects.visible_to(actor).filter(within_q("kode_wilayah", region))
    if _is_sponsor(actor):
        sponsors = sponsors.filter(users=actor) if hasattr(actor, "sponsors") else sponsors.none()
    programmes = programme_list(actor=actor, kode_wilayah=region)
    fundings = list(
        Funding.objects.filter(tahun_anggaran=tahun)
        .filter(Q(sponsor__in=sponsors) | Q(pk__in=programmes.values("funding_id")))
        .select_related("sponsor")
        .order_by("sponsor__nama", "sumber", "pk")
    )
    return _budget_lines(fundings)


def _budget_lines(fundings: list[Funding]) -> list[BudgetLine]:
    ids = [f.pk for f in fundings]
    committed: dict[int, int] = defaultdict(int)
    counted: dict[int, int] = defaultdict(int)
    approved = programme_figures(
        Programme.objects.filter(funding_id__in=ids, status=ProgrammeStatus.APPROVED)
    ).values("funding_id", "iuran", "durasi_bulan", "jumlah_kuota", "jumlah_penerima")
    for p in approved:
        committed[p["funding_id"]] += programme_commitment(
            p["iuran"], p["durasi_bulan"], p["jumlah_kuota"], p["jumlah_penerima"]
        )
        counted[p["funding_id"]] += 1
    invoiced = dict(
        Invoice.objects.filter(programme__funding_id__in=ids)
        .values("programme__funding_id")
        .annotate(s=Sum("jumlah"))
        .values_list("programme__funding_id", "s")
    )
    paid = dict(
        Payment.objects.filter(invoice__programme__funding_id__in=ids)
        .values("invoice__programme__funding_id")
        .annotate(s=Sum("jumlah"))
        .values_list("invoice__programme__funding_id", "s")
    )
    return [
        BudgetLine(
            funding_id=f.pk,
            sponsor=f.sponsor.nama,
            sponsor_jenis=f.sponsor.jenis,
            sumber=f.sumber,
            tahun_anggaran=f.tahun_anggaran,
            keterangan=f.keterangan,
            jumlah=f.jumlah,
            programmes=counted[f.pk],
            dikomitmenkan=committed[f.pk],
            ditagih=invoiced.get(f.pk) or 0,
            dibayar=paid.get(f.pk) or 0,
        )
        for f in fundings
    ]


# --- what a sponsor funded -------------------------------------------------------------------


@dataclass(frozen=True)
class SponsorProgrammeRow:
    id: int
    nama: str
    status: str
    status_label: str
    kelompok_sasaran: str
    kelompok_label: str
    kode_wilayah: str
    nama_wilayah: str
    bulan_mulai: str
    bulan_akhir: str
    iuran: int
    desa: int
    kuota: int
    dikomitmenkan: int
    ditagih: int
    dibayar: int
    dilindungi_terakhir: int  # people protected in the programme's latest paid month
    periode_terakhir: str | None


@dataclass(frozen=True)
class SponsorMonth:
    periode: str
    dilindungi: int


@dataclass
class SponsorSummary:
    id: int
    nama: str
    jenis: str
    jenis_label: str
    kode_wilayah: str
    dana: int = 0  # every budget line of the sponsor
    programmes: list[SponsorProgrammeRow] = field(default_factory=list)
    per_bulan: list[SponsorMonth] = field(default_factory=list)
    fundings: list[BudgetLine] = field(default_factory=list)

    @property
    def desa(self) -> int:
        return sum(p.desa for p in self.programmes)

    @property
    def dikomitmenkan(self) -> int:
        return sum(p.dikomitmenkan for p in self.programmes)

    @property
    def ditagih(self) -> int:
        return sum(p.ditagih for p in self.programmes)

    @property
    def dibayar(self) -> int:
        return sum(p.dibayar for p in self.programmes)

    @property
    def dilindungi_terakhir(self) -> int:
        return self.per_bulan[-1].dilindungi if self.per_bulan else 0

    @property
    def periode_terakhir(self) -> str | None:
        return self.per_bulan[-1].periode if self.per_bulan else None

    @property
    def puncak(self) -> int:
        return max((m.dilindungi for m in self.per_bulan), default=0)


def sponsor_list(*, actor: Actor) -> QuerySet[Sponsor]:
    """Sponsors `actor` may read: for a sponsor user the ones it acts for, else those in scope."""
    require_capability(actor, "programmes.view")
    if _is_sponsor(actor):
        if not hasattr(actor, "sponsors"):
            return Sponsor.objects.none()
        return Sponsor.objects.filter(users=actor).order_by("nama", "pk")
    return Sponsor.objects.visible_to(actor).order_by("nama", "pk")


def sponsor_summary(*, actor: Actor, sponsor_ids: list[int] | None = None) -> list[SponsorSummary]:
    """What each sponsor funded, for a sponsor user its own sponsors, for regional staff every
    sponsor in scope (or those of `sponsor_ids` among them, for a page of a long list):
    programmes, villages, people protected per month, budget, invoiced, paid.
    Aggregates only: no names, no NIK."""
    qs = sponsor_list(actor=actor)
    if sponsor_ids is not None:
        qs = qs.filter(pk__in=sponsor_ids)
    sponsors = list(qs)
    if not sponsors:
        return []
    ids = [s.pk for s in sponsors]
    summaries = {
        s.pk: SponsorSummary(
            id=s.pk,
            nama=s.nama,
            jenis=s.jenis,
            jenis_label=str(SponsorKind(s.jenis).label) if s.jenis in SponsorKind.values else "",
            kode_wilayah=s.kode_wilayah,
        )
        for s in sponsors
    }
    programmes = list(
        programme_figures(programme_list(actor=actor).filter(sponsor_id__in=ids)).order_by(
            "sponsor_id", "bulan_mulai", "pk"
        )
    )
    months = (
        SponsoredMonth.objects.filter(programme__in=[p.pk for p in programmes])
        .values("programme_id", "programme__sponsor_id", "periode")
        .annotate(n=Count("participant_id", distinct=True))
        .order_by("periode")
    )
    latest: dict[int, tuple[str, int]] = {}
    per_sponsor: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in months:
        latest[m["programme_id"]] = (m["periode"], m["n"])  # ordered: the last one wins
        per_sponsor[m["programme__sponsor_id"]][m["periode"]] += m["n"]
    names = region_name_map(sorted({p.kode_wilayah for p in programmes}))
    for p in programmes:
        last = latest.get(p.pk)
        committed = (
            programme_commitment(p.iuran, p.durasi_bulan, p.jumlah_kuota, p.jumlah_penerima)
            if p.status == ProgrammeStatus.APPROVED
            else 0
        )
        summaries[p.sponsor_id].programmes.append(
            SponsorProgrammeRow(
                id=p.pk,
                nama=p.nama,
                status=p.status,
                status_label=str(p.get_status_display()),
                kelompok_sasaran=p.kelompok_sasaran,
                kelompok_label=str(p.get_kelompok_sasaran_display()),
                kode_wilayah=p.kode_wilayah,
                nama_wilayah=names.get(p.kode_wilayah, p.kode_wilayah),
                bulan_mulai=p.bulan_mulai,
                bulan_akhir=programme_end(p),
                iuran=p.iuran,
                desa=p.jumlah_desa,
                kuota=p.jumlah_kuota,
                dikomitmenkan=committed,
                ditagih=p.ditagih,
                dibayar=p.dibayar,
                dilindungi_terakhir=last[1] if last else 0,
                periode_terakhir=last[0] if last else None,
            )
        )
    for sponsor_id, by_month in per_sponsor.items():
        summaries[sponsor_id].per_bulan = [
            SponsorMonth(periode, n) for periode, n in sorted(by_month.items())
        ]
    fundings = list(
        Funding.objects.filter(sponsor_id__in=ids)
        .select_related("sponsor")
        .order_by("-tahun_anggaran", "sumber", "pk")
    )
    owner = {f.pk: f.sponsor_id for f in fundings}
    for line in _budget_lines(fundings):
        summaries[owner[line.funding_id]].fundings.append(line)
        summaries[owner[line.funding_id]].dana += line.jumlah
    return list(summaries.values())


# --- staff and officials: rosters against the people programmes protect ----------------------


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
