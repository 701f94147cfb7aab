"""Shared parts of the programme selectors: month arithmetic, which programmes run in a period,
and the cut a sponsor user reads through (only the programmes of the sponsors it acts for)."""

from __future__ import annotations

from django.db.models import F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast, Substr

from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor
from cakupan.errors import InvalidInput
from cakupan.programmes.models import Programme, ProgrammeStatus
from cakupan.registry.selectors import period_parse


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
