"""Cakupan's settings with a 2-second wait for the registry lock (the refusal test)."""

from cakupan.settings import *  # noqa: F403

REGISTRY_LOCK_WAIT_SECONDS = 2
