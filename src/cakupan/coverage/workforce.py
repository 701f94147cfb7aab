"""Working-population denominators: `workforce_import` of a BPS-style file at any region level, and
`workforce_estimate`, which fills lower levels where only a higher one is known.

Estimation (written into every estimated row's `sumber`, flagged `estimasi`): a parent's figure,
less what its children already have from a file, is shared among the other children in proportion
to the participants ever registered as living there (registry.Participant, any period) — the one
measure of where workers live that Cakupan holds for every village. Shares are rounded by largest
remainder so children always add up to the parent. An estimate pulls an area's coverage towards
its parent's; only imported figures show real local differences.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from cakupan.accounts.scope import Actor
from cakupan.coverage.models import Workforce
from cakupan.errors import CakupanError
from cakupan.imports.services.cells import (
    parse_choice,
    parse_month,
    region_unknown,
    required_cell,
)
from cakupan.imports.services.driver import FileKind, ImportResult, import_run
from cakupan.imports.services.problems import CellProblem, Problem, problem
from cakupan.imports.services.staging import Staging, update_changed
from cakupan.jobs.services import Progress
from cakupan.regions.models import Region

COLUMNS = ("kode_wilayah", "periode", "sektor", "jenis_kelamin", "penduduk_bekerja", "sumber")
REQUIRED = COLUMNS[:5]
ALIASES = {
    **{c: c for c in COLUMNS},
    "region_code": "kode_wilayah",
    "period": "periode",
    "sector": "sektor",
    "sex": "jenis_kelamin",
    "jk": "jenis_kelamin",
    "employed": "penduduk_bekerja",
    "employed_population": "penduduk_bekerja",
    "workers": "penduduk_bekerja",
    "source": "sumber",
}
SECTORS = ("formal", "informal", "semua")
SEXES = ("L", "P", "semua")
MAX_WORKERS = 200_000_000  # more than Indonesia's whole working population: a typing error
STAGE_COLUMNS = (
    ("baris", "integer"),
    ("kode_wilayah", "varchar(13)"),
    ("periode", "varchar(7)"),
    ("sektor", "varchar(8)"),
    ("jenis_kelamin", "varchar(5)"),
    ("penduduk_bekerja", "bigint"),
    ("sumber", "varchar(200)"),
)


class DuplicateCell(CakupanError):
    kode = "penyebut_ganda"
    pesan = "Wilayah, periode, sektor dan jenis kelamin ini sudah ada di baris {pertama}."
    message = "This region, period, sector and sex already appear in row {pertama}."


def parse_workers(value: str, kolom: str) -> int:
    """A count of employed people: a whole number above zero (thousands may be grouped)."""
    text = value.replace(" ", "").replace(".", "").replace(",", "")
    if not text.lstrip("-").isdigit():
        raise CellProblem(
            "angka_tidak_valid",
            f"Kolom {kolom}: {value!r} bukan bilangan bulat.",
            f"Column {kolom}: {value!r} is not a whole number.",
        )
    n = int(text)
    if n <= 0:
        raise CellProblem(
            "penyebut_tidak_positif",
            f"Kolom {kolom}: penduduk bekerja harus lebih dari 0, tertulis {value}. "
            "Cakupan tidak bisa dihitung dari penyebut nol atau negatif.",
            f"Column {kolom}: the working population must be above 0, found {value}. "
            "Coverage cannot be computed from a zero or negative denominator.",
        )
    if n > MAX_WORKERS:
        raise CellProblem(
            "penyebut_tidak_wajar",
            f"Kolom {kolom}: {n:,} melebihi seluruh penduduk bekerja Indonesia.",
            f"Column {kolom}: {n:,} exceeds Indonesia's whole working population.",
        )
    return n


class _Checker:
    def __init__(self, default_source: str) -> None:
        self.codes = set(Region.objects.values_list("code", flat=True))
        self.seen: dict[tuple[str, ...], int] = {}
        self.default_source = default_source

    def check(
        self, baris: int, row: dict[str, str]
    ) -> tuple[tuple[Any, ...] | None, list[Problem]]:
        found: list[Problem] = []

        def cell(kolom: str, parse: Any) -> Any:
            return required_cell(baris, row, kolom, parse, found)

        kode = cell("kode_wilayah", self._region)
        periode = cell("periode", lambda v: parse_month(v, "periode"))
        sektor = cell("sektor", lambda v: parse_choice(v.lower(), "sektor", SECTORS))
        sex = cell("jenis_kelamin", lambda v: parse_choice(v, "jenis_kelamin", SEXES))
        workers = cell("penduduk_bekerja", lambda v: parse_workers(v, "penduduk_bekerja"))
        if found:
            return None, found
        key = (kode, periode, sektor, sex)
        if self.seen.setdefault(key, baris) != baris:
            found.append(
                problem(baris, "kode_wilayah", kode, DuplicateCell(pertama=self.seen[key]))
            )
            return None, found
        sumber = (row.get("sumber") or self.default_source)[:200]
        return (baris, kode, periode, sektor, sex, workers, sumber), found

    def _region(self, value: str) -> str:
        if value not in self.codes:
            raise region_unknown(value)
        return value


def _merge(staging: Staging) -> dict[str, Any]:
    """Upsert the file's figures (they replace estimates of the same cell), then re-estimate."""
    cols = ("penduduk_bekerja", "sumber", "estimasi")
    table = Workforce._meta.db_table
    with connection.cursor() as c:
        c.execute(
            f"""INSERT INTO {table}
                (kode_wilayah, periode, sektor, jenis_kelamin, penduduk_bekerja, sumber, estimasi)
                SELECT kode_wilayah, periode, sektor, jenis_kelamin, penduduk_bekerja, sumber,
                       %s FROM {staging.name} WHERE 1=1 ORDER BY baris
                ON CONFLICT (kode_wilayah, periode, sektor, jenis_kelamin)
                DO {update_changed(table, cols)}""",
            [False],
        )
        c.execute(f"SELECT DISTINCT periode FROM {staging.name}")
        periods = sorted(r[0] for r in c.fetchall())
    estimated = sum(workforce_estimate(p) for p in periods)
    return {"periode": periods, "estimasi": estimated}


WORKFORCE = FileKind(
    name="workforce",
    aliases=ALIASES,
    required=REQUIRED,
    stage_columns=STAGE_COLUMNS,
    stage_key="kode_wilayah",
)


def workforce_import(
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
    """Import working-population figures; all-or-nothing unless `partial`."""
    name = file_name or path.name
    return import_run(
        kind=WORKFORCE,
        path=path,
        acting_user=acting_user,
        make_checker=lambda: _Checker(f"berkas {name}"[:200]),
        merge=_merge,
        file_name=file_name,
        rejects_path=rejects_path,
        dry_run=dry_run,
        partial=partial,
        progress=progress,
        job_id=job_id,
    )


def _registered_by_area() -> dict[str, int]:
    """Participants ever registered per area code, rolled up to every prefix level."""
    with connection.cursor() as c:
        c.execute("SELECT kode_wilayah, count(*) FROM registry_participant GROUP BY kode_wilayah")
        rows = c.fetchall()
    total: dict[str, int] = defaultdict(int)
    for code, n in rows:
        parts = code.split(".")
        for i in range(1, len(parts) + 1):
            total[".".join(parts[:i])] += n
    return total


def _share(amount: int, weights: dict[str, int]) -> dict[str, int]:
    """`amount` split in proportion to `weights`, whole numbers adding up (largest remainder)."""
    total = sum(weights.values())
    exact = {k: amount * w / total for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    left = amount - sum(out.values())
    for k in sorted(exact, key=lambda k: exact[k] - out[k], reverse=True)[:left]:
        out[k] += 1
    return out


@transaction.atomic
def workforce_estimate(periode: str) -> int:
    """Re-estimate the lower levels of `periode` from the imported figures; returns rows written."""
    Workforce.objects.filter(periode=periode, estimasi=True).delete()
    known: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    sources: dict[str, str] = {}
    for w in Workforce.objects.filter(periode=periode):
        known[w.kode_wilayah][(w.sektor, w.jenis_kelamin)] = w.penduduk_bekerja
        sources[w.kode_wilayah] = w.sumber
    if not known:
        return 0
    children: dict[str, list[str]] = defaultdict(list)
    query = Region.objects.exclude(level="province")
    if len(known) <= 50:
        inside = Q()
        for code in known:
            inside |= Q(code__startswith=code + ".")
        query = query.filter(inside)
    for code, parent in query.values_list("code", "parent_id"):
        children[parent].append(code)
    weights = _registered_by_area()

    figures = {code: dict(cells) for code, cells in known.items()}
    origin = {code: code for code in known}
    made: list[Workforce] = []
    queue = sorted(known, key=lambda c: c.count("."))
    while queue:
        parent = queue.pop(0)
        kids = children.get(parent, [])
        if not kids:
            continue
        for cell, amount in figures[parent].items():
            taken = sum(known[k][cell] for k in kids if cell in known.get(k, {}))
            open_kids = {k: weights.get(k, 0) for k in kids if cell not in known.get(k, {})}
            open_kids = {k: w for k, w in open_kids.items() if w > 0}
            left = amount - taken
            if left <= 0 or not open_kids:
                continue
            for kid, n in _share(left, open_kids).items():
                if n <= 0:
                    continue
                figures.setdefault(kid, {})[cell] = n
                origin[kid] = origin[parent]
                source = sources.get(origin[parent], "")
                made.append(
                    Workforce(
                        kode_wilayah=kid,
                        periode=periode,
                        sektor=cell[0],
                        jenis_kelamin=cell[1],
                        penduduk_bekerja=n,
                        estimasi=True,
                        sumber=(
                            f"estimasi dari {origin[parent]} menurut sebaran peserta terdaftar "
                            f"({source})"
                        )[:200],
                    )
                )
        queue.extend(k for k in kids if k in figures and k not in queue)
    Workforce.objects.bulk_create(made, batch_size=5000)
    return len(made)


def workforce_estimate_all() -> int:
    """Re-estimate every period (the weights change when participants are imported)."""
    periods = Workforce.objects.filter(estimasi=False).values_list("periode", flat=True).distinct()
    return sum(workforce_estimate(p) for p in sorted(periods))
