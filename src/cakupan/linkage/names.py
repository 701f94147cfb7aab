"""Balinese-aware parts of a person's name, for matching lists of people to the registry.

A Balinese name is, in order, an optional prefix (I for men, Ni for women) or a caste title (Ida
Bagus, Ida Ayu, Anak Agung, I Gusti, Cokorda, Dewa, Desak, Jero), a birth-order name (Wayan, Putu,
Gede, Luh → 1; Made, Kadek, Nengah → 2; Nyoman, Komang → 3; Ketut → 4) and the given names. Lists
write the same person as "I.B. Pt Sudarsana" and "Ida Bagus Putu Sudarsana", or drop the prefix
("Kadek Ayu Lestari" for "Ni Kadek Ayu Lestari"). `name_parts` reduces both to the same parts;
a part it cannot read with confidence (an ambiguous abbreviation) is left out rather than guessed,
since the matcher treats a missing part as no evidence and a wrong one as evidence against.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from cakupan.lib.names import name_normal

# Birth-order names and their abbreviations → birth-order class.
BIRTH_ORDER: dict[str, int] = {
    **dict.fromkeys(("wayan", "wy", "wyn", "putu", "pt", "ptu", "gede", "gd", "gde", "luh"), 1),
    **dict.fromkeys(("made", "md", "mde", "kadek", "kd", "kdk", "nengah", "ngh", "ngah"), 2),
    **dict.fromkeys(("nyoman", "ny", "nym", "komang", "km", "kmg", "koming"), 3),
    **dict.fromkeys(("ketut", "kt", "ktt", "ktut", "tut"), 4),
}
# Birth-order words that yield to another one beside them ("Ni Luh Made Sari" is a second child).
_WEAK_ORDER = frozenset(("luh", "gede", "gd", "gde"))

# Caste titles: token sequences → canonical title. Longest first; dotted initials ("I.B.") reach
# here as single letters ("i b").
_TITLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("i", "gusti", "ngurah"), "ig"),
    (("i", "gusti", "ayu"), "ig"),
    (("i", "g", "ngurah"), "ig"),
    (("i", "g", "ayu"), "ig"),
    (("i", "g", "n"), "ig"),
    (("i", "g", "a"), "ig"),
    (("ida", "bagus"), "ib"),
    (("ida", "ayu"), "ia"),
    (("anak", "agung"), "aa"),
    (("i", "gusti"), "ig"),
    (("i", "gst"), "ig"),
    (("i", "b"), "ib"),
    (("i", "a"), "ia"),
    (("a", "a"), "aa"),
    (("ib",), "ib"),
    (("ia",), "ia"),
    (("dayu",), "ia"),
    (("aa",), "aa"),
    (("gusti",), "ig"),
    (("gst",), "ig"),
    (("cokorda",), "cok"),
    (("cokorde",), "cok"),
    (("cok",), "cok"),
    (("dewa",), "dw"),
    (("dw",), "dw"),
    (("desak",), "dsk"),
    (("dsk",), "dsk"),
    (("jero",), "jro"),
    (("jro",), "jro"),
)
# Words that belong to a title when they follow it ("Anak Agung Ayu", "I Gusti Ngurah",
# "Cokorda Istri"), not to the given names.
_TITLE_PARTICLES = frozenset(("ayu", "istri", "ngurah", "ngr", "agung", "a", "n", "bagus"))
_PREFIXES = frozenset(("i", "ni"))
# "I G." is I Gusti or I Gede: neither is assumed.
_AMBIGUOUS = (("i", "g"),)
# Common Indonesian abbreviations of given names.
_GIVEN_ABBREVIATIONS = {
    **dict.fromkeys(
        (
            "moh",
            "moch",
            "muh",
            "mhd",
            "mochamad",
            "mochammad",
            "mohamad",
            "mohammad",
            "muhamad",
            "muchammad",
            "muchamad",
        ),
        "muhammad",
    ),
}
# Old (pre-1972) spelling still seen in names: Tjokorda, Njoman, Soekarno.
_OLD_SPELLING = (("tj", "c"), ("dj", "j"), ("nj", "ny"), ("sj", "sy"), ("oe", "u"))


class NameParts(NamedTuple):
    """A name taken apart: birth-order class (1–4, 0 when absent), canonical caste title ("" when
    absent: ib, ia, aa, ig, cok, dw, dsk, jro) and the remaining given names, in their order."""

    order: int
    title: str
    given: tuple[str, ...]


@lru_cache(maxsize=4096)
def _modern(token: str) -> str:
    for old, new in _OLD_SPELLING:
        if old in token:
            token = token.replace(old, new)
    return token


_TITLES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _code in _TITLES:
    _TITLES_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _code))


def _title_at(tokens: list[str], i: int) -> tuple[str, int]:
    """The title starting at tokens[i] and how many tokens it takes, or ("", 0)."""
    for phrase, code in _TITLES_BY_FIRST.get(tokens[i], ()) if i < len(tokens) else ():
        if len(phrase) == 1 or tuple(tokens[i : i + len(phrase)]) == phrase:
            return code, len(phrase)
    return "", 0


def name_parts(nama: str) -> NameParts:
    """'I.B. Pt Sudarsana' and 'Ida Bagus Putu Sudarsana' → NameParts(1, 'ib', ('sudarsana',))."""
    tokens = [_modern(t) for t in name_normal(nama).split()]
    title = ""
    i = 0
    # A prefix may stand before a title ("Ni Gusti Ayu …" is rare but seen); skip it first only
    # when what follows is a title on its own.
    if len(tokens) > 1 and tokens[0] in _PREFIXES:
        code, used = _title_at(tokens, 0)
        if not code:
            code, used = _title_at(tokens, 1)
            used += 1 if code else 0
        title, i = code, used
    else:
        title, i = _title_at(tokens, 0)
    if title:
        while i < len(tokens) - 1 and tokens[i] in _TITLE_PARTICLES:
            i += 1
    elif tuple(tokens[:2]) in _AMBIGUOUS:
        i = 2
    orders: list[str] = []
    given: list[str] = []
    for token in tokens[i:]:
        if token in BIRTH_ORDER:
            orders.append(token)
        elif token in _PREFIXES:
            continue
        elif not given and token == "m":
            given.append("muhammad")
        else:
            given.append(_GIVEN_ABBREVIATIONS.get(token, token))
    order = 0
    if orders:
        strong = [t for t in orders if t not in _WEAK_ORDER]
        order = BIRTH_ORDER[strong[0] if strong else orders[0]]
    return NameParts(order, title, tuple(given))
