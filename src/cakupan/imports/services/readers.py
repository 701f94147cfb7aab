"""Read CSV and XLSX tables as streams of rows, whatever the encoding, delimiter or header spelling.

CSV: UTF-8 with or without BOM, or Windows-1252 (detected); `,` or `;` (detected from the header).
XLSX: the first sheet, first row the header, read with python-calamine (design.md).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cakupan.errors import CakupanError

SAMPLE_BYTES = 1 << 20


class UnreadableFile(CakupanError):
    kode = "berkas_tidak_terbaca"
    pesan = "Berkas {berkas} tidak dapat dibaca: {alasan_id}"
    message = "File {berkas} cannot be read: {reason}"


class MissingColumns(CakupanError):
    kode = "kolom_wajib_tidak_ada"
    pesan = "Berkas {berkas} tidak punya kolom wajib: {kolom}. Kolom yang ada: {ada}."
    message = "File {berkas} lacks required columns: {kolom}. Columns found: {ada}."


def header_key(name: str) -> str:
    """Case, space and punctuation insensitive form of a header: 'Tanggal Lahir' → 'tanggal_lahir'."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")


@dataclass
class Table:
    """A table being read: its canonical columns and a stream of rows as dicts of text."""

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    total: int | None
    sha256: hashlib._Hash
    encoding: str = ""
    delimiter: str = ""
    ignored: list[str] = field(default_factory=list)


class _HashingReader(io.RawIOBase):
    """A binary stream that feeds a SHA-256 as it is read (the file is read once)."""

    def __init__(self, raw: IO[bytes], digest: Any) -> None:
        self.raw = raw
        self.digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.digest.update(memoryview(buffer)[:n])
        return n or 0


def _is_xlsx(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    cut = sample.rfind(b"\n")
    try:
        (sample[: cut + 1] if 0 <= cut < len(sample) - 1 else sample).decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as f:
        while chunk := f.read(SAMPLE_BYTES):
            count += chunk.count(b"\n")
    return count


def open_table(
    path: Path, *, aliases: dict[str, str], required: tuple[str, ...], display_name: str
) -> Table:
    """Open `path` (CSV or XLSX, detected from its content) and map its headers to canonical names.

    `aliases` maps header keys (see `header_key`) to canonical column names. Raises UnreadableFile
    or MissingColumns; never reads the whole file into memory.
    """
    digest = hashlib.sha256()
    if _is_xlsx(path):
        with open(path, "rb") as f:
            while chunk := f.read(SAMPLE_BYTES):
                digest.update(chunk)
        return _open_xlsx(path, aliases, required, display_name, digest)
    return _open_csv(path, aliases, required, display_name, digest)


def _map_header(
    header: list[str], aliases: dict[str, str], required: tuple[str, ...], display_name: str
) -> tuple[list[str | None], list[str]]:
    mapped: list[str | None] = []
    ignored = []
    for name in header:
        canonical = aliases.get(header_key(str(name)))
        if canonical is None or canonical in mapped:
            ignored.append(str(name))
            mapped.append(None)
        else:
            mapped.append(canonical)
    missing = [c for c in required if c not in mapped]
    if missing:
        raise MissingColumns(
            berkas=display_name, kolom=", ".join(missing), ada=", ".join(map(str, header)) or "-"
        )
    return mapped, ignored


def _open_csv(
    path: Path, aliases: dict[str, str], required: tuple[str, ...], display_name: str, digest: Any
) -> Table:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if not sample.strip():
        raise UnreadableFile(berkas=display_name, alasan_id="berkas kosong", reason="empty file")
    if b"\x00" in sample:
        raise UnreadableFile(
            berkas=display_name,
            alasan_id="bukan berkas teks CSV atau XLSX",
            reason="not a CSV text file or an XLSX workbook",
        )
    encoding = _detect_encoding(sample)
    first_line = sample.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    total = max(0, _count_lines(path) - 1 + (0 if sample.endswith(b"\n") else 0))

    raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the row generator
    text = io.TextIOWrapper(
        io.BufferedReader(_HashingReader(raw, digest), buffer_size=SAMPLE_BYTES),
        encoding=encoding,
        newline="",
    )
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except (csv.Error, UnicodeDecodeError, StopIteration) as exc:
        raw.close()
        raise UnreadableFile(berkas=display_name, alasan_id=str(exc), reason=str(exc)) from exc
    mapped, ignored = _map_header(header, aliases, required, display_name)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        baris = 0
        try:
            for record in reader:
                baris += 1
                if not record or all(not c.strip() for c in record):
                    continue
                yield (
                    baris,
                    {
                        col: record[i].strip() if i < len(record) else ""
                        for i, col in enumerate(mapped)
                        if col is not None
                    },
                )
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UnreadableFile(
                berkas=display_name,
                alasan_id=f"baris data {baris + 1}: {exc}",
                reason=f"data row {baris + 1}: {exc}",
            ) from exc
        finally:
            raw.close()

    return Table(
        columns=[c for c in mapped if c],
        rows=rows(),
        total=total,
        sha256=digest,
        encoding=encoding,
        delimiter=delimiter,
        ignored=ignored,
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _open_xlsx(
    path: Path, aliases: dict[str, str], required: tuple[str, ...], display_name: str, digest: Any
) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows_iter = sheet.iter_rows()
        header = [_cell_text(c) for c in next(rows_iter)]
    except StopIteration:
        raise UnreadableFile(
            berkas=display_name, alasan_id="lembar kosong", reason="empty sheet"
        ) from None
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise UnreadableFile(berkas=display_name, alasan_id=str(exc), reason=str(exc)) from exc
    mapped, ignored = _map_header(header, aliases, required, display_name)
    total = max(0, sheet.height - 1)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for baris, record in enumerate(rows_iter, start=1):
            cells = [_cell_text(c) for c in record]
            if not any(cells):
                continue
            yield (
                baris,
                {col: cells[i] if i < len(cells) else "" for i, col in enumerate(mapped) if col},
            )

    return Table(
        columns=[c for c in mapped if c], rows=rows(), total=total, sha256=digest, ignored=ignored
    )
