"""`cakupan up`: migrate, load the demo into an empty database, serve on 127.0.0.1 with a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command

from cakupan.lib.command import CakupanCommand
from cakupan.registry.models import Participant
from cakupan.web.management.commands.demo import demo_logins


class Command(CakupanCommand):
    help = "Jalankan Cakupan / migrate, load the demo when empty, serve with a job worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Port on 127.0.0.1.")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo.")
        parser.add_argument("--workers", type=int, default=3, help="Web worker processes.")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Basis data siap / database ready.")
        if not options["no_demo"] and not Participant.objects.exists():
            self.stdout.write("Memuat demo / loading the demo …")
            call_command("demo", stdout=self.stdout._out, stderr=self.stderr._out)
        elif not options["no_demo"]:
            self.stdout.write(demo_logins())
        address = f"127.0.0.1:{options['port']}"
        self.stdout.write(f"\nCakupan: http://{address}/  (Ctrl+C untuk berhenti / to stop)")
        env = dict(os.environ)
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cakupan.cli",
                    "db_worker",
                    "--interval",
                    "1",
                    "--no-startup-delay",
                    "--no-reload",
                ],
                env=env,
            ),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "cakupan.wsgi",
                    "--bind",
                    address,
                    "--workers",
                    str(options["workers"]),
                    "--access-logfile",
                    "-",
                    "--access-logformat",
                    '%(h)s "%(r)s" %(s)s %(b)s %(L)ss',
                ],
                env=env,
            ),
        ]

        def stop(*_: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                child.wait(timeout=15)
