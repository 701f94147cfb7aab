"""Region benchmark: load all 91,599 areas (`migrate`) and query the tree; prints a table.

.venv/bin/python bench/regions.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

folder = tempfile.mkdtemp()
os.environ.update(
    DJANGO_SETTINGS_MODULE="cakupan.settings",
    SECRET_KEY="bench",
    CAKUPAN_DATA_DIR=folder,
    DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{folder}/regions.sqlite3"),
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cakupan.regions.selectors import (  # noqa: E402
    region_ancestors,
    region_descendants,
    region_exists,
)


def median_ms(fn, runs: int = 50) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


start = time.perf_counter()
call_command("migrate", "regions", verbosity=0)
load_s = time.perf_counter() - start
villages = list(region_descendants("51", level="village"))
rows = [
    ("migrate regions (load 91,599 areas)", 91599, f"{load_s:.2f} s"),
    (
        "descendants of Bali at village level",
        len(villages),
        f"{median_ms(lambda: list(region_descendants('51', level='village'))):.2f} ms",
    ),
    (
        "ancestors of 51.04.01.2001",
        len(list(region_ancestors("51.04.01.2001"))),
        f"{median_ms(lambda: list(region_ancestors('51.04.01.2001'))):.3f} ms",
    ),
    (
        "region_exists (cached), 1 lookup",
        1,
        f"{median_ms(lambda: region_exists('51.04.01'), 1000) * 1000:.2f} µs",
    ),
]
print(f"\nengine: {connection.vendor}\n")
print("| operation | count | time (median) |")
print("|---|---:|---:|")
for op, count, t in rows:
    print(f"| {op} | {count:,} | {t} |")
