"""Tables out as CSV or XLSX, streamed, with cells that could run as a formula neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text line by line (UTF-8 with BOM so spreadsheets read it right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(list(columns))
    for row in rows:
        yield writer.writerow(["" if v is None else safe_cell(v) for v in row])


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook with one sheet, written in constant memory."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, list(columns))
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, ["" if v is None else safe_cell(v) for v in row])
    workbook.close()
    return buffer.getvalue()


def tabular_response(
    *, filename: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of `rows` as `fmt` (`csv` or `xlsx`)."""
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(columns, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    streaming = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    streaming["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return streaming
