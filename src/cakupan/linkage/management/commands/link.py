"""`cakupan link FILE --out OUT.csv [--period YYYY-MM]`: match a list of people to the registry.

Exit 0 when the output is written (cells that cannot be read are taken as empty and counted);
2 when the file cannot be read or has no `nama` column.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from cakupan.accounts.scope import SystemActor
from cakupan.lib.command import CakupanCommand
from cakupan.linkage.services import FileLinkResult, file_link

NOTES_SHOWN = 20


class Command(CakupanCommand):
    help = (
        "Cocokkan daftar orang dengan registri / match a list of people (CSV or XLSX: "
        "nik,nama,tanggal_lahir,jenis_kelamin,kode_wilayah,pekerjaan) to the registry."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file of people; only `nama` is required.")
        parser.add_argument(
            "--out", required=True, help="Where to write baris,nik,skor,metode (CSV)."
        )
        parser.add_argument(
            "--period",
            default=None,
            help="Only participants with a membership in this period (YYYY-MM); default: all.",
        )

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(
                f"Berkas {path} tidak ada.\nFile {path} does not exist.", returncode=2
            )
        out = Path(options["out"])
        on_change, close = self.progress_bar(path.name)
        try:
            result = file_link(
                path=path,
                out_path=out,
                periode=options["period"],
                acting_user=SystemActor(),
                progress=on_change,
            )
        finally:
            close()
        self._report(path, out, result)

    def _report(self, path: Path, out: Path, result: FileLinkResult) -> None:
        for note in result.notes[:NOTES_SHOWN]:
            self.stderr.write(
                f"baris {note.baris}, kolom {note.kolom}: {note.pesan}\n"
                f"  row {note.baris}, column {note.kolom}: {note.message}"
            )
        if len(result.notes) > NOTES_SHOWN:
            self.stderr.write(
                f"… {len(result.notes) - NOTES_SHOWN} sel lain / more cells taken as empty"
            )
        m = result.methods
        self.stdout.write(
            f"{path.name}: {result.rows} baris/rows; nik {m['nik']}, probabilistik/probabilistic "
            f"{m['probabilistik']}, tinjau/review {m['tinjau']}, tidak_cocok/no match "
            f"{m['tidak_cocok']}; sel dikosongkan/cells taken as empty {len(result.notes)}; "
            f"{result.seconds:.1f} s → {out}"
        )
