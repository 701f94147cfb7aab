"""Backups that restore: one archive holding the database, the certificate signing keys and a
manifest of what the database held (rows per table, coverage figures), checked after a restore.

Archive (`cakupan backup OUT`, a tar file):
    manifest.json          format, engine, time, rows per table, coverage figures, SHA-256s
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: `pg_dump --format=custom` of the same snapshot
    signing/<kid>.pem      the Ed25519 keys that sign compliance certificates

The manifest is computed in the same snapshot as the copy (PostgreSQL: a repeatable-read
transaction whose snapshot `pg_dump --snapshot` shares; SQLite: one read transaction that the
backup API copies from), so imports running meanwhile cannot make them disagree. The archive is
written to a temporary file and renamed: a killed backup never leaves a partial OUT.

`cakupan restore FILE` checks the archive's SHA-256s, replaces the database (SQLite: the backup
API into the live file; PostgreSQL: `pg_restore --clean --single-transaction`, all or nothing),
adds missing signing keys, then recomputes the manifest and compares it with the archive's.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from cakupan.accounts.scope import SystemActor
from cakupan.errors import CakupanError

FORMAT = 1
MANIFEST = "manifest.json"
# Tables whose every row is hashed into the manifest: the coverage figures and what they rest on.
FIGURE_TABLES = (
    "coverage_coveragefact",
    "coverage_coveragesnapshot",
    "coverage_workforce",
    "compliance_compliancestatus",
)
# Tables that hold what people entered; a database with rows here is not overwritten unasked.
DATA_TABLES = ("registry_participant", "accounts_user", "audit_auditentry", "imports_importrecord")


class BackupError(CakupanError):
    kode = "cadangan_gagal"
    pesan = "Cadangan/pemulihan gagal: {alasan_id}"
    message = "Backup/restore failed: {reason}"


class RestoreMismatch(CakupanError):
    kode = "pemulihan_tidak_sama"
    pesan = "Basis data hasil pemulihan berbeda dari cadangan: {beda}"
    message = "The restored database differs from the backup: {beda}"


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    keys_added: list[str]
    keys_kept: list[str]


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: Any) -> list[str]:
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        )
    return [r[0] for r in cursor.fetchall()]


def _digest(cursor: Any, table: str) -> str:
    """SHA-256 of every row of `table` in primary-key order (values as text, NULL as \\N)."""
    digest = hashlib.sha256()
    cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY 1")
    while rows := cursor.fetchmany(5000):
        for row in rows:
            digest.update("\t".join("\\N" if v is None else str(v) for v in row).encode() + b"\n")
    return digest.hexdigest()


def _figures() -> dict[str, Any]:
    """Coverage per province in every period built: what the dashboard and exports show."""
    from cakupan.coverage.models import CoverageSnapshot
    from cakupan.coverage.selectors import coverage_table

    figures: dict[str, Any] = {}
    for snapshot in CoverageSnapshot.objects.order_by("periode"):
        table = coverage_table(
            actor=SystemActor(), region_code=None, level="province", periode=snapshot.periode
        )
        figures[snapshot.periode] = {
            "peserta_aktif": snapshot.peserta_aktif,
            "provinsi": {
                str(r["kode_wilayah"]): [
                    r.get("peserta_aktif"),
                    r.get("penduduk_bekerja"),
                    None if r.get("cakupan_persen") is None else str(r["cakupan_persen"]),
                ]
                for r in table.records()
                if r.get("peserta_aktif") or r.get("penduduk_bekerja")
            },
        }
    return figures


def manifest_compute() -> dict[str, Any]:
    """Rows per table, digests of the figure tables and the coverage figures of the current
    database, read on Django's connection (call inside one snapshot for a consistent answer)."""
    with connection.cursor() as cursor:
        tables = _tables(cursor)
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
            rows[table] = int(cursor.fetchone()[0])
        digests = {t: _digest(cursor, t) for t in FIGURE_TABLES if t in tables}
    return {"rows": rows, "digests": digests, "figures": _figures()}


@contextmanager
def _snapshot() -> Iterator[str | None]:
    """One consistent read of the database on Django's connection; yields the PostgreSQL snapshot
    id for pg_dump (None on SQLite). Writers are never blocked."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0]
        return
    connection.ensure_connection()
    if not connection.get_autocommit() or connection.in_atomic_block:
        raise BackupError(
            alasan_id="cadangan SQLite harus dibuat di luar transaksi",
            reason="a SQLite backup must be made outside a transaction",
        )
    with connection.cursor() as cursor:
        # DEFERRED, not the IMMEDIATE of settings' transaction_mode: read, never block writers.
        cursor.execute("BEGIN DEFERRED")
        try:
            cursor.execute("SELECT count(*) FROM sqlite_master")  # starts the read snapshot
            yield None
        finally:
            cursor.execute("ROLLBACK")


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args + ["--dbname", str(s["NAME"]), "--no-password"], env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            alasan_id=f"program {command[0]} tidak ada; pasang postgresql-client",
            reason=f"{command[0]} is missing; install postgresql-client",
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = result.stderr.strip()[-800:]
        raise BackupError(
            alasan_id=f"{command[0]} keluar {result.returncode}: {tail}",
            reason=f"{command[0]} exited {result.returncode}: {tail}",
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _key_dir() -> Path:
    return Path(getattr(settings, "SIGNING_KEY_DIR", Path(settings.DATA_DIR) / "signing"))


def backup_create(*, out: Path) -> dict[str, Any]:
    """Write the archive to `out` (atomically); returns its manifest."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".cakupan-backup-", dir=out.parent))
    try:
        member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
        copy = work / member
        with _snapshot() as snapshot_id:
            manifest = manifest_compute()
            if snapshot_id is not None:
                args, env = _pg_args()
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot_id}",
                        "--file",
                        str(copy),
                        *args,
                    ],
                    env,
                )
            else:
                target = sqlite3.connect(copy)
                try:
                    connection.connection.backup(target)
                finally:
                    target.close()
        keys = sorted(_key_dir().glob("*.pem")) if _key_dir().is_dir() else []
        manifest = {
            "format": FORMAT,
            "engine": _engine(),
            "created_at": timezone.now().isoformat(),
            "database": {"member": member, "sha256": _sha256(copy), "bytes": copy.stat().st_size},
            "signing_keys": {f"signing/{k.name}": _sha256(k) for k in keys},
            **manifest,
        }
        partial = work / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            body = json.dumps(manifest, indent=1, sort_keys=True, default=str).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(body))
            tar.add(copy, arcname=member)
            for key in keys:
                tar.add(key, arcname=f"signing/{key.name}")
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(partial, 0o600)  # the archive holds every NIK and the signing keys
        os.replace(partial, out)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read_archive(path: Path, work: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r") as tar:
            manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
            names = [manifest["database"]["member"], *manifest.get("signing_keys", {})]
            for name in names:
                if "/" in name.removeprefix("signing/") or name.startswith(("/", "..")):
                    raise ValueError(f"unexpected member {name!r}")
            tar.extractall(work, members=[tar.getmember(n) for n in names], filter="data")
    except (OSError, KeyError, ValueError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(
            alasan_id=f"{path} bukan arsip cadangan Cakupan yang utuh ({error})",
            reason=f"{path} is not a whole Cakupan backup archive ({error})",
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            alasan_id=f"format arsip {manifest.get('format')!r} tidak dikenal",
            reason=f"unknown archive format {manifest.get('format')!r}",
        )
    expected = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    expected.update(manifest.get("signing_keys", {}))
    for name, sha in expected.items():
        if _sha256(work / name) != sha:
            raise BackupError(
                alasan_id=f"{name} di dalam arsip rusak (SHA-256 berbeda)",
                reason=f"{name} in the archive is damaged (SHA-256 differs)",
            )
    return manifest


def _holds_data() -> list[str]:
    with connection.cursor() as cursor:
        present = set(_tables(cursor))
        found = []
        for table in DATA_TABLES:
            if table in present:
                cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")
                if cursor.fetchone():
                    found.append(table)
    return found


def manifest_compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Differences between two manifests' rows, digests and figures, one line each."""
    differences = []
    for part in ("rows", "digests"):
        want, got = expected.get(part, {}), actual.get(part, {})
        for name in sorted(set(want) | set(got)):
            if want.get(name) != got.get(name):
                differences.append(f"{part} {name}: {want.get(name)} → {got.get(name)}")
    want_figures = json.loads(json.dumps(expected.get("figures", {}), default=str))
    got_figures = json.loads(json.dumps(actual.get("figures", {}), default=str))
    for periode in sorted(set(want_figures) | set(got_figures)):
        if want_figures.get(periode) != got_figures.get(periode):
            differences.append(f"figures {periode}")
    return differences


def backup_restore(*, path: Path, replace: bool = False) -> RestoreResult:
    """Replace the database with the archive at `path`, then check it against the manifest."""
    work = Path(tempfile.mkdtemp(prefix=".cakupan-restore-"))
    try:
        manifest = _read_archive(path, work)
        if manifest["engine"] != _engine():
            raise BackupError(
                alasan_id=f"cadangan {manifest['engine']} tidak bisa dipulihkan ke {_engine()}",
                reason=f"a {manifest['engine']} backup cannot be restored into {_engine()}",
            )
        if not replace and (found := _holds_data()):
            raise BackupError(
                alasan_id=f"basis data ini sudah berisi data ({', '.join(found)}); "
                "tambahkan --replace untuk menimpanya",
                reason=f"this database already holds data ({', '.join(found)}); "
                "add --replace to overwrite it",
            )
        copy = work / manifest["database"]["member"]
        if connection.vendor == "postgresql":
            connections.close_all()
            args, env = _pg_args()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    str(copy),
                ],
                env,
            )
        else:
            connection.ensure_connection()
            source = sqlite3.connect(copy)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            connections.close_all()
        added, kept = _restore_keys(work, manifest)
        with _snapshot():
            actual = manifest_compute()
        differences = manifest_compare(manifest, actual)
        if differences:
            raise RestoreMismatch(beda="; ".join(differences[:20]))
        return RestoreResult(manifest=manifest, keys_added=added, keys_kept=kept)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _restore_keys(work: Path, manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Add the archive's signing keys that are missing here; never overwrite a key."""
    folder = _key_dir()
    added, kept = [], []
    for name in manifest.get("signing_keys", {}):
        target = folder / Path(name).name
        if target.exists():
            if _sha256(target) != manifest["signing_keys"][name]:
                kept.append(target.name)
            continue
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copyfile(work / name, target)
        os.chmod(target, 0o600)
        added.append(target.name)
    return added, kept
