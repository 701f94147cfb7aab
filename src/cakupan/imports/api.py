"""Imports API: the record of one import (status, counts, file hash), for the uploader's region."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from cakupan.imports.models import ImportRecord
from cakupan.imports.selectors import import_get

router = Router(tags=["imports"])


class ImportOut(Schema):
    id: int
    kind: str
    periode: str
    file_name: str
    sha256: str
    outcome: str
    rows_total: int
    rows_imported: int
    rows_rejected: int
    warnings: int
    seconds: float | None
    job_id: int | None
    created_at: datetime
    finished_at: datetime | None


@router.get("/{record_id}", response=ImportOut, summary="One import's outcome and counts")
def import_detail(request: HttpRequest, record_id: int) -> ImportRecord:
    return import_get(actor=request.auth, record_id=record_id)  # type: ignore[attr-defined]
