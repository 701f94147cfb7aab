"""Reads of sponsored protection for the regional side: who is protected where, which villages run
a programme, how budget lines are used, what a sponsor funded. Aggregates only, never a NIK.

"Protected in period P by a programme" = a SponsoredMonth(participant, periode=P, programme)
exists (a paid month). A programme "runs" in P when it is approved and
`bulan_mulai` ≤ P < `bulan_mulai` + `durasi_bulan` months.

Split by job into the modules below; every public name is importable from here.
"""

from cakupan.programmes.selectors.budget import BudgetLine, budget_use
from cakupan.programmes.selectors.common import (
    month_index,
    month_of,
    programme_end,
    programmes_running,
)
from cakupan.programmes.selectors.programmes import (
    programme_commitment,
    programme_figures,
    programme_list,
)
from cakupan.programmes.selectors.protection import (
    ProtectionPoint,
    RegionProtection,
    employer_sponsored,
    protection_trend,
    region_protection,
)
from cakupan.programmes.selectors.rosters import (
    PERANGKAT_KINDS,
    ROSTER_GROUP,
    ProgrammePart,
    RosterOverview,
    RosterRow,
    RosterTrendPoint,
    roster_kind_shares,
    roster_overview,
    roster_village,
)
from cakupan.programmes.selectors.sponsors import (
    SponsorMonth,
    SponsorProgrammeRow,
    SponsorSummary,
    sponsor_list,
    sponsor_summary,
)
from cakupan.programmes.selectors.villages import (
    BERJALAN,
    MENUNGGU,
    TANPA,
    VillageRow,
    village_programme_map,
)

__all__ = [
    "BERJALAN",
    "MENUNGGU",
    "PERANGKAT_KINDS",
    "ROSTER_GROUP",
    "TANPA",
    "BudgetLine",
    "ProgrammePart",
    "ProtectionPoint",
    "RegionProtection",
    "RosterOverview",
    "RosterRow",
    "RosterTrendPoint",
    "SponsorMonth",
    "SponsorProgrammeRow",
    "SponsorSummary",
    "VillageRow",
    "budget_use",
    "employer_sponsored",
    "month_index",
    "month_of",
    "programme_commitment",
    "programme_end",
    "programme_figures",
    "programme_list",
    "programmes_running",
    "protection_trend",
    "region_protection",
    "roster_kind_shares",
    "roster_overview",
    "roster_village",
    "sponsor_list",
    "sponsor_summary",
    "village_programme_map",
]
