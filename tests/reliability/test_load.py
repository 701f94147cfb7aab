"""A short, bounded run of bench/load.py on the engine under test: the dashboard, participant
search and the licensing API under concurrent clients while an import runs — no error response,
the import complete. The figures of docs/reliability.md come from the full bench."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from tests.reliability.conftest import BASE_ROWS
from tests.reliability.harness import ROOT, Scratch, report


def _bench():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_short_load_with_an_import_running_has_no_errors_and_loses_nothing(
    scratch: Scratch, tmp_path: Path
) -> None:
    bench = _bench()
    result = bench.run_load(
        database_url=scratch.url,
        work=tmp_path,
        duration=float(os.environ.get("CAKUPAN_LOAD_SECONDS", "4")),
        clients=3,
        import_rows=5000,
        base_rows=BASE_ROWS,
        fresh=False,
        workers=1,
    )
    report("load_smoke", **result["total"], import_exit=result["import"]["exit"])
    assert result["total"]["requests"] > 0
    assert result["total"]["errors"] == 0, bench.table(result) + str(
        [e["first_errors"] for e in result["endpoints"]]
    )
    assert result["import"]["exit"] == 0, result["import"]["stderr"]
    assert result["import"]["rows_in_period"] == 5000, bench.table(result)
