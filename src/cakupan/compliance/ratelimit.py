"""Per-token request limit of the licensing API: a fixed one-minute window, no database write.

Each caller (an API token, or a signed-in person) may make `COMPLIANCE_RATE_PER_MINUTE` requests
(default `DEFAULT_PER_MINUTE`) in each clock minute; the next one is answered 429 with
`Retry-After`, the seconds until the minute ends.

Where the count lives:
- Each process counts in its own memory, so a request costs a dictionary update.
- When `CACHES["default"]` is shared between processes (Redis, Memcached, the database cache),
  every process also adds its count to the cache every `sync_every` requests (and at every
  request once the count is within a tenth of the limit), and decides on the sum. The limit then
  holds across gunicorn workers and hosts, overshooting by at most `sync_every` per process.
- With Django's default local-memory cache (Cakupan's default), nothing is shared: each gunicorn
  worker keeps its own window, so with N workers a token may make up to N × the limit.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

DEFAULT_PER_MINUTE = 600
"""Requests a caller may make per clock minute unless settings.COMPLIANCE_RATE_PER_MINUTE says."""

WINDOW_SECONDS = 60

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one request may go ahead; if not, after how many whole seconds to try again."""

    allowed: bool
    limit: int
    remaining: int
    retry_after: int


class _Window:
    __slots__ = ("window", "known", "pending")

    def __init__(self, window: int) -> None:
        self.window = window
        self.known = 0  # the shared count as last read from the cache (this process's included)
        self.pending = 0  # this process's requests not yet added to the cache


class RateLimiter:
    """Fixed-window counter per key. `clock` returns Unix seconds (tests pass their own)."""

    def __init__(
        self,
        *,
        per_minute: int | None = None,
        clock: Callable[[], float] = time.time,
        cache_alias: str = "default",
        shared: bool | None = None,
    ) -> None:
        self.clock = clock
        self.cache_alias = cache_alias
        self._per_minute = per_minute
        self._shared = shared
        self._generation = 0
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}
        self._configured = False

    def _configure(self) -> None:
        per_minute = self._per_minute
        if per_minute is None:
            per_minute = getattr(settings, "COMPLIANCE_RATE_PER_MINUTE", DEFAULT_PER_MINUTE)
        if not isinstance(per_minute, int) or isinstance(per_minute, bool) or per_minute < 1:
            raise ImproperlyConfigured(
                f"COMPLIANCE_RATE_PER_MINUTE must be a positive integer, not {per_minute!r}"
            )
        self.limit = per_minute
        self.sync_every = max(1, per_minute // 100)
        self.near = per_minute - max(1, per_minute // 10)
        self.cache = caches[self.cache_alias]
        shared = self._shared
        self.shared = not isinstance(self.cache, LocMemCache) if shared is None else shared
        self._configured = True

    def reset(self) -> None:
        """Forget every count (and the settings read); later counts use fresh cache keys."""
        with self._lock:
            self._windows.clear()
            self._generation += 1
            self._configured = False

    def hit(self, key: str) -> Decision:
        """Count one request by `key` and say whether it may go ahead."""
        if not self._configured:
            self._configure()
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        with self._lock:
            state = self._windows.get(key)
            if state is None or state.window != window:
                if state is None and len(self._windows) > 10_000:
                    self._windows = {k: w for k, w in self._windows.items() if w.window == window}
                state = self._windows[key] = _Window(window)
            count = state.known + state.pending
            if count >= self.limit:
                return Decision(False, self.limit, 0, retry_after)
            state.pending += 1
            count += 1
            if self.shared and (state.pending >= self.sync_every or count >= self.near):
                count = self._push(key, state)
                if count > self.limit:
                    return Decision(False, self.limit, 0, retry_after)
        return Decision(True, self.limit, self.limit - count, retry_after)

    def _push(self, key: str, state: _Window) -> int:
        """Add this process's pending requests to the shared count; returns the shared count."""
        cache_key = f"cakupan:ratelimit:{self._generation}:{key}:{state.window}"
        try:
            self.cache.add(cache_key, 0, timeout=2 * WINDOW_SECONDS)
            state.known = self.cache.incr(cache_key, state.pending)
        except Exception as error:  # a cache outage must not stop the API: count locally
            log.warning("rate-limit cache unavailable, counting locally: %s", type(error).__name__)
            state.known += state.pending
        state.pending = 0
        return state.known


limiter = RateLimiter()
"""The licensing API's limiter for this process."""


def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting in ("COMPLIANCE_RATE_PER_MINUTE", "CACHES"):
        limiter.reset()


setting_changed.connect(_settings_changed)
