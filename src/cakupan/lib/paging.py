"""Query strings for page links: the current filters, without the page number."""

from __future__ import annotations

from django.http import QueryDict
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000


def page_query(params: QueryDict) -> str:
    """`params` (a request's GET) url-encoded without `page`, for `_pager.html` links."""
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()


class BoundedPageNumberPagination(PageNumberPagination):
    """ninja's page-number pagination with an upper bound on `page`: an absurd page number
    (found by fuzzing: `?page=10**19`) overflowed the database's OFFSET into a 500; now it is a
    422 like any other invalid input, and every page within the bound answers (empty past the end)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)
