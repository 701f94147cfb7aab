"""Browse the region tree: an area, its ancestors and its children."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cakupan.regions.selectors import region_ancestors, region_children, region_get


@require_GET
@login_required
def regions(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code") or None
    region = region_get(code) if code else None
    return render(
        request,
        "regions/regions.html",
        {
            "region": region,
            "ancestors": region_ancestors(code) if code else [],
            "children": region_children(code),
        },
    )
