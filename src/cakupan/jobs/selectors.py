"""Reads of background jobs, cut to the viewer's region."""

from __future__ import annotations

from django.db.models import QuerySet

from cakupan.accounts.scope import Actor
from cakupan.errors import NotFound
from cakupan.jobs.models import Job
from cakupan.jobs.services import job_reap


def job_list(*, actor: Actor) -> QuerySet[Job]:
    """Jobs in the viewer's region, newest first; a job whose worker died shows as failed."""
    job_reap()
    return Job.objects.visible_to(actor)


def job_get(*, actor: Actor, job_id: int) -> Job:
    """One job the viewer may see, or NotFound (never says whether it exists elsewhere)."""
    job = job_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound(apa=f"Pekerjaan #{job_id}", what=f"Job #{job_id}")
    return job
