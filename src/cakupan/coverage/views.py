"""Coverage pages: a table per level with drill-down and breadcrumbs, and audited exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cakupan.accounts.scope import effective_region, require_capability
from cakupan.audit.services import audit_record
from cakupan.coverage.selectors import (
    COLUMNS,
    coverage_by_area,
    coverage_periods,
    coverage_summary,
)
from cakupan.lib.tabular import tabular_response
from cakupan.regions.models import Level
from cakupan.regions.selectors import child_level, code_level, region_ancestors, region_get


@require_GET
@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage of a region and of each area one level below it, for a period."""
    user = request.user
    require_capability(user, "coverage.view")  # type: ignore[arg-type]
    region_code = effective_region(user, request.GET.get("region") or None)  # type: ignore[arg-type]
    periods = coverage_periods()
    periode = request.GET.get("periode") or (periods[0] if periods else None)
    level = child_level(region_code)
    rows = []
    summary = None
    if periode:
        summary = coverage_summary(actor=user, region_code=region_code, periode=periode)  # type: ignore[arg-type]
        if level:
            rows = coverage_by_area(
                actor=user,
                region_code=region_code,
                level=level,
                periode=periode,  # type: ignore[arg-type]
            )
    return render(
        request,
        "coverage/coverage.html",
        {
            "region": region_get(region_code) if region_code else None,
            "ancestors": region_ancestors(region_code) if region_code else [],
            "periods": periods,
            "periode": periode,
            "summary": summary,
            "rows": rows,
            "level": level,
            "drill": level != "village",
            "level_label": Level(level).label if level else "",
            "can_export": user.can("coverage.export"),  # type: ignore[union-attr]
        },
    )


@require_GET
@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    """The coverage table as CSV or XLSX; every export is audited."""
    user = request.user
    require_capability(user, "coverage.export")  # type: ignore[arg-type]
    region_code = effective_region(user, request.GET.get("region") or None)  # type: ignore[arg-type]
    periode = request.GET.get("periode", "")
    level = child_level(region_code) or code_level(region_code or "")
    rows = coverage_by_area(actor=user, region_code=region_code, level=level, periode=periode)  # type: ignore[arg-type]
    fmt = request.GET.get("format", "csv")
    audit_record(
        actor=user,
        action="export",
        rows=len(rows),
        request=request,
        region_code=region_code,
        detail={"what": "coverage", "periode": periode, "level": level, "format": fmt},
    )
    return tabular_response(
        filename=f"cakupan-{region_code or 'ID'}-{periode}",
        columns=list(COLUMNS),
        rows=([r.as_dict()[c] for c in COLUMNS] for r in rows),
        fmt=fmt,
    )
