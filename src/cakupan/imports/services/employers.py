"""`employer_import`: the employer registry file (`npp,nib,npwp,nama,kbli,kode_wilayah,
kelompok_risiko,skala`), checked like every import, upserted by NPP in one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from cakupan.accounts.scope import Actor, in_scope
from cakupan.compliance.status import status_refresh
from cakupan.errors import CakupanError
from cakupan.identity import parse_nib, parse_npp, parse_npwp
from cakupan.imports.services.cells import parse_choice, region_unknown, required
from cakupan.imports.services.driver import FileKind, ImportResult, import_run
from cakupan.imports.services.participants import RegionOutOfScope
from cakupan.imports.services.problems import CellProblem, Problem, problem
from cakupan.imports.services.staging import Staging, update_changed
from cakupan.jobs.services import Progress
from cakupan.regions.models import Region
from cakupan.registry.models import Skala

COLUMNS = ("npp", "nib", "npwp", "nama", "kbli", "kode_wilayah", "kelompok_risiko", "skala")
REQUIRED = ("npp", "nama", "kode_wilayah")
ALIASES = {
    **{c: c for c in COLUMNS},
    "employer_number": "npp",
    "nomor_npp": "npp",
    "business_id": "nib",
    "tax_id": "npwp",
    "name": "nama",
    "nama_perusahaan": "nama",
    "company_name": "nama",
    "sector": "kbli",
    "kbli_2020": "kbli",
    "region_code": "kode_wilayah",
    "risk_group": "kelompok_risiko",
    "size": "skala",
    "size_class": "skala",
}
SIZES = tuple(Skala.values)
STAGE_COLUMNS = (
    ("baris", "integer"),
    ("npp", "varchar(8)"),
    ("nib", "varchar(13)"),
    ("npwp", "varchar(16)"),
    ("nama", "varchar(200)"),
    ("kbli", "varchar(5)"),
    ("kode_wilayah", "varchar(13)"),
    ("kelompok_risiko", "smallint"),
    ("skala", "varchar(10)"),
)


class DuplicateNpp(CakupanError):
    kode = "npp_ganda"
    pesan = "NPP ini sudah ada di baris {pertama} berkas yang sama."
    message = "This NPP already appears in row {pertama} of the same file."


def _kbli(value: str, kolom: str) -> str:
    if len(value) == 5 and value.isdigit():
        return value
    raise CellProblem(
        "kbli_tidak_valid",
        f"Kolom {kolom}: KBLI 2020 harus 5 angka, tertulis {value!r}.",
        f"Column {kolom}: a KBLI 2020 code has 5 digits, found {value!r}.",
    )


def _risk(value: str, kolom: str) -> int:
    if value in {"1", "2", "3", "4", "5"}:
        return int(value)
    raise CellProblem(
        "kelompok_risiko_tidak_valid",
        f"Kolom {kolom}: kelompok risiko JKK 1 sampai 5, tertulis {value!r}.",
        f"Column {kolom}: the JKK risk group is 1 to 5, found {value!r}.",
    )


class _Checker:
    """Checks employer rows; knows the regions and the NPPs already seen in the file."""

    def __init__(self, actor: Actor) -> None:
        self.codes = set(Region.objects.values_list("code", flat=True))
        self.seen: dict[str, int] = {}
        self.actor = actor

    def check(
        self, baris: int, row: dict[str, str]
    ) -> tuple[tuple[Any, ...] | None, list[Problem]]:
        found: list[Problem] = []

        def bad(kolom: str, error: CakupanError) -> None:
            found.append(problem(baris, kolom, row.get(kolom, ""), error))

        def cell(kolom: str, parse: Any) -> Any:
            if not row.get(kolom):
                return None
            try:
                return parse(row[kolom])
            except CakupanError as error:
                bad(kolom, error)
                return None

        for kolom in REQUIRED:
            if not row.get(kolom):
                bad(kolom, required(kolom))
        npp = cell("npp", parse_npp)
        if npp and self.seen.setdefault(npp, baris) != baris:
            bad("npp", DuplicateNpp(pertama=self.seen[npp]))
        nib = cell("nib", parse_nib)
        npwp = cell("npwp", parse_npwp)
        kbli = cell("kbli", lambda v: _kbli(v, "kbli"))
        risk = cell("kelompok_risiko", lambda v: _risk(v, "kelompok_risiko"))
        skala = cell("skala", lambda v: parse_choice(v.lower(), "skala", SIZES))
        kode = row.get("kode_wilayah", "")
        if kode and kode not in self.codes:
            bad("kode_wilayah", region_unknown(kode))
        elif kode and not in_scope(self.actor, kode):
            bad("kode_wilayah", RegionOutOfScope(nilai=kode, lingkup=self.actor.region_code))
        if found:
            return None, found
        clean = (
            baris,
            npp,
            nib or "",
            npwp or "",
            row["nama"][:200],
            kbli or "",
            kode,
            risk,
            skala or "",
        )
        return clean, found


def _merge(staging: Staging) -> dict[str, Any]:
    """Employers by NPP, rewriting a row only when a value changed."""
    columns = ("nib", "npwp", "nama", "kbli", "kode_wilayah", "kelompok_risiko", "skala")
    with connection.cursor() as c:
        c.execute(
            f"""INSERT INTO registry_employer (npp, {", ".join(columns)}, updated_at)
                SELECT npp, {", ".join(columns)}, %s FROM {staging.name} WHERE 1=1 ORDER BY npp
                ON CONFLICT (npp) DO {
                update_changed(
                    "registry_employer", columns, also="updated_at = excluded.updated_at"
                )
            }""",
            [timezone.now()],
        )
    return {"kepatuhan": status_refresh()}


EMPLOYERS = FileKind(
    name="employers",
    aliases=ALIASES,
    required=REQUIRED,
    stage_columns=STAGE_COLUMNS,
    stage_key="npp",
)


def employer_import(
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
    """Import employers; all-or-nothing unless `partial`; same file twice, same state."""
    return import_run(
        kind=EMPLOYERS,
        path=path,
        acting_user=acting_user,
        make_checker=lambda: _Checker(acting_user),
        merge=_merge,
        file_name=file_name,
        rejects_path=rejects_path,
        dry_run=dry_run,
        partial=partial,
        progress=progress,
        job_id=job_id,
    )
