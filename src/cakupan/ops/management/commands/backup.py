"""`cakupan backup OUT`: the database, the signing keys and a manifest in one archive."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from cakupan.lib.command import CakupanCommand
from cakupan.ops.backup import backup_create


class Command(CakupanCommand):
    help = (
        "Cadangkan basis data / back up the database, signing keys and a manifest of row counts "
        "and coverage figures into one archive (written atomically; keep it as safe as the data)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("out", help="Archive to write, e.g. cakupan-2024-01-31.tar.")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        manifest = backup_create(out=out)
        rows = sum(manifest["rows"].values())
        periods = ", ".join(manifest["figures"]) or "-"
        self.stdout.write(
            f"Cadangan / backup {out}: {manifest['engine']}, {len(manifest['rows'])} tabel/tables, "
            f"{rows} baris/rows, periode/periods {periods}, "
            f"{len(manifest['signing_keys'])} kunci/keys. "
            f"Pulihkan / restore: cakupan restore {out}"
        )
