"""Reads of the region tree: ancestors and descendants by code prefix, never by recursion."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Q, QuerySet

from cakupan.errors import RegionNotFound
from cakupan.regions.models import LEVELS, Region


def code_level(code: str) -> str:
    """The level a code's shape says: `51` province … `51.03.01.2001` village."""
    depth = code.count(".") + 1
    if not 1 <= depth <= len(LEVELS):
        raise RegionNotFound(kode_wilayah=code)
    return LEVELS[depth - 1]


def child_level(code: str | None) -> str | None:
    """The level one below `code` (provinces below Indonesia, None below a village)."""
    if code is None:
        return LEVELS[0]
    level = code_level(code)
    return None if level == "village" else LEVELS[LEVELS.index(level) + 1]


def ancestor_codes(code: str) -> list[str]:
    """Codes of the areas that contain `code`, outermost first (`51.03.01` → `51`, `51.03`)."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def within_q(field: str, code: str | None) -> Q:
    """Rows whose region code `field` is `code` or inside it (code prefix); `None` is everywhere.

    The one place that turns a region scope into a filter: every scoped read goes through it.
    """
    if code is None:
        return Q()
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def region_get(code: str) -> Region:
    """The region with `code`, or RegionNotFound."""
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise RegionNotFound(kode_wilayah=code) from None


def region_ancestors(code: str) -> QuerySet[Region]:
    """The areas containing `code`, outermost first."""
    return Region.objects.filter(code__in=ancestor_codes(code)).order_by("code")


def region_descendants(code: str | None, *, level: str | None = None) -> QuerySet[Region]:
    """Every area inside `code` (not itself), optionally only those of `level`."""
    qs = Region.objects.filter(code__startswith=code + ".") if code else Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def region_children(code: str | None) -> QuerySet[Region]:
    """The areas one level below `code` (provinces when `code` is None)."""
    if code is None:
        return Region.objects.filter(level="province").order_by("code")
    return Region.objects.filter(parent_id=code).order_by("code")


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    return frozenset(Region.objects.exclude(level="village").values_list("code", flat=True))


def region_exists(code: str) -> bool:
    """Whether a province, regency or district code exists (cached; the NIK check's lookup)."""
    return code in _known_codes()


def region_name_map(codes: list[str]) -> dict[str, str]:
    """Names of the given codes, in one query."""
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
