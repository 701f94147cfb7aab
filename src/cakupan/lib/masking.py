"""Masking of personal identifiers before they reach a message, a report or a log line."""

from __future__ import annotations

import re

_KEPT = 4
_MIN_LENGTH_TO_KEEP = 12


def mask_nik(nik: str) -> str:
    """Keep the first and last 4 characters, `5103********0001`; star all under 12 — style.md."""
    if len(nik) < _MIN_LENGTH_TO_KEEP:
        return "*" * len(nik)
    return nik[:_KEPT] + "*" * (len(nik) - 2 * _KEPT) + nik[-_KEPT:]


_NIK_RUN = re.compile(r"(?<!\d)[1-9]\d{15}(?!\d)")


def mask_nik_runs(text: str) -> str:
    """Mask every NIK-looking run (16 digits, not starting with 0) inside free text, such as a
    NIK typed into the KPJ column and echoed by its error message."""
    return _NIK_RUN.sub(lambda m: mask_nik(m.group(0)), text)
