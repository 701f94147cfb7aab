"""Coverage facts: one period's active participants counted by area × segmen × sex × age band ×
sponsored (a paid month of a sponsored programme), rolled up to every level with set-based SQL.

`facts_refresh(periode)` rebuilds one period (the import of a period refreshes only that period):
1. count the period's active memberships (registry.selectors.active_q's rule, in SQL) grouped by
   residence code, segmen, sex and age band at the end of the period into a temporary table;
2. insert that table rolled up by code prefix at each level: village (13 characters), district (8),
   regency (5), province (2) and Indonesia (''). A member whose code stops at the district counts
   in the district and above, never in a village.
It runs inside the caller's transaction: a killed import leaves registry and facts as they were.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from datetime import date

from django.db import connection
from django.utils import timezone

from cakupan.coverage.models import CoverageFact, CoverageSnapshot
from cakupan.lib.locks import registry_write
from cakupan.registry.selectors import period_end, period_parse

# Rollup levels: tingkat → width of the code prefix (0 = Indonesia as a whole).
LEVEL_WIDTH = {4: 13, 3: 8, 2: 5, 1: 2, 0: 0}
TINGKAT = {"province": 1, "regency": 2, "district": 3, "village": 4}
AGE_BANDS = ("<20", "20-29", "30-39", "40-49", "50-59", "60+", "?")
# Sector of each segmen (domain.md): formal = wage earners and construction, informal = non-wage.
# Migrant workers (PMI) work abroad, outside BPS's working population of a region: they count in
# the total of active participants but in neither sector.
SECTOR_SEGMENTS = {"formal": ("PU", "JAKON"), "informal": ("BPU",), "migran": ("PMI",)}

_STAGE = "coverage_fact_stage"


def _age_band_sql(year: int, month: int) -> str:
    """Age band at the end of the period from `tanggal_lahir`, as SQL for either engine.

    Age at the period's last day D is below k exactly when the person was born after the last
    day of the same month k years earlier: plain date comparisons, no per-row arithmetic.
    """

    def born_after(k: int) -> str:
        y = year - k
        return f"'{date(y, month, calendar.monthrange(y, month)[1]).isoformat()}'"

    bands = [(20, "<20"), (30, "20-29"), (40, "30-39"), (50, "40-49"), (60, "50-59")]
    whens = " ".join(f"WHEN tanggal_lahir > {born_after(k)} THEN '{label}'" for k, label in bands)
    return f"CASE WHEN tanggal_lahir IS NULL THEN '?' {whens} ELSE '60+' END"


def facts_refresh(periode: str, *, log: Callable[[str], None] | None = None) -> CoverageSnapshot:
    """Rebuild the coverage facts of `periode` from the registry; returns its snapshot row."""
    year, month = period_parse(periode)
    started = time.monotonic()
    fact = CoverageFact._meta.db_table
    # The registry lock: a refresh running beside an import's (or another refresh) would delete
    # the other's fresh rows unseen and insert its own beside them (PostgreSQL, read committed).
    with registry_write(), connection.cursor() as c:
        if connection.vendor == "postgresql":
            # Group in memory (a hash aggregate) rather than a sort spilled to disk.
            c.execute("SET LOCAL work_mem = '64MB'")
        c.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        c.execute("SELECT 1 FROM programmes_sponsoredmonth WHERE periode = %s LIMIT 1", [periode])
        # Sponsored months are few next to the registry: look them up only when the period has any.
        sponsored = (
            """EXISTS (SELECT 1 FROM programmes_sponsoredmonth s
                        WHERE s.participant_id = m.participant_id AND s.periode = m.periode)"""
            if c.fetchone()
            else "1 = 0"
        )
        c.execute(
            f"""CREATE TEMPORARY TABLE {_STAGE} AS
                SELECT kode_wilayah, segmen, jenis_kelamin,
                       {_age_band_sql(year, month)} AS kelompok_umur,
                       {sponsored} AS disponsori, count(*) AS peserta
                FROM registry_membership m
                WHERE periode = %s AND tmt <= %s AND bulan_iuran_terakhir >= %s
                GROUP BY 1, 2, 3, 4, 5""",
            [periode, period_end(periode), periode],
        )
        c.execute(f"DELETE FROM {fact} WHERE periode = %s", [periode])
        for tingkat, width in LEVEL_WIDTH.items():
            code = f"substr(kode_wilayah, 1, {width})"  # width 0 gives '' (GROUP BY '' fails on PG)
            c.execute(
                f"""INSERT INTO {fact}
                    (periode, tingkat, kode_wilayah, segmen, jenis_kelamin, kelompok_umur,
                     disponsori, peserta)
                    SELECT %s, {tingkat}, {code}, segmen, jenis_kelamin, kelompok_umur,
                           disponsori, sum(peserta)
                    FROM {_STAGE} WHERE length(kode_wilayah) >= {width}
                    GROUP BY {code}, segmen, jenis_kelamin, kelompok_umur, disponsori""",
                [periode],
            )
        c.execute(f"SELECT coalesce(sum(peserta), 0) FROM {_STAGE}")
        total = int(c.fetchone()[0])
        c.execute(f"DROP TABLE {_STAGE}")
        snapshot, _ = CoverageSnapshot.objects.update_or_create(
            periode=periode,
            defaults={
                "peserta_aktif": total,
                "refreshed_at": timezone.now(),
                "seconds": round(time.monotonic() - started, 3),
            },
        )
    if log:
        log(f"fakta cakupan {periode} diperbarui / coverage facts refreshed: {total} aktif")
    return snapshot


def facts_refresh_all(*, log: Callable[[str], None] | None = None) -> list[str]:
    """Rebuild every period that has a registry snapshot (after a demo load or a restore)."""
    with connection.cursor() as c:
        c.execute("SELECT DISTINCT periode FROM registry_membership ORDER BY periode")
        periods = [r[0] for r in c.fetchall()]
    for periode in periods:
        facts_refresh(periode, log=log)
    CoverageSnapshot.objects.exclude(periode__in=periods).delete()
    CoverageFact.objects.exclude(periode__in=periods).delete()
    return periods
