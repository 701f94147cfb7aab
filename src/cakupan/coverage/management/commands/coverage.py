"""`cakupan coverage`: coverage of every area of a level inside a region (design.md)."""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from typing import Any

from cakupan.accounts.scope import SystemActor
from cakupan.coverage.selectors import COLUMNS, coverage_by_area
from cakupan.lib.command import CakupanCommand
from cakupan.regions.models import LEVELS


class Command(CakupanCommand):
    help = "Cakupan per wilayah / coverage of every area of LEVEL inside a region."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--region", default=None, help="Kode wilayah induk, e.g. 51 (Bali).")
        parser.add_argument("--level", required=True, choices=LEVELS, help="Tingkat area.")
        parser.add_argument("--period", required=True, help="Periode YYYY-MM, e.g. 2023-12.")
        parser.add_argument(
            "--by", default="", help="Rincian, comma-separated: segmen,jenis_kelamin."
        )
        parser.add_argument(
            "--format", default="table", choices=["table", "csv", "json"], help="Output format."
        )

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        by = tuple(b.strip() for b in options["by"].split(",") if b.strip())
        rows = coverage_by_area(
            actor=SystemActor(),
            region_code=options["region"],
            level=options["level"],
            periode=options["period"],
            by=by,
        )
        columns = [*COLUMNS, *by]
        records = [r.as_dict() for r in rows]
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=1))
        elif fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(columns)
            for rec in records:
                writer.writerow([_cell(rec[c]) for c in columns])
        else:
            widths = {c: max([len(c), *(len(_cell(rec[c])) for rec in records)]) for c in columns}
            self.stdout.write("  ".join(c.ljust(widths[c]) for c in columns))
            for rec in records:
                self.stdout.write("  ".join(_cell(rec[c]).ljust(widths[c]) for c in columns))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
