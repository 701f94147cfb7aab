"""Person names for search: accent, case and spacing insensitive, and a key that survives typos."""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTER = re.compile(r"[^a-z0-9 ]+")
_VOWELS = str.maketrans("", "", "aeiou")
_REPEATS = re.compile(r"(.)\1+")


def name_normal(nama: str) -> str:
    """'  Ni Máde  SARI ' → 'ni made sari': no accents, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", nama)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_NOT_LETTER.sub(" ", plain).split())


def token_key(token: str) -> str:
    """A spelling-tolerant key of one word: first letter, then its consonants, no doubles
    ('sudarsana', 'sudarsna' and 'suddarsana' all give 'sdrsn')."""
    if not token:
        return ""
    rest = _REPEATS.sub(r"\1", token[1:].translate(_VOWELS))
    return _REPEATS.sub(r"\1", token[0] + rest)


def name_key(nama: str) -> str:
    """Keys of every word of a name, space-separated and padded (' wyn sdrsn ') for word search."""
    keys = [token_key(t) for t in name_normal(nama).split()]
    return " " + " ".join(k for k in keys if k) + " "
