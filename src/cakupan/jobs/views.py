"""Job pages: the list, and one job with a live progress bar (HTMX polls the partial)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cakupan.jobs.selectors import job_get, job_list


@require_GET
@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    page = Paginator(job_list(actor=request.user), 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "jobs/jobs.html", {"page": page})


@require_GET
@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_get(actor=request.user, job_id=job_id)  # type: ignore[arg-type]
    template = "jobs/_progress.html" if request.htmx else "jobs/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})
