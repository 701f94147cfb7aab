"""Coverage API: the `cakupan coverage` table as JSON."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from cakupan.coverage.selectors import coverage_by_area

router = Router(tags=["coverage"])


class CoverageQuery(Schema):
    region: str | None = None
    level: str = "regency"
    period: str
    by: str = ""


class CoverageRowOut(Schema):
    kode_wilayah: str
    nama_wilayah: str
    peserta_aktif: int
    peserta_pu: int
    peserta_bpu: int
    penduduk_bekerja: int | None
    cakupan_persen: float | None
    segmen: str | None = None
    jenis_kelamin: str | None = None


@router.get(
    "",
    response=list[CoverageRowOut],
    summary="Coverage of every area of `level` inside `region`",
    openapi_extra={
        "parameters": [
            {"name": "region", "in": "query", "example": "51"},
            {"name": "level", "in": "query", "example": "regency"},
            {"name": "period", "in": "query", "example": "2023-12"},
            {"name": "by", "in": "query", "example": "jenis_kelamin"},
        ]
    },
)
def coverage(request: HttpRequest, q: Query[CoverageQuery]) -> list[dict[str, object]]:
    by = tuple(b.strip() for b in q.by.split(",") if b.strip())
    rows = coverage_by_area(
        actor=request.auth,  # type: ignore[attr-defined]
        region_code=q.region,
        level=q.level,
        periode=q.period,
        by=by,
    )
    return [r.as_dict() for r in rows]
