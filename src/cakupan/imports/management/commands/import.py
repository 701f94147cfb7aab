"""`cakupan import participants FILE --period YYYY-MM`, `cakupan import employers FILE`,
`cakupan import workforce FILE`, `cakupan import businesses FILE` and `cakupan import wages FILE`.

Exit 0 all good; 1 rows rejected (nothing imported unless --partial); 2 unreadable file; 3 not
run because another import held the registry too long (nothing changed: run it again).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from cakupan.accounts.scope import SystemActor
from cakupan.compliance.businesses import business_import
from cakupan.compliance.wages import wage_import
from cakupan.coverage.workforce import workforce_import
from cakupan.imports.models import Outcome
from cakupan.imports.services.driver import ImportResult
from cakupan.imports.services.employers import employer_import
from cakupan.imports.services.participants import participant_import
from cakupan.jobs.services import Progress
from cakupan.lib.command import CakupanCommand


class Command(CakupanCommand):
    help = "Impor berkas registri / import a registry file (CSV or XLSX)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        participants = sub.add_parser("participants", help="A registry snapshot for one period.")
        participants.add_argument("file", help="CSV or XLSX file.")
        participants.add_argument("--period", required=True, help="Period YYYY-MM.")
        participants.add_argument(
            "--replace", action="store_true", help="Swap the period's whole snapshot for this file."
        )
        employers = sub.add_parser("employers", help="The employer registry.")
        employers.add_argument("file", help="CSV or XLSX file.")
        workforce = sub.add_parser(
            "workforce", help="Working-population denominators (kode_wilayah,periode,...)."
        )
        workforce.add_argument("file", help="CSV or XLSX file.")
        businesses = sub.add_parser(
            "businesses",
            help="Businesses from the licensing system (OSS), matched to employers.",
        )
        businesses.add_argument("file", help="CSV or XLSX file.")
        wages = sub.add_parser(
            "wages", help="Minimum wages (kode_wilayah,tahun,upah_minimum,dasar,catatan)."
        )
        wages.add_argument("file", help="CSV or XLSX file.")
        for p in (participants, employers, workforce, businesses, wages):
            p.add_argument(
                "--rejects", default=None, help="Where to write the rejects report (.csv or .xlsx)."
            )
            p.add_argument("--dry-run", action="store_true", help="Check only; import nothing.")
            p.add_argument(
                "--partial",
                action="store_true",
                help="Import the good rows even when others are rejected.",
            )

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(
                f"Berkas {path} tidak ada.\nFile {path} does not exist.", returncode=2
            )
        on_change, close = self.progress_bar(path.name)
        progress = Progress(on_change=on_change)
        common = {
            "path": path,
            "acting_user": SystemActor(),
            "dry_run": options["dry_run"],
            "partial": options["partial"],
            "progress": progress,
            "rejects_path": Path(options["rejects"]) if options["rejects"] else None,
        }
        if options["kind"] == "participants":
            result = participant_import(
                periode=options["period"], replace=options["replace"], **common
            )
        elif options["kind"] == "workforce":
            result = workforce_import(**common)
        elif options["kind"] == "wages":
            result = wage_import(**common)
        elif options["kind"] == "businesses":
            result = business_import(**common)
        else:
            result = employer_import(**common)
        close()
        self._report(result)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _report(self, result: ImportResult) -> None:
        r = result.record
        if r.outcome in (Outcome.UNREADABLE, Outcome.FAILED):
            self.stderr.write(r.message.replace(" / ", "\n"))
            return
        for p in result.problems[:20]:
            self.stderr.write(
                f"baris {p.baris}, kolom {p.kolom}: {p.pesan}\n"
                f"  row {p.baris}, column {p.kolom}: {p.message}"
            )
        if r.problems > 20:
            self.stderr.write(f"… {r.problems - 20} masalah lain / more problems")
        outcome = {
            Outcome.IMPORTED: "diimpor / imported",
            Outcome.PARTIAL: "sebagian diimpor / imported in part",
            Outcome.REJECTED: "ditolak, tidak ada yang diimpor / rejected, nothing imported",
            Outcome.CHECKED: "diperiksa saja / checked only",
        }[r.outcome]  # type: ignore[index]
        self.stdout.write(
            f"{r.file_name}: {outcome}. baris/rows {r.rows_total}, diimpor/imported "
            f"{r.rows_imported}, ditolak/rejected {r.rows_rejected}, peringatan/warnings "
            f"{r.warnings}, {r.seconds:.1f} s. sha256 {r.sha256[:12]}…"
        )
        if r.rejects_path:
            self.stdout.write(f"Laporan tolak / rejects report: {r.rejects_path}")
