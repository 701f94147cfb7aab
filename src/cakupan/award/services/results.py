"""Results: the rubric and every submitted score of a category turned into award.ranking's
inputs, the ranking both ways (raw and z-score normalised jury scores), the sensitivity to each
juror, and the freezing of the official ranking when the decision stage closes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cakupan.accounts.scope import Actor
from cakupan.audit.services import audit_record
from cakupan.award import ranking as rk
from cakupan.award.models import (
    Aspect,
    AssessorScore,
    Candidate,
    Category,
    Cycle,
    CycleCategory,
    Indicator,
    IndicatorValue,
    JuryScore,
    Result,
    RubricVersion,
)

METHOD_Z = "z"
METHOD_RAW = "mentah"


@dataclass
class ResultRow:
    candidate: Candidate
    peringkat: int
    bersama: bool
    pemutus: str
    skor: float  # by the official method
    skor_mentah: float
    skor_z: float
    peringkat_mentah: int
    peringkat_z: int
    aspek_mentah: dict[str, float]
    aspek_z: dict[str, float]
    pecahan_mentah: dict[str, float | None]
    pecahan_z: dict[str, float | None]
    juri: int  # submitted sheets counted
    pemenang: bool = False

    @property
    def aspek(self) -> dict[str, float]:
        return self.aspek_z if self._z else self.aspek_mentah

    @property
    def pecahan(self) -> dict[str, float | None]:
        return self.pecahan_z if self._z else self.pecahan_mentah

    @property
    def missing(self) -> list[str]:
        return [k for k, v in self.pecahan.items() if v is None]

    _z: bool = True


@dataclass
class JurorEffectRow:
    juror: str
    berubah: bool
    top: list[tuple[int, Candidate]]
    keluar: list[Candidate]
    masuk: list[Candidate]


@dataclass
class CategoryRanking:
    kategori: str
    rubric: RubricVersion
    aspects: list[Aspect]
    indicators: list[Indicator]
    rows: list[ResultRow]
    method: str  # METHOD_Z or METHOD_RAW: what ranks
    sensitivity: list[JurorEffectRow] = field(default_factory=list)
    frozen: bool = False

    @property
    def label(self) -> str:
        return str(Category(self.kategori).label)

    @property
    def stable(self) -> bool:
        return not any(e.berubah for e in self.sensitivity)

    def tie_order(self) -> list[Aspect]:
        order = rules_of(self.aspects, self.indicators).tie_order()
        by_code = {a.kode: a for a in self.aspects}
        return [by_code[k] for k in order]


def rules_of(aspects: list[Aspect], indicators: list[Indicator]) -> rk.Rules:
    by_id = {a.pk: a for a in aspects}
    return rk.Rules(
        aspects=tuple(rk.AspectRule(a.kode, float(a.bobot), a.urutan) for a in aspects),
        indicators=tuple(
            rk.IndicatorRule(
                kode=i.kode,
                aspek=by_id[i.aspect_id].kode,
                bobot=float(i.bobot),
                jenis=i.jenis,
                lo=float(i.low),
                hi=float(i.high),
            )
            for i in indicators
        ),
    )


def category_inputs(
    cycle: Cycle, cc: CycleCategory
) -> tuple[list[Aspect], list[Indicator], dict[str, Candidate], rk.Inputs, dict[str, int]]:
    """The rubric, the active candidates by code, the maths' inputs and each candidate's count
    of submitted jury sheets (five queries)."""
    aspects = list(cc.rubric.aspects.order_by("urutan", "id"))
    indicators = list(
        Indicator.objects.filter(aspect__version=cc.rubric).order_by(
            "aspect__urutan", "urutan", "id"
        )
    )
    code_of = {i.pk: i.kode for i in indicators}
    candidates = {
        c.kode: c
        for c in cycle.candidates.filter(kategori=cc.kategori, aktif=True).order_by("kode")
    }
    by_pk = {c.pk: c.kode for c in candidates.values()}
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for v in IndicatorValue.objects.filter(candidate_id__in=by_pk, nilai__isnull=False).values_list(
        "candidate_id", "indicator_id", "nilai"
    ):
        if v[1] in code_of:
            values[(by_pk[v[0]], code_of[v[1]])].append(float(v[2]))
    for s in AssessorScore.objects.filter(candidate_id__in=by_pk).values_list(
        "candidate_id", "indicator_id", "nilai"
    ):
        if s[1] in code_of:
            values[(by_pk[s[0]], code_of[s[1]])].append(float(s[2]))
    jury: dict[tuple[str, str, str], float] = {}
    sheets: dict[str, set[str]] = defaultdict(set)
    for juror, cand_id, ind_id, nilai in JuryScore.objects.filter(
        assignment__candidate_id__in=by_pk, assignment__submitted_at__isnull=False
    ).values_list(
        "assignment__juror__username", "assignment__candidate_id", "indicator_id", "nilai"
    ):
        if ind_id in code_of:
            jury[(juror, by_pk[cand_id], code_of[ind_id])] = float(nilai)
            sheets[by_pk[cand_id]].add(juror)
    inputs = rk.Inputs(candidates=list(candidates), values=dict(values), jury=jury)
    return aspects, indicators, candidates, inputs, {k: len(v) for k, v in sheets.items()}


def category_ranking(
    cycle: Cycle, cc: CycleCategory, *, with_sensitivity: bool = True
) -> CategoryRanking:
    """One category ranked both ways; the cycle's setting says which ranks; after the decision
    the places and scores are the frozen ones."""
    aspects, indicators, candidates, inputs, sheets = category_inputs(cycle, cc)
    rules = rules_of(aspects, indicators)
    raw = rk.ranking(rules, inputs, normalise=False)
    zed = rk.ranking(rules, inputs, normalise=True)
    raw_by = {r.kandidat: r for r in raw}
    z_by = {r.kandidat: r for r in zed}
    official = zed if cycle.normalisasi else raw
    rows = []
    for r in official:
        a, b = raw_by[r.kandidat], z_by[r.kandidat]
        row = ResultRow(
            candidate=candidates[r.kandidat],
            peringkat=r.peringkat,
            bersama=r.bersama,
            pemutus=r.pemutus,
            skor=r.skor.total,
            skor_mentah=a.skor.total,
            skor_z=b.skor.total,
            peringkat_mentah=a.peringkat,
            peringkat_z=b.peringkat,
            aspek_mentah=a.skor.aspek,
            aspek_z=b.skor.aspek,
            pecahan_mentah=a.skor.pecahan,
            pecahan_z=b.skor.pecahan,
            juri=sheets.get(r.kandidat, 0),
        )
        row._z = cycle.normalisasi
        row.pemenang = r.peringkat <= cycle.jumlah_pemenang
        rows.append(row)
    result = CategoryRanking(
        kategori=cc.kategori,
        rubric=cc.rubric,
        aspects=aspects,
        indicators=indicators,
        rows=rows,
        method=METHOD_Z if cycle.normalisasi else METHOD_RAW,
    )
    if with_sensitivity:
        for e in rk.sensitivity(rules, inputs, normalise=cycle.normalisasi):
            result.sensitivity.append(
                JurorEffectRow(
                    juror=e.juror,
                    berubah=e.berubah,
                    top=[(p, candidates[c]) for p, c in e.top],
                    keluar=[candidates[c] for c in e.keluar],
                    masuk=[candidates[c] for c in e.masuk],
                )
            )
    if cycle.decided_at is not None:
        _apply_frozen(cycle, result)
    return result


def _apply_frozen(cycle: Cycle, result: CategoryRanking) -> None:
    frozen = {
        r.candidate_id: r for r in Result.objects.filter(cycle=cycle, kategori=result.kategori)
    }
    if not frozen:
        return
    for row in result.rows:
        f = frozen.get(row.candidate.pk)
        if f is None:
            continue
        row.peringkat, row.bersama, row.pemutus = f.peringkat, f.bersama, f.pemutus
        row.skor, row.skor_mentah, row.skor_z = float(f.skor), float(f.skor_mentah), float(f.skor_z)
        row.aspek_mentah = {k: v["mentah"] for k, v in f.aspek.items()}
        row.aspek_z = {k: v["z"] for k, v in f.aspek.items()}
        row.pemenang = f.peringkat <= cycle.jumlah_pemenang
    result.rows.sort(key=lambda r: (r.peringkat, r.candidate.kode))
    result.frozen = True


def cycle_rankings(
    cycle: Cycle, *, kategori: str | None = None, with_sensitivity: bool = True
) -> list[CategoryRanking]:
    """Every category's ranking (or one), in the cycle's category order."""
    out = []
    for cc in cycle.categories.select_related("rubric").order_by("id"):
        if kategori and cc.kategori != kategori:
            continue
        out.append(category_ranking(cycle, cc, with_sensitivity=with_sensitivity))
    return out


def _d4(x: float) -> str:
    return f"{x:.4f}"


@transaction.atomic
def results_freeze(*, cycle: Cycle, acting_user: Actor | None) -> int:
    """Freeze the official ranking of every category (the decision); returns the rows kept."""
    if cycle.decided_at is not None:
        return 0
    rows: list[Result] = []
    summary: dict[str, list[str]] = {}
    for cat in cycle_rankings(cycle, with_sensitivity=False):
        for r in cat.rows:
            rows.append(
                Result(
                    cycle=cycle,
                    candidate=r.candidate,
                    kategori=cat.kategori,
                    peringkat=r.peringkat,
                    bersama=r.bersama,
                    skor=_d4(r.skor),
                    skor_mentah=_d4(r.skor_mentah),
                    skor_z=_d4(r.skor_z),
                    aspek={
                        a.kode: {
                            "mentah": round(r.aspek_mentah[a.kode], 4),
                            "z": round(r.aspek_z[a.kode], 4),
                        }
                        for a in cat.aspects
                    },
                    pemutus=r.pemutus,
                )
            )
        summary[cat.kategori] = [r.candidate.kode for r in cat.rows if r.pemenang]
    Result.objects.filter(cycle=cycle).delete()
    Result.objects.bulk_create(rows)
    cycle.decided_at = timezone.now()
    cycle.save(update_fields=["decided_at"])
    audit_record(
        actor=acting_user,
        action="award.decide",
        target=cycle,
        rows=len(rows),
        region_code=cycle.kode_wilayah,
        detail={"siklus": cycle.kode, "pemenang": summary, "normalisasi": cycle.normalisasi},
    )
    return len(rows)
