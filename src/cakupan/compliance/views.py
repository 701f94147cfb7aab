"""Compliance pages for BPJS staff and regional officers: the follow-up list (filters, export),
one employer's status with its reasons and follow-up, and the map of compliance by area."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cakupan.accounts.scope import require_capability
from cakupan.audit.services import audit_record
from cakupan.compliance.models import FollowUpState, Status
from cakupan.compliance.selectors import (
    ComplianceFilters,
    compliance_by_area,
    compliance_get,
    compliance_list,
    follow_up_for,
    latest_compliance_period,
)
from cakupan.compliance.services import follow_up_record
from cakupan.coverage import palette
from cakupan.coverage.geo import feature_collection
from cakupan.lib.paging import page_query
from cakupan.lib.tabular import tabular_response
from cakupan.regions.selectors import child_level, region_get
from cakupan.registry.models import Skala

EXPORT_COLUMNS = (
    "periode",
    "npp",
    "nib",
    "npwp",
    "nama",
    "kode_wilayah",
    "kbli",
    "skala",
    "status",
    "alasan",
    "pekerja_terdaftar",
    "pekerja_dilaporkan",
    "tindak_lanjut",
)


def _filters(request: HttpRequest) -> ComplianceFilters:
    g = request.GET
    return ComplianceFilters(
        region_code=g.get("region") or None,
        status=g.get("status") if "status" in g else "tidak_patuh",
        kbli=g.get("kbli") or None,
        skala=g.get("skala") or None,
        follow_up=g.get("tindak_lanjut") or None,
    )


def _area_level(user: object, region: str | None) -> str:
    return child_level(region or getattr(user, "region_code", None)) or "village"


@require_GET
@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """Employers and businesses that do not comply, to visit; the map and counts by area."""
    user = request.user
    require_capability(user, "compliance.view")  # type: ignore[arg-type]
    filters = _filters(request)
    rows = compliance_list(actor=user, filters=filters)  # type: ignore[arg-type]
    region = filters.region_code or user.region_code  # type: ignore[union-attr]
    level = _area_level(user, filters.region_code)
    areas = compliance_by_area(actor=user, region_code=filters.region_code, level=level)  # type: ignore[arg-type]
    legend = palette.legend("cakupan", [a.persen_patuh for a in areas])
    query = page_query(request.GET)
    return render(
        request,
        "compliance/compliance.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "filters": filters,
            "periode": latest_compliance_period(),
            "region": region_get(region) if region else None,
            "areas": areas,
            "legend": legend,
            "statuses": Status.choices,
            "sizes": Skala.choices,
            "states": FollowUpState.choices,
            "query": query,
            "map_url": f"{reverse('compliance_map')}?{query}",
            "can_export": user.can("compliance.followup") or user.can("coverage.export"),  # type: ignore[union-attr]
            "can_follow_up": user.can("compliance.followup"),  # type: ignore[union-attr]
        },
    )


@require_GET
@login_required
def compliance_map(request: HttpRequest) -> JsonResponse:
    """The share of compliant employers per area as GeoJSON for peta.js."""
    user = request.user
    filters = _filters(request)
    level = _area_level(user, filters.region_code)
    areas = compliance_by_area(actor=user, region_code=filters.region_code, level=level)  # type: ignore[arg-type]
    legend = palette.legend("cakupan", [a.persen_patuh for a in areas])
    props = []
    base = reverse("compliance")
    for a in areas:
        value = a.persen_patuh
        props.append(
            {
                "code": a.kode_wilayah,
                "name": a.nama_wilayah,
                "warna": palette.colour_for(value, legend),
                "label": (
                    _("%(p)s%% compliant") % {"p": palette.format_number(value, 1)}
                    if value is not None
                    else _("No data")
                ),
                "detail": _("%(n)s employers and businesses, %(k)s not compliant")
                % {"n": a.total, "k": a.total - a.patuh},
                **({"url": f"{base}?region={a.kode_wilayah}"} if level != "village" else {}),
            }
        )
    return JsonResponse(feature_collection(level, props))


@require_GET
@login_required
def compliance_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX; audited. Business identifiers only, no worker data."""
    user = request.user
    if not user.can("compliance.followup"):  # type: ignore[union-attr]
        require_capability(user, "coverage.export")  # type: ignore[arg-type]
    filters = _filters(request)
    rows = list(compliance_list(actor=user, filters=filters))  # type: ignore[arg-type]
    fmt = request.GET.get("format", "csv")
    fmt = fmt if fmt in ("csv", "xlsx") else "csv"
    audit_record(
        actor=user,
        action="export",
        rows=len(rows),
        request=request,
        region_code=filters.region_code or user.region_code,  # type: ignore[union-attr]
        detail={"what": "compliance", "query": request.GET.urlencode(), "format": fmt},
    )

    def values(r: object) -> list[object]:
        reasons = "; ".join(a["pesan"] for a in r.alasan)  # type: ignore[attr-defined]
        return [reasons if c == "alasan" else getattr(r, c) for c in EXPORT_COLUMNS]

    return tabular_response(
        filename=f"kepatuhan-{filters.region_code or user.region_code or 'ID'}",  # type: ignore[union-attr]
        columns=list(EXPORT_COLUMNS),
        rows=(values(r) for r in rows),
        fmt=fmt,
    )


@require_http_methods(["GET", "POST"])
@login_required
def compliance_detail(request: HttpRequest, status_id: int) -> HttpResponse:
    """One employer's or business's status, its reasons and its follow-up (state, notes)."""
    user = request.user
    row = compliance_get(actor=user, status_id=status_id)  # type: ignore[arg-type]
    if request.method == "POST":
        follow_up_record(
            acting_user=user,  # type: ignore[arg-type]
            row=row,
            state=request.POST.get("state", ""),
            catatan=request.POST.get("catatan", ""),
        )
        messages.success(request, _("Follow-up saved."))
        return redirect("compliance_detail", status_id=row.pk)
    follow = follow_up_for(row)
    return render(
        request,
        "compliance/detail.html",
        {
            "row": row,
            "follow": follow,
            "notes": follow.notes.select_related("created_by") if follow else [],
            "states": FollowUpState.choices,
            "can_follow_up": user.can("compliance.followup"),  # type: ignore[union-attr]
        },
    )
