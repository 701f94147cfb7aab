"""Bounded load test on 127.0.0.1: the coverage dashboard, participant search and the licensing
API together, with a registry import running meanwhile; prints a table (requests per second,
p50/p99 latency, errors per endpoint) and whether anything was lost.

    .venv/bin/python bench/load.py                       # SQLite, 30 s, 8 clients
    .venv/bin/python bench/load.py --duration 60 --clients 16 \
        --database-url postgres://postgres@127.0.0.1:5432/postgres

Steps: a throwaway database (SQLite file, or `cakupan_load_<pid>` made on the named server)
is migrated and given 200 employers and a 20,000-participant snapshot with the real
`cakupan import`; users and a licensing token are made; gunicorn serves it on a free port (2
workers, 2 threads each); `--clients` threads log in and loop over the three endpoints for
`--duration` seconds (a fixed time, each request timed), while `cakupan import participants`
loads `--import-rows` more people into another period. Then: every response must be 200, the
import must exit 0, and the period must hold every row of its file.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.data import (  # noqa: E402
    NPPS,
    participant_rows,
    write_employers,
    write_participants,
)

BENCH_SETTINGS = """
from cakupan.settings import *  # noqa: F403

COMPLIANCE_RATE_PER_MINUTE = 1_000_000_000  # the bench measures load, not the licensing limit
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench users only
"""

SETUP_USERS = """
from cakupan.accounts.services import token_create, user_create
user_create(username="beban_admin", password="beban-sandi-1", role="bpjs_admin", region_code="51")
user_create(username="beban_analis", password="beban-sandi-1", role="analyst", region_code="51")
print(token_create(name="beban-admin", role="bpjs_admin", region_code="51")[1])
print(token_create(name="beban-lisensi", role="licensing_client")[1])
"""


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str, data_dir: Path, settings_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        CAKUPAN_DATA_DIR=str(data_dir),
        SECRET_KEY="load-bench",
        DJANGO_SETTINGS_MODULE="load_settings",
        PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]),
    )
    return env


def _cakupan(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "cakupan.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"cakupan {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def prepare(database_url: str, work: Path, *, base_rows: int, fresh: bool = True) -> dict:
    """Migrate and load the database; returns the environment and the tokens."""
    settings_dir = work / "settings"
    settings_dir.mkdir(exist_ok=True)
    (settings_dir / "load_settings.py").write_text(BENCH_SETTINGS)
    data_dir = work / "data"
    data_dir.mkdir(exist_ok=True)
    env = _env(database_url, data_dir, settings_dir)
    if fresh:
        _cakupan(env, "migrate", "-v0", cwd=work)
        _cakupan(env, "import", "employers", str(write_employers(work / "e.csv")), cwd=work)
        base = write_participants(work / "base.csv", participant_rows(base_rows, seed=1))
        _cakupan(env, "import", "participants", str(base), "--period", "2023-12", cwd=work)
    code = "import django; django.setup()\n" + SETUP_USERS
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {"env": env, "admin_token": out[0], "licensing_token": out[1]}


class Client:
    """A logged-in browser-like client (cookies, CSRF) or a bearer-token client."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def login(self, username: str, password: str) -> None:
        page = self.opener.open(self.base + "/masuk/", timeout=30).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        request = urllib.request.Request(
            self.base + "/masuk/", data=body, headers={"Referer": self.base + "/masuk/"}
        )
        self.opener.open(request, timeout=30).read()
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit(f"could not log in as {username}")

    def get(self, path: str) -> int:
        request = urllib.request.Request(self.base + path)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def run_load(
    *,
    database_url: str,
    work: Path,
    duration: float,
    clients: int,
    import_rows: int,
    base_rows: int = 20_000,
    fresh: bool = True,
    workers: int = 2,
) -> dict:
    """Serve, load, import at once; returns the figures (see `table`)."""
    setup = prepare(database_url, work, base_rows=base_rows, fresh=fresh)
    env = setup["env"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cakupan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "2",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        people = participant_rows(base_rows, seed=1)
        names = [row[1].split()[-1] for row in people[:500]]
        endpoints = {
            "dashboard /cakupan/": lambda c, r: (
                f"/cakupan/?periode=2023-12&region={r.choice(['51', '51.04', '51.71'])}"
            ),
            "search /api/v1/participants": lambda c, r: (
                f"/api/v1/participants?nama=Peserta+Uji+{r.choice(names)}"
            ),
            "licensing /api/v1/compliance": lambda c, r: f"/api/v1/compliance?npp={r.choice(NPPS)}",
        }
        stats = {name: Stats() for name in endpoints}
        sessions = []
        for i in range(clients):
            dashboard = Client(base)
            dashboard.login("beban_analis", "beban-sandi-1")
            sessions.append(
                {
                    "dashboard /cakupan/": dashboard,
                    "search /api/v1/participants": Client(base, setup["admin_token"]),
                    "licensing /api/v1/compliance": Client(base, setup["licensing_token"]),
                    "rng": random.Random(i),
                }
            )
        big = write_participants(
            work / "load-import.csv", participant_rows(import_rows, seed=99, start=500_000)
        )
        stop_at = time.monotonic() + duration

        def loop(session: dict) -> None:
            rng = session["rng"]
            kinds = list(endpoints)
            while time.monotonic() < stop_at:
                kind = rng.choice(kinds)
                path = endpoints[kind](session[kind], rng)
                started = time.monotonic()
                try:
                    status = session[kind].get(path)
                    error = None if status == 200 else f"{status} {path}"
                except Exception as exc:  # a dropped connection is an error, counted
                    error = f"{type(exc).__name__} {path}"
                stats[kind].add(time.monotonic() - started, error)

        threads = [threading.Thread(target=loop, args=(s,)) for s in sessions]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(min(1.0, duration / 5))
        import_started = time.monotonic()
        importer = subprocess.run(
            [
                sys.executable,
                "-m",
                "cakupan.cli",
                "import",
                "participants",
                str(big),
                "--period",
                "2024-01",
            ],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        import_seconds = time.monotonic() - import_started
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from cakupan.registry.models import Membership\n"
            "print(Membership.objects.filter(periode='2024-01').count())",
        ],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    rows = []
    for name, s in stats.items():
        lat = sorted(s.latencies)
        rows.append(
            {
                "endpoint": name,
                "requests": len(lat),
                "rps": round(len(lat) / elapsed, 1),
                "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
                "p99_ms": round(1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1)
                if lat
                else None,
                "errors": len(s.errors),
                "first_errors": s.errors[:3],
            }
        )
    every = sorted(x for s in stats.values() for x in s.latencies)
    return {
        "seconds": round(elapsed, 1),
        "clients": clients,
        "endpoints": rows,
        "total": {
            "requests": len(every),
            "rps": round(len(every) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(every), 1) if every else None,
            "p99_ms": round(1000 * every[min(len(every) - 1, int(0.99 * len(every)))], 1)
            if every
            else None,
            "errors": sum(r["errors"] for r in rows),
        },
        "import": {
            "rows": import_rows,
            "exit": importer.returncode,
            "seconds": round(import_seconds, 1),
            "rows_in_period": int(count),
            "stderr": importer.stderr[-500:],
        },
    }


def table(result: dict) -> str:
    lines = [
        f"{'endpoint':32} {'requests':>9} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    ]
    for r in [*result["endpoints"], {"endpoint": "all", **result["total"]}]:
        lines.append(
            f"{r['endpoint']:32} {r['requests']:>9} {r['rps']:>8} {r['p50_ms']:>8} "
            f"{r['p99_ms']:>8} {r['errors']:>7}"
        )
    imp = result["import"]
    lost = imp["rows"] - imp["rows_in_period"]
    lines.append(
        f"import of {imp['rows']} rows during the load: exit {imp['exit']}, {imp['seconds']} s, "
        f"{imp['rows_in_period']} rows in the period ({'nothing lost' if lost == 0 else f'{lost} LOST'})"
    )
    lines.append(f"{result['clients']} clients for {result['seconds']} s on 127.0.0.1")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds of load.")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (threads).")
    parser.add_argument("--import-rows", type=int, default=50_000, help="Rows imported meanwhile.")
    parser.add_argument("--base-rows", type=int, default=20_000, help="Participants beforehand.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
    parser.add_argument(
        "--database-url", default=None, help="A PostgreSQL server URL (default: SQLite)."
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON too.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cakupan-load-"))
    database = f"sqlite:///{work / 'load.sqlite3'}"
    pg_name = None
    if args.database_url:
        import psycopg

        pg_name = f"cakupan_load_{os.getpid()}"
        with psycopg.connect(args.database_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        parts = urllib.parse.urlsplit(args.database_url)
        database = urllib.parse.urlunsplit(parts._replace(path=f"/{pg_name}"))
    try:
        result = run_load(
            database_url=database,
            work=work,
            duration=args.duration,
            clients=args.clients,
            import_rows=args.import_rows,
            base_rows=args.base_rows,
            workers=args.workers,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if pg_name:
            import psycopg

            with psycopg.connect(args.database_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    print(table(result))
    if args.json:
        print(json.dumps(result, indent=1))
    bad = (
        result["total"]["errors"]
        or result["import"]["exit"]
        or (result["import"]["rows_in_period"] != result["import"]["rows"])
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
