"""Sponsored participants are their own breakdown of coverage: a paid month of a programme."""

from __future__ import annotations

import pytest

from cakupan.accounts.scope import SystemActor
from cakupan.coverage.facts import facts_refresh
from cakupan.coverage.selectors import coverage_table
from tests.programmes.test_services_helpers import paid_month


@pytest.fixture
def sponsored(participants):
    """Ni Made Batubulan's December 2023 paid by her village's programme."""
    paid_month(participants[0], "2023-12")
    facts_refresh("2023-12")


def test_sponsored_count_at_every_level(sponsored):
    for level, region, expected in (
        ("village", "51.04.01", {"51.04.01.2001": 1, "51.04.01.2002": 0}),
        ("regency", "51", {"51.04": 1, "51.71": 0}),
    ):
        table = coverage_table(
            actor=SystemActor(), region_code=region, level=level, periode="2023-12"
        )
        counts = {r.kode_wilayah: r.peserta_disponsori for r in table.rows}
        for code, n in expected.items():
            assert counts[code] == n, (level, code)
    village = coverage_table(
        actor=SystemActor(), region_code="51.04.01.2001", level="village", periode="2023-12"
    ).rows[0]
    assert village.peserta_aktif == 2  # sponsored people are part of the active count, not extra


def test_no_sponsored_months_counts_none(participants):
    table = coverage_table(
        actor=SystemActor(), region_code="51", level="regency", periode="2023-12"
    )
    assert sum(r.peserta_disponsori for r in table.rows) == 0
    assert sum(r.peserta_aktif for r in table.rows) == 4
