"""What a sponsor funded: the sponsors a user may read, and per sponsor its programmes, people
protected per month, budget lines, invoiced and paid. Aggregates only, never a NIK."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from cakupan.accounts.scope import Actor, require_capability
from cakupan.programmes.models import Funding, ProgrammeStatus, Sponsor, SponsoredMonth, SponsorKind
from cakupan.programmes.selectors.budget import BudgetLine, _budget_lines
from cakupan.programmes.selectors.common import _is_sponsor, programme_end
from cakupan.programmes.selectors.programmes import (
    programme_commitment,
    programme_figures,
    programme_list,
)
from cakupan.regions.selectors import region_name_map


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
