"""Row problems and the rejects report (`baris,kolom,nilai,kode,pesan,message`), streamed to disk."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

from cakupan.errors import CakupanError
from cakupan.lib.masking import mask_nik, mask_nik_runs
from cakupan.lib.tabular import safe_cell

REPORT_COLUMNS = ("baris", "kolom", "nilai", "kode", "pesan", "message")


class CellProblem(CakupanError):
    """A generic cell problem: the message templates come with the instance."""

    def __init__(self, kode: str, pesan: str, message: str) -> None:
        self.kode = kode
        self.pesan = pesan.replace("{", "{{").replace("}", "}}")
        self.message = message.replace("{", "{{").replace("}", "}}")
        super().__init__()


@dataclass(frozen=True)
class Problem:
    baris: int
    kolom: str
    nilai: str
    kode: str
    pesan: str
    message: str
    warning: bool = False


def problem(
    baris: int, kolom: str, nilai: str, error: CakupanError, *, warning: bool = False
) -> Problem:
    """A report line; a NIK-looking value is always masked, whatever the column, and so is one
    inside a message (a NIK typed into the KPJ column is echoed by the KPJ error)."""
    shown = mask_nik(nilai) if kolom == "nik" or (len(nilai) == 16 and nilai.isdigit()) else nilai
    shown = mask_nik_runs(shown)
    pesan, message = mask_nik_runs(error.pesan_id), mask_nik_runs(error.message_en)
    if warning:
        pesan, message = "Peringatan (tetap diimpor): " + pesan, "Warning (imported): " + message
    return Problem(baris, kolom, shown[:200], error.kode, pesan, message, warning)


class RejectsReport:
    """Writes problems as they are found (CSV, or XLSX when the path ends in .xlsx)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._xlsx = path.suffix.lower() == ".xlsx"
        self.count = 0
        if self._xlsx:
            self._book = xlsxwriter.Workbook(
                str(path),
                {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
            )
            self._sheet = self._book.add_worksheet("tolak")
            self._sheet.write_row(0, 0, REPORT_COLUMNS)
        else:
            self._file = open(path, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115
            self._csv = csv.writer(self._file)
            self._csv.writerow(REPORT_COLUMNS)

    def write(self, p: Problem) -> None:
        self.count += 1
        row: list[Any] = [
            p.baris,
            p.kolom,
            safe_cell(p.nilai),
            p.kode,
            safe_cell(p.pesan),
            safe_cell(p.message),
        ]
        if self._xlsx:
            self._sheet.write_row(self.count, 0, row)
        else:
            self._csv.writerow(row)

    def close(self) -> None:
        if self._xlsx:
            self._book.close()
        else:
            self._file.close()
