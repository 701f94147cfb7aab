"""Query strings for page links: the current filters, without the page number."""

from __future__ import annotations

from django.http import QueryDict


def page_query(params: QueryDict) -> str:
    """`params` (a request's GET) url-encoded without `page`, for `_pager.html` links."""
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()
