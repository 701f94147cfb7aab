"""`cakupan coverage_refresh [--period YYYY-MM]`: rebuild coverage facts from the registry."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from cakupan.coverage.facts import facts_refresh, facts_refresh_all
from cakupan.lib.command import CakupanCommand


class Command(CakupanCommand):
    help = (
        "Bangun ulang fakta cakupan / rebuild the coverage facts of one period, or of every "
        "period, from the registry (each period in one transaction: a stopped run leaves every "
        "period either as before or rebuilt)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--period", default=None, help="Period YYYY-MM (default: all).")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        if options["period"]:
            snapshot = facts_refresh(options["period"])
            periods = [snapshot.periode]
        else:
            periods = facts_refresh_all()
        self.stdout.write(
            f"Fakta cakupan diperbarui / coverage facts rebuilt: {', '.join(periods) or '-'}"
        )
