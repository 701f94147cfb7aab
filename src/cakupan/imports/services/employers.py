"""`employer_import`: the employer registry file (`npp,nib,npwp,nama,kbli,kode_wilayah,
kelompok_risiko,skala`), checked like every import, upserted by NPP in one transaction."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cakupan.accounts.scope import Actor, in_scope, require_capability
from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError
from cakupan.identity import parse_nib, parse_npp, parse_npwp
from cakupan.imports.models import ImportRecord, Outcome
from cakupan.imports.services.cells import parse_choice, region_unknown, required
from cakupan.imports.services.participants import (
    SHOWN_PROBLEMS,
    ImportResult,
    RegionOutOfScope,
    _default_rejects,
    _finish,
)
from cakupan.imports.services.problems import CellProblem, Problem, RejectsReport, problem
from cakupan.imports.services.readers import UnreadableFile, open_table
from cakupan.imports.services.staging import Staging
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
    require_capability(acting_user, "registry.import")
    progress = progress or Progress()
    started = time.monotonic()
    name = file_name or path.name
    user = acting_user if acting_user.__class__.__name__ == "User" else None
    record = ImportRecord.objects.create(
        kind="employers",
        file_name=name[:255],
        sha256="",
        options={"dry_run": dry_run, "partial": partial},
        created_by=user,
        created_by_label=getattr(user, "username", "") or "sistem",
        region_code=acting_user.region_code or "",
        job_id=job_id,
    )
    try:
        table = open_table(path, aliases=ALIASES, required=REQUIRED, display_name=name)
    except CakupanError as error:
        return _finish(record, Outcome.UNREADABLE, started, message=str(error), problems=[])
    codes = dict(Region.objects.values_list("code", "level"))
    report_path = rejects_path or _default_rejects(record)
    report = RejectsReport(report_path)
    staging = Staging(f"import_stage_{record.pk}", STAGE_COLUMNS, key="npp")
    seen: dict[str, int] = {}
    shown: list[Problem] = []
    total = rejected = 0
    progress.start(table.total)
    try:
        for baris, row in table.rows:
            total += 1
            found: list[Problem] = []

            def bad(
                kolom: str,
                error: CakupanError,
                row: dict[str, str] = row,
                baris: int = baris,
                found: list[Problem] = found,
            ) -> None:
                found.append(problem(baris, kolom, row.get(kolom, ""), error))

            def cell(kolom: str, parse: Any, bad: Any = bad, row: dict[str, str] = row) -> Any:
                if not row.get(kolom):
                    return None
                try:
                    return parse(row[kolom])
                except CellProblem as error:
                    bad(kolom, error)
                except CakupanError as error:
                    bad(kolom, error)
                return None

            for kolom in REQUIRED:
                if not row.get(kolom):
                    bad(kolom, required(kolom))
            npp = cell("npp", parse_npp)
            if npp and seen.setdefault(npp, baris) != baris:
                bad("npp", DuplicateNpp(pertama=seen[npp]))
            nib = cell("nib", parse_nib)
            npwp = cell("npwp", parse_npwp)
            kbli = cell("kbli", lambda v: _kbli(v, "kbli"))
            risk = cell("kelompok_risiko", lambda v: _risk(v, "kelompok_risiko"))
            skala = cell("skala", lambda v: parse_choice(v.lower(), "skala", tuple(Skala.values)))
            kode = row.get("kode_wilayah", "")
            if kode and kode not in codes:
                bad("kode_wilayah", region_unknown(kode))
            elif kode and not in_scope(acting_user, kode):
                bad("kode_wilayah", RegionOutOfScope(nilai=kode, lingkup=acting_user.region_code))
            for p in found:
                report.write(p)
                if len(shown) < SHOWN_PROBLEMS:
                    shown.append(p)
            if found:
                rejected += 1
            else:
                staging.add(
                    (
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
                )
            progress.advance()
        staging.finish()
        report.close()
        record.sha256 = table.sha256.hexdigest()
        record.rows_total, record.rows_rejected, record.problems = total, rejected, report.count
        if report.count:
            record.rejects_path = str(report_path)
        else:
            report_path.unlink(missing_ok=True)
        if dry_run or (rejected and not partial):
            outcome = Outcome.REJECTED if rejected else Outcome.CHECKED
            return _finish(record, outcome, started, problems=shown)
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                f"""INSERT INTO registry_employer (npp, nib, npwp, nama, kbli, kode_wilayah,
                      kelompok_risiko, skala, updated_at)
                    SELECT npp, nib, npwp, nama, kbli, kode_wilayah, kelompok_risiko, skala, %s
                    FROM {staging.name} WHERE 1=1
                    ON CONFLICT (npp) DO UPDATE SET nib = excluded.nib, npwp = excluded.npwp,
                      nama = excluded.nama, kbli = excluded.kbli,
                      kode_wilayah = excluded.kode_wilayah,
                      kelompok_risiko = excluded.kelompok_risiko, skala = excluded.skala,
                      updated_at = excluded.updated_at""",
                [timezone.now()],
            )
            record.rows_imported = staging.count
            audit_record(
                actor=acting_user,
                action="import",
                target=record,
                rows=staging.count,
                detail={"kind": "employers", "sha256": record.sha256},
            )
            outcome = Outcome.PARTIAL if rejected else Outcome.IMPORTED
            return _finish(record, outcome, started, problems=shown)
    except UnreadableFile as error:
        report.close()
        return _finish(record, Outcome.UNREADABLE, started, message=str(error), problems=shown)
    finally:
        staging.drop()
