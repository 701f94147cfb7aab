"""The `cakupan` command: Django's command runner with Cakupan's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a Django or Cakupan management command (`cakupan up`, `cakupan migrate`, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cakupan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cakupan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
