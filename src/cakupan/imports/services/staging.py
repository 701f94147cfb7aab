"""A temporary staging table per import, filled in batches (PostgreSQL COPY, SQLite executemany).

Temporary tables belong to the connection: an import killed at any point leaves nothing behind,
and the registry tables are only touched by the merge, in one transaction. Each batch is written
whole, so no COPY is left open while the same connection runs other queries (progress, audit).
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
        self.count = 0
        cols = ", ".join(f"{c} {t}" for c, t in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({cols})")

    def add(self, row: tuple[Any, ...]) -> None:
        self.count += 1
        self._buffer.append(row)
        if len(self._buffer) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in self._buffer:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.name} VALUES ({marks})", self._buffer)
        self._buffer.clear()

    def finish(self) -> None:
        """Write what is buffered, then index and analyse, so the merge joins never scan per row."""
        self._flush()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {self.name}_key ON {self.name} ({self.key})")
            cursor.execute(f"ANALYZE {self.name}")

    def drop(self) -> None:
        self._buffer.clear()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")


def update_changed(table: str, columns: Sequence[str], *, also: str = "") -> str:
    """`UPDATE SET …` of an upsert that rewrites a row only when a value changed, so re-importing
    an unchanged file writes nothing (null-safe comparison on both engines)."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    sets = ", ".join([*(f"{c} = excluded.{c}" for c in columns), *([also] if also else [])])
    changed = " OR ".join(f"{table}.{c} {differs} excluded.{c}" for c in columns)
    return f"UPDATE SET {sets} WHERE {changed}"
