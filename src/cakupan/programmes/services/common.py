"""Small shared parts of the programme services: months, rupiah, scope checks on a programme."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q, QuerySet

from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor, in_scope, require_capability, require_scope
from cakupan.errors import NotFound, OutOfScope
from cakupan.programmes.models import Programme, ProgrammeVillage
from cakupan.regions.selectors import within_q
from cakupan.registry.models import Membership
from cakupan.registry.selectors import period_parse


def month_first(bulan: str) -> date:
    """The first day of month `YYYY-MM` (InvalidInput for anything else)."""
    year, month = period_parse(bulan)
    return date(year, month, 1)


def month_add(bulan: str, months: int) -> str:
    """`bulan` moved by `months` months: month_add("2024-11", 3) == "2025-02"."""
    year, month = period_parse(bulan)
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def programme_months(programme: Programme) -> list[str]:
    """Every month a programme runs, from `bulan_mulai` for `durasi_bulan` months."""
    return [month_add(programme.bulan_mulai, i) for i in range(programme.durasi_bulan)]


def programme_last_month(programme: Programme) -> str:
    return month_add(programme.bulan_mulai, programme.durasi_bulan - 1)


def spans_overlap(start_a: str, months_a: int, start_b: str, months_b: int) -> bool:
    """Whether two month spans share at least one month (`YYYY-MM` compares as text)."""
    end_a, end_b = month_add(start_a, months_a - 1), month_add(start_b, months_b - 1)
    return start_a <= end_b and start_b <= end_a


def rp(amount: int) -> str:
    """Rupiah grouped the Indonesian way: 20160000 → '20.160.000'."""
    return f"{amount:,}".replace(",", ".")


def registry_latest_period() -> str | None:
    """The newest period with a registry snapshot (None when the registry is empty)."""
    return Membership.objects.aggregate(latest=Max("periode"))["latest"]


def period_has_snapshot(periode: str) -> bool:
    """Whether the registry holds a snapshot of `periode` (any membership of that period)."""
    return Membership.objects.filter(periode=periode).exists()


def programmes_for(actor: Actor) -> QuerySet[Programme]:
    """Programmes `actor` may read: their region inside the actor's scope, or one of their
    villages inside it (a village operator sees a regency programme that includes its village)."""
    if not actor.can("programmes.view"):
        return Programme.objects.none()
    scope = actor.region_code
    qs = Programme.objects.filter(
        within_q("kode_wilayah", scope) | Q(villages__in=_villages_in(scope))
    )
    if actor.role == Role.SPONSOR:  # a sponsor sees only what it funds (design.md)
        qs = qs.filter(sponsor__users=actor)
    return qs.distinct()


def _villages_in(scope: str | None) -> QuerySet[ProgrammeVillage]:
    return ProgrammeVillage.objects.filter(within_q("kode_wilayah", scope))


def programme_get(*, actor: Actor, pk: int) -> Programme:
    """One programme `actor` may read, or NotFound (also for one outside the actor's region)."""
    programme = programmes_for(actor).select_related("sponsor", "funding").filter(pk=pk).first()
    if programme is None:
        raise NotFound(apa=f"Program #{pk}", what=f"Programme #{pk}")
    return programme


def villages_in_scope(actor: Actor, programme: Programme) -> list[ProgrammeVillage]:
    """The programme's villages inside `actor`'s region, in code order."""
    return [v for v in programme.villages.all() if in_scope(actor, v.kode_wilayah)]


def require_village_access(actor: Actor, programme: Programme, capability: str) -> None:
    """Capability, and at least one of the programme's villages inside the actor's region."""
    require_capability(actor, capability)
    if not villages_in_scope(actor, programme):
        raise OutOfScope(kode_wilayah=programme.kode_wilayah, lingkup=actor.region_code or "ID")


def require_programme_access(actor: Actor, programme: Programme, capability: str) -> None:
    """Capability, and the programme's whole region inside the actor's region."""
    require_capability(actor, capability)
    require_scope(actor, programme.kode_wilayah)
