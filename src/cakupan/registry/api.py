"""Registry API: participants in the caller's scope, NIK masked unless the role needs it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from cakupan.errors import InvalidInput, NotFound
from cakupan.lib.paging import BoundedPageNumberPagination
from cakupan.registry.models import Employer, Membership, Participant
from cakupan.registry.selectors import (
    employer_list,
    nik_for,
    participant_list,
    participant_memberships,
)

router = Router(tags=["registry"])


class ParticipantOut(Schema):
    id: int
    nik: str
    nama: str
    tanggal_lahir: date | None
    jenis_kelamin: str
    kode_wilayah: str

    @staticmethod
    def resolve_nik(obj: Participant, context: dict[str, Any]) -> str:
        return nik_for(context["request"].auth, obj.nik)


@router.get("", response=list[ParticipantOut], summary="Participants in your region")
@paginate(BoundedPageNumberPagination, page_size=50)
def participants(
    request: HttpRequest, nama: str | None = None, kode_wilayah: str | None = None
) -> QuerySet[Participant]:
    return participant_list(actor=request.auth, search=nama, kode_wilayah=kode_wilayah)  # type: ignore[attr-defined]


class LookupIn(Schema):
    """Exactly one of `nik` or `kpj`; sent in the body so a NIK never appears in a URL or log."""

    nik: str | None = Field(None, examples=["5104014101900001"])
    kpj: str | None = Field(None, examples=["23000000001"])


class MembershipOut(Schema):
    periode: str
    kpj: str
    segmen: str
    npp: str | None
    program: str
    upah: int | None
    tmt: date
    bulan_iuran_terakhir: str
    kode_wilayah: str

    @staticmethod
    def resolve_npp(obj: Membership) -> str | None:
        return obj.employer.npp if obj.employer else None


class ParticipantDetailOut(ParticipantOut):
    memberships: list[MembershipOut]


class EmployerOut(Schema):
    id: int
    npp: str
    nib: str
    npwp: str
    nama: str
    kbli: str
    kode_wilayah: str
    kelompok_risiko: int | None
    skala: str


@router.post(
    "/lookup",
    response=ParticipantDetailOut,
    summary="One participant by NIK or KPJ, with their membership in every period",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"example": {"nik": "5104014101900001"}}}}
    },
)
def participant_lookup(request: HttpRequest, body: LookupIn) -> Participant:
    actor = request.auth  # type: ignore[attr-defined]
    key = (body.nik or body.kpj or "").strip()
    if not key or (body.nik and body.kpj):
        raise InvalidInput(
            kolom="nik/kpj",
            pesan_rinci="kirim tepat satu dari nik atau kpj",
            detail="send exactly one of nik or kpj",
        )
    participant = participant_list(actor=actor, search=key).first()
    if participant is None:
        raise NotFound(apa="Peserta", what="Participant")
    participant.memberships = list(  # type: ignore[attr-defined]
        participant_memberships(actor=actor, participant=participant)
    )
    return participant


employers_router = Router(tags=["registry"])


@employers_router.get(
    "",
    response=list[EmployerOut],
    summary="Employers in your region, by NPP, NIB, NPWP or name",
    openapi_extra={"parameters": [{"name": "npp", "in": "query", "example": "10000001"}]},
)
@paginate(BoundedPageNumberPagination, page_size=50)
def employers(
    request: HttpRequest,
    npp: str | None = None,
    nib: str | None = None,
    npwp: str | None = None,
    nama: str | None = None,
) -> QuerySet[Employer]:
    qs = employer_list(actor=request.auth, search=nama)  # type: ignore[attr-defined]
    if npp:
        qs = qs.filter(npp=npp)
    if nib:
        qs = qs.filter(nib=nib)
    if npwp:
        qs = qs.filter(npwp=npwp)
    return qs
