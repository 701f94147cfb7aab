"""`cakupan coverage`: coverage of every area of a level inside a region (design.md).

The default output has exactly design.md's columns (plus one per `--by` value). Options add
columns after them: `--compare` growth, `--target` the gap, `--rank` the rank among siblings; a
`penduduk_bekerja_estimasi` column appears whenever a denominator in the output is an estimate.
Notices (no data for the period, coverage above 100%, estimates) go to stderr in both languages.
"""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import CommandError

from cakupan.accounts.scope import SystemActor
from cakupan.coverage.selectors import SECTORS, coverage_table, filters_parse
from cakupan.lib.command import CakupanCommand
from cakupan.regions.models import LEVELS


class Command(CakupanCommand):
    help = "Cakupan per wilayah / coverage of every area of LEVEL inside a region."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--region", default=None, help="Kode wilayah induk, e.g. 51 (Bali).")
        parser.add_argument("--level", required=True, choices=LEVELS, help="Tingkat area.")
        parser.add_argument("--period", required=True, help="Periode YYYY-MM, e.g. 2023-12.")
        parser.add_argument(
            "--by", default="", help="Rincian, comma-separated: segmen,jenis_kelamin,kelompok_umur."
        )
        parser.add_argument("--sector", choices=SECTORS, default="semua", help="Sektor.")
        parser.add_argument("--sex", choices=["L", "P"], default=None, help="Jenis kelamin.")
        parser.add_argument("--compare", default=None, help="Earlier period YYYY-MM for growth.")
        parser.add_argument("--target", default=None, help="Target coverage percent, e.g. 45.")
        parser.add_argument("--rank", action="store_true", help="Add the rank among siblings.")
        parser.add_argument(
            "--format", default="table", choices=["table", "csv", "json"], help="Output format."
        )

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        by = tuple(b.strip() for b in options["by"].split(",") if b.strip())
        target = None
        if options["target"] is not None:
            try:
                target = Decimal(options["target"])
            except InvalidOperation:
                raise CommandError(
                    f"--target harus angka persen, tertulis {options['target']!r}.\n"
                    f"--target must be a percentage, found {options['target']!r}."
                ) from None
        table = coverage_table(
            actor=SystemActor(),
            region_code=options["region"],
            level=options["level"],
            periode=options["period"],
            filters=filters_parse(sektor=options["sector"], jenis_kelamin=options["sex"]),
            by=by,
            banding=options["compare"],
            target_persen=target,
            use_target=False,
        )
        columns = table.columns() + (["peringkat"] if options["rank"] else [])
        records = table.records()
        for notice in table.notices:
            self.stderr.write(f"{notice.pesan}\n{notice.message}")
        fmt = options["format"]
        if fmt == "json":
            out = [{c: rec[c] for c in columns} for rec in records]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
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
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
