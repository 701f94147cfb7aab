"""Reads of the registry, each cut to the reader's role and region first."""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from rapidfuzz import fuzz

from cakupan.accounts.scope import Actor, require_capability
from cakupan.errors import InvalidInput, NotFound
from cakupan.lib.masking import mask_nik, mask_nik_runs
from cakupan.lib.names import name_key, name_normal
from cakupan.regions.selectors import within_q
from cakupan.registry.models import Employer, Membership, Participant


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
    """Participants `actor` may read, optionally by exact NIK or KPJ or by name, inside a region."""
    require_capability(actor, "registry.view")
    qs = Participant.objects.visible_to(actor)
    if kode_wilayah:
        qs = qs.filter(within_q("kode_wilayah", kode_wilayah))
    if search:
        search = search.strip()
        if search.isdigit() and len(search) == 16:
            qs = qs.filter(nik=search)
        elif search.isdigit() and len(search) == 11:
            qs = qs.filter(
                Exists(Membership.objects.filter(participant=OuterRef("pk"), kpj=search))
            )
        else:
            qs = qs.filter(name_q(search))
    return qs


def name_q(search: str) -> Q:
    """Candidates for a name search: names containing it (accent and case insensitive), or sharing
    a word's typo key (lib.names) with it. `participant_search` ranks them."""
    normal = name_normal(search)
    by_keys = Q(nama_cari__contains=normal)
    for key in name_key(search).split():
        by_keys |= Q(nama_kunci__contains=f" {key} ")
    return by_keys


MIN_NAME_SCORE = 60  # rapidfuzz token_sort_ratio, 0–100: below this a candidate is not shown


def participant_search(
    *,
    actor: Actor,
    q: str = "",
    kode_wilayah: str | None = None,
    segmen: str | None = None,
    status: str | None = None,
    periode: str | None = None,
    limit: int = 200,
) -> list[Participant] | QuerySet[Participant]:
    """The registry search of the participant page: NIK, KPJ or name (best matches first), with
    region, segment and status filters on the membership of `periode`."""
    qs = participant_list(actor=actor, search=q or None, kode_wilayah=kode_wilayah)
    if periode and (segmen or status):
        members = Membership.objects.filter(participant=OuterRef("pk"), periode=periode)
        if segmen:
            members = members.filter(segmen=segmen)
        if status == "aktif":
            members = members.filter(active_q(periode))
        elif status == "tidak_aktif":
            members = members.exclude(active_q(periode))
        qs = qs.filter(Exists(members))
    if q and not q.strip().isdigit():
        normal = name_normal(q)
        scored = [(fuzz.token_sort_ratio(normal, p.nama_cari), p) for p in qs[: limit * 20]]
        scored = [sp for sp in scored if sp[0] >= MIN_NAME_SCORE]
        scored.sort(key=lambda sp: -sp[0])
        return [p for _, p in scored[:limit]]
    return qs


def participant_get(*, actor: Actor, participant_id: int) -> Participant:
    """One participant `actor` may read, or NotFound."""
    participant = participant_list(actor=actor).filter(pk=participant_id).first()
    if participant is None:
        shown = mask_nik_runs(str(participant_id))  # a NIK typed into the URL is not echoed
        raise NotFound(apa=f"Peserta #{shown}", what=f"Participant #{shown}")
    return participant


def participant_memberships(*, actor: Actor, participant: Participant) -> QuerySet[Membership]:
    """The participant's membership in every period, newest first, with its employer."""
    return (
        Membership.objects.visible_to(actor)
        .filter(participant=participant)
        .select_related("employer")
        .order_by("-periode")
    )


def employer_list(*, actor: Actor, search: str | None = None) -> QuerySet[Employer]:
    """Employers in `actor`'s region, by NPP, NIB, NPWP or name."""
    require_capability(actor, "registry.view")
    qs = Employer.objects.visible_to(actor)
    if search:
        search = search.strip()
        if search.isdigit():
            qs = qs.filter(Q(npp=search) | Q(nib=search) | Q(npwp=search))
        else:
            qs = qs.filter(nama__icontains=search)
    return qs


def employer_get(*, actor: Actor, employer_id: int) -> Employer:
    employer = employer_list(actor=actor).filter(pk=employer_id).first()
    if employer is None:
        shown = mask_nik_runs(str(employer_id))
        raise NotFound(apa=f"Pemberi kerja #{shown}", what=f"Employer #{shown}")
    return employer


def employer_workers_by_period(*, actor: Actor, employer: Employer) -> list[dict[str, object]]:
    """Per period: the employer's registered workers, those paid through it, and the mean wage."""
    return list(
        Membership.objects.visible_to(actor)
        .filter(employer=employer)
        .values("periode")
        .annotate(
            pekerja=Count("id"),
            lunas=Count("id", filter=Q(bulan_iuran_terakhir__gte=F("periode"))),
            upah_rata=Avg("upah"),
        )
        .order_by("-periode")
    )


def employer_workers(*, actor: Actor, employer: Employer, periode: str) -> QuerySet[Membership]:
    return (
        Membership.objects.visible_to(actor)
        .filter(employer=employer, periode=periode)
        .select_related("participant")
        .order_by("participant__nama")
    )


def nik_for(actor: Actor, nik: str) -> str:
    """The NIK as `actor` may see it: whole for roles that need it, masked for everyone else."""
    return nik if actor.can("nik.view") else mask_nik(nik)
