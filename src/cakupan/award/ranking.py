"""Aggregation, jury normalisation, tie-breaks, ranking and sensitivity: pure functions on plain
data (no database), so every rule can be checked on a hand-computed example.

The rules, as printed on the results page and PDF (RULES_ID / RULES_EN):

1. Each value becomes a fraction of its indicator's scale: f = (v − min) ÷ (max − min), 0…1.
   A data indicator has one value; an evidence indicator the mean of its assessors' fractions;
   an interview indicator the mean of the fractions of the jurors who submitted their sheets.
   An indicator without any value counts 0 and is listed as missing.
2. Aspect score (0–100) = Σ over its indicators of (indicator weight ÷ 100) × f × 100.
   Total (0–100) = Σ over the aspects of (aspect weight ÷ 100) × aspect score.
3. Normalised jury scores (z-score), per interview indicator: a juror's fractions across the
   candidates they scored become z = (f − the juror's mean) ÷ the juror's standard deviation
   (population), then are put back on the common scale f' = μ + σ·z, μ and σ being the mean and
   standard deviation of every juror's fractions on that indicator in the category; f' is kept
   within 0…1. A juror with fewer than two scores on the indicator, or the same score for all,
   gets z = 0 (f' = μ): they expressed no preference. Both totals are always shown; the cycle
   says which one ranks.
4. Ranking per category, totals compared at two decimals. Tie-breaks, in order: the aspect
   scores, heaviest aspect first (equal weights in rubric order), each at two decimals; when
   every one is equal the candidates share the rank (1, 1, 3).
5. Sensitivity: for each juror, the ranking is computed again without that juror's scores
   (normalisation included); the top three (by place, in order) are compared with the full one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean, pstdev

RULES_ID = (
    "Nilai tiap indikator diubah menjadi pecahan skalanya: (nilai − min) ÷ (maks − min). "
    "Indikator data memakai nilai hitungannya, indikator bukti rata-rata nilai para asesor, "
    "indikator wawancara rata-rata nilai juri yang sudah mengirim lembar nilai; indikator tanpa "
    "nilai dihitung 0.",
    "Skor aspek = Σ (bobot indikator ÷ 100) × pecahan × 100; skor total = Σ (bobot aspek ÷ 100) "
    "× skor aspek.",
    "Normalisasi z-score per indikator wawancara: z = (nilai juri − rata-rata juri itu) ÷ "
    "simpangan baku juri itu, lalu dikembalikan ke skala bersama: μ + σ·z (μ, σ: rata-rata dan "
    "simpangan baku semua nilai juri pada indikator itu), dibatasi 0–1. Juri dengan kurang dari "
    "dua nilai atau nilai yang sama semua mendapat z = 0.",
    "Peringkat per kategori menurut skor total (dua desimal). Penentu bila sama: skor aspek, "
    "dari bobot terbesar (bobot sama: urutan rubrik), masing-masing dua desimal; bila semuanya "
    "sama, peringkat dibagi (1, 1, 3).",
    "Kepekaan: peringkat dihitung ulang tanpa nilai satu juri (termasuk normalisasinya) dan tiga "
    "besar dibandingkan dengan hasil lengkap.",
)
RULES_EN = (
    "Each indicator value becomes a fraction of its scale: (value − min) ÷ (max − min). Data "
    "indicators use their computed value, evidence indicators the mean of the assessors, "
    "interview indicators the mean of the jurors who submitted; an indicator without a value "
    "counts 0.",
    "Aspect score = Σ (indicator weight ÷ 100) × fraction × 100; total = Σ (aspect weight ÷ 100) "
    "× aspect score.",
    "Z-score normalisation per interview indicator: z = (juror's score − that juror's mean) ÷ "
    "that juror's standard deviation, put back on the common scale as μ + σ·z (μ, σ: mean and "
    "standard deviation of all jurors' scores on the indicator), kept within 0–1. A juror with "
    "fewer than two scores or all scores equal gets z = 0.",
    "Ranking per category by total (two decimals). Tie-breaks: the aspect scores, heaviest "
    "aspect first (equal weights: rubric order), each at two decimals; if all are equal, the "
    "rank is shared (1, 1, 3).",
    "Sensitivity: the ranking is computed again without one juror's scores (normalisation "
    "included) and the top three are compared with the full result.",
)

CENT = Decimal("0.01")


def r2(value: float) -> Decimal:
    """`value` at two decimals, half up (float noise below 1e-9 removed first)."""
    return Decimal(repr(round(value, 9))).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AspectRule:
    kode: str
    bobot: float  # percent of the total
    urutan: int = 0


@dataclass(frozen=True)
class IndicatorRule:
    kode: str
    aspek: str
    bobot: float  # percent of its aspect
    jenis: str  # data | bukti | wawancara
    lo: float
    hi: float

    def fraction(self, value: float) -> float:
        return min(1.0, max(0.0, (value - self.lo) / (self.hi - self.lo)))


@dataclass(frozen=True)
class Rules:
    """One category's rubric as the maths needs it."""

    aspects: tuple[AspectRule, ...]
    indicators: tuple[IndicatorRule, ...]

    def tie_order(self) -> list[str]:
        """Aspect codes in tie-break order: heaviest first, equal weights in rubric order."""
        ordered = sorted(enumerate(self.aspects), key=lambda p: (-p[1].bobot, p[1].urutan, p[0]))
        return [a.kode for _, a in ordered]


@dataclass
class Inputs:
    """Everything scored in one category.

    `values`: (candidate, indicator) → scale values of data and evidence indicators (one
    computed value, or one per assessor). `jury`: (juror, candidate, indicator) → scale value,
    submitted sheets only.
    """

    candidates: list[str]
    values: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    jury: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def jurors(self) -> list[str]:
        return sorted({j for j, _, _ in self.jury})

    def without(self, juror: str) -> Inputs:
        return Inputs(
            candidates=self.candidates,
            values=self.values,
            jury={k: v for k, v in self.jury.items() if k[0] != juror},
        )


@dataclass
class CandidateScore:
    kandidat: str
    aspek: dict[str, float]  # 0–100
    total: float  # 0–100
    pecahan: dict[str, float | None]  # indicator → fraction used (None: no value, counted 0)

    @property
    def missing(self) -> list[str]:
        return [k for k, v in self.pecahan.items() if v is None]


def normalise_jury(
    jury: dict[tuple[str, str, str], float], rules: Rules
) -> dict[tuple[str, str, str], float]:
    """Each juror's fractions z-scored per indicator and put back on the pooled scale (rule 3).
    Takes and returns fractions (0…1)."""
    pool: dict[str, list[float]] = defaultdict(list)
    own: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (juror, _, ind), f in jury.items():
        pool[ind].append(f)
        own[(juror, ind)].append(f)
    pooled = {ind: (fmean(v), pstdev(v)) for ind, v in pool.items()}
    stats = {key: (fmean(v), pstdev(v), len(v)) for key, v in own.items()}
    out = {}
    for (juror, cand, ind), f in jury.items():
        mean, sd, n = stats[(juror, ind)]
        z = (f - mean) / sd if n >= 2 and sd > 0 else 0.0
        mu, sigma = pooled[ind]
        out[(juror, cand, ind)] = min(1.0, max(0.0, mu + sigma * z))
    return out


def score_all(rules: Rules, inputs: Inputs, *, normalise: bool) -> dict[str, CandidateScore]:
    """Aspect scores and totals of every candidate (rules 1–3)."""
    by_code = {i.kode: i for i in rules.indicators}
    jury_f = {
        key: by_code[key[2]].fraction(v) for key, v in inputs.jury.items() if key[2] in by_code
    }
    if normalise:
        jury_f = normalise_jury(jury_f, rules)
    per_cand: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (_, cand, ind), f in jury_f.items():
        per_cand[(cand, ind)].append(f)
    out = {}
    for cand in inputs.candidates:
        pecahan: dict[str, float | None] = {}
        for ind in rules.indicators:
            if ind.jenis == "wawancara":
                fs = per_cand.get((cand, ind.kode), [])
            else:
                fs = [ind.fraction(v) for v in inputs.values.get((cand, ind.kode), [])]
            pecahan[ind.kode] = fmean(fs) if fs else None
        aspek = {}
        for a in rules.aspects:
            aspek[a.kode] = sum(
                i.bobot / 100 * (pecahan[i.kode] or 0.0) * 100
                for i in rules.indicators
                if i.aspek == a.kode
            )
        total = sum(a.bobot / 100 * aspek[a.kode] for a in rules.aspects)
        out[cand] = CandidateScore(kandidat=cand, aspek=aspek, total=total, pecahan=pecahan)
    return out


@dataclass
class Ranked:
    kandidat: str
    peringkat: int
    bersama: bool  # shares its rank after every tie-break
    pemutus: str  # "" (the total alone), "aspek:<kode>" (that tie-break placed it), "bersama"
    skor: CandidateScore


def _key(score: CandidateScore, order: list[str]) -> tuple[Decimal, ...]:
    return (r2(score.total), *(r2(score.aspek[k]) for k in order))


def _decider(a: tuple[Decimal, ...], b: tuple[Decimal, ...], order: list[str]) -> str:
    for pos, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            return "" if pos == 0 else f"aspek:{order[pos - 1]}"
    return "bersama"


def rank(scores: dict[str, CandidateScore], rules: Rules) -> list[Ranked]:
    """Candidates in ranking order with their places (rule 4); equal keys share a place."""
    order = rules.tie_order()
    keyed = sorted(
        ((_key(s, order), s) for s in scores.values()),
        key=lambda p: (tuple(-x for x in p[0]), p[1].kandidat),
    )
    rows: list[Ranked] = []
    for pos, (key, s) in enumerate(keyed):
        place = 1 + sum(1 for k, _ in keyed if k > key)
        above = keyed[pos - 1][0] if pos > 0 else None
        below = keyed[pos + 1][0] if pos + 1 < len(keyed) else None
        bersama = key in (above, below)
        pemutus = ""
        if above is not None and above[0] == key[0]:
            pemutus = _decider(above, key, order)
        elif below is not None and below[0] == key[0]:
            pemutus = _decider(key, below, order)
        rows.append(Ranked(s.kandidat, place, bersama, pemutus, s))
    return rows


def ranking(rules: Rules, inputs: Inputs, *, normalise: bool) -> list[Ranked]:
    return rank(score_all(rules, inputs, normalise=normalise), rules)


@dataclass
class JurorEffect:
    juror: str
    top: list[tuple[int, str]]  # (place, candidate) of the top places without this juror
    berubah: bool  # the top differs from the full result (who or in which order)
    keluar: list[str]  # left the top
    masuk: list[str]  # entered it


def top_places(rows: list[Ranked], n: int) -> list[tuple[int, str]]:
    return [(r.peringkat, r.kandidat) for r in rows if r.peringkat <= n]


def sensitivity(rules: Rules, inputs: Inputs, *, normalise: bool, n: int = 3) -> list[JurorEffect]:
    """Would the top `n` change if one juror were removed? One answer per juror (rule 5)."""
    full = top_places(ranking(rules, inputs, normalise=normalise), n)
    full_set = {c for _, c in full}
    out = []
    for juror in inputs.jurors():
        top = top_places(ranking(rules, inputs.without(juror), normalise=normalise), n)
        names = {c for _, c in top}
        out.append(
            JurorEffect(
                juror=juror,
                top=top,
                berubah=top != full,
                keluar=sorted(full_set - names),
                masuk=sorted(names - full_set),
            )
        )
    return out
