"""Matching a list of people (a village beneficiary list) to the participant registry.

Each list row gets one `Match`, decided in three steps.

1. **Exact NIK** ("nik", skor 1.0): the list's NIK is a registry NIK and the names agree. NIKs
   are dense (district, birth date, a serial from 0001), so a one-digit typo often lands on a
   real NIK: the next serial, born the same day in the same district, of the same sex. Such a
   neighbour agrees on birth date and sex by construction; only the name tells the two apart.
   So the rule (`_Pairs.nik_compatible`) rests on the name: the exact NIK is accepted when the
   given names (`names.name_parts`) are the same, or one typo apart with the list's own birth
   date not clearly different, or share words (one side's all in the other's, or fairly alike)
   with the same birth-order class and the list's birth date equal or day/month swapped; never
   when the birth-order classes or caste titles conflict. Otherwise the NIK's owner is just a
   candidate of step 2 (where the true person, one typo away, usually wins).
2. **Probabilistic**. Candidates come from four blocks, each an equality join on sorted numpy
   keys, never all pairs: the NIK with every digit changed and every two adjacent digits
   swapped (175 variants); the birth date as written, with day and month swapped, and as
   written inside the list's NIK, across the province; and the village with each given
   name's spelling-tolerant key (`lib.names.token_key`, for a wrong or missing birth date).
   Each pair is compared field by field and the evidence added in bits (log2 m/u, Fellegi–Sunter
   style; weights set by hand and checked on bench/linkage.py): NIK (equal, one typo, one typo in
   the district digits, different), birth date, given names (rapidfuzz ratio, token-set ratio
   and OSA distance, vectorised over the pairs with `process.cpdist`), birth-order class, title,
   sex, place of residence. A NIK one typo away is strong evidence, but a stranger's NIK
   neighbour is born the same day and lives in the same district, so with such NIKs the birth
   date and the district say little (`_DOB_GIVEN_NIK`, `_REGION_GIVEN_NIK`). A namesake with
   another birth date is a different person (−7 bits). The candidates of a row then share the
   row's probability of being in the registry at all:
   `skor_i = 2^(w_i − prior) / (1 + Σ_j 2^(w_j − prior))`, so two equally good candidates get at
   most ½ each. The best is matched ("probabilistik") from `ACCEPT`, proposed for review
   ("tinjau") from `REVIEW`, otherwise the row is "tidak_cocok".
3. **Staff decisions** (`LinkDecision`, `people_link` only): an accepted NIK is the answer
   ("probabilistik"), a rejected one is never proposed again for that list row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from cakupan.lib.names import token_key
from cakupan.linkage.names import name_parts

ACCEPT = 0.99  # a best candidate at or above this is matched without review …
REVIEW = 0.20  # … from this up to ACCEPT it is proposed for review
# log2 of the odds against a list row and a given registry person being one person before any
# comparison: about N to one in a registry of N, less 4 bits as a list to match mostly names
# likely members (calibrated with bench/linkage.py, 1M registry). Never below that of a 1M
# registry: the weights assume a population that large, and a small registry must not make a
# namesake with another birth date a match.
PRIOR_BITS = 16.0
PRIOR_DISCOUNT_BITS = 4.0
CHUNK = 4096  # list rows blocked and scored at a time (bounds the candidate pairs in memory)
MAX_BLOCK = 2000  # a birth-date or village+word block larger than this is skipped (placeholders)
PRUNE_BITS = -8.0  # candidates whose odds cannot reach 2^-8 are not compared by name
FETCH = 50_000  # registry rows fetched at a time
NEAR_ROWS = 1000  # lists up to this long load only their possible candidates from the database

Progress = Callable[[int, int | None], None]
METHODS = ("nik", "probabilistik", "tinjau", "tidak_cocok")

# --- Comparison levels and their evidence in bits (log2 m/u, set by hand; see module docstring) --
# NIK: 0 missing, 1 differs, 2 one digit changed or two adjacent digits swapped in the district
# part (digits 1–6), 3 the same outside it (the district agrees), 4 equal.
NIK_MISSING, NIK_DIFFERS, NIK_NEAR_DISTRICT, NIK_NEAR, NIK_EXACT = 0, 1, 2, 3, 4
# Birth date: 0 missing, 1 differs, 2 one of day/month/year differs, 3 day and month swapped,
# 4 equal.
DOB_MISSING, DOB_DIFFERS, DOB_NEAR, DOB_SWAPPED, DOB_EXACT = 0, 1, 2, 3, 4
# Given names (sorted words, compared with rapidfuzz): 0 missing, 1 contradict, 2 weak (ratio
# ≥ 70), 3 fair (≥ 80, or token-set ≥ 90), 4 one side's words all in the other's, 5 close (one
# typo in 5 letters or more, or ≥ 92 in 12 or more), 6 the same words.
NAME_MISSING, NAME_CONTRADICT, NAME_WEAK, NAME_FAIR, NAME_SUBSET, NAME_CLOSE, NAME_SAME = range(7)
# Birth order, title, sex: 0 missing on either side, 1 conflict, 2 agree.
MISSING, CONFLICT, AGREE = 0, 1, 2

_WEIGHTS = {
    # A NIK equal or one typo away is rare between strangers (a few neighbours in a million), so
    # it weighs much; but such neighbours share the birth date and district, see _DOB_GIVEN_NIK
    # and _REGION_GIVEN_NIK. An equal NIK only gets here when step 1 found the names disagreeing.
    "nik": np.array([0.0, -5.0, 12.0, 15.0, 23.0]),
    "dob": np.array([0.0, -7.0, 3.0, 10.0, 13.0]),
    "name": np.array([0.0, -8.0, -1.0, 1.5, 1.5, 5.0, 6.5]),
    "order": np.array([0.0, -6.0, 1.8]),
    "title": np.array([0.0, -4.0, 3.0]),
    "sex": np.array([0.0, -5.5, 1.0]),
}
# Birth date when the NIKs are equal or one typo apart: a stranger's NIK neighbour is mostly born
# the same day (its serial or district differs), so agreement says little, and one part
# differing is what a typo in the NIK's date digits leaves. Compared with the list's own birth
# date only: the one inside its NIK agrees by construction.
_DOB_GIVEN_NIK = np.array([0.0, -7.0, -7.0, 0.5, 1.0])
# Region of residence, by the finer level both sides give (rows: province, regency, district,
# village) and the finest level at which they agree (columns: none, province, regency, district,
# village).
_REGION_WEIGHTS = np.array(
    [
        [-5.5, 0.0, 0.0, 0.0, 0.0],
        [-5.5, -5.5, 3.0, 3.0, 3.0],
        [-5.5, -5.5, -5.5, 5.8, 5.8],
        [-5.5, -5.5, -5.5, 0.0, 9.3],
    ]
)
# The same when the NIKs share their district (NIK_NEAR, NIK_EXACT): people mostly live in the
# district of their NIK, so a NIK neighbour is expected there too; only the village still tells.
_REGION_GIVEN_NIK = np.array(
    [
        [-2.0, 0.0, 0.0, 0.0, 0.0],
        [-2.0, -2.0, 0.0, 0.0, 0.0],
        [-2.0, -2.0, -2.0, 0.0, 0.0],
        [-2.0, -2.0, -2.0, -5.0, 3.6],
    ]
)
# Caste titles by family: Ida Bagus and Ida Ayu are one family, Dewa and Desak another.
_TITLE_FAMILY = {"": 0, "ib": 1, "ia": 1, "aa": 2, "ig": 3, "cok": 4, "dw": 5, "dsk": 5, "jro": 6}

_POW10 = 10 ** np.arange(16, dtype=np.int64)
_TODAY_YY = date.today().year % 100


@dataclass(frozen=True)
class Person:
    """One row of a list to match; any field but `nama` may be empty/None or wrong."""

    baris: int  # 1-based data row
    nama: str
    nik: str = ""
    tanggal_lahir: date | None = None
    jenis_kelamin: str = ""  # "L"/"P"/""
    kode_wilayah: str = ""  # village/district/regency code, may be empty
    pekerjaan: str = ""


@dataclass(frozen=True)
class Match:
    """The answer for one list row. "tinjau": `nik` holds the best candidate, below the
    auto-accept threshold; a person must accept or reject it (`services.link_decide`)."""

    baris: int
    nik: str  # matched registry NIK, "" when none
    participant_id: int | None
    skor: float  # 0–1, rounded to 4 decimals
    metode: str  # "nik" | "probabilistik" | "tinjau" | "tidak_cocok"


# --- Columns ---------------------------------------------------------------------------------------


def _nik_int(text: Any) -> int:
    """A NIK as an integer, or -1 when it is not 16 ASCII digits."""
    s = str(text or "").strip()
    return int(s) if len(s) == 16 and s.isascii() and s.isdigit() and s[0] != "0" else -1


def _date_int(value: Any) -> int:
    """A date as YYYYMMDD, 0 when unknown; takes a date, an ISO string or None."""
    if value is None or value == "":
        return 0
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    s = str(value)
    try:
        return int(s[0:4]) * 10000 + int(s[5:7]) * 100 + int(s[8:10])
    except ValueError:
        return 0


def _nik_array(values: Sequence[Any]) -> np.ndarray:
    """NIKs as integers (-1 where not 16 ASCII digits), converted in bulk."""
    text = np.asarray([v or "" for v in values], dtype="U17")
    try:
        text.astype("S17")  # raises on anything but ASCII
    except UnicodeEncodeError:
        return np.fromiter((_nik_int(v) for v in values), dtype=np.int64, count=len(values))
    ok = (np.char.str_len(text) == 16) & np.char.isdigit(text) & ~np.char.startswith(text, "0")
    out = np.full(len(text), -1, dtype=np.int64)
    out[ok] = text[ok].astype(np.int64)
    return out


def _region_int(code: str) -> int:
    """'51.04.01.2001' → 5104012001, '51.04' → 5104000000: the digits, padded to 10."""
    digits = "".join(c for c in str(code or "") if c.isascii() and c.isdigit())[:10]
    return int(digits.ljust(10, "0")) if len(digits) >= 2 else 0


def _sex_int(value: str) -> int:
    return {"L": 1, "P": 2}.get(str(value or "").strip().upper(), 0)


def _nik_birth(nik: int) -> int:
    """The birth date (YYYYMMDD) written in a NIK (domain.md: DDMMYY, +40 for women; 20YY unless
    that is in the future), or 0 when it makes no date."""
    if nik < 0:
        return 0
    day, month, yy = nik // 10**8 % 100, nik // 10**6 % 100, nik // 10**4 % 100
    day -= 40 if day > 40 else 0
    year = 2000 + yy if yy <= _TODAY_YY else 1900 + yy
    try:
        date(year, month, day)
    except ValueError:
        return 0
    return year * 10000 + month * 100 + day


def _swapped(dob: np.ndarray) -> np.ndarray:
    """Birth dates with day and month swapped, 0 where that is no other valid date."""
    y, m, d = dob // 10000, dob // 100 % 100, dob % 100
    ok = (dob > 0) & (d <= 12) & (d != m)
    return np.where(ok, y * 10000 + d * 100 + m, 0)


@dataclass
class _Names:
    """Parsed names as columns: birth-order class, title family, the given names sorted and
    joined ('adi putra', with an id per distinct string) and as written ('putra adi')."""

    order: np.ndarray
    title: np.ndarray
    given: np.ndarray  # object array of str
    given_id: np.ndarray
    written: np.ndarray  # object array of str
    reordered: np.ndarray  # written ≠ given
    length: np.ndarray  # len(given)
    has_given: np.ndarray
    tokens: dict[str, tuple[str, ...]]  # given string → its words


def _objects(values: list[str]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _parse_names(
    names: Iterable[str], vocabulary: dict[str, int], *, extra: dict[str, int] | None = None
) -> _Names:
    """Parse each distinct spelling once (registries repeat names a lot), then spread the parts
    to the rows with numpy. `vocabulary` numbers the given-names strings; a new string is added
    to it, or, with `extra`, to `extra` (numbered after `vocabulary`, which is left as it is)."""
    new = vocabulary if extra is None else extra

    def id_of(text: str) -> int:
        got = vocabulary.get(text)
        if got is None:
            got = new.setdefault(text, len(vocabulary) + (len(extra) if extra is not None else 0))
        return got

    seen: dict[str, int] = {}
    rows: list[int] = []
    for nama in names:
        u = seen.get(nama)
        if u is None:
            u = seen[nama] = len(seen)
        rows.append(u)
    tokens: dict[str, tuple[str, ...]] = {}
    order, title, given, given_id, written, reordered = [], [], [], [], [], []
    for nama in seen:
        parts = name_parts(nama)
        words = tuple(sorted(parts.given))
        text = " ".join(words)
        tokens[text] = words
        as_written = " ".join(parts.given)
        order.append(parts.order)
        title.append(_TITLE_FAMILY.get(parts.title, 0))
        given.append(text)
        given_id.append(id_of(text))
        written.append(as_written)
        reordered.append(as_written != text)
    index = np.array(rows, dtype=np.int64)
    length = np.fromiter(map(len, given), dtype=np.int32, count=len(given))[index]
    return _Names(
        order=np.array(order, dtype=np.int8)[index],
        title=np.array(title, dtype=np.int8)[index],
        given=_objects(given)[index],
        given_id=np.array(given_id, dtype=np.int64)[index],
        written=_objects(written)[index],
        reordered=np.array(reordered, dtype=bool)[index],
        length=length,
        has_given=length > 0,
        tokens=tokens,
    )


class RegistryFrame:
    """The registry's identifying columns as arrays, row i one participant, with the sorted keys
    the matcher joins on. Build it with `registry_load` or `RegistryFrame.from_columns`."""

    def __init__(
        self,
        *,
        ids: np.ndarray,
        nik: np.ndarray,
        dob: np.ndarray,
        sex: np.ndarray,
        region: np.ndarray,
        names: _Names,
        vocabulary: dict[str, int],
    ) -> None:
        self.ids, self.nik, self.dob, self.sex, self.region = ids, nik, dob, sex, region
        self.names = names
        self.vocabulary = vocabulary  # given-names string → id, shared with the lists matched
        # How many participants the registry holds (for the prior): more than the rows when only
        # the candidates of a short list were loaded (`registry_load(near=…)`).
        self.size = len(ids)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_columns(
        cls,
        *,
        ids: Sequence[int] | np.ndarray,
        nik: Sequence[str] | np.ndarray,
        nama: Sequence[str],
        tanggal_lahir: Sequence[date | str | None] | np.ndarray,
        jenis_kelamin: Sequence[str] | np.ndarray,
        kode_wilayah: Sequence[str],
    ) -> RegistryFrame:
        """A frame from plain columns of equal length. `nik` may be strings or an int64 array;
        `tanggal_lahir` dates, ISO strings and None, or an integer array of YYYYMMDD (0 unknown);
        `jenis_kelamin` "L"/"P" strings or an int array (1 L, 2 P, 0 unknown)."""
        n = len(ids)
        if isinstance(nik, np.ndarray) and nik.dtype.kind == "i":
            nik_array = nik.astype(np.int64)
        else:
            nik_array = _nik_array(nik)
        if isinstance(tanggal_lahir, np.ndarray) and tanggal_lahir.dtype.kind in "iu":
            dob = tanggal_lahir.astype(np.int64)
        else:
            dob = np.fromiter((_date_int(v) for v in tanggal_lahir), dtype=np.int64, count=n)
        if isinstance(jenis_kelamin, np.ndarray) and jenis_kelamin.dtype.kind in "iu":
            sex = jenis_kelamin.astype(np.int8)
        else:
            text = np.char.upper(np.asarray([v or "" for v in jenis_kelamin], dtype="U1"))
            sex = np.where(text == "L", 1, np.where(text == "P", 2, 0)).astype(np.int8)
        codes: dict[str, int] = {}
        region = np.fromiter(
            (codes[c] if c in codes else codes.setdefault(c, _region_int(c)) for c in kode_wilayah),
            dtype=np.int64,
            count=n,
        )
        vocabulary: dict[str, int] = {}
        return cls(
            ids=np.asarray(ids, dtype=np.int64),
            nik=nik_array,
            dob=dob,
            sex=sex,
            region=region,
            names=_parse_names(nama, vocabulary),
            vocabulary=vocabulary,
        )

    # Sorted keys, built on first use ----------------------------------------------------------

    @cached_property
    def by_nik(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.nik, kind="stable")
        return self.nik[order], order

    @cached_property
    def by_dob(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.dob, kind="stable")
        return self.dob[order], order

    @cached_property
    def by_province_dob(self) -> tuple[np.ndarray, np.ndarray]:
        keys = _province_dob_key(self.region, self.dob)
        order = np.argsort(keys, kind="stable")
        return keys[order], order

    @cached_property
    def token_ids(self) -> dict[str, int]:
        """Spelling-tolerant word key → id, over every given name in the registry."""
        keys: dict[str, int] = {}
        for words in self.names.tokens.values():
            for w in words:
                if len(w) >= 3:
                    keys.setdefault(token_key(w), len(keys))
        return keys

    @cached_property
    def by_village_word(self) -> tuple[np.ndarray, np.ndarray]:
        """(village × word key) of every registry row and given word, sorted, with the rows."""
        ids = self.token_ids
        # Per distinct given-names string: its word key ids; then expanded to the rows using it.
        words_of = [
            sorted({ids[token_key(w)] for w in words if len(w) >= 3})
            for words in self.names.tokens.values()
        ]
        counts = np.array([len(w) for w in words_of], dtype=np.int64)
        flat = np.array([t for w in words_of for t in w], dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])) if len(counts) else counts
        # The registry's vocabulary was filled in the order of `tokens`: an id is a position.
        row_text = self.names.given_id
        village = (self.region % 10000 != 0) & (self.region > 0)
        rows = np.nonzero(village)[0]
        per_row = counts[row_text[rows]]
        rows_rep = np.repeat(rows, per_row)
        offsets = np.repeat(starts[row_text[rows]] - np.cumsum(per_row) + per_row, per_row)
        word = flat[offsets + np.arange(per_row.sum())] if len(rows_rep) else flat[:0]
        keys = _village_word_key(self.region[rows_rep], word)
        order = np.argsort(keys, kind="stable")
        return keys[order], rows_rep[order]

    def nik_text(self, row: int) -> str:
        return f"{int(self.nik[row]):016d}" if self.nik[row] >= 0 else ""


def _village_word_key(region: np.ndarray, word: np.ndarray) -> np.ndarray:
    return region * (1 << 24) + word


def _province_dob_key(region: np.ndarray, dob: np.ndarray) -> np.ndarray:
    return region // 10**8 * 10**8 + dob


# Registry columns as the matcher wants them, converted by the database: NIK as a number (-1 when
# not 16 digits), birth date as YYYYMMDD (0 unknown), sex 1 L / 2 P / 0.
_SELECT = {
    "postgresql": (
        "SELECT p.id, CASE WHEN p.nik ~ '^[1-9][0-9]{{15}}$' THEN CAST(p.nik AS bigint) ELSE -1 END,"
        " p.nama, COALESCE(CAST(to_char(p.tanggal_lahir, 'YYYYMMDD') AS integer), 0),"
        " CASE p.jenis_kelamin WHEN 'L' THEN 1 WHEN 'P' THEN 2 ELSE 0 END, p.kode_wilayah"
        " FROM {p} p"
    ),
    "sqlite": (
        "SELECT p.id, CASE WHEN length(p.nik) = 16 AND p.nik NOT GLOB '*[^0-9]*'"
        " AND substr(p.nik, 1, 1) <> '0' THEN CAST(p.nik AS INTEGER) ELSE -1 END,"
        " p.nama, COALESCE(CAST(strftime('%%Y%%m%%d', p.tanggal_lahir) AS INTEGER), 0),"
        " CASE p.jenis_kelamin WHEN 'L' THEN 1 WHEN 'P' THEN 2 ELSE 0 END, p.kode_wilayah"
        " FROM {p} p"
    ),
}
_SELECT_PLAIN = (
    "SELECT p.id, p.nik, p.nama, p.tanggal_lahir, p.jenis_kelamin, p.kode_wilayah FROM {p} p"
)
# `value IN <list parameter>`, one parameter whatever the list's length.
_IN_LIST = {"postgresql": "{col} = ANY(%s)", "sqlite": "{col} IN (SELECT value FROM json_each(%s))"}


def _near(people: Sequence[Person]) -> tuple[list[str], list[date], list[str]]:
    """What the candidates of `people` can share with them (`_candidates`): the NIKs one typo
    from theirs, the birth dates they are blocked on, their villages."""
    nik = np.array([v for v in (_nik_int(p.nik) for p in people) if v >= 0], dtype=np.int64)
    niks = (
        {f"{v}" for v in _nik_variants(nik).ravel().tolist() if v >= 10**15} if len(nik) else set()
    )
    dob = np.fromiter((_date_int(p.tanggal_lahir) for p in people), np.int64, count=len(people))
    from_nik = np.array([_nik_birth(v) for v in nik.tolist()], dtype=np.int64)
    dates = {
        date(v // 10000, v // 100 % 100, v % 100)
        for v in np.concatenate((dob, _swapped(dob), from_nik)).tolist()
        if v > 0
    }
    villages = set()
    for p in people:
        code = _region_int(p.kode_wilayah)
        if code % 10000:
            d = f"{code:010d}"
            villages.add(f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}")
    return sorted(niks), sorted(dates), sorted(villages)


def registry_load(
    periode: str | None = None, *, near: Sequence[Person] | None = None
) -> RegistryFrame:
    """The registry (`registry_participant`) as a frame, in one query fetched in chunks; with
    `periode`, only participants with a membership row in that period. With `near`, only the
    participants that can be candidates for those people (the same blocks as the matcher's, so
    the same answers), plus a count of all for the prior: a short list loads in a blink."""
    import json

    from django.db import connection

    from cakupan.registry.models import Membership, Participant

    p, m = Participant._meta.db_table, Membership._meta.db_table
    vendor = connection.vendor
    converted = vendor in _SELECT
    sql = (_SELECT[vendor] if converted else _SELECT_PLAIN).format(p=p)
    where: list[str] = []
    params: list[Any] = []
    if periode is not None:
        where.append(f"p.id IN (SELECT participant_id FROM {m} WHERE periode = %s)")
        params.append(periode)
    size = None
    if near is not None and vendor in _IN_LIST:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {p} p" + (f" WHERE {where[0]}" if where else ""), params
            )
            size = cursor.fetchone()[0]
        niks, dates, villages = _near(near)
        if vendor == "sqlite":
            lists: list[Any] = [json.dumps(niks), json.dumps([d.isoformat() for d in dates])]
            lists.append(json.dumps(villages))
        else:
            lists = [niks, dates, villages]
        template = _IN_LIST[vendor]
        where.append(
            "("
            + " OR ".join(
                template.format(col=col) for col in ("p.nik", "p.tanggal_lahir", "p.kode_wilayah")
            )
            + ")"
        )
        params.extend(lists)
    if where:
        sql += " WHERE " + " AND ".join(where)
    columns: list[list[Any]] = [[], [], [], [], [], []]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                column.extend(values)
    ids, nik, nama, lahir, sex, region = columns
    frame = RegistryFrame.from_columns(
        ids=ids,
        nik=np.array(nik, dtype=np.int64) if converted else nik,
        nama=nama,
        tanggal_lahir=np.array(lahir, dtype=np.int64) if converted else lahir,
        jenis_kelamin=np.array(sex, dtype=np.int8) if converted else sex,
        kode_wilayah=region,
    )
    if size is not None:
        frame.size = size
    return frame


# --- The list side ---------------------------------------------------------------------------------


class _ListFrame:
    """The people of a list as the same columns as the registry, plus what their NIK says."""

    def __init__(self, people: Sequence[Person], registry: RegistryFrame) -> None:
        n = len(people)
        self.nik = np.fromiter((_nik_int(p.nik) for p in people), dtype=np.int64, count=n)
        self.dob = np.fromiter((_date_int(p.tanggal_lahir) for p in people), np.int64, count=n)
        self.nik_dob = np.fromiter((_nik_birth(int(v)) for v in self.nik), np.int64, count=n)
        # Not the sex inside the NIK: it is the NIK being compared, typos included.
        self.sex = np.fromiter((_sex_int(p.jenis_kelamin) for p in people), np.int8, count=n)
        codes: dict[str, int] = {}
        self.region = np.fromiter(
            (
                codes[c] if c in codes else codes.setdefault(c, _region_int(c))
                for c in (p.kode_wilayah for p in people)
            ),
            dtype=np.int64,
            count=n,
        )
        # Given-names ids in the registry's vocabulary, so that equal names compare by id; the
        # list's new strings are numbered apart, leaving the registry's vocabulary untouched.
        self.names = _parse_names((p.nama or "" for p in people), registry.vocabulary, extra={})


# --- Comparing pairs ---------------------------------------------------------------------------


def _nik_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """NIK_* level of each pair of NIK integers (-1 missing)."""
    level = np.full(len(a), NIK_DIFFERS, dtype=np.int8)
    level[(a < 0) | (b < 0)] = NIK_MISSING
    level[(a == b) & (a >= 0)] = NIK_EXACT
    test = np.nonzero(level == NIK_DIFFERS)[0]
    # One digit changed leaves a difference of d·10^p, two adjacent digits swapped 9·d·10^p
    # (d ≤ 9): strip the trailing zeros and keep what is at most 81; then check the digits.
    rest = np.abs(a[test] - b[test])
    for _ in range(16):
        zero = rest % 10 == 0
        rest[zero] //= 10
    test = test[rest <= 81]
    if len(test):
        x, y = a[test], b[test]
        dx = (x[:, None] // _POW10) % 10
        dy = (y[:, None] // _POW10) % 10
        differ = dx != dy
        ndiff = differ.sum(axis=1)
        # Adjacent swap: positions p and p+1 differ, each holding the other's digit.
        swap = (
            differ[:, :-1] & differ[:, 1:] & (dx[:, :-1] == dy[:, 1:]) & (dx[:, 1:] == dy[:, :-1])
        ).any(axis=1)
        typo = (ndiff == 1) | ((ndiff == 2) & swap)
        district = differ[:, 10:].any(axis=1)  # digits 1–6 are the highest powers of ten
        level[test[typo & district]] = NIK_NEAR_DISTRICT
        level[test[typo & ~district]] = NIK_NEAR
    return level


def _dob_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """DOB_* level of each pair of YYYYMMDD integers (0 missing)."""
    ay, am, ad = a // 10000, a // 100 % 100, a % 100
    by, bm, bd = b // 10000, b // 100 % 100, b % 100
    same = (ay == by).astype(np.int8) + (am == bm) + (ad == bd)
    level = np.full(len(a), DOB_DIFFERS, dtype=np.int8)
    level[same == 2] = DOB_NEAR
    level[(ay == by) & (am == bd) & (ad == bm) & (am != ad)] = DOB_SWAPPED
    level[a == b] = DOB_EXACT
    level[(a == 0) | (b == 0)] = DOB_MISSING
    return level


def _name_levels(lst: _Names, reg: _Names, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """NAME_* level of each pair's given names: compared sorted (word order changes) and, where
    either was written in another order, as written (a typo in a first letter moves a word)."""
    known = lst.has_given[li] & reg.has_given[ri]
    level = np.full(len(li), NAME_SAME, dtype=np.int8)
    level[~known] = NAME_MISSING
    test = np.nonzero((lst.given_id[li] != reg.given_id[ri]) & known)[0]
    if not len(test):
        return level
    tl, tr = li[test], ri[test]
    a, b = lst.given[tl], reg.given[tr]
    sort = process.cpdist(a, b, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    sets = process.cpdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1)
    edits = process.cpdist(a, b, scorer=OSA.distance, dtype=np.int32, workers=-1)
    again = np.nonzero(lst.reordered[tl] | reg.reordered[tr])[0]
    if len(again):
        wa, wb = lst.written[tl[again]], reg.written[tr[again]]
        sort[again] = np.maximum(
            sort[again], process.cpdist(wa, wb, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
        )
        edits[again] = np.minimum(
            edits[again], process.cpdist(wa, wb, scorer=OSA.distance, dtype=np.int32, workers=-1)
        )
    shorter = np.minimum(lst.length[tl], reg.length[tr])
    got = np.full(len(test), NAME_CONTRADICT, dtype=np.int8)
    got[sort >= 70] = NAME_WEAK
    got[(sort >= 80) | (sets >= 90)] = NAME_FAIR
    got[sets == 100] = NAME_SUBSET
    # One typo (a transposition counts once) in 5 letters or more, or very alike and long.
    got[((edits <= 1) & (shorter >= 5)) | ((sort >= 92) & (shorter >= 12))] = NAME_CLOSE
    level[test] = got
    return level


def _pair_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MISSING / CONFLICT / AGREE of small codes where 0 means unknown."""
    return np.where((a == 0) | (b == 0), MISSING, np.where(a == b, AGREE, CONFLICT)).astype(np.int8)


def _region_levels(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair of region codes: the finer level both give (0 province … 3 village, -1 when
    either is unknown) and the finest level at which they agree (0 none … 4 village)."""

    def depth(code: np.ndarray) -> np.ndarray:
        return (
            (code > 0).astype(np.int8)
            + (code // 10**6 % 100 > 0)
            + (code // 10**4 % 100 > 0)
            + (code % 10**4 > 0)
        )

    finer = np.minimum(depth(a), depth(b)) - 1
    agree = np.zeros(len(a), dtype=np.int8)
    for level, unit in ((1, 10**8), (2, 10**6), (3, 10**4), (4, 1)):
        agree[(a // unit == b // unit) & (finer >= level - 1)] = level
    return finer.astype(np.int8), agree


@dataclass
class _Pairs:
    """Candidate pairs (list row, registry row) and their comparison levels."""

    li: np.ndarray
    ri: np.ndarray
    nik: np.ndarray
    dob: np.ndarray
    name: np.ndarray
    order: np.ndarray
    title: np.ndarray
    sex: np.ndarray
    region: np.ndarray  # finer level both sides give, -1 unknown (`_region_levels`)
    region_agree: np.ndarray
    dob_list: np.ndarray  # birth date level from the list's own column only

    def take(self, keep: np.ndarray) -> _Pairs:
        return _Pairs(**{f.name: getattr(self, f.name)[keep] for f in fields(self)})

    def weight(self) -> np.ndarray:
        """Evidence that the pair is one person, in bits (module docstring)."""
        finer = np.maximum(self.region, 0)
        region = np.where(
            np.isin(self.nik, (NIK_NEAR, NIK_EXACT)),
            _REGION_GIVEN_NIK[finer, self.region_agree],
            _REGION_WEIGHTS[finer, self.region_agree],
        )
        dob = np.where(
            self.nik >= NIK_NEAR_DISTRICT,
            _DOB_GIVEN_NIK[self.dob_list],
            _WEIGHTS["dob"][self.dob],
        )
        return (
            _WEIGHTS["nik"][self.nik]
            + dob
            + _WEIGHTS["name"][self.name]
            + _WEIGHTS["order"][self.order]
            + _WEIGHTS["title"][self.title]
            + _WEIGHTS["sex"][self.sex]
            + np.where(self.region >= 0, region, 0.0)
        )

    def nik_compatible(self) -> np.ndarray:
        """Whether an exact-NIK pair may be accepted as it is (module docstring, step 1). The
        birth date is the list's own: the one inside its NIK agrees by construction."""
        no_conflict = (self.order != CONFLICT) & (self.title != CONFLICT)
        dob = self.dob_list
        return no_conflict & (
            (self.name == NAME_SAME)
            | ((self.name == NAME_CLOSE) & (dob != DOB_DIFFERS))
            | (
                ((self.name == NAME_SUBSET) | (self.name == NAME_FAIR))
                & (self.order == AGREE)
                & np.isin(dob, (DOB_SWAPPED, DOB_EXACT))
            )
            | ((self.name == NAME_MISSING) & (self.order == AGREE) & (dob == DOB_EXACT))
        )


def _compare(
    lst: _ListFrame,
    reg: RegistryFrame,
    li: np.ndarray,
    ri: np.ndarray,
    *,
    prune: float | None = None,
) -> _Pairs:
    """Compare each pair field by field. With `prune`, pairs whose weight could not reach it even
    with equal names are dropped before the names, the costly part, are compared."""
    ld = lst.dob[li]
    rd = reg.dob[ri]
    dob_list = _dob_levels(ld, rd)
    # Without a birth date of its own, the list row's is the one inside its NIK.
    dob = np.where(ld > 0, dob_list, _dob_levels(lst.nik_dob[li], rd))
    region, region_agree = _region_levels(lst.region[li], reg.region[ri])
    pairs = _Pairs(
        li=li,
        ri=ri,
        nik=_nik_levels(lst.nik[li], reg.nik[ri]),
        dob=dob,
        name=np.full(len(li), NAME_SAME, dtype=np.int8),
        order=_pair_levels(lst.names.order[li], reg.names.order[ri]),
        title=_pair_levels(lst.names.title[li], reg.names.title[ri]),
        sex=_pair_levels(lst.sex[li], reg.sex[ri]),
        region=region,
        region_agree=region_agree,
        dob_list=dob_list,
    )
    if prune is not None:
        pairs = pairs.take(pairs.weight() >= prune)
    pairs.name = _name_levels(lst.names, reg.names, pairs.li, pairs.ri)
    return pairs


# --- Blocking --------------------------------------------------------------------------------------


def _expand(
    sorted_keys: np.ndarray, rows: np.ndarray, keys: np.ndarray, owners: np.ndarray, cap: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every (owner, registry row) whose keys are equal, skipping blocks larger than `cap`."""
    lo = np.searchsorted(sorted_keys, keys, "left")
    hi = np.searchsorted(sorted_keys, keys, "right")
    count = hi - lo
    keep = (count > 0) & (count <= cap)
    lo, count, owners = lo[keep], count[keep], owners[keep]
    starts = np.repeat(lo - np.cumsum(count) + count, count)
    return np.repeat(owners, count), rows[starts + np.arange(count.sum())]


def _nik_variants(nik: np.ndarray) -> np.ndarray:
    """Each NIK (one per row) with every digit changed and every two adjacent digits swapped:
    an (n, 175) array, the NIK itself among them."""
    digits = (nik[:, None] // _POW10) % 10  # (n, 16), units first
    change = np.arange(10, dtype=np.int64)
    changed = nik[:, None, None] + (change[None, None, :] - digits[:, :, None]) * _POW10[:, None]
    swap = nik[:, None] - 9 * (digits[:, 1:] - digits[:, :-1]) * _POW10[:-1]
    return np.concatenate((changed.reshape(len(nik), -1), swap), axis=1)


def _candidates(
    lst: _ListFrame, reg: RegistryFrame, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs for the list rows `rows`: NIK neighbours, birth dates, village + word."""
    if not len(reg):
        return rows[:0], rows[:0]
    found_l: list[np.ndarray] = [rows[:0]]
    found_r: list[np.ndarray] = [rows[:0]]

    with_nik = rows[lst.nik[rows] >= 0]
    if len(with_nik):
        variants = _nik_variants(lst.nik[with_nik])
        owners = np.repeat(with_nik, variants.shape[1])
        sorted_nik, nik_rows = reg.by_nik
        li, ri = _expand(sorted_nik, nik_rows, variants.ravel(), owners, cap=1)
        found_l.append(li)
        found_r.append(ri)

    # Birth dates within the list row's province (the whole registry when it gives no region).
    dob = lst.dob[rows]
    dates = np.stack((dob, _swapped(dob), lst.nik_dob[rows]), axis=1)
    dates[:, 2][dates[:, 2] == dates[:, 0]] = 0
    owners = np.repeat(rows, 3)
    dates = dates.ravel()
    region = np.repeat(lst.region[rows], 3)
    for placed in (True, False):
        want = (dates > 0) & ((region > 0) == placed)
        if placed:
            sorted_keys, key_rows = reg.by_province_dob
            keys = _province_dob_key(region[want], dates[want])
        else:
            sorted_keys, key_rows = reg.by_dob
            keys = dates[want]
        if len(keys):
            li, ri = _expand(sorted_keys, key_rows, keys, owners[want], cap=MAX_BLOCK)
            found_l.append(li)
            found_r.append(ri)

    word_ids = reg.token_ids
    key_owner: list[int] = []
    key_village: list[int] = []
    key_word: list[int] = []
    for row in rows[(lst.region[rows] % 10000 != 0) & (lst.region[rows] > 0)]:
        for w in lst.names.tokens[lst.names.given[row]]:
            wid = word_ids.get(token_key(w)) if len(w) >= 3 else None
            if wid is not None:
                key_owner.append(row)
                key_village.append(lst.region[row])
                key_word.append(wid)
    if key_owner:
        sorted_keys, word_rows = reg.by_village_word
        keys = _village_word_key(np.array(key_village, np.int64), np.array(key_word, np.int64))
        li, ri = _expand(sorted_keys, word_rows, keys, np.array(key_owner, np.int64), MAX_BLOCK)
        found_l.append(li)
        found_r.append(ri)

    pair = np.sort(np.concatenate(found_l) * len(reg) + np.concatenate(found_r))
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    return pair // len(reg), pair % len(reg)


# --- Matching ----------------------------------------------------------------------------------


def _drop_rejected(
    li: np.ndarray,
    ri: np.ndarray,
    reg: RegistryFrame,
    rejected: Mapping[int, set[int]],
) -> tuple[np.ndarray, np.ndarray]:
    if not rejected:
        return li, ri
    keep = np.ones(len(li), dtype=bool)
    for k in np.nonzero(np.isin(li, np.fromiter(rejected, np.int64)))[0]:
        if int(reg.nik[ri[k]]) in rejected[int(li[k])]:
            keep[k] = False
    return li[keep], ri[keep]


def people_match(
    people: Sequence[Person],
    registry: RegistryFrame,
    *,
    decisions: Mapping[int, Sequence[tuple[str, str]]] | None = None,
    progress: Progress | None = None,
) -> list[Match]:
    """Match `people` to `registry` without touching the database: one Match per person, in
    order. `decisions` maps an index of `people` to its staff decisions (nik, "diterima" or
    "ditolak"), oldest first. `people_link` is the same with the registry and decisions loaded."""
    n = len(people)
    if progress:
        progress(0, n)
    lst = _ListFrame(people, registry)
    decisions = decisions or {}
    rejected = {
        i: {_nik_int(nik) for nik, keputusan in ds if keputusan == "ditolak"}
        for i, ds in decisions.items()
    }
    rejected = {i: s for i, s in rejected.items() if s}
    accepted = {
        i: [nik for nik, keputusan in ds if keputusan == "diterima"][-1]
        for i, ds in decisions.items()
        if any(keputusan == "diterima" for _, keputusan in ds)
    }

    best = np.full(n, -1, dtype=np.int64)  # registry row of the answer
    skor = np.zeros(n)
    metode = np.full(n, 3, dtype=np.int8)  # 0 nik, 1 probabilistik, 2 tinjau, 3 tidak_cocok
    scores: dict[tuple[int, int], float] = {}  # (list row, registry nik) for accepted decisions

    # 1. Exact NIK with an agreeing name.
    all_rows = np.arange(n, dtype=np.int64)
    has_nik = all_rows[lst.nik >= 0]
    sorted_nik, nik_rows = registry.by_nik
    li, ri = _expand(sorted_nik, nik_rows, lst.nik[has_nik], has_nik, cap=1)
    li, ri = _drop_rejected(li, ri, registry, rejected)
    exact = _compare(lst, registry, li, ri)
    ok = exact.nik_compatible()
    best[li[ok]] = ri[ok]
    skor[li[ok]] = 1.0
    metode[li[ok]] = 0
    if progress:
        progress(int(ok.sum()), n)

    # 2. Probabilistic, a chunk of rows at a time.
    prior = max(PRIOR_BITS, math.log2(max(registry.size, 1)) - PRIOR_DISCOUNT_BITS)
    rest = all_rows[best < 0]
    done = n - len(rest)
    for start in range(0, len(rest), CHUNK):
        rows = rest[start : start + CHUNK]
        li, ri = _candidates(lst, registry, rows)
        li, ri = _drop_rejected(li, ri, registry, rejected)
        pairs = _compare(lst, registry, li, ri, prune=prior + PRUNE_BITS)
        li, ri = pairs.li, pairs.ri
        if len(li):
            bits = pairs.weight() - prior
            # li is sorted (li * N + ri sorted): rows' candidates are contiguous.
            odds = np.exp2(np.minimum(bits, 60.0))
            first = np.nonzero(np.r_[True, li[1:] != li[:-1]])[0]
            total = np.add.reduceat(odds, first)
            group = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(li)]))
            p = odds / (1.0 + total[group])
            order = np.lexsort((-p, li))
            top = order[np.r_[True, li[order][1:] != li[order][:-1]]]
            best[li[top]] = ri[top]
            skor[li[top]] = p[top]
            metode[li[top]] = np.where(p[top] >= ACCEPT, 1, np.where(p[top] >= REVIEW, 2, 3))
            for i in set(accepted).intersection(rows.tolist()):
                want = _nik_int(accepted[i])
                hit = np.nonzero((li == i) & (registry.nik[ri] == want))[0]
                if len(hit):
                    scores[i, want] = float(p[hit[0]])
        done += len(rows)
        if progress:
            progress(done, n)

    result = []
    sorted_nik_list = sorted_nik
    for i, person in enumerate(people):
        if i in accepted:
            want = _nik_int(accepted[i])
            at = int(np.searchsorted(sorted_nik_list, want))
            found = at < len(sorted_nik_list) and sorted_nik_list[at] == want
            row = int(nik_rows[at]) if found else -1
            got = 1.0 if metode[i] == 0 and best[i] == row else scores.get((i, want), 1.0)
            result.append(
                Match(
                    baris=person.baris,
                    nik=accepted[i],
                    participant_id=int(registry.ids[row]) if row >= 0 else None,
                    skor=round(got, 4),
                    metode="probabilistik",
                )
            )
            continue
        method = METHODS[metode[i]]
        row = int(best[i])
        named = method != "tidak_cocok" and row >= 0
        result.append(
            Match(
                baris=person.baris,
                nik=registry.nik_text(row) if named else "",
                participant_id=int(registry.ids[row]) if named else None,
                skor=round(float(skor[i]), 4),
                metode=method,
            )
        )
    return result


def people_link(
    people: Sequence[Person],
    *,
    periode: str | None = None,
    registry: RegistryFrame | None = None,
    progress: Progress | None = None,
) -> list[Match]:
    """Match a list of people to the registry (of `periode`, or all participants): one Match per
    person, in order, with staff decisions applied (module docstring)."""
    from cakupan.linkage.services import decisions_for, person_key

    keys = [person_key(p) for p in people]
    decided = decisions_for(set(keys))
    if registry is None:
        registry = registry_load(periode, near=people if len(people) <= NEAR_ROWS else None)
    decisions = {i: decided[k] for i, k in enumerate(keys) if k in decided}
    return people_match(people, registry, decisions=decisions, progress=progress)
