"""What every page's shell needs: navigation for this user, the HTMX base template, the filters
of the current page for its page links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cakupan.lib.paging import page_query
from cakupan.web.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    htmx = getattr(request, "htmx", False)
    return {
        "navigation": navigation_for(user) if user is not None and user.is_authenticated else [],
        "base_template": "_partial.html" if htmx and not htmx.boosted else "base.html",
        "query": page_query(request.GET),  # the filters, kept by `_pager.html` links
    }
