"""Coverage numbers equal an independent count over the imported CSV files, on either database.

Seeded synthetic Bali files (employers, two registry snapshots, working population) are written
here, imported through the real `cakupan import` commands, and every number `coverage_table` and
`cakupan coverage` give back is recounted from the files with the csv module and plain Python:
design.md's active rule, a member counted in its own area and every area containing it (never in
a village below a district-only code), age at the end of the period, the sector of each segmen
(PU+JAKON formal, BPU informal, PMI neither) and the imported working population. Where a lower
level has no imported figure the estimate is checked against its parent figure and the share of
registered participants living there (coverage.workforce's documented rule).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import product
from pathlib import Path

import pytest
from django.core.management import call_command

import cakupan.regions
from cakupan.accounts.scope import SystemActor
from cakupan.coverage.selectors import CoverageRow, coverage_table, filters_parse
from cakupan.imports.models import ImportRecord, Outcome
from cakupan.registry.models import Membership

# --- Regions, read from the shipped files (the same ones the migration loads) --------------------

DATA = Path(cakupan.regions.__file__).resolve().parent / "data"


def _region_file(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


PROVINCES = {r["code"]: r["name"] for r in _region_file("provinces.csv")}
REGENCIES = {r["code"]: r["name"] for r in _region_file("regencies.csv") if r["code"][:3] == "51."}
DISTRICTS = {r["code"]: r["name"] for r in _region_file("districts.csv") if r["code"][:3] == "51."}
VILLAGES = {r["code"]: r["name"] for r in _region_file("villages.csv") if r["code"][:3] == "51."}
AREAS = {"province": PROVINCES, "regency": REGENCIES, "district": DISTRICTS, "village": VILLAGES}
REGION_OF_LEVEL = {"province": None, "regency": "51", "district": "51", "village": "51"}
CHILD_LEVEL = {"regency": "district", "district": "village"}

PERIODS = ("2022-12", "2023-12")
SEGMENTS = ("PU", "BPU", "JAKON", "PMI")
SEXES = ("L", "P")
BANDS = ("<20", "20-29", "30-39", "40-49", "50-59", "60+", "?")
SECTOR_OF = {"formal": {"PU", "JAKON"}, "informal": {"BPU"}, "semua": set(SEGMENTS)}
PARTICIPANT_HEADER = (
    "nik,nama,tanggal_lahir,jenis_kelamin,kpj,segmen,npp,kode_wilayah,pekerjaan,program,upah,"
    "tmt,bulan_iuran_terakhir"
).split(",")
COVERAGE_HEADER = (
    "kode_wilayah,nama_wilayah,peserta_aktif,peserta_pu,peserta_bpu,penduduk_bekerja,cakupan_persen"
)
# Imported working population below the regencies: districts (one with the all-sector cell only)
# and two villages, so every level mixes imported and estimated figures.
WF_DISTRICTS = ("51.03.01", "51.03.02", "51.71.01", "51.71.03", "51.08.01")
WF_DISTRICT_TOTAL_ONLY = "51.04.01"
WF_VILLAGES = ("51.03.01.1001", "51.03.01.1002")


# --- The generator ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Files:
    folder: Path
    employers: Path
    participants: dict[str, Path]
    workforce: Path


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _month_add(ym: str, n: int) -> str:
    y, m = int(ym[:4]), int(ym[5:]) + n
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return f"{y:04d}-{m:02d}"


def _random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _boundary_births() -> list[date]:
    """Birth dates around every age-band boundary for both periods: turning 20/30/… in
    December of the period year (already that age at the end of the period), in January of the
    period year, and in January of the next year (one year younger)."""
    found = set()
    for year in (2022, 2023):
        for age in (20, 30, 40, 50, 60):
            born = year - age
            found |= {date(born, 12, 31), date(born, 12, 1), date(born, 1, 1), date(born + 1, 1, 1)}
    return sorted(found)


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _workforce_cells(rng: random.Random, code: str, periode: str, total: int) -> list[list[object]]:
    """One area's nine cells (sector × sex), parts adding up to the totals; all-sector first."""
    men = round(total * rng.uniform(0.52, 0.6))
    formal = round(total * rng.uniform(0.3, 0.5))
    formal_men = round(formal * rng.uniform(0.55, 0.65))
    figures = {
        ("semua", "semua"): total,
        ("semua", "L"): men,
        ("semua", "P"): total - men,
        ("formal", "semua"): formal,
        ("formal", "L"): formal_men,
        ("formal", "P"): formal - formal_men,
        ("informal", "semua"): total - formal,
        ("informal", "L"): men - formal_men,
        ("informal", "P"): total - men - formal + formal_men,
    }
    return [[code, periode, sektor, sex, n, "Sakernas uji"] for (sektor, sex), n in figures.items()]


def write_files(folder: Path, people_count: int = 3000, seed: int = 20231231) -> Files:
    """Employers, the 2022-12 and 2023-12 snapshots and the working population, seeded."""
    rng = random.Random(seed)
    villages, districts, regencies = sorted(VILLAGES), sorted(DISTRICTS), sorted(REGENCIES)

    npps = [f"{31_000_000 + 7 * i:08d}" for i in range(60)]
    employers = _write_csv(
        folder / "employers.csv",
        ["npp", "nib", "npwp", "nama", "kbli", "kode_wilayah", "kelompok_risiko", "skala"],
        [
            [npp, "", "", f"PT Uji Hitung {i}", "41011", rng.choice(villages), 3, "kecil"]
            for i, npp in enumerate(npps)
        ],
    )

    def residence() -> str:
        roll = rng.random()
        if roll < 0.05:
            return rng.choice(districts)  # known only to the district
        if roll < 0.07:
            return rng.choice(regencies)  # known only to the regency
        return rng.choice(villages)

    niks: set[str] = set()

    def nik_for(code: str, born: date, sex: str) -> str:
        district = (
            code[:8]
            if len(code) >= 8
            else rng.choice([d for d in districts if d.startswith(code + ".")])
        )
        day = born.day + (40 if sex == "P" else 0)
        while True:
            nik = (
                f"{district.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
                f"{rng.randrange(1, 10_000):04d}"
            )
            if nik not in niks:
                niks.add(nik)
                return nik

    def row(i: int, p: dict[str, object], periode: str, status: str) -> list[object]:
        end = date(int(periode[:4]), 12, 31)
        segmen = p["segmen"]
        code = p["code"]
        if periode == "2023-12" and p["moves"]:
            code = residence()
        if periode == "2023-12" and p["switches"]:
            segmen = rng.choice([s for s in SEGMENTS if s != segmen])
        if status == "active":
            tmt = end if rng.random() < 0.03 else _random_date(rng, date(2012, 1, 1), end)
            paid = _month_add(periode, rng.choice([0, 0, 0, 1, 2, 6]))
        elif status == "lapsed":
            tmt = _random_date(rng, date(2012, 1, 1), end - timedelta(days=45))
            earliest, latest = _month(tmt), _month_add(periode, -1)
            months = [earliest]
            while months[-1] < latest:
                months.append(_month_add(months[-1], 1))
            paid = latest if rng.random() < 0.4 else rng.choice(months)
        else:  # starts after the end of the period
            tmt = end + timedelta(days=rng.choice([1, 1, 15, 40, 200]))
            paid = _month_add(_month(tmt), rng.choice([0, 0, 3]))
        born, sex = p["born"], p["sex"]
        roll = rng.random()
        if roll < 0.04:
            stated_born = ""  # the import takes it from the NIK
        elif roll < 0.07:
            stated_born = born.strftime("%d/%m/%Y")
        else:
            stated_born = born.isoformat()
        wage = {
            "PU": rng.randrange(2_500_000, 15_000_000),
            "BPU": rng.choice([1_000_000, 2_000_000, ""]),
            "JAKON": rng.choice([3_000_000, ""]),
            "PMI": "",
        }[segmen]
        npp = {"PU": rng.choice(npps), "JAKON": rng.choice([*npps[:5], "", ""])}.get(segmen, "")
        return [
            p["nik"],
            f"Peserta Uji {i}",
            stated_born,
            "" if rng.random() < 0.02 else sex,
            "" if rng.random() < 0.05 else f"{10_000_000_000 + i}",
            segmen,
            npp,
            code,
            {"PU": "karyawan", "BPU": "petani", "JAKON": "tukang", "PMI": "pekerja migran"}[segmen],
            {"PU": "JKK,JKM,JHT,JP", "PMI": "JKK,JKM,JHT"}.get(segmen, "JKK,JKM"),
            wage,
            tmt.isoformat(),
            paid,
        ]

    boundary = _boundary_births()
    rows: dict[str, list[list[object]]] = {p: [] for p in PERIODS}
    for i in range(people_count):
        special = i < 2 * len(boundary)
        born = (
            boundary[i // 2] if special else _random_date(rng, date(1945, 1, 1), date(2008, 12, 31))
        )
        sex = SEXES[i % 2] if special else rng.choice(SEXES)
        code = residence()
        p = {
            "born": born,
            "sex": sex,
            "code": code,
            "nik": nik_for(code, born, sex),
            "segmen": rng.choices(SEGMENTS, weights=[45, 35, 10, 10])[0],
            "moves": rng.random() < 0.05,
            "switches": rng.random() < 0.04,
        }
        roll = rng.random()
        present = (
            PERIODS if special or roll < 0.7 else (PERIODS[0],) if roll < 0.82 else PERIODS[1:]
        )
        for periode in present:
            status = (
                "active"
                if special
                else rng.choices(["active", "lapsed", "future"], weights=[80, 13, 7])[0]
            )
            rows[periode].append(row(i, p, periode, status))
    participants = {}
    for periode in PERIODS:
        rng.shuffle(rows[periode])
        participants[periode] = _write_csv(
            folder / f"participants_{periode}.csv", PARTICIPANT_HEADER, rows[periode]
        )

    wf_rows: list[list[object]] = []
    for periode in PERIODS:
        scale = 0.97 if periode == "2022-12" else 1.0
        wf_rows += _workforce_cells(rng, "51", periode, int(2_600_000 * scale))
        for code in regencies:
            wf_rows += _workforce_cells(
                rng, code, periode, int(rng.randrange(150_000, 450_000) * scale)
            )
        for code in WF_DISTRICTS:
            wf_rows += _workforce_cells(
                rng, code, periode, int(rng.randrange(15_000, 35_000) * scale)
            )
        total = int(rng.randrange(15_000, 35_000) * scale)
        wf_rows += _workforce_cells(rng, WF_DISTRICT_TOTAL_ONLY, periode, total)[:1]
        for code in WF_VILLAGES:
            wf_rows += _workforce_cells(
                rng, code, periode, int(rng.randrange(1_500, 4_000) * scale)
            )
    workforce = _write_csv(
        folder / "workforce.csv",
        ["kode_wilayah", "periode", "sektor", "jenis_kelamin", "penduduk_bekerja", "sumber"],
        wf_rows,
    )
    return Files(folder, employers, participants, workforce)


# --- The independent count ----------------------------------------------------------------------


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _parse_date(value: str) -> date:
    if "/" in value:
        day, month, year = value.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(value)


def _nik_birth(nik: str) -> tuple[date, str]:
    """Birth date and sex in a NIK: DDMMYY, 40 added to the day for women, 20YY unless that is
    after today (domain.md)."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    day -= 40 if sex == "P" else 0
    for century in (2000, 1900):
        try:
            born = date(century + yy, month, day)
        except ValueError:
            continue
        if born <= date.today():
            return born, sex
    raise AssertionError(f"the generator wrote an impossible NIK {nik}")


def _last_day(periode: str) -> date:
    y, m = int(periode[:4]), int(periode[5:])
    return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def _band(born: date, end: date) -> str:
    age = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
    for limit, band in ((20, "<20"), (30, "20-29"), (40, "30-39"), (50, "40-49"), (60, "50-59")):
        if age < limit:
            return band
    return "60+"


def _containing(code: str) -> list[str]:
    """The area itself and every area it lies in: 51.03.01.2001 → 51, 51.03, 51.03.01, …"""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def is_active(row: dict[str, str], periode: str) -> bool:
    """design.md: `tmt` ≤ the last day of P and `bulan_iuran_terakhir` ≥ P."""
    return _parse_date(row["tmt"]) <= _last_day(periode) and row["bulan_iuran_terakhir"] >= periode


Tally = dict[str, Counter]  # area code → Counter of (segmen, jenis_kelamin, kelompok_umur)


def count_active(path: Path, periode: str) -> Tally:
    """Active members of `periode` in `path`, by area (own and containing) × segmen × sex × age."""
    end = _last_day(periode)
    tally: Tally = defaultdict(Counter)
    for r in _read(path):
        if not is_active(r, periode):
            continue
        nik_born, nik_sex = _nik_birth(r["nik"])
        born = _parse_date(r["tanggal_lahir"]) if r["tanggal_lahir"] else nik_born
        sex = r["jenis_kelamin"] or nik_sex
        key = (r["segmen"], sex, _band(born, end))
        for area in _containing(r["kode_wilayah"]):
            tally[area][key] += 1
    return tally


def registered_weights(paths: list[Path]) -> Counter:
    """Participants ever registered (one per NIK, at the residence of the last file imported),
    counted in their own area and every area containing it."""
    where: dict[str, str] = {}
    for path in paths:
        for r in _read(path):
            where[r["nik"]] = r["kode_wilayah"]
    weights: Counter = Counter()
    for code in where.values():
        for area in _containing(code):
            weights[area] += 1
    return weights


def workforce_figures(path: Path) -> dict[tuple[str, str, str, str], int]:
    """(periode, kode_wilayah, sektor, jenis_kelamin) → imported working population."""
    return {
        (r["periode"], r["kode_wilayah"], r["sektor"], r["jenis_kelamin"]): int(
            r["penduduk_bekerja"]
        )
        for r in _read(path)
    }


def percent(part: int, whole: int | None) -> Decimal | None:
    """100 × part ÷ whole to 2 decimals, halves away from zero (-15.625 → -15.63), exactly."""
    if not whole:
        return None
    exact = Fraction(100 * 100 * abs(part), whole)
    hundredths = math.floor(exact + Fraction(1, 2))  # half away from zero, as in ROUND()
    return Decimal(hundredths if part >= 0 else -hundredths).scaleb(-2)


def select(
    counts: Counter, segments: set[str], sex: str | None = None, band: str | None = None
) -> tuple[int, int, int]:
    """(active, of them PU, of them BPU) among `counts` matching the filters."""
    active = pu = bpu = 0
    for (segmen, s, b), n in counts.items():
        if segmen in segments and sex in (None, s) and band in (None, b):
            active += n
            pu += n if segmen == "PU" else 0
            bpu += n if segmen == "BPU" else 0
    return active, pu, bpu


# --- Comparing ----------------------------------------------------------------------------------


@dataclass
class World:
    """What the files say: active tallies per period, imported figures, registration weights."""

    tallies: dict[str, Tally]
    workforce: dict[tuple[str, str, str, str], int]
    weights: Counter


def world_from(participants: dict[str, Path], workforce: Path, import_order: list[Path]) -> World:
    return World(
        tallies={p: count_active(path, p) for p, path in participants.items()},
        workforce=workforce_figures(workforce),
        weights=registered_weights(import_order),
    )


Figures = dict[tuple[str, str, str], tuple[int | None, bool]]  # (code, sektor, sex) → (n, est.)


def check_table(
    world: World,
    periode: str,
    level: str,
    *,
    sektor: str = "semua",
    sex: str | None = None,
    by: tuple[str, ...] = (),
    figures: Figures | None = None,
    problems: list[str],
) -> dict[str, CoverageRow]:
    """Compare every row of one coverage_table view with the independent count; return the rows
    by area code for later checks, and record each area's denominator in `figures`."""
    table = coverage_table(
        actor=SystemActor(),
        region_code=REGION_OF_LEVEL[level],
        level=level,
        periode=periode,
        filters=filters_parse(sektor=sektor, jenis_kelamin=sex),
        by=by,
    )
    view = f"{periode} {level} sektor={sektor} sex={sex} by={by}"
    values = {"segmen": SEGMENTS, "jenis_kelamin": SEXES, "kelompok_umur": BANDS}
    combos = list(product(*(values[b] for b in by)))
    areas = AREAS[level]
    expected_keys = {(code, combo) for code in areas for combo in combos}
    got = {(r.kode_wilayah, tuple(r.by[b] for b in by)): r for r in table.rows}
    assert len(got) == len(table.rows), f"{view}: an area × breakdown is listed twice"
    assert set(got) == expected_keys, (
        f"{view}: areas differ, missing {sorted(expected_keys - set(got))[:5]}, "
        f"extra {sorted(set(got) - expected_keys)[:5]}"
    )
    # Denominator: a sector (PMI in none) and sex of the workforce; none by segmen or age.
    sector = None if {"segmen", "kelompok_umur"} & set(by) else sektor
    tally = world.tallies[periode]
    for (code, combo), r in sorted(got.items()):
        where = f"{view} {code} {combo}"
        breakdown = dict(zip(by, combo, strict=True))
        segments = SECTOR_OF[sektor] & ({breakdown["segmen"]} if "segmen" in by else set(SEGMENTS))
        row_sex = breakdown.get("jenis_kelamin", sex)
        active, pu, bpu = select(
            tally.get(code, Counter()), segments, row_sex, breakdown.get("kelompok_umur")
        )
        if (r.peserta_aktif, r.peserta_pu, r.peserta_bpu) != (active, pu, bpu):
            problems.append(
                f"{where}: aktif/pu/bpu {(r.peserta_aktif, r.peserta_pu, r.peserta_bpu)} "
                f"!= {(active, pu, bpu)}"
            )
        if r.nama_wilayah != areas[code]:
            problems.append(f"{where}: nama {r.nama_wilayah!r} != {areas[code]!r}")
        if r.by != breakdown:
            problems.append(f"{where}: by {r.by} != {breakdown}")
        if sector is None:
            if (r.penduduk_bekerja, r.cakupan_persen, r.estimasi) != (None, None, False):
                problems.append(f"{where}: a denominator where none applies: {r}")
            continue
        cell = (sector, row_sex or "semua")
        imported = world.workforce.get((periode, code, *cell))
        if imported is not None:
            if (r.penduduk_bekerja, r.estimasi) != (imported, False):
                problems.append(
                    f"{where}: penduduk_bekerja {r.penduduk_bekerja} (estimasi {r.estimasi}) "
                    f"!= imported {imported}"
                )
        elif r.penduduk_bekerja is not None:
            ok = (
                level in CHILD_LEVEL.values()
                and r.estimasi
                and isinstance(r.penduduk_bekerja, int)
                and r.penduduk_bekerja > 0
            )
            if not ok:
                problems.append(f"{where}: unexpected denominator {r.penduduk_bekerja} {r}")
        elif r.estimasi:
            problems.append(f"{where}: estimasi without a figure")
        if figures is not None:
            figures[(code, *cell)] = (r.penduduk_bekerja, r.estimasi)
        want = percent(active, r.penduduk_bekerja)
        if r.cakupan_persen != want:
            problems.append(f"{where}: cakupan_persen {r.cakupan_persen} != {want}")
    return {code: r for (code, combo), r in got.items() if not combo}


def check_estimates(world: World, periode: str, figures: Figures, problems: list[str]) -> None:
    """Each parent's figure, less its children's imported figures, is shared among the other
    children with registered participants, each within one of its exact proportional share."""
    cells = {(sektor, sex) for _, sektor, sex in figures}
    for parent_level, child_level in CHILD_LEVEL.items():
        for parent, (sektor, sex) in product(AREAS[parent_level], cells):
            amount, _ = figures.get((parent, sektor, sex), (None, False))
            kids = [c for c in AREAS[child_level] if c.startswith(parent + ".")]
            imported = {
                k: world.workforce[(periode, k, sektor, sex)]
                for k in kids
                if (periode, k, sektor, sex) in world.workforce
            }
            open_kids = {k: world.weights[k] for k in kids if k not in imported}
            weighted = {k: w for k, w in open_kids.items() if w > 0}
            left = (amount or 0) - sum(imported.values())
            where = f"{periode} {parent} {sektor}/{sex} → {child_level}"
            got = {k: figures[(k, sektor, sex)] for k in open_kids}
            if amount is None or left <= 0 or not weighted:
                if any(n is not None for n, _ in got.values()):
                    problems.append(f"{where}: estimates where none can be made: {got}")
                continue
            total_weight = sum(weighted.values())
            for k, w in open_kids.items():
                n, est = got[k]
                if w == 0:
                    if n is not None:
                        problems.append(f"{where}: {k} has no participants but a figure {n}")
                    continue
                quota = Fraction(left * w, total_weight)
                allowed = {math.floor(quota), math.ceil(quota)}
                if (n or 0) not in allowed or (n is not None and not est):
                    problems.append(f"{where}: {k} got {n} (estimasi {est}), share {float(quota)}")
            shared = sum(n or 0 for n, _ in got.values())
            if shared != left:
                problems.append(
                    f"{where}: estimates add up to {shared}, not {left} ({amount} less imported)"
                )


def check_everything(world: World) -> None:
    """Every area at every level, every breakdown, the sector and sex filters, growth."""
    problems: list[str] = []
    plain: dict[str, dict[str, dict[str, CoverageRow]]] = defaultdict(dict)
    estimated: Counter = Counter()
    for periode in PERIODS:
        figures: Figures = {}
        for level in AREAS:
            for sektor, sex in product(("semua", "formal", "informal"), (None, "L", "P")):
                rows = check_table(
                    world,
                    periode,
                    level,
                    sektor=sektor,
                    sex=sex,
                    figures=figures,
                    problems=problems,
                )
                if (sektor, sex) == ("semua", None):
                    plain[periode][level] = rows
        for level in ("regency", "district"):
            for by in (
                ("segmen",),
                ("jenis_kelamin",),
                ("kelompok_umur",),
                ("segmen", "jenis_kelamin"),
            ):
                check_table(world, periode, level, by=by, figures=figures, problems=problems)
        check_estimates(world, periode, figures, problems)
        estimated.update(len(code) for (code, _, _), (_, est) in figures.items() if est)

    # Growth of 2023-12 against 2022-12, at every level.
    for level in AREAS:
        table = coverage_table(
            actor=SystemActor(),
            region_code=REGION_OF_LEVEL[level],
            level=level,
            periode="2023-12",
            banding="2022-12",
        )
        assert len(table.rows) == len(AREAS[level])
        for r in table.rows:
            now, then = (
                sum(world.tallies[p].get(r.kode_wilayah, Counter()).values()) for p in PERIODS[::-1]
            )
            old, new = (plain[p][level][r.kode_wilayah].cakupan_persen for p in PERIODS)
            points = None if new is None or old is None else new - old
            want = (now, then, percent(now - then, then), points)
            got = (r.peserta_aktif, r.peserta_aktif_banding, r.pertumbuhan_persen, r.perubahan_poin)
            if got != want:
                problems.append(f"growth {level} {r.kode_wilayah}: {got} != {want}")
    # Both kinds of denominator were met at the lower levels, so both were checked.
    assert estimated[8] > 20 and estimated[13] > 500, estimated
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:25])


def check_cli(world: World) -> None:
    """`cakupan coverage --format csv` of Bali's districts in 2023-12, row by row."""
    out = io.StringIO()
    call_command(
        "coverage",
        "--region",
        "51",
        "--level",
        "district",
        "--period",
        "2023-12",
        "--format",
        "csv",
        stdout=out,
        stderr=io.StringIO(),
    )
    text = out.getvalue()
    assert text.startswith(COVERAGE_HEADER + ",")
    assert text.splitlines()[0] == COVERAGE_HEADER + ",penduduk_bekerja_estimasi"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["kode_wilayah"] for r in rows] == sorted(DISTRICTS)
    tally = world.tallies["2023-12"]
    estimated: dict[str, int] = defaultdict(int)
    for r in rows:
        code = r["kode_wilayah"]
        active, pu, bpu = select(tally.get(code, Counter()), set(SEGMENTS))
        assert (r["nama_wilayah"], r["peserta_aktif"], r["peserta_pu"], r["peserta_bpu"]) == (
            DISTRICTS[code],
            str(active),
            str(pu),
            str(bpu),
        ), code
        figure = world.workforce.get(("2023-12", code, "semua", "semua"))
        if figure is not None:
            assert (r["penduduk_bekerja"], r["penduduk_bekerja_estimasi"]) == (
                str(figure),
                "tidak",
            ), code
        else:
            assert r["penduduk_bekerja_estimasi"] == "ya", code
            figure = int(r["penduduk_bekerja"])
            assert figure > 0
            estimated[code[:5]] += figure
        assert r["cakupan_persen"] == f"{percent(active, figure)}", code
    assert estimated  # some districts have no imported figure
    for regency, shared in estimated.items():
        own = sum(
            world.workforce.get(("2023-12", d, "semua", "semua"), 0)
            for d in DISTRICTS
            if d.startswith(regency + ".")
        )
        assert shared == world.workforce[("2023-12", regency, "semua", "semua")] - own


# --- Running the real commands ------------------------------------------------------------------


def run_import(*args: str, rows: int) -> ImportRecord:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        pytest.fail(f"import {' '.join(args)} exited {exit.code}:\n{err.getvalue()[:3000]}")
    record = ImportRecord.objects.latest("id")
    assert "diimpor / imported" in out.getvalue()
    assert (record.outcome, record.rows_total, record.rows_imported) == (
        Outcome.IMPORTED,
        rows,
        rows,
    )
    assert (record.rows_rejected, record.warnings) == (0, 0), err.getvalue()
    return record


def _rows(path: Path) -> int:
    return len(_read(path))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    return write_files(tmp_path_factory.mktemp("independent_count"))


@pytest.fixture
def imported(db: None, files: Files) -> World:
    """The files imported in order through `cakupan import`; what they say, counted apart."""
    run_import("employers", str(files.employers), rows=_rows(files.employers))
    for periode in PERIODS:
        path = files.participants[periode]
        run_import("participants", str(path), "--period", periode, rows=_rows(path))
    run_import("workforce", str(files.workforce), rows=_rows(files.workforce))
    return world_from(files.participants, files.workforce, [files.participants[p] for p in PERIODS])


def test_the_generated_files_hold_every_case(files):
    """The cases the comparison must meet are really in the files."""
    for periode in PERIODS:
        rows = _read(files.participants[periode])
        assert 2_000 < len(rows) < 3_000
        end = _last_day(periode)
        assert {r["segmen"] for r in rows} == set(SEGMENTS)
        assert {r["jenis_kelamin"] for r in rows} == {"L", "P", ""}
        assert any(not r["tanggal_lahir"] for r in rows)
        assert any("/" in r["tanggal_lahir"] for r in rows)
        assert {len(r["kode_wilayah"]) for r in rows} == {5, 8, 13}
        assert any(r["bulan_iuran_terakhir"] < periode for r in rows)  # lapsed
        assert any(r["bulan_iuran_terakhir"] == _month_add(periode, -1) for r in rows)
        assert any(_parse_date(r["tmt"]) > end for r in rows)  # not started yet
        assert any(_parse_date(r["tmt"]) == end for r in rows)  # started on the last day
        assert any(r["bulan_iuran_terakhir"] == periode for r in rows)
        tally = count_active(files.participants[periode], periode)
        assert {band for _, _, band in tally["51"]} == set(BANDS) - {"?"}
    only = [{r["nik"] for r in _read(files.participants[p])} for p in PERIODS]
    assert only[0] - only[1] and only[1] - only[0] and only[0] & only[1]
    # Turning 20 in December 2023 counts as 20-29 at the end of 2023-12; in January 2024, <20.
    end = _last_day("2023-12")
    assert (_band(date(2003, 12, 31), end), _band(date(2004, 1, 1), end)) == ("20-29", "<20")
    assert _band(date(2003, 12, 31), _last_day("2022-12")) == "<20"


@pytest.mark.django_db
def test_every_area_breakdown_and_the_cli_equal_the_independent_count(imported, files):
    for periode in PERIODS:
        count = Membership.objects.filter(periode=periode).count()
        assert count == _rows(files.participants[periode])
    check_everything(imported)
    check_cli(imported)


@pytest.mark.django_db
def test_replacing_a_snapshot_moves_the_numbers_and_leaves_the_other_period(imported, files):
    rows = _read(files.participants["2023-12"])
    rng = random.Random(7)
    candidates = [
        i
        for i, r in enumerate(rows)
        if is_active(r, "2023-12") and _parse_date(r["tmt"]) <= date(2023, 11, 30)
    ]
    changed = rng.choice(candidates)
    rows[changed]["bulan_iuran_terakhir"] = "2023-11"  # lapsed now
    dropped = set(rng.sample([i for i in range(len(rows)) if i != changed], 10))
    new_rows = [r for i, r in enumerate(rows) if i not in dropped]
    path = _write_csv(
        files.folder / "participants_2023-12_replaced.csv",
        PARTICIPANT_HEADER,
        [[r[c] for c in PARTICIPANT_HEADER] for r in new_rows],
    )
    before_2022 = Membership.objects.filter(periode="2022-12").count()
    run_import("participants", str(path), "--period", "2023-12", "--replace", rows=len(new_rows))
    assert Membership.objects.filter(periode="2023-12").count() == len(new_rows)
    assert Membership.objects.filter(periode="2022-12").count() == before_2022

    world = world_from(
        {"2022-12": files.participants["2022-12"], "2023-12": path},
        files.workforce,
        [files.participants["2022-12"], files.participants["2023-12"], path],
    )
    assert world.tallies["2022-12"] == imported.tallies["2022-12"]
    lost = 1 + sum(is_active(rows[i], "2023-12") for i in dropped)
    assert lost > 1  # the file really drops active members
    bali = [sum(w.tallies["2023-12"]["51"].values()) for w in (imported, world)]
    assert bali[1] == bali[0] - lost
    check_everything(world)
    check_cli(world)
