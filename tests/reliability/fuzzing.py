"""How long the property-based fuzzing runs: `CAKUPAN_FUZZ=ci` (default, every CI run) or
`CAKUPAN_FUZZ=long` (an hour-scale hunt, see docs/reliability.md). Each fuzz test declares its
examples with `fuzz(n)`: n in CI, 50 × n in the long profile."""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("CAKUPAN_FUZZ", "ci")
if PROFILE not in ("ci", "long"):
    raise RuntimeError(f"CAKUPAN_FUZZ must be ci or long, not {PROFILE!r}")
SCALE = 50 if PROFILE == "long" else 1
# Inputs tried, by kind; tests/reliability/test_zz_report.py writes them to the report.
TRIED: Counter[str] = Counter()


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )
