"""A temporary staging table per import, filled in bulk (PostgreSQL COPY, SQLite executemany).

Temporary tables belong to the connection: an import killed at any point leaves nothing behind,
and the registry tables are only touched by the merge, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

BATCH = 20_000


class Staging:
    def __init__(self, name: str, columns: Sequence[tuple[str, str]], *, key: str) -> None:
        self.name = name
        self.key = key
        self.columns = [c for c, _ in columns]
        self._buffer: list[tuple[Any, ...]] = []
        self._copy: Any = None
        self._copy_cm: Any = None
        self.count = 0
        cols = ", ".join(f"{c} {t}" for c, t in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({cols})")
        if connection.vendor == "postgresql":
            self._cursor = connection.cursor()
            raw = self._cursor.cursor
            self._copy_cm = raw.copy(f"COPY {name} ({', '.join(self.columns)}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()

    def add(self, row: tuple[Any, ...]) -> None:
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        self._buffer.append(row)
        if len(self._buffer) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.name} VALUES ({marks})", self._buffer)
        self._buffer.clear()

    def finish(self) -> None:
        """Make every added row visible to queries on this connection."""
        if self._copy_cm is not None:
            self._copy_cm.__exit__(None, None, None)
            self._copy_cm = self._copy = None
            self._cursor.close()
        self._flush()
        # Indexed and analysed after the bulk load, so the merge joins never scan it per row.
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {self.name}_key ON {self.name} ({self.key})")
            cursor.execute(f"ANALYZE {self.name}")

    def drop(self) -> None:
        if self._copy_cm is not None:
            self.finish()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
