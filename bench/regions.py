"""Benchmark the region tree: load all 91,599 areas, then descendants, ancestors, existence.

    .venv/bin/python bench/regions.py                               # SQLite (a fresh temp file)
    .venv/bin/python bench/regions.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Every engine runs in its own child process on a fresh database: a temporary SQLite file, and for
PostgreSQL a throwaway database created next to the one the URL names and dropped afterwards.
Prints one markdown table: engine, operation, count, time.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BALI = "51"
VILLAGE = "51.04.01.2001"  # Batubulan, Sukawati, Gianyar
EXPECTED_AREAS = 91_599
EXPECTED_BALI_VILLAGES = 716


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_of(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        elapsed, result = timed(fn)
        times.append(elapsed)
    return statistics.median(times), result


def child(runs: int) -> None:
    """Run inside a process whose environment already names the database (see `run_engine`)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cakupan.regions.models import Region
    from cakupan.regions.selectors import (
        _known_codes,
        region_ancestors,
        region_descendants,
        region_exists,
    )

    rows: list[tuple[str, int | str, float]] = []
    t_schema, _ = timed(lambda: call_command("migrate", "regions", "0001", verbosity=0))
    t_load, _ = timed(lambda: call_command("migrate", "regions", verbosity=0))
    t_rest, _ = timed(lambda: call_command("migrate", verbosity=0))
    areas = Region.objects.count()
    assert areas == EXPECTED_AREAS, f"{areas} areas loaded, expected {EXPECTED_AREAS}"
    rows.append(("region load (migration regions.0002)", areas, t_load))
    rows.append(("migrate, whole schema incl. region load", areas, t_schema + t_load + t_rest))

    _, villages = timed(lambda: list(region_descendants(BALI, level="village")))  # warm-up
    t_desc, villages = median_of(runs, lambda: list(region_descendants(BALI, level="village")))
    assert len(villages) == EXPECTED_BALI_VILLAGES, f"{len(villages)} Bali villages"
    rows.append(
        (f"descendants of {BALI} at village level (median of {runs})", len(villages), t_desc)
    )

    t_all, everything = median_of(max(5, runs // 10), lambda: list(region_descendants(BALI)))
    rows.append(
        (
            f"descendants of {BALI}, every level (median of {max(5, runs // 10)})",
            len(everything),
            t_all,
        )
    )

    t_anc, ancestors = median_of(runs, lambda: list(region_ancestors(VILLAGE)))
    assert [r.code for r in ancestors] == ["51", "51.04", "51.04.01"], ancestors
    rows.append((f"ancestors of village {VILLAGE} (median of {runs})", len(ancestors), t_anc))

    _known_codes.cache_clear()
    t_cold, _ = timed(lambda: region_exists("51.04.01"))
    rows.append(("region_exists, first call (loads the code set)", len(_known_codes()), t_cold))
    codes = [r.code for r in Region.objects.exclude(level="village").order_by("?")[:1000]]
    codes += [f"{c}9" for c in codes]  # as many codes that do not exist
    t_warm, hits = timed(lambda: sum(region_exists(c) for c in codes))
    assert hits == len(codes) // 2, hits
    rows.append((f"region_exists, {len(codes):,} lookups after that", len(codes), t_warm))

    vendor = connection.vendor
    json.dump({"engine": vendor, "rows": rows}, sys.stdout)


def run_engine(database_url: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cakupan-bench-") as data_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cakupan.settings",
            "SECRET_KEY": "bench-only-secret-key",
            "DATABASE_URL": database_url,
            "CAKUPAN_DATA_DIR": data_dir,
            "CAKUPAN_LOG_LEVEL": "ERROR",
        }
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--runs", str(runs)],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            sys.stderr.write(out.stdout + out.stderr)
            raise SystemExit(f"benchmark on {database_url} failed (exit {out.returncode})")
        return json.loads(out.stdout)


def sqlite_run(runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cakupan-bench-db-") as tmp:
        return run_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", runs)


def postgres_run(url: str, runs: int) -> dict:
    import psycopg

    name = f"cakupan_bench_{os.getpid()}_{secrets.token_hex(3)}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return run_engine(bench_url, runs)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1_000_000:.0f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="Also run on PostgreSQL (any database "
        "on the server: a throwaway one is created beside it and dropped).",
    )
    parser.add_argument("--runs", type=int, default=50, help="Runs per query timing (median).")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.runs)
        return

    results = [sqlite_run(args.runs)]
    if args.postgres:
        results.append(postgres_run(args.postgres, args.runs))
    lines = ["| engine | operation | count | time |", "|---|---|---:|---:|"]
    for result in results:
        for operation, count, seconds in result["rows"]:
            count_text = f"{count:,}" if isinstance(count, int) else str(count)
            lines.append(f"| {result['engine']} | {operation} | {count_text} | {fmt(seconds)} |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
