"""Regions API: an area with its ancestors, and the areas below it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from cakupan.regions.selectors import region_ancestors, region_children, region_get

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    level: str
    name: str
    parent_code: str | None


class RegionDetailOut(RegionOut):
    ancestors: list[RegionOut]
    children: list[RegionOut]


def _out(r: object) -> RegionOut:
    return RegionOut(code=r.code, level=r.level, name=r.name, parent_code=r.parent_id)  # type: ignore[attr-defined]


@router.get("/{code}", response=RegionDetailOut, summary="One area with its ancestors and children")
def region_detail(request: HttpRequest, code: str) -> RegionDetailOut:
    region = region_get(code)
    return RegionDetailOut(
        **_out(region).dict(),
        ancestors=[_out(a) for a in region_ancestors(code)],
        children=[_out(c) for c in region_children(code)],
    )


@router.get("", response=list[RegionOut], summary="The provinces, or the areas below `parent`")
def region_list(request: HttpRequest, parent: str | None = None) -> list[RegionOut]:
    if parent:
        region_get(parent)
    return [_out(r) for r in region_children(parent)]
