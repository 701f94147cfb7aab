"""A candidate's scorecard: its score per aspect against the category's best and median, its
computed values with how they were computed, and the three indicators where it would gain the
most points — what to do before next year.

Gain of an indicator = aspect weight ÷ 100 × indicator weight ÷ 100 × (1 − its fraction) × 100:
the points of the total (0–100) the candidate leaves on the table there.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from cakupan.award.models import (
    Aspect,
    Candidate,
    Cycle,
    Evidence,
    EvidenceState,
    Indicator,
    IndicatorValue,
)
from cakupan.award.services.results import CategoryRanking, ResultRow, category_ranking


@dataclass
class AspectLine:
    aspect: Aspect
    skor: float
    terbaik: float
    median: float


@dataclass
class Gain:
    indicator: Indicator
    aspect: Aspect
    poin: float
    pecahan: float | None
    nilai: IndicatorValue | None
    bukti: str  # evidence state for evidence indicators: diterima/dikembalikan/menunggu/""


@dataclass
class Scorecard:
    cycle: Cycle
    candidate: Candidate
    ranking: CategoryRanking
    row: ResultRow
    aspects: list[AspectLine]
    terbaik: float
    median: float
    gains: list[Gain]
    values: list[tuple[Indicator, IndicatorValue]]

    @property
    def provisional(self) -> bool:
        return self.cycle.decided_at is None

    @property
    def peserta(self) -> int:
        return len(self.ranking.rows)


def scorecard_build(cycle: Cycle, candidate: Candidate) -> Scorecard:
    cc = cycle.categories.select_related("rubric").get(kategori=candidate.kategori)
    ranking = category_ranking(cycle, cc, with_sensitivity=False)
    row = next(r for r in ranking.rows if r.candidate.pk == candidate.pk)
    lines = []
    for a in ranking.aspects:
        all_scores = [r.aspek[a.kode] for r in ranking.rows]
        lines.append(AspectLine(a, row.aspek[a.kode], max(all_scores), median(all_scores)))
    totals = [r.skor for r in ranking.rows]
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(candidate=candidate)}
    states: dict[int, str] = {}
    for ev in Evidence.objects.filter(candidate=candidate).order_by("uploaded_at", "id"):
        states[ev.indicator_id] = ev.status
    aspects = {a.pk: a for a in ranking.aspects}
    gains = []
    for ind in ranking.indicators:
        a = aspects[ind.aspect_id]
        f = row.pecahan.get(ind.kode)
        poin = float(a.bobot) / 100 * float(ind.bobot) / 100 * (1 - (f or 0.0)) * 100
        gains.append(Gain(ind, a, poin, f, values.get(ind.pk), states.get(ind.pk, "")))
    order = {ind.pk: n for n, ind in enumerate(ranking.indicators)}
    gains.sort(key=lambda g: (-round(g.poin, 6), order[g.indicator.pk]))
    return Scorecard(
        cycle=cycle,
        candidate=candidate,
        ranking=ranking,
        row=row,
        aspects=lines,
        terbaik=max(totals),
        median=median(totals),
        gains=[g for g in gains if g.poin > 0.005][:3],
        values=[(i, values[i.pk]) for i in ranking.indicators if i.pk in values],
    )


EVIDENCE_LABEL = {
    EvidenceState.DITERIMA: ("bukti diterima", "evidence accepted"),
    EvidenceState.DIKEMBALIKAN: ("bukti dikembalikan", "evidence returned"),
    EvidenceState.MENUNGGU: ("bukti menunggu verifikasi", "evidence awaiting verification"),
    "": ("belum ada bukti", "no evidence yet"),
}
