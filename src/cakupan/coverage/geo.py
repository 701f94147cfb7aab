"""Area boundaries for maps, from the GeoJSON files shipped in static/geo (see its README).

Bali has boundaries down to the village; the rest of Indonesia to the regency.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.conf import settings

GEO_DIR = settings.PACKAGE_DIR / "static" / "geo"
# Files per level, finest first: a code found in an earlier file wins.
FILES = {
    "province": ("indonesia-provinces",),
    "regency": ("bali-regencies", "indonesia-regencies"),
    "district": ("bali-districts",),
    "village": ("bali-villages",),
}


@lru_cache(maxsize=8)
def _geometries(name: str) -> dict[str, dict[str, Any]]:
    with open(GEO_DIR / f"{name}.geojson", encoding="utf-8") as f:
        data = json.load(f)
    return {feat["properties"]["code"]: feat["geometry"] for feat in data["features"]}


def geometry_of(level: str, code: str) -> dict[str, Any] | None:
    """The boundary of one area, or None where Cakupan ships none."""
    for name in FILES[level]:
        geometry = _geometries(name).get(code)
        if geometry:
            return geometry
    return None


def feature_collection(level: str, properties: list[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the areas in `properties` (each with `code`) that have a boundary."""
    features = []
    for props in properties:
        geometry = geometry_of(level, props["code"])
        if geometry:
            features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
