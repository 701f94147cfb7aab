"""Audit entries written in batches, off the request path: `audit_later` queues, a thread writes.

For endpoints called many times a second (the licensing API), where one INSERT per call would
cost more than the answer. Each process keeps its own queue; a daemon thread writes it with one
multi-row INSERT every `FLUSH_SECONDS`, or as soon as `FLUSH_AT` entries wait, and `atexit`
writes what is left when the process ends normally (gunicorn's graceful stop does). An entry can
be lost only if the process is killed (SIGKILL, a crash) within `FLUSH_SECONDS` of the call.

Writes that must be in the same transaction as the change they record still use
`audit.services.audit_record`.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import InterfaceError, OperationalError, connections, models, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from cakupan.audit.models import AuditEntry
from cakupan.audit.services import client_address

FLUSH_SECONDS = 1.0
"""Longest time an entry waits in the queue before the thread writes it."""

FLUSH_AT = 500
"""Queue length that wakes the thread at once; also the rows per INSERT."""

MAX_QUEUED = 100_000
"""Entries kept while the database refuses writes; past this the oldest are dropped (and logged)."""

log = logging.getLogger(__name__)


def _actor_label(actor: Any, user: AbstractBaseUser | None) -> str:
    """Who acted, as `audit_record` names them: a username, `token:NAME` or `sistem`."""
    if user is not None:
        return user.get_username()
    if actor is not None and hasattr(actor, "key_hash"):
        return f"token:{actor.name}"
    return "sistem"


def _insert(entries: list[AuditEntry]) -> None:
    """One multi-row INSERT per `FLUSH_AT` entries, keeping each entry's own `created_at`.

    `bulk_create` would overwrite `created_at` (auto_now_add) with the time of the flush, up to
    `FLUSH_SECONDS` late; a raw insert keeps the time of the call. Triggers still refuse any
    UPDATE or DELETE, so the log stays append-only.
    """
    using = router.db_for_write(AuditEntry)
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    manager = AuditEntry.objects.db_manager(using)
    with transaction.atomic(using=using):
        for start in range(0, len(entries), FLUSH_AT):
            manager._insert(entries[start : start + FLUSH_AT], fields=fields, raw=True)


class AuditBuffer:
    """A per-process queue of unsaved AuditEntry rows and the daemon thread that writes them.

    `background=False` keeps the thread off: entries wait until `flush()` is called (tests, and
    code that must write in its own thread and transaction).
    """

    def __init__(
        self,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        flush_at: int = FLUSH_AT,
        background: bool = True,
        write: Callable[[list[AuditEntry]], None] = _insert,
    ) -> None:
        self.flush_seconds = flush_seconds
        self.flush_at = flush_at
        self.background = background
        self.write = write
        self._reset()

    def _reset(self) -> None:
        """Fresh state; also in a forked child, whose parent still owns the queued entries."""
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._entries: list[AuditEntry] = []
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def add(self, entry: AuditEntry) -> None:
        """Queue one entry; never touches the database in the caller's thread."""
        if self._pid != os.getpid():
            self._reset()
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > MAX_QUEUED:
                dropped = len(self._entries) - MAX_QUEUED
                del self._entries[:dropped]
                log.error("audit queue full: %d oldest entries dropped", dropped)
            queued = len(self._entries)
        if not self.background:
            return
        if self._thread is None or not self._thread.is_alive():
            self._start()
        if queued >= self.flush_at:
            self._wake.set()

    def pending(self) -> int:
        """Entries queued and not yet written."""
        with self._lock:
            return len(self._entries)

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="audit-buffer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            try:
                self.flush()
            finally:
                # This thread's connection would otherwise stay open, idle, for the process's life.
                connections.close_all()

    def flush(self) -> int:
        """Write every queued entry now, in the calling thread; returns how many were written.

        A failed write is retried once. If the retry fails because the database cannot be
        reached, the entries go back to the front of the queue for the next flush; any other
        failure drops them. Either way it is logged, with counts and actions only, and this never
        raises.
        """
        if self._pid != os.getpid():
            self._reset()
        with self._flush_lock:
            with self._lock:
                batch, self._entries = self._entries, []
            if not batch:
                return 0
            for attempt in (1, 2):
                try:
                    self.write(batch)
                    return len(batch)
                except Exception as error:  # the audit log must never break a request
                    failure = error
                    log.warning(
                        "audit flush of %d entries (%s) failed, attempt %d: %s",
                        len(batch),
                        ", ".join(sorted({e.action for e in batch})),
                        attempt,
                        type(error).__name__,
                    )
                    # A broken connection is replaced on the next try.
                    connections[router.db_for_write(AuditEntry)].close()
            if isinstance(failure, OperationalError | InterfaceError):
                with self._lock:
                    self._entries[:0] = batch
            else:
                log.error("audit entries dropped after two failed writes: %d", len(batch))
            return 0


BUFFER = AuditBuffer()
"""This process's queue."""

atexit.register(lambda: BUFFER.flush())
os.register_at_fork(after_in_child=lambda: BUFFER._reset())


def audit_later(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    rows: int | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    region_code: str | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Queue one entry for the next batched write (within `FLUSH_SECONDS`); returns it unsaved.

    Same fields as `audit_record`; `target_type`/`target_id`/`target_label` name a target the
    caller has only as values. Never put a NIK in `detail`: administrators see it as it is.
    """
    user = actor if isinstance(actor, AbstractBaseUser) else None
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = str(target)
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=user,
        actor_label=(actor_label or _actor_label(actor, user))[:150],
        action=action,
        target_type=target_type[:60],
        target_id=target_id[:64],
        target_label=target_label[:200],
        region_code=region_code or getattr(actor, "region_code", None) or "",
        row_count=rows,
        ip_address=client_address(request),
        detail=detail or {},
    )
    BUFFER.add(entry)
    return entry


def audit_flush() -> int:
    """Write every queued entry now, in this thread; returns how many were written."""
    return BUFFER.flush()
