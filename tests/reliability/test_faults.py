"""Killed with SIGKILL at random points, then restarted: the database is as before the command or
as after it, never half-written, and the restarted command finishes the job.

Each case is a real `cakupan` command in a subprocess on a committed copy of the template
database. Kill points: the moment the command holds an open write transaction (SQLite: it holds
the write lock; PostgreSQL: its backend has a transaction id), then random instants across an
uninterrupted run's duration. `CAKUPAN_FAULT_KILLS` (default 1) sets how many random kills per
case; the long variant in docs/reliability.md uses 25.

A new cakupan command joins by adding one `Case` to CASES.
"""

from __future__ import annotations

import csv
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.reliability.conftest import BASE_ROWS, PERIOD
from tests.reliability.data import participant_rows, write_participants
from tests.reliability.harness import ROOT, Scratch, kill, report, wait_for, writer_active

RANDOM_KILLS = int(os.environ.get("CAKUPAN_FAULT_KILLS", "1"))
SEED = int(os.environ.get("CAKUPAN_FAULT_SEED", "9"))
LINK_COMMAND = ROOT / "src/cakupan/linkage/management/commands/link.py"


@dataclass
class Case:
    name: str
    # (scratch, folder) → the command's arguments, after preparing what it needs
    prepare: Callable[[Scratch, Path], list[str]]
    # a file the command writes: after a kill it is absent or complete, never partial
    output: Callable[[Path], Path] | None = None
    # checks of the finished run's output file
    output_check: Callable[[Path], None] | None = None
    after_checks: list[Callable[[Scratch], None]] = field(default_factory=list)
    # False for a command that only reads the database (then "after" is "before")
    changes_db: bool = True


def _import_args(scratch: Scratch, folder: Path) -> list[str]:
    # 20,000 rows: 2,000 already in the period (changed wages), 18,000 new people.
    rows = participant_rows(BASE_ROWS, seed=1)[:2000]
    for row in rows:
        row[10] = 7_777_000 if row[5] == "PU" else 1_500_000
    rows += participant_rows(18_000, seed=77, start=BASE_ROWS)
    path = write_participants(folder / "snapshot.csv", rows)
    return ["import", "participants", str(path), "--period", PERIOD]


def _refresh_args(scratch: Scratch, folder: Path) -> list[str]:
    # Stale facts (as after a crash of an older version, or a restore of a partial copy):
    # the refresh has real work to do, so "before" and "after" differ.
    conn = scratch.connect()
    try:
        conn.cursor().execute("DELETE FROM coverage_coveragefact WHERE tingkat >= 3")
        conn.commit()
    finally:
        conn.close()
    return ["coverage_refresh"]


def _link_args(scratch: Scratch, folder: Path) -> list[str]:
    people = participant_rows(BASE_ROWS, seed=1)[:1500] + participant_rows(500, seed=5)
    path = folder / "people.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah", "pekerjaan"])
        for r in people:
            w.writerow([r[0], r[1], r[2], r[3], r[7], r[8]])
    return ["link", str(path), "--out", str(folder / "match.csv"), "--period", PERIOD]


def _match_complete(path: Path) -> None:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["baris", "nik", "skor", "metode"], rows[0]
    assert len(rows) == 2001, f"{path} has {len(rows) - 1} data rows, expected 2000"


def _no_running_imports(scratch: Scratch) -> None:
    rows = scratch.query("SELECT outcome, count(*) FROM imports_importrecord GROUP BY outcome")
    assert "running" not in dict(rows), f"an import is still 'running' after restart: {rows}"


CASES = [
    Case("import", _import_args, after_checks=[_no_running_imports]),
    Case("coverage_refresh", _refresh_args),
]
if LINK_COMMAND.exists():
    CASES.append(
        Case(
            "link",
            _link_args,
            output=lambda folder: folder / "match.csv",
            output_check=_match_complete,
            changes_db=False,
        )
    )


def _kill_points(duration: float, rng: random.Random) -> list[str | float]:
    return [
        "in_transaction",
        *(round(rng.uniform(0.05, 1.0) * duration, 3) for _ in range(RANDOM_KILLS)),
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_killed_command_leaves_database_as_before_or_after_and_restart_finishes(
    case: Case, scratch_factory, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{case.name}")
    reference = scratch_factory(f"{case.name}_ref")
    folder = tmp_path / "reference"
    folder.mkdir()
    args = case.prepare(reference, folder)
    before = reference.fingerprint()
    started = time.monotonic()
    reference.run(*args)
    duration = time.monotonic() - started
    after = reference.fingerprint()
    if case.changes_db:
        assert before != after, "the command changed nothing: the case tests nothing"
    else:
        assert before == after, "a read-only command changed the registry"
    if case.output:
        case.output_check(case.output(folder))  # type: ignore[misc]

    outcomes: dict[str, int] = {}
    for i, point in enumerate(_kill_points(duration, rng)):
        db = scratch_factory(f"{case.name}_{i}")
        folder = tmp_path / f"kill{i}"
        folder.mkdir()
        args = case.prepare(db, folder)
        process = db.popen(*args)
        if point == "in_transaction":
            # Held for two probes in a row: the long merge/refresh transaction, not the
            # one-row insert of the import's record before it.
            caught = wait_for(
                lambda db=db, process=process: (
                    process.poll() is not None
                    or (writer_active(db) and not time.sleep(0.003) and writer_active(db))
                ),
                timeout=120,
                interval=0.003,
            )
            assert caught, "the command neither wrote nor finished within 120 s"
        else:
            time.sleep(float(point))
        finished = process.poll() is not None
        kill(process)
        stderr = process.stderr.read() if process.stderr else ""
        db.logs.append(stderr)
        state = db.fingerprint()
        assert state in (before, after), (
            f"killed at {point}: the database is neither as before nor as after the command\n"
            f"before {before}\nafter  {after}\nnow    {state}"
        )
        key = "finished" if finished else ("after" if state == after else "before")
        outcomes[f"{point}:{key}"] = outcomes.get(f"{point}:{key}", 0) + 1
        if case.output:
            out = case.output(folder)
            if out.exists():
                case.output_check(out)  # type: ignore[misc]
        # Restart: the same command on the same input finishes the job.
        db.run(*args)
        assert db.fingerprint() == after, f"killed at {point}, restarted: not as after"
        for check in case.after_checks:
            check(db)
        if case.output:
            case.output_check(case.output(folder))  # type: ignore[misc]
        assert not db.unmasked_niks_in_logs(), "a NIK reached the command's log output"
    report("faults", case=case.name, seconds_per_run=round(duration, 2), kills=outcomes)
