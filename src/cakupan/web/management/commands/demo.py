"""`cakupan demo`: load the synthetic Bali demo."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.db import transaction

from cakupan.award.demo import award_demo_load
from cakupan.compliance.matching import business_match
from cakupan.compliance.status import status_refresh
from cakupan.coverage.facts import facts_refresh_all
from cakupan.coverage.workforce import workforce_estimate_all
from cakupan.demo import DEMO_PASSWORD, DEMO_USERS, demo_businesses_load, demo_load
from cakupan.errors import CakupanError
from cakupan.lib.command import CakupanCommand
from cakupan.programmes.demo import programmes_demo_load, village_demo_load
from cakupan.registry.models import Participant


class DemoNotEmpty(CakupanError):
    kode = "demo_registri_tidak_kosong"
    pesan = "Registri sudah berisi data; demo hanya dimuat ke basis data kosong."
    message = "The registry already holds data; the demo loads only into an empty database."


class Command(CakupanCommand):
    help = "Muat demo Bali sintetis / load the synthetic Bali demo."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--participants", type=int, default=20000, help="Number of people.")
        parser.add_argument(
            "--seed", type=int, default=2023, help="Random seed (same seed, same data)."
        )

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        if Participant.objects.exists():
            raise DemoNotEmpty()
        on_change, close = self.progress_bar("demo")
        with transaction.atomic():
            counts = demo_load(
                participants=options["participants"], seed=options["seed"], progress=on_change
            )
            counts["estimasi_penyebut"] = workforce_estimate_all()
            counts.update(programmes_demo_load(seed=options["seed"]))
            periods = facts_refresh_all()
            counts["periode"] = len(periods)
            counts["usaha"] = demo_businesses_load(seed=options["seed"], periode=periods[-1])
            business_match()
            for periode in periods:
                status_refresh(periode)
            counts.update(village_demo_load(seed=options["seed"], periode=periods[-1]))
            award_demo_load(seed=2024)
        close()
        self.stdout.write(
            "Demo dimuat / demo loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
        self.stdout.write(demo_logins())


def demo_logins() -> str:
    lines = [f"Login demo (kata sandi / password: {DEMO_PASSWORD}):"]
    lines += [f"  {u.username:<8} {u.role:<17} {u.region_code}" for u in DEMO_USERS]
    return "\n".join(lines)
