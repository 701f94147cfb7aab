"""Two imports of the same period at once: one waits for the other, the result is one file
then the other, never a mix; an import that waits too long is refused clearly, changing nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.reliability.conftest import BASE_ROWS, PERIOD
from tests.reliability.data import participant_rows, write_participants
from tests.reliability.harness import Scratch, kill, wait_for

ROUNDS = int(os.environ.get("CAKUPAN_CONCURRENCY_ROUNDS", "1"))


def _snapshot_file(folder: Path, name: str, seed: int, wage: int) -> Path:
    # The same 1,500 people of the template in both files (with different wages), plus 5,000
    # people of the file's own.
    shared = participant_rows(BASE_ROWS, seed=1)[:1500]
    for row in shared:
        row[10] = wage
        row[5], row[6] = "PU", "20000001"
    own = participant_rows(5000, seed=seed, start=10_000 * seed)
    return write_participants(folder / f"{name}.csv", shared + own)


def _import(path: Path) -> list[str]:
    return ["import", "participants", str(path), "--period", PERIOD, "--replace"]


def test_two_imports_of_one_period_at_once_give_one_then_the_other(
    scratch_factory, tmp_path: Path
) -> None:
    a = _snapshot_file(tmp_path, "a", seed=11, wage=5_555_000)
    b = _snapshot_file(tmp_path, "b", seed=12, wage=6_666_000)
    expected = {}
    for order in ("ab", "ba"):
        ref: Scratch = scratch_factory(f"ref_{order}")
        for name in order:
            ref.run(*_import(a if name == "a" else b))
        expected[order] = ref.fingerprint()
    assert expected["ab"] != expected["ba"]

    for i in range(ROUNDS):
        db: Scratch = scratch_factory(f"both_{i}")
        first, second = db.popen(*_import(a)), db.popen(*_import(b))
        results = [p.communicate(timeout=300) for p in (first, second)]
        codes = [first.returncode, second.returncode]
        assert codes == [0, 0], f"exit codes {codes}: {results}"
        state = db.fingerprint()
        assert state in (expected["ab"], expected["ba"]), (
            f"round {i}: two imports at once mixed their rows\n{state}\n{expected}"
        )
        rows = db.query(
            "SELECT outcome, rows_imported FROM imports_importrecord "
            "WHERE kind = 'participants' ORDER BY id"
        )
        assert rows[-2:] == [("imported", 6500), ("imported", 6500)], rows


def test_an_import_that_waits_too_long_is_refused_and_changes_nothing(
    scratch: Scratch, tmp_path: Path
) -> None:
    from cakupan.lib.locks import _NAMESPACE, _key

    path = write_participants(tmp_path / "p.csv", participant_rows(20_000, seed=21, start=50_000))
    before = scratch.fingerprint()
    process = scratch.popen(
        *_import(path), DJANGO_SETTINGS_MODULE="tests.reliability.settings_short_wait"
    )
    # Take the registry lock once the import has recorded itself and is checking rows, as
    # another import's merge would.
    assert wait_for(
        lambda: scratch.query(
            "SELECT count(*) FROM imports_importrecord WHERE outcome = 'running'"
        )[0][0],
        timeout=60,
        interval=0.005,
    )
    holder = scratch.connect()
    try:
        if scratch.vendor == "sqlite":
            holder.execute("BEGIN IMMEDIATE")
        else:
            holder.execute("SELECT pg_advisory_lock(%s, %s)", [_NAMESPACE, _key("registry")])
        time.sleep(3.5)  # past the 2-second wait of settings_short_wait
    finally:
        if scratch.vendor == "sqlite":
            holder.execute("ROLLBACK")
        holder.close()
    try:
        stdout, stderr = process.communicate(timeout=120)
    finally:
        kill(process)
    assert process.returncode == 3, (process.returncode, stdout, stderr)
    assert "Another piece of work is writing the registry" in stderr, stderr
    assert "Nothing was changed: run it again" in stderr
    assert scratch.fingerprint() == before
    outcome, message = scratch.query(
        "SELECT outcome, message FROM imports_importrecord ORDER BY id DESC LIMIT 1"
    )[0]
    assert outcome == "failed" and "waited 2 seconds" in message
