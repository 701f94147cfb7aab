"""Person names for search: accent, case and spacing insensitive, and a key that survives typos."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_LETTER = re.compile(r"[^a-z0-9 ]+")
_VOWELS = str.maketrans("", "", "aeiou")
_REPEATS = re.compile(r"(.)\1+")


def name_normal(nama: str) -> str:
    """'  Ni Máde  SARI ' → 'ni made sari': no accents, lower case, single spaces."""
    if not nama.isascii():
        decomposed = unicodedata.normalize("NFKD", nama)
        nama = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_LETTER.sub(" ", nama.lower()).split())


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """A spelling-tolerant key of one word: first letter, then its consonants, no doubles
    ('sudarsana', 'sudarsna' and 'suddarsana' all give 'sdrsn'). Words repeat, so it is cached."""
    if not token:
        return ""
    rest = _REPEATS.sub(r"\1", token[1:].translate(_VOWELS))
    return _REPEATS.sub(r"\1", token[0] + rest)


def name_key(nama: str, *, normal: str | None = None) -> str:
    """Keys of every word of a name, space-separated and padded (' wyn sdrsn ') for word search.
    Pass `normal` when `name_normal(nama)` is already at hand."""
    words = (normal if normal is not None else name_normal(nama)).split()
    return " " + " ".join(k for k in map(token_key, words) if k) + " "
