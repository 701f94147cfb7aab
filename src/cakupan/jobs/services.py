"""Running background jobs: one queue (django-tasks, database backend), one runner, live progress.

An app registers a job kind with `@job_kind("registry.import_participants")`: a function taking the
job's params and a `Progress`, returning a JSON-able result. A view calls `job_submit`; the worker
runs `job_run`; a command may call the kind's service directly with its own progress bar.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from cakupan.jobs.models import Job, JobState
from cakupan.lib.locks import is_running, running

JobFunction = Callable[[dict[str, Any], "Progress"], dict[str, Any]]
_KINDS: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the runner of jobs of kind `name`."""

    def register(fn: JobFunction) -> JobFunction:
        _KINDS[name] = fn
        return fn

    return register


class Progress:
    """Progress of one job, written to its row at most every `interval` seconds."""

    def __init__(
        self,
        job: Job | None = None,
        *,
        interval: float = 0.5,
        on_change: Callable[[int, int | None], None] | None = None,
    ) -> None:
        self.job = job
        self.done = 0
        self.total: int | None = None
        self.interval = interval
        self.on_change = on_change
        self._lines: list[str] = []
        self._last_write = 0.0

    @property
    def job_id(self) -> int | None:
        return self.job.pk if self.job is not None else None

    def start(self, total: int | None) -> None:
        self.total = total
        self._flush(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._flush()

    @property
    def text(self) -> str:
        """The log so far."""
        return "\n".join(self._lines)

    def log(self, line: str) -> None:
        """Add a line to the job's log (never personal data)."""
        self._lines.append(line)
        self._flush(force=True)

    def _flush(self, force: bool = False) -> None:
        if self.on_change:
            self.on_change(self.done, self.total)
        if self.job is None:
            return
        now = time.monotonic()
        if not force and now - self._last_write < self.interval:
            return
        self._last_write = now
        fields: dict[str, Any] = {"done": self.done, "total": self.total}
        if self._lines:
            fields["log"] = self.text
        # Progress is written outside the job's own transaction so the screen sees it live.
        Job.objects.filter(pk=self.job.pk).update(**fields)


@transaction.atomic
def job_submit(
    *, kind: str, params: dict[str, Any], acting_user: Any, region_code: str | None = None
) -> Job:
    """Queue a job of `kind`; the worker picks it up once this transaction commits."""
    if kind not in _KINDS:
        raise KeyError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        params=params,
        created_by=acting_user,
        region_code=region_code or getattr(acting_user, "region_code", None) or "",
    )
    transaction.on_commit(lambda: run_job_task.enqueue(job.pk))
    return job


WORKER_DIED = (
    "Pekerja latar berhenti sebelum pekerjaan ini selesai (dimatikan atau mogok); hasilnya tidak "
    "disimpan. Kirim ulang pekerjaan ini. / The background worker stopped before this job "
    "finished (killed or crashed); its result was not saved. Submit the job again."
)


def job_reap() -> int:
    """Mark running jobs whose worker died as failed, and delete the uploads they leave; returns
    how many. A worker holds `running("job", id)` while it runs a job, and a dead process holds
    no lock, so this tells a dead worker from a slow one, whatever killed it."""
    reaped = 0
    for job in Job.objects.filter(state=JobState.RUNNING).only("pk", "params"):
        if is_running("job", job.pk):
            continue
        reaped += Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            result={"error": WORKER_DIED},
        )
        upload = (job.params or {}).get("path")
        if upload and Path(upload).resolve().is_relative_to(Path(settings.UPLOAD_DIR).resolve()):
            Path(upload).unlink(missing_ok=True)  # uploads hold personal data: keep none
    return reaped


def job_run(job_id: int) -> Job:
    """Run one queued job to its end, recording state, progress, log and result or error."""
    job_reap()
    with running("job", job_id):  # taken before the claim, so a running job always holds it
        return _job_run(job_id)


def _job_run(job_id: int) -> Job:
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job
    progress = Progress(job)
    try:
        result = _KINDS[job.kind](job.params, progress)
    except Exception as exc:  # the job's failure is recorded, not raised into the worker
        progress.log(f"{type(exc).__name__}: {exc}")
        Job.objects.filter(pk=job_id).update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            result={"error": str(exc), "trace": traceback.format_exc(limit=5)},
            done=progress.done,
            log=progress.text,
        )
    else:
        Job.objects.filter(pk=job_id).update(
            state=JobState.DONE,
            finished_at=timezone.now(),
            result=result,
            done=progress.total if progress.total is not None else progress.done,
            total=progress.total if progress.total is not None else progress.done,
            log=progress.text,
        )
    job.refresh_from_db()
    return job


@task()
def run_job_task(job_id: int) -> None:
    """The django-tasks entry point: the worker calls this for each queued job."""
    job_run(job_id)
