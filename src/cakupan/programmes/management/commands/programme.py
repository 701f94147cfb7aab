"""`cakupan programme payments-import FILE` and `cakupan programme renewals --month YYYY-MM`.

Exit 0 all good; 1 the payment file was refused (nothing recorded; problems on stderr by row and
column); 2 unreadable input.
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from cakupan.accounts.scope import SystemActor
from cakupan.lib.command import CakupanCommand
from cakupan.programmes.errors import PaymentFileRejected
from cakupan.programmes.services.enrolment import renewals_due
from cakupan.programmes.services.payments import payments_import


class Command(CakupanCommand):
    help = "Program bersponsor / sponsored programmes: import payments, list renewals."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        payments = sub.add_parser(
            "payments-import",
            help="Record the payments of a CSV/XLSX file (nomor,tanggal,jumlah,referensi), "
            "all or nothing.",
        )
        payments.add_argument("file", help="CSV or XLSX file.")
        renewals = sub.add_parser(
            "renewals", help="Who loses protection after a month, as CSV on stdout."
        )
        renewals.add_argument("--month", required=True, help="Last month paid, YYYY-MM.")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        if options["action"] == "payments-import":
            self._payments(Path(options["file"]))
        else:
            self._renewals(options["month"])

    def _payments(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(
                f"Berkas {path} tidak ada.\nFile {path} does not exist.", returncode=2
            )
        try:
            result = payments_import(file=path, acting_user=SystemActor())
        except PaymentFileRejected as exc:
            for p in exc.problems:
                self.stderr.write(f"baris {p['baris']}, kolom {p['kolom']}: {p['pesan']}")
                self.stderr.write(f"row {p['baris']}, column {p['kolom']}: {p['message']}")
            raise CommandError(f"{exc.pesan_id}\n{exc.message_en}", returncode=1) from exc
        amount = f"{result.jumlah:,}".replace(",", ".")
        self.stdout.write(
            f"{len(result.payments)} pembayaran dicatat, Rp{amount} / "
            f"{len(result.payments)} payments recorded, Rp{amount}"
        )

    def _renewals(self, month: str) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            ["program", "bulan_berikut", "peserta", "iuran", "biaya_bulan", "biaya_12_bulan"]
        )
        for r in renewals_due(actor=SystemActor(), bulan=month):
            writer.writerow(
                [
                    r.programme.nama,
                    r.bulan_berikut,
                    r.peserta,
                    r.iuran,
                    r.biaya_bulan,
                    r.biaya_12_bulan,
                ]
            )
