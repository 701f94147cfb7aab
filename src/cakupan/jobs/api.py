"""Jobs API: a job's state and progress, for progress bars outside the browser."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from cakupan.jobs.models import Job
from cakupan.jobs.selectors import job_get

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    state: str
    done: int
    total: int | None
    percent: int | None
    log: str
    result: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None


@router.get("/{job_id}", response=JobOut, summary="One background job's state and progress")
def job_detail(request: HttpRequest, job_id: int) -> Job:
    return job_get(actor=request.auth, job_id=job_id)  # type: ignore[attr-defined]
