"""Masking of personal identifiers before they reach a message, a report or a log line."""

from __future__ import annotations

_KEPT = 4
_MIN_LENGTH_TO_KEEP = 12


def mask_nik(nik: str) -> str:
    """Keep the first and last 4 characters, `5103********0001`; star all under 12 — style.md."""
    if len(nik) < _MIN_LENGTH_TO_KEEP:
        return "*" * len(nik)
    return nik[:_KEPT] + "*" * (len(nik) - 2 * _KEPT) + nik[-_KEPT:]
