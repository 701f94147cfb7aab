"""Reads of the registry, each cut to the reader's role and region first."""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import Q, QuerySet

from cakupan.accounts.scope import Actor, require_capability
from cakupan.errors import InvalidInput
from cakupan.lib.masking import mask_nik
from cakupan.regions.selectors import within_q
from cakupan.registry.models import Membership, Participant


def period_end(periode: str) -> date:
    """The last day of period `YYYY-MM`."""
    year, month = period_parse(periode)
    return date(year, month, calendar.monthrange(year, month)[1])


def period_parse(periode: str) -> tuple[int, int]:
    """(year, month) of `YYYY-MM`, or InvalidInput naming the expected form."""
    try:
        year_s, month_s = periode.split("-")
        year, month = int(year_s), int(month_s)
        if len(year_s) != 4 or len(month_s) != 2 or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            kolom="periode",
            pesan_rinci=f"periode harus berbentuk YYYY-MM, tertulis {periode!r}",
            detail=f"period must look like YYYY-MM, found {periode!r}",
        ) from None
    return year, month


def active_q(periode: str, prefix: str = "") -> Q:
    """Active in P: `tmt` ≤ the last day of P and `bulan_iuran_terakhir` ≥ P (design.md).

    The one definition of "active"; `prefix` points at a Membership through a relation.
    """
    return Q(
        **{
            f"{prefix}periode": periode,
            f"{prefix}tmt__lte": period_end(periode),
            f"{prefix}bulan_iuran_terakhir__gte": periode,
        }
    )


def membership_active(*, actor: Actor, periode: str) -> QuerySet[Membership]:
    """Memberships active in `periode` that `actor` may read."""
    return Membership.objects.visible_to(actor).filter(active_q(periode))


def participant_list(
    *, actor: Actor, search: str | None = None, kode_wilayah: str | None = None
) -> QuerySet[Participant]:
    """Participants `actor` may read, optionally by name or exact NIK and inside a region."""
    require_capability(actor, "registry.view")
    qs = Participant.objects.visible_to(actor)
    if kode_wilayah:
        qs = qs.filter(within_q("kode_wilayah", kode_wilayah))
    if search:
        search = search.strip()
        if search.isdigit() and len(search) == 16:
            qs = qs.filter(nik=search)
        else:
            qs = qs.filter(nama__icontains=search)
    return qs


def nik_for(actor: Actor, nik: str) -> str:
    """The NIK as `actor` may see it: whole for roles that need it, masked for everyone else."""
    return nik if actor.can("nik.view") else mask_nik(nik)
