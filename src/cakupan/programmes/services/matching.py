"""Matching beneficiary lists to the registry and classing each person: already active,
registered but lapsed (reactivate), not registered (new BPU registration), or sponsored twice.

Matching itself is cakupan.linkage (exact NIK first, then probabilistic; uncertain pairs go to
review, whose decisions linkage remembers and audits).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from cakupan.accounts.scope import Actor, in_scope, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.errors import OutOfScope
from cakupan.programmes.errors import ReviewNotPending
from cakupan.programmes.models import (
    Beneficiary,
    InvoiceLine,
    Kelas,
    MatchStatus,
    Programme,
    ProgrammeStatus,
)
from cakupan.programmes.services.common import registry_latest_period, spans_overlap
from cakupan.registry.models import Membership, Participant
from cakupan.registry.selectors import active_q

METHOD_STATUS = {
    "nik": MatchStatus.OTOMATIS,
    "probabilistik": MatchStatus.OTOMATIS,
    "tinjau": MatchStatus.TINJAU,
    "tidak_cocok": MatchStatus.TIDAK_ADA,
}
DECIDED = (MatchStatus.DITERIMA, MatchStatus.DITOLAK)
MATCH_FIELDS = [
    "match_nik",
    "match_skor",
    "match_metode",
    "match_status",
    "kelas",
    "ganda_programme",
]


@dataclass(frozen=True)
class MatchSummary:
    """How the valid rows of the lists matched came out, by class and by review state."""

    dicocokkan: int
    aktif: int
    reaktivasi: int
    baru: int
    ganda: int
    tinjau: int


def _person(b: Beneficiary) -> Any:
    from cakupan.linkage.matcher import Person

    return Person(
        baris=b.baris,
        nama=b.nama,
        nik=b.nik,
        tanggal_lahir=b.tanggal_lahir,
        jenis_kelamin=b.jenis_kelamin,
        kode_wilayah=b.kode_wilayah,
        pekerjaan=b.pekerjaan,
    )


def invoiced_q() -> Exists:
    """Rows already on an invoice: their class is settled and never recomputed."""
    return Exists(InvoiceLine.objects.filter(beneficiary=OuterRef("pk")))


def _classify(rows: list[Beneficiary], periode: str | None) -> None:
    """Set `kelas` from the matched participant's membership in the newest snapshot `periode`."""
    niks = {b.match_nik for b in rows if b.match_nik}
    ids = dict(Participant.objects.filter(nik__in=niks).values_list("nik", "id"))
    active: set[int] = set()
    if periode and ids:
        active = set(
            Membership.objects.filter(
                active_q(periode), participant_id__in=ids.values()
            ).values_list("participant_id", flat=True)
        )
    for b in rows:
        b.ganda_programme = None
        participant_id = ids.get(b.match_nik) if b.match_nik else None
        if b.match_status == MatchStatus.TINJAU:
            b.kelas = ""
        elif participant_id is None:
            b.kelas = Kelas.BARU
        elif participant_id in active:
            b.kelas = Kelas.AKTIF
        else:
            b.kelas = Kelas.REAKTIVASI


def _keys(b: Beneficiary) -> set[str]:
    """Who a row is: its NIK and the NIK of the participant it matched."""
    return {k for k in (b.nik, b.match_nik) if k}


def _rank(b: Beneficiary, invoiced: bool, approved: bool) -> tuple[bool, bool, int]:
    """Lower wins when the same person is on two lists: already invoiced, then an approved
    programme, then the row uploaded first."""
    return (not invoiced, not approved, b.pk)


def _flag_twice(rows: list[Beneficiary]) -> None:
    """Class `ganda` a row whose person (same NIK, or same matched participant) is on another
    list — another programme's, or another village's of the same one — for overlapping months,
    when that other row wins (`_rank`). Rejected programmes, rows with problems and rows classed
    active or twice themselves do not count."""
    keys = set().union(*(_keys(b) for b in rows)) if rows else set()
    if not keys:
        return
    others = list(
        Beneficiary.objects.filter(Q(nik__in=keys) | Q(match_nik__in=keys), masalah=[])
        .exclude(kelas__in=[Kelas.AKTIF, Kelas.GANDA])
        .exclude(programme__status=ProgrammeStatus.REJECTED)
        .select_related("programme")
        .annotate(invoiced=invoiced_q())
    )
    for b in rows:
        mine = _keys(b)
        programme = b.programme
        rank = _rank(b, False, programme.status == ProgrammeStatus.APPROVED)
        for other in others:
            if other.pk == b.pk or not (mine & _keys(other)):
                continue
            if (other.programme_id, other.kode_wilayah) == (b.programme_id, b.kode_wilayah):
                continue
            theirs = other.programme
            if not spans_overlap(
                theirs.bulan_mulai,
                theirs.durasi_bulan,
                programme.bulan_mulai,
                programme.durasi_bulan,
            ):
                continue
            approved = theirs.status == ProgrammeStatus.APPROVED
            if _rank(other, other.invoiced, approved) < rank:  # type: ignore[attr-defined]
                b.kelas = Kelas.GANDA
                b.ganda_programme = theirs
                break


def _summary(rows: list[Beneficiary]) -> MatchSummary:
    kelas = Counter(b.kelas for b in rows)
    return MatchSummary(
        dicocokkan=len(rows),
        aktif=kelas[Kelas.AKTIF],
        reaktivasi=kelas[Kelas.REAKTIVASI],
        baru=kelas[Kelas.BARU],
        ganda=kelas[Kelas.GANDA],
        tinjau=sum(1 for b in rows if b.match_status == MatchStatus.TINJAU),
    )


@transaction.atomic
def beneficiaries_match(*, programme: Programme, acting_user: Actor) -> MatchSummary:
    """Match the valid rows of the programme's lists in the actor's region, then class them.

    Rows already on an invoice keep their class; rows a reviewer decided keep that decision.
    """
    require_capability(acting_user, "programmes.beneficiaries")
    from cakupan.linkage.matcher import people_link

    villages = [
        v.kode_wilayah for v in programme.villages.all() if in_scope(acting_user, v.kode_wilayah)
    ]
    if not villages:
        raise OutOfScope(
            kode_wilayah=programme.kode_wilayah, lingkup=acting_user.region_code or "ID"
        )
    rows = list(
        Beneficiary.objects.select_for_update(of=("self",))
        .filter(programme=programme, kode_wilayah__in=villages, masalah=[])
        .exclude(invoiced_q())
        .select_related("programme")
        .order_by("kode_wilayah", "baris")
    )
    periode = registry_latest_period()
    to_link = [b for b in rows if b.match_status not in DECIDED]
    # Against every registered person (None): a lapsed member may be absent from the newest
    # snapshot but is still registered, so they are reactivated, not registered again.
    matches = people_link([_person(b) for b in to_link], periode=None) if to_link else []
    for b, match in zip(to_link, matches, strict=True):
        b.match_nik = match.nik or ""
        b.match_skor = float(match.skor)
        b.match_metode = match.metode
        b.match_status = METHOD_STATUS.get(match.metode, MatchStatus.TIDAK_ADA)
    _classify(rows, periode)
    _flag_twice(rows)
    Beneficiary.objects.bulk_update(rows, MATCH_FIELDS, batch_size=500)
    summary = _summary(rows)
    audit_record(
        actor=acting_user,
        action="beneficiary.match",
        target=programme,
        rows=len(rows),
        region_code=villages[0] if len(villages) == 1 else programme.kode_wilayah,
        detail={"periode": periode, **summary.__dict__},
    )
    return summary


@transaction.atomic
def beneficiary_review(
    *, beneficiary: Beneficiary, accept: bool, acting_user: Actor
) -> Beneficiary:
    """Accept or reject the uncertain match of one row (linkage remembers and audits the
    decision), then class the row again: accepted → active or reactivate, rejected → new."""
    require_capability(acting_user, "linkage.review")
    require_capability(acting_user, "programmes.beneficiaries")
    require_scope(acting_user, beneficiary.kode_wilayah)
    from cakupan.linkage.services import link_decide

    b = (
        Beneficiary.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=beneficiary.pk)
    )
    if b.match_status != MatchStatus.TINJAU or not b.match_nik:
        raise ReviewNotPending(baris=b.baris)
    link_decide(person=_person(b), nik=b.match_nik, accept=accept, acting_user=acting_user)
    if accept:
        b.match_status = MatchStatus.DITERIMA
    else:
        b.match_status = MatchStatus.DITOLAK
        b.match_nik = ""
    _classify([b], registry_latest_period())
    _flag_twice([b])
    b.save(update_fields=[*MATCH_FIELDS, "updated_at"])
    audit_record(
        actor=acting_user,
        action="beneficiary.review",
        target=b,
        region_code=b.kode_wilayah,
        detail={"keputusan": "terima" if accept else "tolak", "skor": b.match_skor},
    )
    return b
