"""`business_import`: the licensing system's (OSS) list of businesses
(`nib,npwp,nama,alamat,kode_wilayah,kbli,skala,jumlah_pekerja`), checked like every import, upserted
by NIB in one transaction, then matched to registered employers (compliance.matching)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from cakupan.accounts.scope import Actor, in_scope, require_capability
from cakupan.compliance.matching import business_match
from cakupan.compliance.models import Business
from cakupan.compliance.status import status_refresh
from cakupan.errors import CakupanError
from cakupan.identity import parse_nib, parse_npwp
from cakupan.imports.services.cells import parse_choice, region_unknown, required
from cakupan.imports.services.driver import FileKind, ImportResult, import_run
from cakupan.imports.services.participants import RegionOutOfScope
from cakupan.imports.services.problems import CellProblem, Problem, problem
from cakupan.imports.services.staging import Staging, update_changed
from cakupan.jobs.services import Progress
from cakupan.regions.models import Region
from cakupan.registry.models import Skala

COLUMNS = ("nib", "npwp", "nama", "alamat", "kode_wilayah", "kbli", "skala", "jumlah_pekerja")
REQUIRED = ("nib", "nama", "kode_wilayah", "jumlah_pekerja")
ALIASES = {
    **{c: c for c in COLUMNS},
    "business_id": "nib",
    "nomor_induk_berusaha": "nib",
    "tax_id": "npwp",
    "name": "nama",
    "nama_usaha": "nama",
    "nama_perusahaan": "nama",
    "business_name": "nama",
    "address": "alamat",
    "alamat_usaha": "alamat",
    "region_code": "kode_wilayah",
    "sector": "kbli",
    "kbli_2020": "kbli",
    "size": "skala",
    "skala_usaha": "skala",
    "workers": "jumlah_pekerja",
    "employees": "jumlah_pekerja",
    "jumlah_tenaga_kerja": "jumlah_pekerja",
}
SIZES = tuple(Skala.values)
MAX_WORKERS = 1_000_000  # no business in Indonesia employs more: a typing error
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
STAGE_COLUMNS = (
    ("baris", "integer"),
    ("nib", "varchar(13)"),
    ("npwp", "varchar(16)"),
    ("nama", "varchar(200)"),
    ("alamat", "varchar(300)"),
    ("kode_wilayah", "varchar(13)"),
    ("kbli", "varchar(5)"),
    ("skala", "varchar(10)"),
    ("jumlah_pekerja", "integer"),
)


class DuplicateNib(CakupanError):
    kode = "nib_ganda"
    pesan = "NIB ini sudah ada di baris {pertama} berkas yang sama."
    message = "This NIB already appears in row {pertama} of the same file."


def parse_kbli(value: str, kolom: str) -> str:
    """A KBLI 2020 business classification code: 5 digits."""
    if len(value) == 5 and value.isascii() and value.isdigit():
        return value
    raise CellProblem(
        "kbli_tidak_valid",
        f"Kolom {kolom}: KBLI 2020 harus 5 angka, tertulis {value!r}.",
        f"Column {kolom}: a KBLI 2020 code has 5 digits, found {value!r}.",
    )


def parse_worker_count(value: str, kolom: str) -> int:
    """A number of workers: a whole number from 0 to 1,000,000 (thousands may be grouped)."""
    text = value.replace(" ", "")
    if _GROUPED.match(text):
        text = text.replace(".", "").replace(",", "")
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise CellProblem(
            "angka_tidak_valid",
            f"Kolom {kolom}: {value!r} bukan bilangan bulat.",
            f"Column {kolom}: {value!r} is not a whole number.",
        )
    n = int(text)
    if n < 0:
        raise CellProblem(
            "jumlah_pekerja_negatif",
            f"Kolom {kolom}: jumlah pekerja tidak boleh negatif, tertulis {value}.",
            f"Column {kolom}: a number of workers cannot be negative, found {value}.",
        )
    if n > MAX_WORKERS:
        raise CellProblem(
            "jumlah_pekerja_tidak_wajar",
            f"Kolom {kolom}: {n:,} pekerja tidak wajar untuk satu usaha (batas 1.000.000).",
            f"Column {kolom}: {n:,} workers is absurd for one business (limit 1,000,000).",
        )
    return n


class _Checker:
    """Checks business rows; knows the regions and the NIBs already seen in the file."""

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
        nib = cell("nib", parse_nib)
        if nib and self.seen.setdefault(nib, baris) != baris:
            bad("nib", DuplicateNib(pertama=self.seen[nib]))
        npwp = cell("npwp", parse_npwp)
        kbli = cell("kbli", lambda v: parse_kbli(v, "kbli"))
        skala = cell("skala", lambda v: parse_choice(v.lower(), "skala", SIZES))
        workers = cell("jumlah_pekerja", lambda v: parse_worker_count(v, "jumlah_pekerja"))
        kode = row.get("kode_wilayah", "")
        if kode and kode not in self.codes:
            bad("kode_wilayah", region_unknown(kode))
        elif kode and not in_scope(self.actor, kode):
            bad("kode_wilayah", RegionOutOfScope(nilai=kode, lingkup=self.actor.region_code))
        if found:
            return None, found
        clean = (
            baris,
            nib,
            npwp or "",
            row["nama"][:200],
            (row.get("alamat") or "")[:300],
            kode,
            kbli or "",
            skala or "",
            workers,
        )
        return clean, found


def _merge(staging: Staging) -> dict[str, Any]:
    """Businesses by NIB, rewriting a row only when a value changed; then match the file's
    businesses to registered employers in the same transaction."""
    table = Business._meta.db_table
    columns = ("npwp", "nama", "alamat", "kode_wilayah", "kbli", "skala", "jumlah_pekerja")
    now = timezone.now()
    with connection.cursor() as c:
        c.execute(
            f"""INSERT INTO {table} (nib, {", ".join(columns)}, cocok_metode, updated_at)
                SELECT nib, {", ".join(columns)}, '', %s FROM {staging.name} WHERE 1=1
                ORDER BY nib
                ON CONFLICT (nib) DO {
                update_changed(table, columns, also="updated_at = excluded.updated_at")
            }""",
            [now],
        )
        c.execute(f"SELECT b.id FROM {table} b JOIN {staging.name} s ON s.nib = b.nib")
        ids = [r[0] for r in c.fetchall()]
    matched = business_match(business_ids=ids)
    return {"pencocokan": matched, "kepatuhan": status_refresh()}


BUSINESSES = FileKind(
    name="businesses",
    aliases=ALIASES,
    required=REQUIRED,
    stage_columns=STAGE_COLUMNS,
    stage_key="nib",
)


def business_import(
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
    """Import the OSS business list and match it; all-or-nothing unless `partial`; same file
    twice, same state."""
    require_capability(acting_user, "compliance.import")
    return import_run(
        kind=BUSINESSES,
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
