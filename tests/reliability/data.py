"""Synthetic registry files for the reliability tests and the load bench: valid Bali NIKs,
employers, participants; the same seed gives the same file."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
EMPLOYER_HEADER = ["npp", "nib", "npwp", "nama", "kbli", "kode_wilayah", "kelompok_risiko", "skala"]
NPPS = [f"{20000000 + i:08d}" for i in range(200)]


@cache
def bali_villages() -> list[str]:
    with open(ROOT / "src/cakupan/regions/data/villages.csv", encoding="utf-8") as f:
        return [r["code"] for r in csv.DictReader(f) if r["code"].startswith("51.")]


def write_employers(path: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    villages = bali_villages()
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(EMPLOYER_HEADER)
        for i, npp in enumerate(NPPS):
            w.writerow([npp, "", "", f"PT Uji {i}", "55110", rng.choice(villages), 2, "kecil"])
    return path


def participant_rows(count: int, seed: int, *, start: int = 0) -> list[list[object]]:
    """`count` valid participant rows; `seed` picks NIKs, `start` numbers names and KPJs."""
    rng = random.Random(seed)
    villages = bali_villages()
    seen: set[str] = set()
    rows: list[list[object]] = []
    base = date(1960, 1, 1)
    while len(rows) < count:
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
        n = start + len(rows)
        pu = rng.random() < 0.6
        rows.append(
            [
                nik,
                f"Peserta Uji {n}",
                born.isoformat(),
                sex,
                f"{30000000000 + n}",
                "PU" if pu else "BPU",
                rng.choice(NPPS) if pu else "",
                village,
                "karyawan" if pu else "petani",
                "JKK,JKM,JHT,JP" if pu else "JKK,JKM",
                rng.randrange(3_000_000, 9_000_000) if pu else 1_000_000,
                "2019-01-01",
                rng.choice(["2023-12", "2023-12", "2023-11"]),
            ]
        )
    return rows


def write_participants(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path
