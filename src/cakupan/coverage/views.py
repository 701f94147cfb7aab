"""Coverage pages: the dashboard (map, table, trend), its map data, exports, the PDF report for a
region, and the definitions and reconciliation page. Every export and report is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cakupan.accounts.scope import require_capability
from cakupan.audit.services import audit_record
from cakupan.coverage.dashboard import dashboard_build, dashboard_query_parse, map_geojson
from cakupan.coverage.forms import PublishedFigureForm
from cakupan.coverage.models import CoverageDefinition
from cakupan.coverage.reconciliation import mix_checks, published_figure_add, reconciliation_list
from cakupan.coverage.report import report_pdf
from cakupan.coverage.reporting import regency_report
from cakupan.errors import InvalidInput
from cakupan.lib.tabular import tabular_response
from cakupan.registry.models import Segmen


@require_GET
@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """The dashboard of a region: its areas on a map and in a table, the trend, the gap."""
    require_capability(request.user, "coverage.view")  # type: ignore[arg-type]
    query = dashboard_query_parse(request.user, request.GET)  # type: ignore[arg-type]
    board = dashboard_build(request.user, query, reverse("coverage"))  # type: ignore[arg-type]
    return render(
        request,
        "coverage/coverage.html",
        {
            "board": board,
            "q": query,
            "segments": Segmen.values,
            "can_export": request.user.can("coverage.export"),  # type: ignore[union-attr]
            "map_url": f"{reverse('coverage_map')}?{query.params()}",
        },
    )


@require_GET
@login_required
def coverage_map(request: HttpRequest) -> JsonResponse:
    """The dashboard's areas as GeoJSON, each with its colour, label and drill-down link."""
    require_capability(request.user, "coverage.view")  # type: ignore[arg-type]
    query = dashboard_query_parse(request.user, request.GET)  # type: ignore[arg-type]
    board = dashboard_build(request.user, query, reverse("coverage"))  # type: ignore[arg-type]
    response = JsonResponse(map_geojson(board))
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's table as CSV or XLSX, estimates marked; every export is audited."""
    user = request.user
    require_capability(user, "coverage.export")  # type: ignore[arg-type]
    query = dashboard_query_parse(user, request.GET)  # type: ignore[arg-type]
    board = dashboard_build(user, query, reverse("coverage"))  # type: ignore[arg-type]
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(
            kolom="format",
            pesan_rinci=f"format {fmt!r} tidak dikenal; pilih csv atau xlsx",
            detail=f"unknown format {fmt!r}; choose csv or xlsx",
        )
    table = board.table
    rows = table.records() if table else []
    columns = [*table.columns(), "peringkat", "sumber_penyebut"] if table else []
    if table and "penduduk_bekerja_estimasi" not in columns:
        columns.insert(columns.index("cakupan_persen") + 1, "penduduk_bekerja_estimasi")
    audit_record(
        actor=user,
        action="export",
        rows=len(rows),
        request=request,
        region_code=query.region_code,
        detail={"what": "coverage", "query": query.params(), "format": fmt},
    )
    return tabular_response(
        filename=f"cakupan-{query.region_code or 'ID'}-{query.periode}",
        columns=columns,
        rows=([r[c] for c in columns] for r in rows),
        fmt=fmt,
    )


@require_GET
@login_required
def coverage_report(request: HttpRequest) -> HttpResponse:
    """A one-page PDF report of a region and its areas (map, table, trend, definition)."""
    user = request.user
    require_capability(user, "coverage.export")  # type: ignore[arg-type]
    query = dashboard_query_parse(user, request.GET)  # type: ignore[arg-type]
    board = dashboard_build(user, query, reverse("coverage"))  # type: ignore[arg-type]
    report = regency_report(board, generated_by=user.get_username(), now=timezone.now())  # type: ignore[union-attr]
    pdf = report_pdf(report)
    audit_record(
        actor=user,
        action="export",
        rows=len(report.areas),
        request=request,
        region_code=query.region_code,
        detail={"what": "coverage_report", "query": query.params(), "format": "pdf"},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"laporan-cakupan-{query.region_code or 'ID'}-{query.periode}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Definitions, and published figures beside what each definition computes."""
    user = request.user
    require_capability(user, "coverage.view")  # type: ignore[arg-type]
    can_add = user.can("coverage.publish")  # type: ignore[union-attr]
    form = PublishedFigureForm(request.POST or None) if can_add else None
    if request.method == "POST":
        require_capability(user, "coverage.publish")  # type: ignore[arg-type]
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                published_figure_add(acting_user=user, **data)  # type: ignore[arg-type]
            except InvalidInput as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Published figure added."))
                return redirect("coverage_reconciliation")
    reconciled = reconciliation_list(actor=user)  # type: ignore[arg-type]
    return render(
        request,
        "coverage/reconciliation.html",
        {
            "definitions": CoverageDefinition.objects.all(),
            "reconciled": reconciled,
            "mix": mix_checks(reconciled),
            "form": form,
        },
    )
