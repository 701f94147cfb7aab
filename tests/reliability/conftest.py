"""Fixtures of the fault tests: a session template database and a fresh copy per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.data import participant_rows, write_employers, write_participants
from tests.reliability.harness import Scratch, new_scratch, scratch_prefix

BASE_ROWS = 3000
PERIOD = "2023-12"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    """A migrated database with 200 employers and a 2023-12 snapshot of 3,000 participants."""
    folder = tmp_path_factory.mktemp("reliability")
    scratch = new_scratch(f"{scratch_prefix()}_template", folder)
    scratch.run("migrate", "-v0")
    files = folder / "files"
    files.mkdir()
    scratch.run("import", "employers", str(write_employers(files / "employers.csv")))
    base = write_participants(files / "base.csv", participant_rows(BASE_ROWS, seed=1))
    scratch.run("import", "participants", str(base), "--period", PERIOD)
    yield scratch
    scratch.drop()


@pytest.fixture
def scratch_factory(template: Scratch, tmp_path: Path) -> Iterator[object]:
    """`make(label)`: a fresh copy of the template; all are dropped after the test."""
    made: list[Scratch] = []

    def make(label: str = "db") -> Scratch:
        copy = template.copy(f"{scratch_prefix()}_{label}_{os.getpid()}", tmp_path)
        made.append(copy)
        return copy

    yield make
    for copy in made:
        copy.drop()


@pytest.fixture
def scratch(scratch_factory) -> Scratch:
    return scratch_factory("db")
