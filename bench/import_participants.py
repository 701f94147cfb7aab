"""Benchmark `cakupan import participants` on N synthetic Bali rows; prints a table.

    .venv/bin/python bench/import_participants.py --rows 1000000
    .venv/bin/python bench/import_participants.py --rows 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/test --xlsx-rows 100000

Each import runs as the real command in a child process (so peak RSS is the importer's own).
On PostgreSQL the same CSV is also loaded with a plain `COPY` into an unindexed table, for scale.
The database named in --database-url is used as a server: a throwaway database is made and dropped.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kpj",
    "segmen",
    "npp",
    "kode_wilayah",
    "pekerjaan",
    "program",
    "upah",
    "tmt",
    "bulan_iuran_terakhir",
]


def bali_villages() -> list[str]:
    with open(ROOT / "src/cakupan/regions/data/villages.csv", encoding="utf-8") as f:
        return [r["code"] for r in csv.DictReader(f) if r["code"].startswith("51.")]


def write_files(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path]:
    rng = random.Random(seed)
    villages = bali_villages()
    employers = folder / "employers.csv"
    npps = [f"{20000000 + i:08d}" for i in range(2000)]
    with open(employers, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["npp", "nib", "npwp", "nama", "kbli", "kode_wilayah", "kelompok_risiko", "skala"]
        )
        for i, npp in enumerate(npps):
            w.writerow([npp, "", "", f"PT Bench {i}", "55110", rng.choice(villages), 2, "kecil"])
    participants = folder / "participants.csv"
    seen: set[str] = set()
    base = date(1960, 1, 1)
    with open(participants, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        n = 0
        while n < rows:
            village = rng.choice(villages)
            sex = "L" if rng.random() < 0.5 else "P"
            born = base + timedelta(days=rng.randrange(16000))
            day = born.day + (40 if sex == "P" else 0)
            nik = f"{village[:8].replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 10000):04d}"
            if nik in seen:
                continue
            seen.add(nik)
            pu = rng.random() < 0.6
            w.writerow(
                [
                    nik,
                    f"Peserta {n}",
                    born.isoformat(),
                    sex,
                    f"{30000000000 + n}",
                    "PU" if pu else "BPU",
                    rng.choice(npps) if pu else "",
                    village,
                    "karyawan" if pu else "petani",
                    "JKK,JKM,JHT,JP" if pu else "JKK,JKM",
                    rng.randrange(3_000_000, 9_000_000) if pu else 1_000_000,
                    "2019-01-01",
                    "2023-12",
                ]
            )
            n += 1
    return employers, participants


def csv_to_xlsx(src: Path, dst: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(dst), {"constant_memory": True})
    sheet = book.add_worksheet()
    with open(src, newline="") as f:
        for i, row in enumerate(csv.reader(f)):
            if i > rows:
                break
            sheet.write_row(i, 0, row)
    book.close()


def run_cli(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `cakupan` command, measured on that child alone."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "cakupan.cli", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            out.seek(0)
            sys.exit(f"{' '.join(args)} failed ({child.returncode}):\n{out.read()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def plain_copy_seconds(url: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_plain_copy")
        conn.execute(
            "CREATE TABLE bench_plain_copy (" + ", ".join(f"{c} text" for c in HEADER) + ")"
        )
        start = time.perf_counter()
        with (
            open(path, "rb") as f,
            conn.cursor().copy(
                "COPY bench_plain_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE bench_plain_copy")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--xlsx-rows", type=int, default=0, help="Also time an XLSX of this many rows."
    )
    parser.add_argument("--database-url", default=None, help="postgres://… (default: SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "SECRET_KEY": "bench", "CAKUPAN_DATA_DIR": str(folder / "data")}
        dbname = None
        if args.database_url:
            import psycopg

            dbname = f"cakupan_bench_{os.getpid()}"
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {dbname}")
            env["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + "/" + dbname
            engine = "postgresql"
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            engine = "sqlite"
        try:
            t0 = time.perf_counter()
            employers, participants = write_files(folder, args.rows)
            gen = time.perf_counter() - t0
            run_cli(env, "migrate", "-v", "0")
            run_cli(env, "import", "employers", str(employers))
            table = [("generate CSV", args.rows, gen, None)]
            s, rss = run_cli(
                env, "import", "participants", str(participants), "--period", "2023-12"
            )
            table.append(("import CSV (first)", args.rows, s, rss))
            s2, rss2 = run_cli(
                env, "import", "participants", str(participants), "--period", "2023-12"
            )
            table.append(("re-import unchanged", args.rows, s2, rss2))
            if args.database_url:
                table.append(
                    (
                        "plain COPY, unindexed",
                        args.rows,
                        plain_copy_seconds(env["DATABASE_URL"], participants),
                        None,
                    )
                )
            if args.xlsx_rows:
                xlsx = folder / "participants.xlsx"
                csv_to_xlsx(participants, xlsx, args.xlsx_rows)
                s3, rss3 = run_cli(env, "import", "participants", str(xlsx), "--period", "2024-01")
                table.append(("import XLSX", args.xlsx_rows, s3, rss3))
        finally:
            if dbname:
                import psycopg

                with psycopg.connect(args.database_url, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")

    print(f"\nengine: {engine}, cores: {os.cpu_count()}\n")
    print("| step | rows | seconds | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for step, rows, seconds, rss in table:
        rss_s = f"{rss:.0f}" if rss else ""
        print(f"| {step} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | {rss_s} |")
    if engine == "postgresql":
        copy_s = next(s for step, _, s, _ in table if step.startswith("plain COPY"))
        print(f"\nimport / plain COPY: {table[1][2] / copy_s:.1f}×")
    print(f"re-import / first: {table[2][2] / table[1][2]:.2f}×")


if __name__ == "__main__":
    main()
