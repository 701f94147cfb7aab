"""Scratch databases driven by the real `cakupan` command in subprocesses, for fault tests.

The test database of pytest-django lives in memory (SQLite) or inside one connection's
transaction, where no other process can see it; faults need other processes. So each test gets
its own committed database, copied from a session template (SQLite: a file copy; PostgreSQL:
`CREATE DATABASE … TEMPLATE`), on the engine the suite runs on (`DATABASE_URL`).

`Scratch.fingerprint()` reads what the registry and its derived tables say (ids left out, since
a killed transaction may still consume sequence numbers), so "as before" and "as after an
uninterrupted run" are comparisons of two dicts.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]

FINGERPRINT = {
    "participants": (
        "SELECT nik, nama, tanggal_lahir, jenis_kelamin, kode_wilayah "
        "FROM registry_participant ORDER BY nik"
    ),
    "memberships": (
        "SELECT p.nik, m.periode, m.kpj, m.segmen, e.npp, m.kode_wilayah, m.program, m.upah, "
        "m.tmt, m.bulan_iuran_terakhir FROM registry_membership m "
        "JOIN registry_participant p ON p.id = m.participant_id "
        "LEFT JOIN registry_employer e ON e.id = m.employer_id ORDER BY 1, 2"
    ),
    "employers": "SELECT npp, nama, kode_wilayah FROM registry_employer ORDER BY npp",
    "coverage_facts": (
        "SELECT periode, tingkat, kode_wilayah, segmen, jenis_kelamin, kelompok_umur, "
        "disponsori, peserta FROM coverage_coveragefact ORDER BY 1, 2, 3, 4, 5, 6, 7"
    ),
    "coverage_snapshots": (
        "SELECT periode, peserta_aktif FROM coverage_coveragesnapshot ORDER BY periode"
    ),
    "workforce": (
        "SELECT kode_wilayah, periode, sektor, jenis_kelamin, penduduk_bekerja, estimasi "
        "FROM coverage_workforce ORDER BY 1, 2, 3, 4"
    ),
    "compliance": (
        "SELECT periode, npp, nib, status, pekerja_terdaftar FROM compliance_compliancestatus "
        "ORDER BY 1, 2, 3"
    ),
}

# A NIK as it must never appear unmasked in logs: 16 digits, a province code, a DDMMYY birth
# date (day + 40 for women).
NIK_RE = re.compile(
    r"(?<![0-9*])(?:1[1-9]|[2-9][0-9])\d{4}(?:[0-6]\d|7[01])(?:0[1-9]|1[0-2])\d{6}(?!\d)"
)


def pg_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(_with_db(url, "postgres"), autocommit=True)


@dataclass
class Scratch:
    """One committed database and data folder for subprocesses."""

    url: str
    data_dir: Path
    name: str
    logs: list[str] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST", "DJANGO_SETTINGS")) and k != "DATABASE_URL"
        }
        env.update(
            DATABASE_URL=self.url,
            CAKUPAN_DATA_DIR=str(self.data_dir),
            SECRET_KEY="reliability-tests",
            PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            CAKUPAN_LOG_LEVEL="INFO",
        )
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "cakupan.cli", *args]

    def run(
        self, *args: str, check: bool = True, timeout: float = 300, **env: str
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args),
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            cwd=self.data_dir,
            check=False,
        )
        self.logs.append(result.stderr)
        if check and result.returncode != 0:
            raise AssertionError(
                f"cakupan {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
            )
        return result

    def popen(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=self.data_dir,
        )

    def python(self, code: str, **env: str) -> str:
        """Run `code` with Django set up on this database; returns its stdout."""
        prelude = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cakupan.settings'); django.setup()\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
            cwd=self.data_dir,
            check=False,
        )
        self.logs.append(result.stderr)
        if result.returncode != 0:
            raise AssertionError(f"python snippet failed:\n{result.stderr[-4000:]}")
        return result.stdout

    # --- reading the database from the test process ------------------------------------------

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.sqlite_path, timeout=60)
            return conn
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self.connect()
        try:
            if self.vendor != "sqlite":
                sql = sql.replace("?", "%s")
            cur = conn.cursor()
            cur.execute(sql, params)
            return list(cur.fetchall())
        finally:
            conn.close()

    def fingerprint(self) -> dict[str, str]:
        """SHA-256 (and row count) of what each registry or derived table says."""
        conn = self.connect()
        out = {}
        try:
            cur = conn.cursor()
            for name, sql in FINGERPRINT.items():
                cur.execute(sql)
                digest = hashlib.sha256()
                n = 0
                for row in cur.fetchall():
                    n += 1
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
                out[name] = f"{n}:{digest.hexdigest()[:16]}"
        finally:
            conn.close()
        return out

    # --- copies -------------------------------------------------------------------------------

    def copy(self, name: str, folder: Path) -> Scratch:
        data_dir = folder / f"data-{name}"
        data_dir.mkdir(parents=True, exist_ok=True)
        if self.vendor == "sqlite":
            target = folder / f"{name}.sqlite3"
            source = sqlite3.connect(self.sqlite_path)
            dest = sqlite3.connect(target)
            source.backup(dest)
            source.close()
            dest.close()
            return Scratch(url=f"sqlite:///{target}", data_dir=data_dir, name=name)
        server = pg_server_url()
        assert server
        with _pg_admin(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        return Scratch(url=_with_db(server, name), data_dir=data_dir, name=name)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            server = pg_server_url()
            assert server
            with _pg_admin(server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def unmasked_niks_in_logs(self) -> list[str]:
        return sorted({m for log in self.logs for m in NIK_RE.findall(log)})


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def new_scratch(name: str, folder: Path) -> Scratch:
    """An empty database (not yet migrated) named `name`."""
    data_dir = folder / f"data-{name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pg_server_url()
    if server is None:
        path = folder / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return Scratch(url=f"sqlite:///{path}", data_dir=data_dir, name=name)
    with _pg_admin(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return Scratch(url=_with_db(server, name), data_dir=data_dir, name=name)


def scratch_prefix() -> str:
    """Database names of this run: beside pytest-django's test database, never another run's."""
    server = pg_server_url()
    base = urlsplit(server).path.lstrip("/") if server else "sqlite"
    return f"test_{base}_rel"


def wait_for(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.02) -> Any:
    """Poll `predicate` until it returns something true; that value, or None at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL: no handler, no finally, no atexit runs."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def writer_active(scratch: Scratch) -> bool:
    """Whether another process is inside a write transaction right now (it holds the write lock
    on SQLite; on PostgreSQL its backend has a transaction id)."""
    if scratch.vendor == "sqlite":
        conn = sqlite3.connect(scratch.sqlite_path, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    rows = scratch.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid() "
        "AND application_name NOT LIKE 'pg_%%'"
    )
    return bool(rows)


def copy_file(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def report(kind: str, **figures: Any) -> None:
    """Append one result line (JSON) to $CAKUPAN_RELIABILITY_REPORT when it is set: the figures
    of docs/reliability.md come from such a run."""
    target = os.environ.get("CAKUPAN_RELIABILITY_REPORT")
    if not target:
        return
    import json

    with open(target, "a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": kind, "engine": _engine_name(), **figures}) + "\n")


def _engine_name() -> str:
    return "postgresql" if pg_server_url() else "sqlite"
