"""`cakupan backup OUT` / `cakupan restore FILE` round trips on the engine under test: the
restored database has the same rows, the same coverage figures, and the restore proves it."""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

from tests.reliability.conftest import PERIOD
from tests.reliability.data import participant_rows, write_participants
from tests.reliability.harness import Scratch, kill, new_scratch, report, scratch_prefix

COVERAGE = (
    "coverage",
    "--region",
    "51",
    "--level",
    "regency",
    "--period",
    PERIOD,
    "--format",
    "csv",
)


def test_backup_then_restore_gives_the_same_rows_and_coverage(
    scratch: Scratch, tmp_path: Path
) -> None:
    archive = tmp_path / "cadangan.tar"
    before = scratch.fingerprint()
    figures = scratch.run(*COVERAGE).stdout
    started = time.monotonic()
    made = scratch.run("backup", str(archive))
    backup_seconds = time.monotonic() - started
    assert "cakupan restore" in made.stdout
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds every NIK: owner-only"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json" and manifest["database"]["member"] in names
    assert manifest["rows"]["registry_participant"] == 3000
    assert manifest["figures"][PERIOD]["peserta_aktif"] > 0

    # Life goes on: another period is imported and the snapshot changes.
    extra = write_participants(tmp_path / "p.csv", participant_rows(500, seed=41, start=90_000))
    scratch.run("import", "participants", str(extra), "--period", "2024-01")
    scratch.run("import", "participants", str(extra), "--period", PERIOD)
    assert scratch.fingerprint() != before

    refused = scratch.run("restore", str(archive), check=False)
    assert refused.returncode == 2 and "add --replace to overwrite it" in refused.stderr
    started = time.monotonic()
    restored = scratch.run("restore", str(archive), "--replace")
    restore_seconds = time.monotonic() - started
    assert "row counts and coverage figures match the backup" in restored.stdout
    assert scratch.fingerprint() == before
    assert scratch.run(*COVERAGE).stdout == figures
    report(
        "backup",
        rows=sum(manifest["rows"].values()),
        tables=len(manifest["rows"]),
        backup_seconds=round(backup_seconds, 2),
        restore_seconds=round(restore_seconds, 2),
    )


def test_restore_into_an_empty_database(scratch: Scratch, tmp_path: Path) -> None:
    archive = tmp_path / "cadangan.tar"
    scratch.run("backup", str(archive))
    empty = new_scratch(f"{scratch_prefix()}_empty", tmp_path)
    try:
        empty.run("restore", str(archive))
        assert empty.fingerprint() == scratch.fingerprint()
        assert empty.run(*COVERAGE).stdout == scratch.run(*COVERAGE).stdout
    finally:
        empty.drop()


def _rewrite(archive: Path, target: Path, change) -> None:
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_a_damaged_or_disagreeing_archive_is_refused(scratch: Scratch, tmp_path: Path) -> None:
    archive = tmp_path / "cadangan.tar"
    scratch.run("backup", str(archive))
    before = scratch.fingerprint()

    damaged = tmp_path / "rusak.tar"

    def flip(name: str, data: bytes) -> bytes:
        if name.startswith("database."):
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        return data

    _rewrite(archive, damaged, flip)
    result = scratch.run("restore", str(damaged), "--replace", check=False)
    assert result.returncode == 2 and "is damaged (SHA-256 differs)" in result.stderr
    assert scratch.fingerprint() == before

    # A manifest that disagrees with the database (as a restore that lost rows would): the
    # check after the restore says which table differs, and the command exits 1.
    disagreeing = tmp_path / "beda.tar"

    def miscount(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["rows"]["registry_membership"] += 1
            return json.dumps(manifest).encode()
        return data

    _rewrite(archive, disagreeing, miscount)
    result = scratch.run("restore", str(disagreeing), "--replace", check=False)
    assert result.returncode == 1, result.stderr
    assert "rows registry_membership: 3001 → 3000" in result.stderr


def test_a_killed_backup_leaves_no_partial_archive(scratch: Scratch, tmp_path: Path) -> None:
    for delay in (0.8, 1.2, 1.6):
        archive = tmp_path / f"cadangan-{delay}.tar"
        process = scratch.popen("backup", str(archive))
        time.sleep(delay)
        kill(process)
        if archive.exists():  # finished before the kill: then it is whole
            with tarfile.open(archive) as tar:
                json.loads(tar.extractfile("manifest.json").read())
