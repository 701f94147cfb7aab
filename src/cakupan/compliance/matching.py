"""Matching the licensing system's businesses (OSS, by NIB) to employers registered at BPJS
Ketenagakerjaan (by NPP), and the staff's decisions on the uncertain pairs.

`business_match` tries, in order, for every business not confirmed by staff:
1. a pair staff accepted earlier (kept as "manual");
2. NIB equal to the employer's NIB ("nib", score 1.0);
3. NPWP equal to the employer's NPWP, a 15-digit (old) NPWP being equal to "0" + those 15 digits,
   the 16-digit form of PMK-112/PMK.03/2022 ("npwp", score 1.0);
4. name and place within the same regency (first 5 characters of `kode_wilayah`), scored 0–1:
       0.80 × name similarity (rapidfuzz token_sort_ratio of the names without legal forms)
     + 0.10 × token-set similarity of the business's name and address with the employer's name
     + 0.10 × place (1 same village, 0.5 same district, 0 elsewhere in the regency)
     − 0.10 when both names carry a legal form and they differ (PT against CV)
   A score ≥ AUTO (0.92) ahead of the runner-up by ≥ MARGIN (0.05) is matched ("nama"); other
   scores ≥ REVIEW (0.75), and ambiguous winners, become candidates for review (the best 3).

Steps 1–3 are single UPDATE statements with correlated subqueries on indexed columns; step 4 runs
rapidfuzz's `process.extract` for each business against its regency's employers only (`cdist`
needs numpy, which Cakupan does not install), with a score cutoff below which no pair can reach
REVIEW, so only near names are scored in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from rapidfuzz import fuzz, process

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.compliance.models import Business, CandidateState, MatchCandidate, MatchMethod
from cakupan.errors import CakupanError
from cakupan.lib.names import name_normal
from cakupan.regions.selectors import within_q
from cakupan.registry.models import Employer

AUTO = 0.92  # matched without review at or above this score …
MARGIN = 0.05  # … when the runner-up scores at least this much less
REVIEW = 0.75  # below this a pair is not worth a reviewer's time
TOP = 3  # candidates proposed per business
W_NAME, W_TOKENS, W_PLACE = 0.80, 0.10, 0.10
FORM_CONFLICT = 0.10
# A pair whose name similarity is below this cannot reach REVIEW even with every bonus.
NAME_FLOOR = (REVIEW - W_TOKENS - W_PLACE) / W_NAME
CHUNK = 5000
RESULT_KEYS = ("nib", "npwp", "nama", "manual", "ditinjau", "tidak_cocok")

# Legal forms: phrases first (matched on whole words), then single words. None: stripped but not a
# form of its own (Tbk, Persero qualify a PT).
_FORM_PHRASES = (
    ("perseroan terbatas", "pt"),
    ("persekutuan komanditer", "cv"),
    ("commanditaire vennootschap", "cv"),
    ("usaha dagang", "ud"),
    ("perusahaan dagang", "pd"),
    ("perusahaan daerah", "pd"),
)
_FORM_WORDS: dict[str, str | None] = {
    "pt": "pt",
    "cv": "cv",
    "ud": "ud",
    "pd": "pd",
    "fa": "firma",
    "firma": "firma",
    "koperasi": "koperasi",
    "kop": "koperasi",
    "tbk": None,
    "persero": None,
}
_ADDRESS_WORDS = frozenset(
    "jl jln jalan no nomor gg gang br banjar dusun dsn lingkungan link desa kel kelurahan kec "
    "kecamatan kab kabupaten kota rt rw blok lt lantai komplek kompleks perumahan".split()
)
_INITIALS = re.compile(r"\b([A-Za-z])\.\s*(?=[A-Za-z]\b)")  # "P.T." → "PT.", "C. V." → "CV."

_B = Business._meta.db_table
_E = Employer._meta.db_table
_C = MatchCandidate._meta.db_table
_SAME_REGENCY = "substr(e.kode_wilayah, 1, 5) = substr(b.kode_wilayah, 1, 5)"


def _first_employer(condition: str) -> str:
    """The id of the employer meeting `condition` (on `e` and the business `b`), one in the
    business's regency first, then the lowest NPP. (SQLite refuses outer columns in a subquery's
    ORDER BY, hence two subqueries.)"""
    pick = f"SELECT e.id FROM {_E} e WHERE {condition}"
    return (
        f"coalesce(({pick} AND {_SAME_REGENCY} ORDER BY e.npp LIMIT 1), "
        f"({pick} ORDER BY e.npp LIMIT 1))"
    )


_NIB_EQUAL = "e.nib = b.nib"
# Indexed equality on the employer's NPWP (stored as digits by the employer import): the business's
# NPWP itself, its 16-digit form "0" + 15 digits, or the 15 digits of a 16-digit form with a 0.
_NPWP_EQUAL = (
    "b.npwp <> '' AND e.npwp IN (b.npwp, '0' || b.npwp, "
    "CASE WHEN length(b.npwp) = 16 AND substr(b.npwp, 1, 1) = '0' THEN substr(b.npwp, 2) END)"
)
_BY_NIB = _first_employer(_NIB_EQUAL)
_BY_NPWP = _first_employer(_NPWP_EQUAL)
_HAS_NIB = f"EXISTS (SELECT 1 FROM {_E} e WHERE {_NIB_EQUAL})"
# A scalar subquery, not EXISTS: PostgreSQL turns EXISTS over `IN (outer values)` into a nested
# loop over every employer, but runs this one as an index lookup per business.
_HAS_NPWP = f"(SELECT e.id FROM {_E} e WHERE {_NPWP_EQUAL} LIMIT 1) IS NOT NULL"
_ACCEPTED = (
    f"SELECT c.{{col}} FROM {_C} c WHERE c.business_id = b.id AND c.state = 'diterima' "
    "ORDER BY c.decided_at DESC, c.id DESC LIMIT 1"
)
_OPEN = "NOT (b.cocok_metode = 'manual' AND b.employer_id IS NOT NULL)"  # staff's matches stay


class CandidateDecided(CakupanError):
    kode = "pasangan_sudah_diputuskan"
    pesan = "Pasangan usaha dan pemberi kerja ini sudah diputuskan ({keadaan})."
    message = "This business and employer pair has already been decided ({state})."
    http_status = 409


@lru_cache(maxsize=100_000)
def name_parts(nama: str) -> tuple[str, str]:
    """A business name without its legal forms, and the form: 'P.T. Bali Segara, Tbk' →
    ('bali segara', 'pt'); two different forms give both, joined by '+'."""
    text = " " + name_normal(_INITIALS.sub(r"\1", nama)) + " "
    forms: set[str] = set()
    for phrase, form in _FORM_PHRASES:
        if f" {phrase} " in text:
            forms.add(form)
            text = text.replace(f" {phrase} ", " ")
    words = []
    for word in text.split():
        if word in _FORM_WORDS:
            form_or_none = _FORM_WORDS[word]
            if form_or_none:
                forms.add(form_or_none)
        else:
            words.append(word)
    return " ".join(words), "+".join(sorted(forms))


def address_words(alamat: str) -> str:
    """An address's distinctive words: no street-type words, house numbers or RT/RW."""
    return " ".join(
        w for w in name_normal(alamat).split() if w not in _ADDRESS_WORDS and not w.isdigit()
    )


def place_score(business_code: str, employer_code: str) -> float:
    """1 in the same village, 0.5 in the same district, 0 otherwise (codes `51.04.01.2001`)."""
    if business_code == employer_code and len(business_code) == 13:
        return 1.0
    if len(business_code) >= 8 and len(employer_code) >= 8:
        return 0.5 if business_code[:8] == employer_code[:8] else 0.0
    return 0.0


def sorted_words(name: str) -> str:
    """A name's words in alphabetical order: `fuzz.ratio` of two of these is `token_sort_ratio`
    of the names, without sorting again for every comparison."""
    return " ".join(sorted(name.split()))


def pair_score(
    *,
    name: str,
    form: str,
    words: str,
    code: str,
    e_name: str,
    e_form: str,
    e_code: str,
    similarity: float | None = None,
) -> float:
    """The name-and-place score of one pair, 0–1 (module docstring), rounded to 4 decimals.
    `similarity`: the names' token_sort_ratio (0–100) when already computed."""
    if similarity is None:
        similarity = fuzz.token_sort_ratio(name, e_name)
    n = similarity / 100
    t = fuzz.token_set_ratio(f"{name} {words}".strip(), e_name) / 100
    score = W_NAME * n + W_TOKENS * t + W_PLACE * place_score(code, e_code)
    if form and e_form and form != e_form:
        score -= FORM_CONFLICT
    return round(max(score, 0.0), 4)


@dataclass
class _Block:
    """The employers of one regency, prepared for comparison."""

    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    sorted_names: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    nibs: list[str] = field(default_factory=list)


def _regency(code: str) -> str | None:
    return code[:5] if len(code) >= 5 else None


def _scopes(business_ids: Iterable[int] | None) -> Iterator[tuple[str, list[Any]]]:
    """SQL conditions on `b.id` selecting the businesses to match, a chunk at a time."""
    if business_ids is None:
        yield "1=1", []
        return
    ids = sorted(set(business_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        yield f"b.id IN ({', '.join(['%s'] * len(chunk))})", chunk


def _match_exact(where: str, params: list[Any], now: Any) -> None:
    """Steps 1–3: accepted pairs, then NIB, then NPWP, each one UPDATE writing changed rows only."""
    with connection.cursor() as c:
        c.execute(
            f"""UPDATE {_B} AS b SET employer_id = ({_ACCEPTED.format(col="employer_id")}),
                    cocok_metode = 'manual', cocok_skor = ({_ACCEPTED.format(col="skor")}),
                    updated_at = %s
                WHERE {where} AND {_OPEN} AND EXISTS ({_ACCEPTED.format(col="id")})""",
            [now, *params],
        )
        c.execute(
            f"""UPDATE {_B} AS b SET employer_id = {_BY_NIB}, cocok_metode = 'nib',
                    cocok_skor = 1.0, updated_at = %s
                WHERE {where} AND {_OPEN} AND {_HAS_NIB}
                  AND NOT (b.cocok_metode = 'nib' AND coalesce(b.employer_id, 0) = {_BY_NIB})""",
            [now, *params],
        )
        c.execute(
            f"""UPDATE {_B} AS b SET employer_id = {_BY_NPWP}, cocok_metode = 'npwp',
                    cocok_skor = 1.0, updated_at = %s
                WHERE {where} AND {_OPEN} AND NOT {_HAS_NIB} AND {_HAS_NPWP}
                  AND NOT (b.cocok_metode = 'npwp'
                           AND coalesce(b.employer_id, 0) = {_BY_NPWP})""",
            [now, *params],
        )


def _fuzzy_pages(where: str, params: list[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The businesses left for step 4 (no staff match, no NIB or NPWP match), by id, a page at a
    time: (id, nib, nama, alamat, kode_wilayah, employer_id, cocok_metode, cocok_skor)."""
    last = 0
    while True:
        with connection.cursor() as c:
            c.execute(
                f"""SELECT b.id, b.nib, b.nama, b.alamat, b.kode_wilayah, b.employer_id,
                           b.cocok_metode, b.cocok_skor
                    FROM {_B} b
                    WHERE {where} AND {_OPEN} AND NOT {_HAS_NIB}
                      AND NOT {_HAS_NPWP} AND b.id > %s
                    ORDER BY b.id LIMIT %s""",
                [*params, last, CHUNK],
            )
            rows = c.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _load_blocks(blocks: dict[str, _Block], regencies: set[str]) -> None:
    """Add the employers of `regencies` not loaded yet, one query."""
    wanted = sorted(r for r in regencies if r not in blocks)
    if not wanted:
        return
    for r in wanted:
        blocks[r] = _Block()
    rows = (
        Employer.objects.annotate(regency=Substr("kode_wilayah", 1, 5))
        .filter(regency__in=wanted)
        .order_by("id")
        .values_list("id", "nama", "kode_wilayah", "nib", "regency")
    )
    for eid, nama, code, nib, regency in rows:
        name, form = name_parts(nama)
        if not name:
            continue
        block = blocks[regency]
        block.ids.append(eid)
        block.names.append(name)
        block.sorted_names.append(sorted_words(name))
        block.forms.append(form)
        block.codes.append(code)
        block.nibs.append(nib)


def _rank(
    row: Sequence[Any], block: _Block, rejected: set[tuple[int, int]]
) -> list[tuple[float, int]]:
    """(score, employer id) of the employers of the business's regency worth a look, best first."""
    bid, nib, nama, alamat, code = row[:5]
    name, form = name_parts(nama)
    if not name or not block.ids:
        return []
    words = address_words(alamat)
    hits = process.extract(
        sorted_words(name),
        block.sorted_names,
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=NAME_FLOOR * 100,
        limit=None,
    )
    ranked = []
    for _, similarity, i in hits:
        eid = block.ids[i]
        # A different NIB on the employer is a different business in OSS; a rejected pair stays so.
        if (block.nibs[i] and block.nibs[i] != nib) or (bid, eid) in rejected:
            continue
        score = pair_score(
            name=name,
            form=form,
            words=words,
            code=code,
            e_name=block.names[i],
            e_form=block.forms[i],
            e_code=block.codes[i],
            similarity=similarity,
        )
        if score >= REVIEW:
            ranked.append((score, eid))
    ranked.sort(key=lambda se: (-se[0], se[1]))
    return ranked


def _auto(ranked: list[tuple[float, int]], nama: str) -> tuple[float, int] | None:
    """The pair to match without review, if the best is sure and clearly ahead."""
    if not ranked:
        return None
    best = ranked[0][0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    one_word = len(name_parts(nama)[0].split()) < 2  # "Sinar", "Maju": too common to trust
    if best >= AUTO and round(best - runner_up, 4) >= MARGIN and not one_word:
        return ranked[0]
    return None


def _match_fuzzy(where: str, params: list[Any], now: Any, blocks: dict[str, _Block]) -> None:
    """Step 4 for the businesses left, page by page: match, clear, or queue for review."""
    for rows in _fuzzy_pages(where, params):
        _load_blocks(blocks, {r for row in rows if (r := _regency(row[4]))})
        ids = [row[0] for row in rows]
        rejected: set[tuple[int, int]] = set()
        decided: set[tuple[int, int]] = set()
        waiting: dict[tuple[int, int], tuple[int, float]] = {}
        existing = MatchCandidate.objects.filter(business_id__in=ids).values_list(
            "id", "business_id", "employer_id", "state", "skor"
        )
        for cid, bid, eid, state, skor in existing:
            if state == CandidateState.MENUNGGU:
                waiting[(bid, eid)] = (cid, skor)
            else:
                decided.add((bid, eid))
                if state == CandidateState.DITOLAK:
                    rejected.add((bid, eid))

        changed: list[Business] = []
        proposed: dict[tuple[int, int], float] = {}
        for row in rows:
            bid, _, nama, _, code, employer_id, metode, skor = row
            regency = _regency(code)
            ranked = _rank(row, blocks[regency], rejected) if regency else []
            auto = _auto(ranked, nama)
            if auto is not None:
                target = (auto[1], MatchMethod.NAMA.value, auto[0])
            else:
                target = (None, "", None)
                for score, eid in ranked[:TOP]:
                    proposed[(bid, eid)] = score
            if (employer_id, metode, skor) != target:
                changed.append(
                    Business(
                        id=bid,
                        employer_id=target[0],
                        cocok_metode=target[1],
                        cocok_skor=target[2],
                        updated_at=now,
                    )
                )
        Business.objects.bulk_update(
            changed, ["employer", "cocok_metode", "cocok_skor", "updated_at"], batch_size=1000
        )
        stale = [cid for pair, (cid, _) in waiting.items() if pair not in proposed]
        MatchCandidate.objects.filter(id__in=stale).delete()
        rescored = [
            MatchCandidate(id=waiting[pair][0], skor=score)
            for pair, score in proposed.items()
            if pair in waiting and waiting[pair][1] != score
        ]
        MatchCandidate.objects.bulk_update(rescored, ["skor"], batch_size=1000)
        MatchCandidate.objects.bulk_create(
            [
                MatchCandidate(business_id=bid, employer_id=eid, skor=score)
                for (bid, eid), score in proposed.items()
                if (bid, eid) not in waiting and (bid, eid) not in decided
            ],
            batch_size=1000,
        )


def _count(where: str, params: list[Any], totals: dict[str, int]) -> None:
    """Add the businesses selected by `where` per outcome; drop the waiting candidates of the
    ones now matched (nothing left to review)."""
    with connection.cursor() as c:
        c.execute(
            f"""DELETE FROM {_C} WHERE state = 'menunggu' AND business_id IN
                (SELECT b.id FROM {_B} b WHERE {where} AND b.employer_id IS NOT NULL)""",
            params,
        )
        c.execute(
            f"""SELECT CASE WHEN b.employer_id IS NOT NULL THEN b.cocok_metode
                            WHEN EXISTS (SELECT 1 FROM {_C} c WHERE c.business_id = b.id
                                         AND c.state = 'menunggu') THEN 'ditinjau'
                            ELSE 'tidak_cocok' END AS hasil, count(*)
                FROM {_B} b WHERE {where} GROUP BY 1""",
            params,
        )
        for hasil, n in c.fetchall():
            totals[hasil] = totals.get(hasil, 0) + n


@transaction.atomic
def business_match(*, business_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Match businesses (all, or `business_ids`) to registered employers — module docstring.

    Staff's matches ("manual") are never changed; every other match is recomputed and written only
    where it changed. Returns how many of those businesses are matched by each method, queued for
    review ("ditinjau") and left unmatched ("tidak_cocok").
    """
    now = timezone.now()
    blocks: dict[str, _Block] = {}
    totals = dict.fromkeys(RESULT_KEYS, 0)
    if connection.vendor == "postgresql":
        # The correlated subqueries look expensive to the planner, which then JIT-compiles each
        # statement (~0.6 s apiece, longer than running it); index lookups gain nothing from it.
        with connection.cursor() as c:
            c.execute("SET LOCAL jit = off")
    for where, params in _scopes(business_ids):
        _match_exact(where, params, now)
        _match_fuzzy(where, params, now, blocks)
        _count(where, params, totals)
    return totals


@transaction.atomic
def candidate_decide(
    *, candidate: MatchCandidate, accept: bool, acting_user: Actor
) -> MatchCandidate:
    """Accept (the business is that employer, "manual"; its other waiting pairs are rejected) or
    reject (never proposed again) one waiting pair; audited."""
    require_capability(acting_user, "compliance.followup")
    candidate = (
        MatchCandidate.objects.select_for_update()
        .select_related("business", "employer")
        .get(pk=candidate.pk)
    )
    business, employer = candidate.business, candidate.employer
    require_scope(acting_user, business.kode_wilayah)
    require_scope(acting_user, employer.kode_wilayah)
    if candidate.state != CandidateState.MENUNGGU:
        raise CandidateDecided(keadaan=candidate.state, state=candidate.state)
    user = acting_user if isinstance(acting_user, AbstractBaseUser) else None
    now = timezone.now()
    candidate.state = CandidateState.DITERIMA if accept else CandidateState.DITOLAK
    candidate.decided_by = user  # type: ignore[assignment]
    candidate.decided_at = now
    candidate.save(update_fields=["state", "decided_by", "decided_at"])
    detail: dict[str, Any] = {"nib": business.nib, "npp": employer.npp, "skor": candidate.skor}
    if accept:
        business.employer = employer
        business.cocok_metode = MatchMethod.MANUAL
        business.cocok_skor = candidate.skor
        business.save(update_fields=["employer", "cocok_metode", "cocok_skor", "updated_at"])
        others = MatchCandidate.objects.filter(
            business=business, state=CandidateState.MENUNGGU
        ).exclude(pk=candidate.pk)
        detail["ditolak_juga"] = sorted(others.values_list("pk", flat=True))
        others.update(state=CandidateState.DITOLAK, decided_by=user, decided_at=now)
    audit_record(
        actor=acting_user,
        action="business_match.accept" if accept else "business_match.reject",
        target=candidate,
        rows=1,
        region_code=business.kode_wilayah,
        detail=detail,
    )
    return candidate


def candidate_queue(*, actor: Actor) -> QuerySet[MatchCandidate]:
    """The pairs waiting for review whose business lies in `actor`'s region, grouped by business,
    best first."""
    if not actor.can("compliance.view"):
        return MatchCandidate.objects.none()
    return (
        MatchCandidate.objects.filter(state=CandidateState.MENUNGGU)
        .filter(within_q("business__kode_wilayah", actor.region_code))
        .select_related("business", "employer")
        .order_by("business__kode_wilayah", "business__nib", "-skor", "id")
    )
