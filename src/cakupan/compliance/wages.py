"""`wage_import`: minimum wages (`kode_wilayah,tahun,upah_minimum,dasar,catatan`), one row per region
and year with the decree it comes from; an imported figure replaces the same region and year."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import connection

from cakupan.accounts.scope import Actor
from cakupan.compliance.models import MinimumWage
from cakupan.errors import CakupanError
from cakupan.imports.services.cells import region_unknown, required_cell
from cakupan.imports.services.driver import FileKind, ImportResult, import_run
from cakupan.imports.services.problems import CellProblem, Problem, problem
from cakupan.imports.services.staging import Staging, update_changed
from cakupan.jobs.services import Progress
from cakupan.regions.models import Region

COLUMNS = ("kode_wilayah", "tahun", "upah_minimum", "dasar", "catatan")
ALIASES = {
    **{c: c for c in COLUMNS},
    "region_code": "kode_wilayah",
    "year": "tahun",
    "minimum_wage": "upah_minimum",
    "umk": "upah_minimum",
    "ump": "upah_minimum",
    "decree": "dasar",
    "source": "dasar",
    "sumber": "dasar",
    "note": "catatan",
}
STAGE_COLUMNS = (
    ("baris", "integer"),
    ("kode_wilayah", "varchar(13)"),
    ("tahun", "integer"),
    ("upah_minimum", "numeric(14,2)"),
    ("dasar", "varchar(200)"),
    ("catatan", "varchar(300)"),
)


class DuplicateWage(CakupanError):
    kode = "upah_minimum_ganda"
    pesan = "Wilayah dan tahun ini sudah ada di baris {pertama}."
    message = "This region and year already appear in row {pertama}."


def _year(value: str) -> int:
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    raise CellProblem(
        "tahun_tidak_valid",
        f"Kolom tahun: {value!r} bukan tahun (2000–2100).",
        f"Column tahun: {value!r} is not a year (2000–2100).",
    )


def _wage(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(" ", ""))
    except InvalidOperation:
        amount = Decimal(-1)
    if not Decimal(100_000) <= amount <= Decimal(100_000_000):
        raise CellProblem(
            "upah_minimum_tidak_wajar",
            f"Kolom upah_minimum: {value!r} bukan upah bulanan yang wajar (Rp 100.000–100.000.000).",
            f"Column upah_minimum: {value!r} is not a plausible monthly wage (Rp 100,000–100,000,000).",
        )
    return amount


class _Checker:
    def __init__(self) -> None:
        self.codes = set(
            Region.objects.filter(level__in=["province", "regency"]).values_list("code", flat=True)
        )
        self.seen: dict[tuple[str, int], int] = {}

    def check(
        self, baris: int, row: dict[str, str]
    ) -> tuple[tuple[Any, ...] | None, list[Problem]]:
        found: list[Problem] = []

        def cell(kolom: str, parse: Any) -> Any:
            return required_cell(baris, row, kolom, parse, found)

        kode = cell("kode_wilayah", self._region)
        tahun = cell("tahun", _year)
        upah = cell("upah_minimum", _wage)
        dasar = cell("dasar", lambda v: v[:200])
        if found:
            return None, found
        if self.seen.setdefault((kode, tahun), baris) != baris:
            err = DuplicateWage(pertama=self.seen[(kode, tahun)])
            return None, [problem(baris, "kode_wilayah", kode, err)]
        return (baris, kode, tahun, upah, dasar, (row.get("catatan") or "")[:300]), found

    def _region(self, value: str) -> str:
        if value not in self.codes:
            raise region_unknown(value)
        return value


def _merge(staging: Staging) -> dict[str, Any]:
    from cakupan.compliance.status import status_refresh

    table = MinimumWage._meta.db_table
    cols = ("upah_minimum", "dasar", "catatan")
    with connection.cursor() as c:
        c.execute(
            f"""INSERT INTO {table} (kode_wilayah, tahun, upah_minimum, dasar, catatan)
                SELECT kode_wilayah, tahun, upah_minimum, dasar, catatan FROM {staging.name}
                WHERE 1=1 ORDER BY baris
                ON CONFLICT (kode_wilayah, tahun) DO {update_changed(table, cols)}"""
        )
    return {"kepatuhan": status_refresh()}


WAGES = FileKind(
    name="wages",
    aliases=ALIASES,
    required=("kode_wilayah", "tahun", "upah_minimum", "dasar"),
    stage_columns=STAGE_COLUMNS,
    stage_key="kode_wilayah",
)


def wage_import(
    *,
    path: Path,
    acting_user: Actor,
    file_name: str | None = None,
    rejects_path: Path | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Import minimum wages; all-or-nothing unless `partial`; compliance is then recomputed."""
    return import_run(
        kind=WAGES,
        path=path,
        acting_user=acting_user,
        make_checker=_Checker,
        merge=_merge,
        file_name=file_name,
        rejects_path=rejects_path,
        dry_run=dry_run,
        partial=partial,
        progress=progress,
        job_id=job_id,
    )
