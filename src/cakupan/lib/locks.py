"""Locks between processes, on either database: one writer at a time, and "is it still running?".

- `serialized(name, wait_seconds=…)`: a transaction that is the only one holding `name`. On
  PostgreSQL a transaction-level advisory lock (`pg_try_advisory_xact_lock`, polled); on SQLite the
  database write lock that `BEGIN IMMEDIATE` takes (settings: `transaction_mode`), retried past
  `busy_timeout`. Waits up to `wait_seconds`, then raises `Busy`; a killed holder's lock goes
  with its connection.
- `running(kind, ident)` / `is_running(kind, ident)`: a process holds a lock while it works on
  `ident` (a job, an import); another process asks whether anyone still holds it. PostgreSQL: a
  session advisory lock, seen by every session in `pg_locks`; SQLite (one machine): `flock` on a
  file in `CAKUPAN_DATA_DIR/run/`. The kernel or the server drops the lock when the process dies,
  however it dies (SIGKILL included), so a dead worker's job is recognised as dead.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction

from cakupan.errors import CakupanError

POLL_SECONDS = 0.2
# First key of every advisory lock Cakupan takes ("CKP" in ASCII): other software sharing the
# PostgreSQL database keeps to other numbers.
_NAMESPACE = 0x434B50


class Busy(CakupanError):
    kode = "sedang_sibuk"
    pesan = (
        "Pekerjaan lain sedang menulis {apa}; sudah menunggu {detik} detik. Tidak ada yang "
        "diubah: jalankan lagi setelah pekerjaan itu selesai."
    )
    message = (
        "Another piece of work is writing {what}; waited {detik} seconds. Nothing was changed: "
        "run it again once that work has finished."
    )
    http_status = 409


def _key(name: str) -> int:
    """A stable 31-bit number for a lock name (advisory locks take integers)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") & 0x7FFFFFFF


class serialized:  # noqa: N801 - used like transaction.atomic
    """`with serialized("registry", wait_seconds=600):` one transaction, the only one holding the
    name; `Busy` after `wait_seconds`. Inside an outer transaction it is a savepoint that still
    takes the lock (PostgreSQL) or already holds the write lock (SQLite)."""

    def __init__(self, name: str, *, wait_seconds: float, apa: str = "", what: str = "") -> None:
        self.name = name
        self.wait_seconds = wait_seconds
        self.labels = {"apa": apa or name, "what": what or name}
        self._atomic: Any = None

    def _busy(self) -> Busy:
        return Busy(detik=round(self.wait_seconds), **self.labels)

    def __enter__(self) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            atomic = transaction.atomic()
            try:
                if connection.vendor == "sqlite" and not connection.in_atomic_block:
                    with _busy_timeout(deadline):
                        atomic.__enter__()
                else:
                    atomic.__enter__()
            except OperationalError as error:  # SQLite: BEGIN IMMEDIATE outwaited busy_timeout
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise self._busy() from error
                continue
            break
        self._atomic = atomic
        if connection.vendor != "postgresql":
            return
        try:
            with connection.cursor() as cursor:
                while True:
                    cursor.execute(
                        "SELECT pg_try_advisory_xact_lock(%s, %s)", [_NAMESPACE, _key(self.name)]
                    )
                    if cursor.fetchone()[0]:
                        return
                    if time.monotonic() >= deadline:
                        raise self._busy()
                    time.sleep(POLL_SECONDS)
        except BaseException as error:
            atomic.__exit__(type(error), error, error.__traceback__)
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self._atomic.__exit__(exc_type, exc, tb)


DEFAULT_WAIT_SECONDS = 600


def registry_write() -> serialized:
    """The lock every writer of the registry and of the tables rebuilt from it (coverage facts,
    compliance statuses, estimated denominators) takes, so two never interleave: a merge or a
    refresh waits for the one before it (`REGISTRY_LOCK_WAIT_SECONDS`, default 600), then gives up."""
    return serialized(
        "registry",
        wait_seconds=float(getattr(settings, "REGISTRY_LOCK_WAIT_SECONDS", DEFAULT_WAIT_SECONDS)),
        apa="registri (impor atau pembaruan lain sedang berjalan)",
        what="the registry (another import or refresh is running)",
    )


@contextmanager
def _busy_timeout(deadline: float) -> Iterator[None]:
    """SQLite waits for the write lock at most until `deadline` (then back to settings' value)."""
    connection.ensure_connection()
    raw = connection.connection
    (usual,) = raw.execute("PRAGMA busy_timeout").fetchone()
    remaining = max(1, int((deadline - time.monotonic()) * 1000))
    raw.execute(f"PRAGMA busy_timeout = {min(usual, remaining)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(usual)}")


def _lock_file(kind: str, ident: int) -> Path:
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return Path(settings.DATA_DIR) / "run" / f"{database}-{kind}-{ident}.lock"


@contextmanager
def running(kind: str, ident: int) -> Iterator[None]:
    """Hold "`kind` `ident` is being worked on" until the block ends or the process dies."""
    ident %= 1 << 31  # advisory locks take 32-bit keys
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_key(kind), ident])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_key(kind), ident])
        return
    path = _lock_file(kind, ident)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def is_running(kind: str, ident: int) -> bool:
    """Whether some live process holds `running(kind, ident)` (this one included)."""
    ident %= 1 << 31
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid = %s AND objid = %s AND objsubid = 2",
                [_key(kind), ident],
            )
            return cursor.fetchone() is not None
    path = _lock_file(kind, ident)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        path.unlink(missing_ok=True)  # its holder died: clear the file it left
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
