"""`cakupan restore FILE`: replace the database with a backup, then prove it is the same."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from cakupan.lib.command import CakupanCommand
from cakupan.ops.backup import RestoreMismatch, backup_restore


class Command(CakupanCommand):
    help = (
        "Pulihkan cadangan / restore a `cakupan backup` archive into DATABASE_URL's database "
        "(stop the server and worker first), then check row counts and coverage figures against "
        "the archive's manifest. Exit 0 same, 1 different, 2 unusable archive."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Archive made by `cakupan backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds users, participants or audit entries.",
        )

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(path=Path(options["file"]), replace=options["replace"])
        except RestoreMismatch as error:
            self.stderr.write(f"{error.pesan_id}\n{error.message_en}")
            raise SystemExit(1) from error
        manifest = result.manifest
        self.stdout.write(
            f"Dipulihkan / restored {options['file']} (dibuat/made {manifest['created_at']}): "
            f"{len(manifest['rows'])} tabel/tables, {sum(manifest['rows'].values())} baris/rows; "
            "jumlah baris dan angka cakupan sama dengan cadangan / row counts and coverage "
            "figures match the backup."
        )
        for periode, figures in manifest["figures"].items():
            self.stdout.write(f"  {periode}: peserta_aktif {figures['peserta_aktif']}")
        if result.keys_added:
            self.stdout.write(f"Kunci ditambahkan / keys added: {', '.join(result.keys_added)}")
        if result.keys_kept:
            self.stderr.write(
                "Kunci dengan nama sama tetapi isi berbeda dibiarkan / keys with the same name "
                f"but other contents were kept as they are: {', '.join(result.keys_kept)}"
            )
        self.stdout.write(
            "Jalankan `cakupan migrate` bila cadangan lebih lama dari program ini / run "
            "`cakupan migrate` if the backup is older than this version."
        )
