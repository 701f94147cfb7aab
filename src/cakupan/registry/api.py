"""Registry API: participants in the caller's scope, NIK masked unless the role needs it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from cakupan.registry.models import Participant
from cakupan.registry.selectors import nik_for, participant_list

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
@paginate(PageNumberPagination, page_size=50)
def participants(
    request: HttpRequest, nama: str | None = None, kode_wilayah: str | None = None
) -> QuerySet[Participant]:
    return participant_list(actor=request.auth, search=nama, kode_wilayah=kode_wilayah)  # type: ignore[attr-defined]
