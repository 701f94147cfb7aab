"""Benchmark the licensing API (`GET /api/v1/compliance`) under gunicorn against a minimal Django
JSON endpoint served by the same server in the same run; prints a table and the targets.

    .venv/bin/python bench/compliance_api.py \
        --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/compliance_api.py            # SQLite

Steps: write 50,000 employers and 1,000,000 participants as CSV and load them with the real
`cakupan import employers/participants` commands into a throwaway database; compute every
compliance status with `status_refresh`; make a `licensing_client` token with `cakupan token
create`; serve with gunicorn (2 sync workers, 127.0.0.1 only, no access log); drive each endpoint
with wrk for `--duration` seconds at `--connections` connections, after a short warm-up, through
a Lua script that rotates through real NIBs, NPPs and NPWPs, NIBs of licensed businesses that
are not registered (PWBD) and unknown NIBs. Both endpoints
go through the same Django middleware; the minimal one returns a constant JSON body. A third,
for reference, returns the same body after one `SELECT 1`: the cost of any database round trip.

Needs `wrk` (Debian: `apt-get install wrk`). The database named in --database-url is used as a
server: a database `cakupan_bench_api_<pid>` is made there and dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from import_participants import HEADER, bali_villages

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2023-12"
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0

BENCH_SETTINGS = """
from cakupan.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
COMPLIANCE_RATE_PER_MINUTE = 1_000_000_000  # the bench measures speed, not the limit
"""

BENCH_URLS = """
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from cakupan.api import api
from cakupan.compliance.api import router

if not any(r is router for _, r in api._routers):
    api.add_router("/compliance", router)

from cakupan.urls import urlpatterns as cakupan_urlpatterns  # noqa: E402

BODY = {"status": "ok", "pesan": "Cakupan berjalan.", "message": "Cakupan is running."}


def minimal(request):
    return JsonResponse(BODY)


def one_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse(BODY)


urlpatterns = [
    path("bench/minimal", minimal),
    path("bench/one-query", one_query),
    *cakupan_urlpatterns,
]
"""

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], %(headers)s)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def npwp_of(i: int) -> str:
    """A valid 15-digit NPWP (Luhn check digit over the first 9 digits)."""
    from stdnum import luhn

    base = f"{10_000_000 + i:08d}"
    return base + luhn.calc_check_digit(base) + "000000"


def write_files(
    folder: Path, employers: int, participants: int, seed: int = 7
) -> tuple[Path, Path, Path, list[tuple[str, str, str]], list[str]]:
    """Employers (NPP, NIB, half with an NPWP); participants, 60% of them PU spread over the
    employers with arrears, low wages and missing programmes so every status occurs; and the
    licensing list: every fifth employer's business, plus unregistered businesses (PWBD)."""
    rng = random.Random(seed)
    villages = bali_villages()
    ids = [
        (f"{20_000_000 + i:08d}", f"91{i:011d}", npwp_of(i) if i % 2 else "")
        for i in range(employers)
    ]
    skala = ("mikro", "kecil", "menengah", "besar")
    employer_csv = folder / "employers.csv"
    with open(employer_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["npp", "nib", "npwp", "nama", "kbli", "kode_wilayah", "kelompok_risiko", "skala"]
        )
        for i, (npp, nib, npwp) in enumerate(ids):
            w.writerow(
                [
                    npp,
                    nib,
                    npwp,
                    f"PT Bench {i}",
                    "55110",
                    rng.choice(villages),
                    2,
                    rng.choice(skala),
                ]
            )
    business_csv = folder / "businesses.csv"
    unregistered = [f"93{j:011d}" for j in range(max(1, employers // 25))]
    with open(business_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["nib", "npwp", "nama", "alamat", "kode_wilayah", "kbli", "skala", "jumlah_pekerja"]
        )
        for i in range(0, employers, 5):
            _, nib, npwp = ids[i]
            w.writerow([nib, npwp, f"PT Bench {i}", "", rng.choice(villages), "55110", "", 12])
        for j, nib in enumerate(unregistered):
            w.writerow(
                [nib, "", f"CV Belum Daftar {j}", "", rng.choice(villages), "47111", "mikro", 5]
            )
    participant_csv = folder / "participants.csv"
    seen: set[str] = set()
    base = date(1960, 1, 1)
    with open(participant_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        n = 0
        while n < participants:
            village = rng.choice(villages)
            sex = "L" if rng.random() < 0.5 else "P"
            born = base + timedelta(days=rng.randrange(16000))
            day = born.day + (40 if sex == "P" else 0)
            nik = (
                f"{village[:8].replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
                f"{rng.randrange(1, 10000):04d}"
            )
            if nik in seen:
                continue
            seen.add(nik)
            pu = rng.random() < 0.6
            r = rng.random()
            employer = rng.randrange(employers)
            w.writerow(
                [
                    nik,
                    f"Peserta {n}",
                    born.isoformat(),
                    sex,
                    f"{30000000000 + n}",
                    "PU" if pu else "BPU",
                    ids[employer][0] if pu else "",
                    village,
                    "karyawan" if pu else "petani",
                    ("JKK,JKM,JHT" if r < 0.03 else "JKK,JKM,JHT,JP") if pu else "JKK,JKM",
                    (
                        rng.randrange(1_500_000, 2_500_000)
                        if r > 0.99
                        else rng.randrange(3_400_000, 9_000_000)
                    )
                    if pu
                    else 1_000_000,
                    "2019-01-01",
                    "2023-10" if pu and employer % 40 == 0 else PERIOD,
                ]
            )
            n += 1
    return employer_csv, participant_csv, business_csv, ids, unregistered


def run_cli(env: dict[str, str], *args: str) -> str:
    """Run one `cakupan` command; its stdout, or exit with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "cakupan.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"cakupan {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"server not ready at {url}")


def wrk(script: Path, url: str, *, seconds: int, connections: int, threads: int) -> dict:
    """One wrk run against 127.0.0.1 (bounded by time; killed if it overruns)."""
    assert url.startswith("http://127.0.0.1:")
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[len("WRKJSON ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def check_answers(base: str, key: str, nib: str, unknown: str) -> None:
    """The API answers 200 with a status for a real NIB and `tidak_terdaftar` for an unknown."""
    for value, expected in ((nib, None), (unknown, "tidak_terdaftar")):
        request = urllib.request.Request(
            f"{base}/api/v1/compliance?nib={value}", headers={"Authorization": f"Bearer {key}"}
        )
        with urllib.request.urlopen(request, timeout=5) as r:
            body = json.loads(r.read())
        if not body.get("status") or (expected is not None and body["status"] != expected):
            sys.exit(f"unexpected answer for NIB {value}: {body}")


def audit_count(env: dict[str, str]) -> int:
    out = run_cli(
        env,
        "shell",
        "-c",
        "from cakupan.audit.models import AuditEntry; "
        "print(AuditEntry.objects.filter(action='compliance.check').count())",
    )
    return int(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--employers", type=int, default=50_000)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="postgres://… (default: SQLite file)")
    parser.add_argument("--duration", type=int, default=30, help="Seconds per endpoint.")
    parser.add_argument("--warmup", type=int, default=5, help="Warm-up seconds per endpoint.")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    timings: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "bench_settings.py").write_text(textwrap.dedent(BENCH_SETTINGS))
        (folder / "bench_urls.py").write_text(textwrap.dedent(BENCH_URLS))
        (folder / "data" / "static").mkdir(parents=True)
        env = {
            **os.environ,
            "SECRET_KEY": "bench",
            "CAKUPAN_DATA_DIR": str(folder / "data"),
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT / "src")]),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CAKUPAN_LOG_LEVEL": "ERROR",
        }
        dbname = None
        if args.database_url:
            import psycopg

            dbname = f"cakupan_bench_api_{os.getpid()}"
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {dbname}")
            env["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + "/" + dbname
            engine = "postgresql"
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            engine = "sqlite"
        server = None
        try:
            t = time.perf_counter()
            employers, participants, businesses, ids, unregistered = write_files(
                folder, args.employers, args.participants
            )
            timings.append(("write CSVs", time.perf_counter() - t))
            t = time.perf_counter()
            run_cli(env, "migrate", "-v", "0")
            run_cli(env, "import", "employers", str(employers))
            run_cli(env, "import", "participants", str(participants), "--period", PERIOD)
            run_cli(env, "import", "businesses", str(businesses))
            timings.append(("migrate + import", time.perf_counter() - t))
            t = time.perf_counter()
            counts = run_cli(
                env,
                "shell",
                "-c",
                "from cakupan.compliance.status import status_refresh; "
                f"print(status_refresh({PERIOD!r}))",
            )
            timings.append(("status_refresh", time.perf_counter() - t))
            key = run_cli(env, "token", "create", "bench-oss", "--role", "licensing_client")
            key = key.strip().splitlines()[-1]

            rng = random.Random(3)
            paths = []
            for _ in range(20_000):
                npp, nib, npwp = ids[rng.randrange(len(ids))]
                r = rng.random()
                if r < 0.45:
                    paths.append(f"/api/v1/compliance?nib={nib}")
                elif r < 0.75:
                    paths.append(f"/api/v1/compliance?npp={npp}")
                elif r < 0.8:
                    nib = unregistered[rng.randrange(len(unregistered))]
                    paths.append(f"/api/v1/compliance?nib={nib}")
                elif r < 0.9 and npwp:
                    paths.append(f"/api/v1/compliance?npwp={npwp}")
                else:
                    paths.append(f"/api/v1/compliance?nib=99{rng.randrange(10**11):011d}")
            (folder / "paths.txt").write_text("\n".join(paths) + "\n")
            (folder / "minimal.txt").write_text("/bench/minimal\n")
            (folder / "one-query.txt").write_text("/bench/one-query\n")
            api_lua = folder / "api.lua"
            api_lua.write_text(
                WRK_SCRIPT
                % {
                    "paths": folder / "paths.txt",
                    "headers": f'{{["Authorization"] = "Bearer {key}"}}',
                }
            )
            minimal_lua = folder / "minimal.lua"
            minimal_lua.write_text(WRK_SCRIPT % {"paths": folder / "minimal.txt", "headers": "{}"})
            query_lua = folder / "one-query.lua"
            query_lua.write_text(WRK_SCRIPT % {"paths": folder / "one-query.txt", "headers": "{}"})

            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "cakupan.wsgi:application",
                    "--workers",
                    str(args.workers),
                    "--worker-class",
                    "sync",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--error-logfile",
                    str(folder / "gunicorn.log"),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=folder,
            )
            wait_ready(f"{base}/bench/minimal")
            check_answers(base, key, ids[0][1], "9900000000000")
            results = {}
            api_requests = 0
            for name, script, path in (
                ("minimal Django JSON", minimal_lua, "/bench/minimal"),
                ("GET /api/v1/compliance", api_lua, "/api/v1/compliance"),
                ("reference: minimal + SELECT 1", query_lua, "/bench/one-query"),
            ):
                common = {"connections": args.connections, "threads": args.threads}
                warm = wrk(script, base + path, seconds=args.warmup, **common)
                results[name] = wrk(script, base + path, seconds=args.duration, **common)
                if script is api_lua:
                    api_requests = warm["requests"] + results[name]["requests"]
            server.send_signal(signal.SIGTERM)  # graceful: each worker writes its audit queue
            server.wait(timeout=60)
            server = None
            audited = audit_count(env)
        finally:
            if server is not None:
                server.kill()
                server.wait()
            if dbname:
                import psycopg

                with psycopg.connect(args.database_url, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")

    minimal = results["minimal Django JSON"]
    print(
        f"\nengine: {engine}, cores: {os.cpu_count()}, gunicorn: {args.workers} sync workers, "
        f"wrk: {args.threads} threads × {args.connections} connections × {args.duration} s "
        f"(after {args.warmup} s warm-up), {args.employers:,} employers, "
        f"{args.participants:,} participants"
    )
    print("statuses:", counts.strip().splitlines()[-1])
    for step, seconds in timings:
        print(f"{step}: {seconds:.1f} s")
    print("\n| endpoint | req/s | p50 ms | p99 ms | errors | ratio to minimal |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} "
            f"| {r['errors']} | {r['rps'] / minimal['rps']:.2f} |"
        )
    api = results["GET /api/v1/compliance"]
    ratio = api["rps"] / minimal["rps"]
    print(
        f"\ntargets: ratio ≥ {TARGET_RATIO:.0%}: {'met' if ratio >= TARGET_RATIO else 'MISSED'} "
        f"({ratio:.0%}); p99 ≤ {TARGET_P99_MS:.0f} ms: "
        f"{'met' if api['p99_us'] / 1000 <= TARGET_P99_MS else 'MISSED'}; zero errors: "
        f"{'met' if api['errors'] == 0 and minimal['errors'] == 0 else 'MISSED'}"
    )
    print(
        f"audit: {audited:,} compliance.check entries written for {api_requests:,} API requests "
        "wrk completed (requests still in flight when wrk stopped are answered and audited too)"
    )


if __name__ == "__main__":
    main()
