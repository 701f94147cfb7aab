"""The audit log page for bpjs_admin: browse and filter, never change."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cakupan.audit.models import AuditEntry
from cakupan.audit.selectors import audit_list


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
@login_required
def audit(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = audit_list(
        actor=request.user,  # type: ignore[arg-type]
        action=g.get("action") or None,
        who=g.get("who") or None,
        since=_date(g.get("since")),
        until=_date(g.get("until")),
    )
    page = Paginator(qs, 100).get_page(g.get("page"))
    return render(
        request,
        "audit/audit.html",
        {"page": page, "actions": AuditEntry.ACTIONS, "filters": g},
    )
