"""The base of every Cakupan command: errors in both languages, exit codes, a progress bar on a
terminal and one summary line when piped (after zulip's `zerver/lib/management.py`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cakupan.errors import CakupanError


class CakupanCommand(BaseCommand):
    """Runs `handle_cakupan`; a CakupanError becomes an Indonesian-then-English message on stderr."""

    error_exit_code = 2

    def handle(self, *args: Any, **options: Any) -> str | None:
        try:
            return self.handle_cakupan(*args, **options)
        except CakupanError as exc:
            raise CommandError(
                f"{exc.pesan_id}\n{exc.message_en}", returncode=self.error_exit_code
            ) from exc

    def handle_cakupan(self, *args: Any, **options: Any) -> str | None:
        raise NotImplementedError

    def is_terminal(self) -> bool:
        return sys.stderr.isatty()

    def progress_bar(
        self, description: str
    ) -> tuple[Callable[[int, int | None], None], Callable[[], None]]:
        """A (on_change, close) pair drawing a bar on stderr when it is a terminal, else nothing."""
        bar = tqdm(desc=description, disable=not self.is_terminal(), file=sys.stderr, unit="baris")

        def on_change(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.n = done
            bar.refresh()

        return on_change, bar.close
