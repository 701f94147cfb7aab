"""Benchmark coverage facts, queries and the dashboard on N synthetic Bali participants × 2 periods.

    .venv/bin/python bench/coverage.py --participants 20000          # quick check
    .venv/bin/python bench/coverage.py --participants 1000000        # the issue's 1M targets
    .venv/bin/python bench/coverage.py --participants 10000000 --skip-sqlite

By default it runs on a fresh temporary SQLite file and, when the server answers, on PostgreSQL at
postgres://postgres@127.0.0.1:5432/test (a throwaway database is created beside the one the URL
names and dropped at the end; the named database itself is never touched). `--database-url` picks
the engines instead (repeatable, or comma-separated; `sqlite` means a temporary SQLite file).

For each database: migrate; import employers, then two registry snapshots (2022-12 and 2023-12,
N participants each; 2022-12 is a variant of the same people: some lapsed, some in another
village) and a regency-level workforce file (so village and district denominators are estimated),
each through the real `cakupan import` command in a child process (time, rows/s, peak RSS).
Then a child process with DATABASE_URL set measures, as the median of --runs runs after one
warm-up: facts_refresh("2023-12") (the refresh after an import), the village-level coverage of all
of Bali (coverage_table, 716 villages, with and without a comparison period), the dashboard page
and its map data through Django's test client, and, as a reference, the same aggregation done by
DuckDB over the same 2023-12 membership rows loaded into its own table (the load is not timed).
Prints one table: step | SQLite | PostgreSQL | target; with --explain (or when the refresh misses
its target) also the plan of each refresh statement (EXPLAIN ANALYZE on PostgreSQL).

Duration on 2 cores: about 4 min per engine at 1M; at 10M expect about 45 min for PostgreSQL,
almost all of it the two imports. --keep leaves the databases and files for a closer look.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from import_participants import HEADER, bali_villages, run_cli, write_files

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
PERIODS = ("2022-12", "2023-12")  # imported in this order; the second is the one measured
PERIOD = PERIODS[1]
BALI, REGENCY = "51", "51.03"  # Bali; Badung
BALI_VILLAGES = 716
PAGES = {  # name in the report → URL, each fetched through Django's handler
    f"dashboard page /cakupan/?region={BALI}": f"/cakupan/?region={BALI}",
    f"dashboard page /cakupan/?region={REGENCY}": f"/cakupan/?region={REGENCY}",
    f"map data /cakupan/peta.geojson?region={REGENCY}": f"/cakupan/peta.geojson?region={REGENCY}",
}
COL = {name: i for i, name in enumerate(HEADER)}


# ---------------------------------------------------------------------------------------------
# Input files


@dataclass
class Files:
    employers: Path
    participants: dict[str, Path]  # periode → CSV
    workforce: Path
    seconds: float


def period_files(folder: Path, base: Path, seed: int = 2) -> tuple[dict[str, Path], Counter]:
    """Two snapshots of the same people from the generated file.

    2023-12: 7% have lapsed (last paid 2023-08), the rest paid up. 2022-12: 10% lapsed (last paid
    2022-07), 5% lived in another village, the rest paid up. Also counts the 2023-12 rows by
    (regency, sex, segmen), for the workforce file.
    """
    rng = random.Random(seed)
    villages = bali_villages()
    paths = {p: folder / f"participants-{p}.csv" for p in PERIODS}
    counts: Counter = Counter()
    with (
        open(base, newline="") as src,
        open(paths["2022-12"], "w", newline="") as old_f,
        open(paths["2023-12"], "w", newline="") as new_f,
    ):
        reader = csv.reader(src)
        old, new = csv.writer(old_f), csv.writer(new_f)
        header = next(reader)
        old.writerow(header)
        new.writerow(header)
        for row in reader:
            row[COL["bulan_iuran_terakhir"]] = "2023-08" if rng.random() < 0.07 else "2023-12"
            new.writerow(row)
            counts[row[COL["kode_wilayah"]][:5], row[COL["jenis_kelamin"]], row[COL["segmen"]]] += 1
            r = rng.random()
            row[COL["bulan_iuran_terakhir"]] = "2022-07" if r < 0.10 else "2022-12"
            if 0.10 <= r < 0.15:
                row[COL["kode_wilayah"]] = rng.choice(villages)
            old.writerow(row)
    return paths, counts


def workforce_file(folder: Path, counts: Counter, seed: int = 3) -> Path:
    """Employed people per Bali regency × period × sector × sex (BPS-style, regency level only),
    sized so that coverage lands between about 35% and 75%."""
    rng = random.Random(seed)
    path = folder / "workforce.csv"
    regencies = sorted({regency for regency, _, _ in counts})
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kode_wilayah", "periode", "sektor", "jenis_kelamin", "penduduk_bekerja"])
        for regency in regencies:
            share = {"formal": rng.uniform(0.55, 0.75), "informal": rng.uniform(0.25, 0.45)}
            for periode, grow in (("2022-12", 0.97), ("2023-12", 1.0)):
                cells: dict[tuple[str, str], int] = {}
                for sektor, segmen in (("formal", "PU"), ("informal", "BPU")):
                    for sex in ("L", "P"):
                        members = counts[regency, sex, segmen]
                        cells[sektor, sex] = max(1, round(members / share[sektor] * grow))
                for sex in ("L", "P"):
                    cells["semua", sex] = cells["formal", sex] + cells["informal", sex]
                for sektor in ("formal", "informal", "semua"):
                    cells[sektor, "semua"] = cells[sektor, "L"] + cells[sektor, "P"]
                for (sektor, sex), n in sorted(cells.items()):
                    w.writerow([regency, periode, sektor, sex, n])
    return path


def prepare_files(folder: Path, participants: int) -> Files:
    start = time.perf_counter()
    employers, base = write_files(folder, participants)
    paths, counts = period_files(folder, base)
    base.unlink()
    workforce = workforce_file(folder, counts)
    return Files(employers, paths, workforce, time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# Databases


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S", time.gmtime())  # UTC: Django sets the child's TZ
    print(f"[{stamp}Z] {message}", file=sys.stderr, flush=True)


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def throwaway_database(url: str, folder: Path, keep: bool) -> Iterator[str]:
    """A fresh database for one engine: a SQLite file in `folder`, or a new PostgreSQL database
    next to the one `url` names (created here, dropped afterwards unless `keep`)."""
    if url.startswith("sqlite"):
        path = urlsplit(url).path if url.startswith("sqlite:///") else ""
        if path and Path(path).exists():
            sys.exit(f"{path} exists; give a new SQLite file or just `sqlite`")
        yield f"sqlite:///{path or folder / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"cakupan_bench_cov_{os.getpid()}"
    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        if keep:
            log(f"kept database {name}")
        else:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def engine_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cakupan.settings",
        "SECRET_KEY": "bench-only-secret-key",
        "DATABASE_URL": database_url,
        "CAKUPAN_DATA_DIR": str(data_dir),
        "CAKUPAN_LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "testserver",
    }


def load(env: dict[str, str], files: Files, n: int) -> dict[str, Any]:
    """Migrate and import everything through the real command; seconds and peak RSS of each."""
    steps: dict[str, Any] = {}
    log("migrate")
    steps["migrate"] = run_cli(env, "migrate", "-v", "0")
    log("import employers")
    steps["import employers"] = run_cli(env, "import", "employers", str(files.employers))
    for periode in PERIODS:
        log(f"import participants {periode} ({n:,} rows)")
        steps[f"import participants {periode}"] = run_cli(
            env, "import", "participants", str(files.participants[periode]), "--period", periode
        )
    log("import workforce (regency level; estimates below)")
    steps["import workforce"] = run_cli(env, "import", "workforce", str(files.workforce))
    return steps


def measure(env: dict[str, str], folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run the timings in a child process with this engine's environment (see `child`)."""
    out = folder / "measure.json"
    cmd = [sys.executable, __file__, "--child", "--child-out", str(out), "--workdir", str(folder)]
    cmd += ["--runs", str(args.runs), "--refresh-runs", str(args.refresh_runs)]
    if args.explain:
        cmd.append("--explain")
    status = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, check=False).returncode
    if status != 0:
        sys.exit(f"measuring on {env['DATABASE_URL']} failed (exit {status})")
    return json.loads(out.read_text())


# ---------------------------------------------------------------------------------------------
# Child process: Django is set up on the benchmark database


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_after_warmup(runs: int, fn: Callable[[], object]) -> dict[str, Any]:
    """Median (and min/max) of `runs` timed calls after one untimed warm-up."""
    fn()
    times = [timed(fn)[0] for _ in range(runs)]
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}


@contextmanager
def sql_log() -> Iterator[list[tuple[str, list[Any], float]]]:
    """Every SQL statement run on the default connection inside the block, with its seconds."""
    from django.db import connection

    entries: list[tuple[str, list[Any], float]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entries.append((sql, list(params or []), time.perf_counter() - start))

    with connection.execute_wrapper(wrapper):
        yield entries


def refresh_step(sql: str) -> str:
    """A short name for one statement of facts_refresh."""
    if sql.lstrip().startswith("CREATE TEMPORARY TABLE"):
        return "stage: GROUP BY of the period's active memberships"
    if sql.lstrip().startswith("DELETE FROM coverage_coveragefact"):
        return "delete the period's old facts"
    if m := re.search(r"INSERT INTO coverage_coveragefact.*?SELECT %s, (\d)", sql, re.S):
        return f"insert rollup tingkat {m.group(1)}"
    return "other statements"


def refresh_timings(runs: int) -> dict[str, Any]:
    from cakupan.coverage.facts import facts_refresh

    log(f"facts_refresh({PERIOD!r}): 1 warm-up + {runs} runs")
    result = median_after_warmup(runs, lambda: facts_refresh(PERIOD))
    with sql_log() as entries:
        total, _ = timed(lambda: facts_refresh(PERIOD))
    steps: dict[str, float] = {}
    for sql, _, seconds in entries:
        steps[refresh_step(sql)] = steps.get(refresh_step(sql), 0.0) + seconds
    steps["other statements"] = steps.pop("other statements", 0.0)  # last
    result["breakdown"] = {"total": total, **steps}
    result["statements"] = [(sql, params) for sql, params, _ in entries]
    return result


def explain_refresh(statements: list[tuple[str, list[Any]]]) -> list[str]:
    """Replay facts_refresh's statements inside a rolled-back transaction, each under EXPLAIN
    (ANALYZE, BUFFERS) on PostgreSQL or EXPLAIN QUERY PLAN on SQLite; the plans as text."""
    from django.db import connection, transaction

    class Rollback(Exception):
        pass

    postgres = connection.vendor == "postgresql"
    out: list[str] = []
    try:
        with transaction.atomic(), connection.cursor() as c:
            for sql, params in statements:
                if "coverage_fact_stage" not in sql:
                    continue  # transaction control, the snapshot row
                head = sql.lstrip().split(None, 1)[0].upper()
                if head in ("CREATE", "INSERT", "DELETE"):
                    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
                    c.execute(prefix + sql, params)
                    plan = [" ".join(str(v) for v in row) for row in c.fetchall()]
                    plan = [line if len(line) < 160 else line[:157] + "…" for line in plan]
                    out.append(f"-- {refresh_step(sql)}\n" + "\n".join(plan))
                    if postgres:
                        continue  # EXPLAIN ANALYZE ran it
                c.execute(sql, params)
                if sql.startswith("DROP TABLE coverage_fact_stage"):
                    break
            raise Rollback
    except Rollback:
        pass
    return out


def query_timings(runs: int) -> dict[str, Any]:
    from cakupan.accounts.scope import SystemActor
    from cakupan.coverage.selectors import coverage_table

    out = {}
    for name, banding in (("village", None), ("village+banding", PERIODS[0])):

        def query(banding: str | None = banding) -> Any:
            table = coverage_table(
                actor=SystemActor(),
                region_code=BALI,
                level="village",
                periode=PERIOD,
                banding=banding,
            )
            assert len(table.rows) == BALI_VILLAGES, len(table.rows)
            return table

        log(f"coverage_table village level of Bali ({name}): 1 warm-up + {runs} runs")
        out[name] = median_after_warmup(runs, query)
        with sql_log() as entries:
            table = query()
        out[name]["queries"] = len(entries)
        out[name]["sql_seconds"] = sum(s for _, _, s in entries)
        out[name]["estimated_rows"] = sum(r.estimasi for r in table.rows)  # type: ignore[attr-defined]
    return out


def page_timings(runs: int) -> dict[str, Any]:
    from django.test import Client

    from cakupan.accounts.models import User
    from cakupan.accounts.services import user_create

    user = User.objects.filter(username="bench_admin").first() or user_create(
        username="bench_admin", password="bench-only-Pa55word", role="bpjs_admin", region_code=None
    )
    client = Client()
    client.force_login(user)
    out = {}
    for name, url in PAGES.items():

        def get(url: str = url) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        log(f"GET {url}: 1 warm-up + {runs} runs")
        out[name] = median_after_warmup(runs, get)
        with sql_log() as entries:
            response = get()
        out[name]["queries"] = len(entries)
        out[name]["sql_seconds"] = sum(s for _, _, s in entries)
        out[name]["bytes"] = len(response.content)  # type: ignore[attr-defined]
    return out


MEMBER_COLUMNS = (
    ("kode_wilayah", "VARCHAR"),
    ("segmen", "VARCHAR"),
    ("jenis_kelamin", "VARCHAR"),
    ("tanggal_lahir", "DATE"),
    ("tmt", "DATE"),
    ("bulan_iuran_terakhir", "VARCHAR"),
)


def export_rows(path: Path) -> int:
    """The period's membership rows (MEMBER_COLUMNS) from the database into a CSV file."""
    from django.db import connection

    cols = ", ".join(c for c, _ in MEMBER_COLUMNS)
    select = f"SELECT {cols} FROM registry_membership WHERE periode = '{PERIOD}'"
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            with (
                open(path, "wb") as f,
                c.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)") as cp,
            ):
                for chunk in cp:
                    f.write(chunk)
            c.execute(f"SELECT count(*) FROM registry_membership WHERE periode = '{PERIOD}'")
            return int(c.fetchone()[0])
        rows = 0
        c.execute(select)
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            while batch := c.fetchmany(50_000):
                writer.writerows(batch)
                rows += len(batch)
    return rows


def duckdb_refresh_sql() -> list[str]:
    """facts_refresh's statements, written for DuckDB over its own `membership` table."""
    from cakupan.coverage.facts import LEVEL_WIDTH
    from cakupan.registry.selectors import period_end, period_parse

    year, month = period_parse(PERIOD)
    age = (
        f"({year} - year(tanggal_lahir) - CASE WHEN month(tanggal_lahir) > {month} "
        "THEN 1 ELSE 0 END)"
    )
    band = (
        f"CASE WHEN tanggal_lahir IS NULL THEN '?' WHEN {age} < 20 THEN '<20' "
        f"WHEN {age} < 30 THEN '20-29' WHEN {age} < 40 THEN '30-39' "
        f"WHEN {age} < 50 THEN '40-49' WHEN {age} < 60 THEN '50-59' ELSE '60+' END"
    )
    sql = [
        f"""CREATE OR REPLACE TEMP TABLE stage AS
            SELECT kode_wilayah, segmen, jenis_kelamin, {band} AS kelompok_umur,
                   count(*) AS peserta
            FROM membership
            WHERE tmt <= DATE '{period_end(PERIOD)}' AND bulan_iuran_terakhir >= '{PERIOD}'
            GROUP BY 1, 2, 3, 4""",
        f"DELETE FROM fact WHERE periode = '{PERIOD}'",
    ]
    for tingkat, width in LEVEL_WIDTH.items():
        code = f"substr(kode_wilayah, 1, {width})" if width else "''"
        sql.append(
            f"""INSERT INTO fact SELECT '{PERIOD}', {tingkat}, {code}, segmen, jenis_kelamin,
                       kelompok_umur, sum(peserta)
                FROM stage WHERE length(kode_wilayah) >= {width}
                GROUP BY {code}, segmen, jenis_kelamin, kelompok_umur"""
        )
    sql.append("SELECT coalesce(sum(peserta), 0) FROM stage")
    return sql


def duckdb_reference(runs: int, workdir: Path) -> dict[str, Any]:
    """The refresh's aggregation, and village counts for Bali, in DuckDB over the same rows."""
    import duckdb

    from cakupan.coverage.models import CoverageFact
    from cakupan.registry.selectors import period_end

    log("DuckDB: export the period's membership rows and load them (not timed)")
    path = workdir / "membership.csv"
    export_s, rows = timed(lambda: export_rows(path))
    con = duckdb.connect()
    columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in MEMBER_COLUMNS) + "}"
    load_s, _ = timed(
        lambda: con.execute(
            f"CREATE TABLE membership AS SELECT * FROM read_csv('{path}', header = false, "
            f"columns = {columns})"
        )
    )
    path.unlink()
    assert con.execute("SELECT count(*) FROM membership").fetchone()[0] == rows
    con.execute(
        "CREATE TABLE fact (periode VARCHAR, tingkat INTEGER, kode_wilayah VARCHAR, "
        "segmen VARCHAR, jenis_kelamin VARCHAR, kelompok_umur VARCHAR, peserta BIGINT)"
    )
    statements = duckdb_refresh_sql()

    def refresh() -> None:
        for sql in statements:
            con.execute(sql).fetchall()

    def stage() -> None:
        con.execute(statements[0])

    villages_sql = f"""
        SELECT kode_wilayah, count(*), count(*) FILTER (WHERE segmen = 'PU'),
               count(*) FILTER (WHERE segmen = 'BPU')
        FROM membership
        WHERE tmt <= DATE '{period_end(PERIOD)}' AND bulan_iuran_terakhir >= '{PERIOD}'
          AND kode_wilayah LIKE '{BALI}.%' AND length(kode_wilayah) = 13
        GROUP BY 1"""

    def villages() -> None:
        found = con.execute(villages_sql).fetchall()
        assert len(found) == BALI_VILLAGES, len(found)

    log(f"DuckDB: refresh-equivalent and village counts: 1 warm-up + {runs} runs each")
    out = {
        "rows": rows,
        "export_seconds": export_s,
        "load_seconds": load_s,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "version": duckdb.__version__,
        "stage": median_after_warmup(runs, stage),
        "refresh": median_after_warmup(runs, refresh),
        "villages": median_after_warmup(runs, villages),
    }
    # Same numbers as the database's own facts, at every level?
    mine = Counter(
        {
            tuple(r[:5]): r[5]
            for r in con.execute(
                "SELECT tingkat, kode_wilayah, segmen, jenis_kelamin, kelompok_umur, peserta "
                "FROM fact"
            ).fetchall()
        }
    )
    theirs = Counter(
        {
            tuple(r[:5]): r[5]
            for r in CoverageFact.objects.filter(periode=PERIOD).values_list(
                "tingkat", "kode_wilayah", "segmen", "jenis_kelamin", "kelompok_umur", "peserta"
            )
        }
    )
    out["facts_match"] = mine == theirs
    out["fact_rows"] = len(theirs)
    return out


def import_laps() -> dict[str, Any]:
    """The merge's own step timings (`detik_gabung`) of each participant import."""
    from cakupan.imports.models import ImportRecord

    return {
        r.periode: r.options.get("detik_gabung", {})
        for r in ImportRecord.objects.filter(kind="participants", outcome="imported")
    }


def server_info() -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {"engine": connection.vendor}
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SHOW server_version")
            info["version"] = c.fetchone()[0]
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather"):
                c.execute(f"SHOW {name}")
                info[name] = c.fetchone()[0]
            c.execute(
                "SELECT n_live_tup, n_mod_since_analyze, last_analyze, last_autoanalyze "
                "FROM pg_stat_user_tables WHERE relname = 'registry_membership'"
            )
            info["membership_stats"] = c.fetchone()
        else:
            c.execute("SELECT sqlite_version()")
            info["version"] = c.fetchone()[0]
        c.execute(f"SELECT count(*) FROM registry_membership WHERE periode = '{PERIOD}'")
        info["memberships"] = c.fetchone()[0]
    from cakupan.coverage.models import CoverageSnapshot, Workforce

    info["active"] = {s.periode: s.peserta_aktif for s in CoverageSnapshot.objects.all()}
    info["workforce_rows"] = Workforce.objects.count()
    info["workforce_estimated"] = Workforce.objects.filter(estimasi=True).count()
    return info


def child(args: argparse.Namespace) -> None:
    """Measure on the database named by DATABASE_URL; write the results as JSON."""
    import django

    django.setup()
    result: dict[str, Any] = {"server": server_info(), "imports": import_laps()}
    result["load_average"] = [os.getloadavg()[0]]
    result["refresh"] = refresh_timings(args.refresh_runs)
    result["queries"] = query_timings(args.runs)
    result["pages"] = page_timings(args.runs)
    result["duckdb"] = duckdb_reference(args.runs, Path(args.workdir))
    result["load_average"].append(os.getloadavg()[0])
    statements = result["refresh"].pop("statements")
    target = 240 if result["server"]["memberships"] >= 10_000_000 else 20
    if args.explain or result["refresh"]["median"] > target:
        log("plans of facts_refresh's statements")
        result["explain"] = explain_refresh(statements)
    Path(args.child_out).write_text(json.dumps(result, default=str))


# ---------------------------------------------------------------------------------------------
# Report


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def check(value: float, limit: float | None) -> str:
    if limit is None:
        return ""
    return " ✓" if value <= limit else " ✗"


def report_rows(r: dict[str, Any], n: int) -> list[tuple[str, str, str]]:
    """(step, value, target) rows of one engine's results."""
    big = n >= 10_000_000
    refresh_limit, query_limit = (240.0, 2.0) if big else (20.0, 1.0)
    page_limit, ratio_limit = (None, None) if big else (0.3, 3.0)
    rows: list[tuple[str, str, str]] = []

    def add(step: str, value: str, target: str = "") -> None:
        rows.append((step, value, target))

    for step, (seconds, rss) in r["load"].items():
        value = f"{fmt(seconds)}, peak RSS {rss:.0f} MB"
        if step.startswith("import participants"):
            value = f"{fmt(seconds)}, {n / seconds:,.0f} rows/s, peak RSS {rss:.0f} MB"
        add(step, value)
        laps = r["imports"].get(step.rsplit(" ", 1)[-1]) if "participants" in step else None
        if laps:
            add(
                f"  {step.rsplit(' ', 1)[-1]} merge steps inside the import (s)",
                ", ".join(f"{k} {v}" for k, v in laps.items()),
            )
    ref = r["refresh"]
    add(
        f'facts_refresh("{PERIOD}"), median of {ref["runs"]}',
        f"{fmt(ref['median'])}{check(ref['median'], refresh_limit)} "
        f"(min {fmt(ref['min'])}, max {fmt(ref['max'])})",
        f"≤ {fmt(refresh_limit)}",
    )
    for step, seconds in ref["breakdown"].items():
        if step != "total":
            add(f"  {step}", fmt(seconds))
    for key, label in (("village", ""), ("village+banding", f", banding {PERIODS[0]}")):
        q = r["queries"][key]
        add(
            f"coverage_table Bali village level ({BALI_VILLAGES}){label}, median of {q['runs']}",
            f"{fmt(q['median'])}{check(q['median'], query_limit)} "
            f"({q['queries']} queries, SQL {fmt(q['sql_seconds'])})",
            f"≤ {fmt(query_limit)}",
        )
    for name in PAGES:
        p = r["pages"][name]
        limit = page_limit if name.startswith("dashboard") else None
        add(
            f"{name}, median of {p['runs']}",
            f"{fmt(p['median'])}{check(p['median'], limit)} "
            f"({p['queries']} queries, SQL {fmt(p['sql_seconds'])}, {p['bytes'] / 1024:.0f} KB)",
            f"≤ {fmt(limit)}" if limit else "",
        )
    d = r["duckdb"]
    add(
        f"DuckDB: export + load {d['rows']:,} rows (not counted)",
        f"{fmt(d['export_seconds'])} + {fmt(d['load_seconds'])}",
    )
    add("DuckDB: stage GROUP BY only", fmt(d["stage"]["median"]))
    add(
        "DuckDB: refresh-equivalent (stage + 5 rollups)",
        f"{fmt(d['refresh']['median'])} (facts identical: {'yes' if d['facts_match'] else 'NO'})",
    )
    add("DuckDB: Bali village counts from rows", fmt(d["villages"]["median"]))
    ratio = ref["median"] / d["refresh"]["median"]
    add(
        "refresh ÷ DuckDB refresh-equivalent",
        f"{ratio:.1f}×{check(ratio, ratio_limit)}",
        f"≤ {ratio_limit:.0f}×" if ratio_limit else "",
    )
    s = r["server"]
    add(
        "active participants 2022-12 / 2023-12 (snapshots); facts rows",
        f"{s['active'].get(PERIODS[0], 0):,} / {s['active'].get(PERIOD, 0):,}; {d['fact_rows']:,}",
    )
    start, end = r["load_average"]
    add("machine load average (1 min) before / after measuring", f"{start:.1f} / {end:.1f}")
    if s.get("membership_stats"):
        live, changed, manual, auto = s["membership_stats"]
        add(
            "registry_membership statistics when measuring started",
            f"{live:,} live rows, {changed:,} changed since analyse, "
            f"last analyse {manual or auto or 'never'}",
        )
    add(
        "workforce rows (estimated)",
        f"{s['workforce_rows']:,} ({s['workforce_estimated']:,})",
    )
    return rows


def print_report(results: dict[str, dict[str, Any]], n: int, files: Files) -> None:
    print(
        f"\nN = {n:,} participants × {len(PERIODS)} periods; nproc {os.cpu_count()}; "
        f"Python {platform.python_version()}; {platform.platform()}"
    )
    print(f"CSV generation (both periods + workforce): {fmt(files.seconds)}")
    for engine, r in results.items():
        s = r["server"]
        extra = ", ".join(f"{k} {v}" for k, v in s.items() if k in ("shared_buffers", "work_mem"))
        print(f"{engine}: {s['version']}{', ' + extra if extra else ''}")
    d = next(iter(results.values()))["duckdb"]
    print(f"DuckDB {d['version']}, {d['threads']} threads")
    engines = list(results)
    table = {e: report_rows(results[e], n) for e in engines}
    steps = list(dict.fromkeys(step for e in engines for step, _, _ in table[e]))
    cells = {e: {step: (value, target) for step, value, target in table[e]} for e in engines}
    print(f"\n| step | {' | '.join(engines)} | target |")
    print(f"|---|{'---|' * len(engines)}---|")
    for step in steps:
        values = [cells[e].get(step, ("", ""))[0] for e in engines]
        target = next((cells[e][step][1] for e in engines if cells[e].get(step, ("", ""))[1]), "")
        print(f"| {step} | {' | '.join(values)} | {target} |")
    for engine, r in results.items():
        if r.get("explain"):
            print(f"\n{engine}: plans of facts_refresh's statements\n")
            print("\n\n".join(r["explain"]))


# ---------------------------------------------------------------------------------------------


def database_urls(args: argparse.Namespace) -> list[str]:
    urls = [u.strip() for given in args.database_url or [] for u in given.split(",") if u.strip()]
    if not urls:
        urls = ["sqlite"]
        if postgres_reachable(DEFAULT_POSTGRES):
            urls.append(DEFAULT_POSTGRES)
        else:
            log(f"{DEFAULT_POSTGRES} does not answer: SQLite only")
    if args.skip_sqlite:
        urls = [u for u in urls if not u.startswith("sqlite")]
    if not urls:
        sys.exit("no database to run on")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=1_000_000, help="Rows per period.")
    parser.add_argument(
        "--database-url",
        action="append",
        metavar="URL",
        help="sqlite, or postgres://… of a server (a throwaway database is made there); "
        f"repeatable or comma-separated. Default: sqlite and {DEFAULT_POSTGRES} if it answers.",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="Leave SQLite out.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the databases and files (paths are printed)."
    )
    parser.add_argument("--runs", type=int, default=10, help="Timed runs of queries and pages.")
    parser.add_argument("--refresh-runs", type=int, default=5, help="Timed runs of the refresh.")
    parser.add_argument(
        "--explain", action="store_true", help="Print the refresh's plans even if on target."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    urls = database_urls(args)
    n = args.participants
    folder = Path(tempfile.mkdtemp(prefix="cakupan-bench-coverage-"))
    results: dict[str, dict[str, Any]] = {}
    try:
        log(f"generate {n:,} participants × {len(PERIODS)} periods in {folder}")
        files = prepare_files(folder, n)
        for url in urls:
            engine = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
            work = folder / engine.lower()
            work.mkdir()
            with throwaway_database(url, work, args.keep) as db_url:
                log(f"{engine}: {db_url}")
                env = engine_env(db_url, work / "data")
                started = time.perf_counter()
                loaded = load(env, files, n)
                result = measure(env, work, args)
                result["load"] = loaded
                results[engine] = result
                log(f"{engine} done in {fmt(time.perf_counter() - started)}")
    finally:
        if args.keep:
            log(f"kept files in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print_report(results, n, files)


if __name__ == "__main__":
    main()
