"""Parsing one cell: dates, months, money, codes — each failure a CellProblem in both languages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from cakupan.errors import CakupanError
from cakupan.imports.services.problems import CellProblem, Problem, problem

MAX_UPAH = 1_000_000_000  # Rp 1 billion a month: beyond this a wage is a typing error
_MONEY_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def required(kolom: str) -> CellProblem:
    return CellProblem(
        "sel_wajib_kosong",
        f"Kolom {kolom} wajib diisi.",
        f"Column {kolom} is required.",
    )


def parse_date(value: str, kolom: str) -> date:
    """ISO `YYYY-MM-DD`, also `DD/MM/YYYY` and `DD-MM-YYYY` (design.md)."""
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        if len(value) == 10 and value[2] in "/-" and value[5] == value[2]:
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
    except ValueError:
        pass
    raise CellProblem(
        "tanggal_tidak_valid",
        f"Kolom {kolom}: {value!r} bukan tanggal yang sah; tulis YYYY-MM-DD atau DD/MM/YYYY.",
        f"Column {kolom}: {value!r} is not a valid date; write YYYY-MM-DD or DD/MM/YYYY.",
    )


def parse_month(value: str, kolom: str) -> str:
    """A month `YYYY-MM`."""
    m = _MONTH.match(value)
    if m and 1 <= int(m.group(2)) <= 12 and 1900 <= int(m.group(1)) <= 2100:
        return value
    raise CellProblem(
        "bulan_tidak_valid",
        f"Kolom {kolom}: {value!r} bukan bulan yang sah; tulis YYYY-MM, mis. 2023-12.",
        f"Column {kolom}: {value!r} is not a valid month; write YYYY-MM, e.g. 2023-12.",
    )


def parse_money(value: str, kolom: str) -> int:
    """Rupiah a month: digits, optionally grouped by thousands (`2.900.000`); 0 ≤ x ≤ Rp 1 billion."""
    text = value.replace(" ", "")
    if _MONEY_GROUPED.match(text):
        text = text.replace(".", "").replace(",", "")
    try:
        amount = int(text) if text.lstrip("-").isdigit() else round(float(text))
    except (ValueError, OverflowError):  # "1e400", "inf": no amount (found by fuzzing)
        raise CellProblem(
            "angka_tidak_valid",
            f"Kolom {kolom}: {value!r} bukan jumlah rupiah.",
            f"Column {kolom}: {value!r} is not an amount of rupiah.",
        ) from None
    if amount < 0:
        raise CellProblem(
            "upah_negatif",
            f"Kolom {kolom}: upah tidak boleh negatif ({value}).",
            f"Column {kolom}: a wage cannot be negative ({value}).",
        )
    if amount > MAX_UPAH:
        raise CellProblem(
            "upah_tidak_wajar",
            f"Kolom {kolom}: Rp {amount:,} sebulan tidak wajar (batas Rp 1.000.000.000).",
            f"Column {kolom}: Rp {amount:,} a month is absurd (limit Rp 1,000,000,000).",
        )
    return amount


def parse_choice(value: str, kolom: str, choices: tuple[str, ...]) -> str:
    upper = value.upper()
    for choice in choices:
        if choice.upper() == upper:
            return choice
    raise CellProblem(
        "pilihan_tidak_dikenal",
        f"Kolom {kolom}: {value!r} tidak dikenal; pilih salah satu: {', '.join(choices)}.",
        f"Column {kolom}: unknown value {value!r}; choose one of: {', '.join(choices)}.",
    )


def region_unknown(value: str) -> CellProblem:
    return CellProblem(
        "wilayah_tidak_ada",
        f"Kolom kode_wilayah: kode {value!r} tidak ada dalam data wilayah Kemendagri.",
        f"Column kode_wilayah: code {value!r} does not exist in the Kemendagri region data.",
    )


def required_cell(
    baris: int, row: dict[str, str], kolom: str, parse: Callable[[str], Any], found: list[Problem]
) -> Any:
    """The parsed value of a required cell; a blank or bad one adds its problem to `found`."""
    if not row.get(kolom):
        found.append(problem(baris, kolom, "", required(kolom)))
        return None
    try:
        return parse(row[kolom])
    except CakupanError as error:
        found.append(problem(baris, kolom, row[kolom], error))
        return None
