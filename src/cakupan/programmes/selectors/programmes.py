"""Programmes a user may read, and their figures: villages, quota, people to sponsor, invoiced,
paid, and what an approved programme commits."""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    Kelas,
    Payment,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
)
from cakupan.programmes.selectors.common import _invalid, _own_programmes
from cakupan.regions.selectors import within_q


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
