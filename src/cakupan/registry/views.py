"""Registry pages: participant search and its audited export; NIKs masked unless the role needs them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cakupan.accounts.scope import require_capability
from cakupan.audit.services import audit_record
from cakupan.lib.tabular import tabular_response
from cakupan.registry.selectors import nik_for, participant_list

EXPORT_COLUMNS = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah"]


@require_GET
@login_required
def participants(request: HttpRequest) -> HttpResponse:
    """Search participants by name in the user's region (a NIK is searched by POST, never in a URL)."""
    user = request.user
    search = request.GET.get("q", "").strip()
    qs = participant_list(actor=user, search=search or None)  # type: ignore[arg-type]
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for p in page.object_list:
        p.nik_shown = nik_for(user, p.nik)  # type: ignore[arg-type]
    return render(
        request,
        "registry/participants.html",
        {"page": page, "q": search, "can_export": user.can("registry.export")},  # type: ignore[union-attr]
    )


@require_POST
@login_required
def participant_find_nik(request: HttpRequest) -> HttpResponse:
    """Find a participant by NIK, sent in the body so it stays out of URLs and access logs."""
    user = request.user
    nik = request.POST.get("nik", "").strip()
    qs = participant_list(actor=user, search=nik) if nik else participant_list(actor=user).none()  # type: ignore[arg-type]
    page = Paginator(qs, 50).get_page(1)
    for p in page.object_list:
        p.nik_shown = nik_for(user, p.nik)  # type: ignore[arg-type]
    return render(
        request,
        "registry/participants.html",
        {"page": page, "q": "", "can_export": user.can("registry.export")},  # type: ignore[union-attr]
    )


@require_GET
@login_required
def participants_export(request: HttpRequest) -> HttpResponse:
    """The participants the user may read, as CSV or XLSX; audited with the row count."""
    user = request.user
    require_capability(user, "registry.export")  # type: ignore[arg-type]
    search = request.GET.get("q", "").strip() or None
    qs = participant_list(actor=user, search=search).values_list(*EXPORT_COLUMNS)  # type: ignore[arg-type]
    fmt = request.GET.get("format", "csv")
    count = qs.count()
    audit_record(
        actor=user,
        action="export",
        rows=count,
        request=request,
        detail={"what": "participants", "format": fmt, "nik": user.can("nik.view")},  # type: ignore[union-attr]
    )
    rows = ((nik_for(user, r[0]), *r[1:]) for r in qs.iterator(chunk_size=5000))  # type: ignore[arg-type]
    return tabular_response(filename="peserta", columns=EXPORT_COLUMNS, rows=rows, fmt=fmt)
