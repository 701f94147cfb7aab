"""Coverage API: the `cakupan coverage` table and the trend of a region, as JSON."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cakupan.coverage.selectors import coverage_table, coverage_trend, filters_parse

router = Router(tags=["coverage"])


class CoverageQuery(Schema):
    region: str | None = Field(None, description="Region code, e.g. 51 (Bali); empty = Indonesia")
    level: str = Field("regency", description="province, regency, district or village")
    period: str = Field(..., description="Period YYYY-MM")
    by: str = Field(
        "", description="Breakdowns, comma-separated: segmen,jenis_kelamin,kelompok_umur"
    )
    sektor: str | None = Field(None, description="formal or informal (sets the denominator)")
    segmen: str | None = Field(None, description="PU, BPU, JAKON or PMI")
    jenis_kelamin: str | None = Field(None, description="L or P")
    compare: str | None = Field(None, description="Earlier period YYYY-MM: adds growth")
    target: Decimal | None = Field(
        None, description="Target coverage %; default: the one that applies"
    )


class NoticeOut(Schema):
    kode: str
    pesan: str
    message: str


class CoverageRowOut(Schema):
    kode_wilayah: str
    nama_wilayah: str
    peserta_aktif: int
    peserta_pu: int
    peserta_bpu: int
    peserta_disponsori: int
    penduduk_bekerja: int | None
    cakupan_persen: float | None
    penduduk_bekerja_estimasi: bool
    di_atas_100: bool
    peserta_aktif_banding: int | None = None
    pertumbuhan_persen: float | None = None
    perubahan_poin: float | None = None
    target_persen: float | None = None
    kekurangan: int | None = None
    peringkat: int | None = None
    segmen: str | None = None
    jenis_kelamin: str | None = None
    kelompok_umur: str | None = None


class CoverageOut(Schema):
    region: str | None
    level: str
    periode: str
    banding: str | None
    target_persen: float | None
    notices: list[NoticeOut]
    rows: list[CoverageRowOut]


class TrendPointOut(Schema):
    periode: str
    peserta_aktif: int
    penduduk_bekerja: int | None
    cakupan_persen: float | None
    estimasi: bool


EXAMPLE = {
    "region": "51",
    "level": "regency",
    "periode": "2023-12",
    "banding": "2022-12",
    "target_persen": 32.15,
    "notices": [],
    "rows": [
        {
            "kode_wilayah": "51.03",
            "nama_wilayah": "Kabupaten Badung",
            "peserta_aktif": 190512,
            "peserta_pu": 150230,
            "peserta_bpu": 30110,
            "peserta_disponsori": 4200,
            "penduduk_bekerja": 347000,
            "cakupan_persen": 54.9,
            "penduduk_bekerja_estimasi": False,
            "di_atas_100": False,
            "peserta_aktif_banding": 141200,
            "pertumbuhan_persen": 34.92,
            "perubahan_poin": 13.1,
            "target_persen": 32.15,
            "kekurangan": 0,
            "peringkat": 1,
        }
    ],
}


@router.get(
    "",
    response=CoverageOut,
    summary="Coverage of every area of `level` inside `region`",
    description=(
        "Active participants ÷ working population per area, from the per-period rollup. "
        "`cakupan_persen` is empty where the denominator is unknown; estimated denominators are "
        "flagged; `notices` says when a period has no data or coverage exceeds 100%."
    ),
    openapi_extra={
        "parameters": [
            {"name": "region", "in": "query", "example": "51"},
            {"name": "level", "in": "query", "example": "regency"},
            {"name": "period", "in": "query", "example": "2023-12"},
            {"name": "by", "in": "query", "example": "jenis_kelamin"},
            {"name": "compare", "in": "query", "example": "2022-12"},
        ],
        "responses": {"200": {"content": {"application/json": {"example": EXAMPLE}}}},
    },
)
def coverage(request: HttpRequest, q: Query[CoverageQuery]) -> dict[str, object]:
    by = tuple(b.strip() for b in q.by.split(",") if b.strip())
    table = coverage_table(
        actor=request.auth,  # type: ignore[attr-defined]
        region_code=q.region or None,
        level=q.level,
        periode=q.period,
        filters=filters_parse(sektor=q.sektor, segmen=q.segmen, jenis_kelamin=q.jenis_kelamin),
        by=by,
        banding=q.compare,
        target_persen=q.target,
    )
    return {
        "region": table.region_code,
        "level": table.level,
        "periode": table.periode,
        "banding": table.banding,
        "target_persen": None if table.target_persen is None else float(table.target_persen),
        "notices": [n.__dict__ for n in table.notices],
        "rows": table.records(),
    }


@router.get(
    "/trend",
    response=list[TrendPointOut],
    summary="Coverage of one region in every period with data, oldest first",
    openapi_extra={
        "parameters": [{"name": "region", "in": "query", "example": "51.03"}],
        "responses": {
            "200": {
                "content": {
                    "application/json": {
                        "example": [
                            {
                                "periode": "2022-12",
                                "peserta_aktif": 753000,
                                "penduduk_bekerja": 2437000,
                                "cakupan_persen": 30.9,
                                "estimasi": False,
                            }
                        ]
                    }
                }
            }
        },
    },
)
def trend(
    request: HttpRequest,
    region: str | None = None,
    sektor: str | None = None,
    jenis_kelamin: str | None = None,
) -> list[dict[str, object]]:
    points = coverage_trend(
        actor=request.auth,  # type: ignore[attr-defined]
        region_code=region or None,
        filters=filters_parse(sektor=sektor, jenis_kelamin=jenis_kelamin),
    )
    return [p.__dict__ for p in points]
