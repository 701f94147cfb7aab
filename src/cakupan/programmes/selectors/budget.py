"""Budget use: each budget line of a fiscal year against what approved programmes commit and
what was invoiced and paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.coverage.selectors import coverage_percent
from cakupan.programmes.models import (
    Funding,
    FundingKind,
    Invoice,
    Payment,
    Programme,
    ProgrammeStatus,
    Sponsor,
)
from cakupan.programmes.selectors.common import _is_sponsor
from cakupan.programmes.selectors.programmes import (
    programme_commitment,
    programme_figures,
    programme_list,
)
from cakupan.regions.selectors import within_q


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
