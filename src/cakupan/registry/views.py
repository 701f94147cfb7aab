"""Registry pages: participant search and page, employers, audited export and NIK reveal.

NIKs are masked unless the role needs them; a NIK is searched and revealed by POST, never in a URL.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.accounts.scope import require_capability
from cakupan.audit.services import audit_record
from cakupan.coverage.selectors import coverage_periods
from cakupan.lib.tabular import tabular_response
from cakupan.registry.models import Segmen
from cakupan.registry.selectors import (
    employer_get,
    employer_list,
    employer_workers,
    employer_workers_by_period,
    nik_for,
    participant_get,
    participant_list,
    participant_memberships,
    participant_search,
)

EXPORT_COLUMNS = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah"]


@require_http_methods(["GET", "POST"])
@login_required
def participants(request: HttpRequest) -> HttpResponse:
    """Search by name or KPJ (GET) or by NIK (POST, so it stays out of URLs and access logs),
    with region, segment and status filters on a period's snapshot."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    q = data.get("q", "").strip()
    periods = coverage_periods()
    filters = {
        "kode_wilayah": data.get("kode_wilayah", "").strip() or None,
        "segmen": data.get("segmen") or None,
        "status": data.get("status") or None,
        "periode": data.get("periode") or (periods[0] if periods else None),
    }
    results = participant_search(actor=user, q=q, **filters)  # type: ignore[arg-type]
    page = Paginator(results, 50).get_page(data.get("page"))
    for p in page.object_list:
        p.nik_shown = nik_for(user, p.nik)  # type: ignore[arg-type]
    return render(
        request,
        "registry/participants.html",
        {
            "page": page,
            "q": "" if request.method == "POST" else q,
            "filters": filters,
            "periods": periods,
            "segments": Segmen.choices,
            "ranked": bool(q) and not q.isdigit(),
            "can_export": user.can("registry.export"),  # type: ignore[union-attr]
        },
    )


@require_GET
@login_required
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    """One participant and their membership in every period."""
    user = request.user
    participant = participant_get(actor=user, participant_id=participant_id)  # type: ignore[arg-type]
    return render(
        request,
        "registry/participant.html",
        {
            "p": participant,
            "nik_shown": nik_for(user, participant.nik),  # type: ignore[arg-type]
            "memberships": participant_memberships(actor=user, participant=participant),  # type: ignore[arg-type]
            "can_reveal": user.can("nik.view"),  # type: ignore[union-attr]
        },
    )


@require_POST
@login_required
def participant_reveal_nik(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Show a participant's whole NIK to a role that may see it; every reveal is audited."""
    user = request.user
    require_capability(user, "nik.view")  # type: ignore[arg-type]
    participant = participant_get(actor=user, participant_id=participant_id)  # type: ignore[arg-type]
    audit_record(
        actor=user,
        action="nik.reveal",
        target=participant,
        rows=1,
        request=request,
        region_code=participant.kode_wilayah,
    )
    return HttpResponse(f"<code>{participant.nik}</code>")


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


@require_GET
@login_required
def employers(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = employer_list(actor=request.user, search=q or None)  # type: ignore[arg-type]
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "registry/employers.html", {"page": page, "q": q})


@require_GET
@login_required
def employer_detail(request: HttpRequest, employer_id: int) -> HttpResponse:
    """An employer and its workers per period; the workers of one period listed below."""
    user = request.user
    employer = employer_get(actor=user, employer_id=employer_id)  # type: ignore[arg-type]
    by_period = employer_workers_by_period(actor=user, employer=employer)  # type: ignore[arg-type]
    periode = request.GET.get("periode") or (by_period[0]["periode"] if by_period else None)
    workers = (
        employer_workers(actor=user, employer=employer, periode=periode)  # type: ignore[arg-type]
        if periode
        else []
    )
    page = Paginator(workers, 50).get_page(request.GET.get("page"))
    for m in page.object_list:
        m.nik_shown = nik_for(user, m.participant.nik)  # type: ignore[arg-type, union-attr]
    return render(
        request,
        "registry/employer.html",
        {"e": employer, "by_period": by_period, "periode": periode, "page": page},
    )
