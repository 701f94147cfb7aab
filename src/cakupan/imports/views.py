"""Import pages: upload (streamed to disk, run as a background job), history, rejects download."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cakupan.audit.services import audit_record
from cakupan.errors import NotFound
from cakupan.imports.forms import UploadForm
from cakupan.imports.selectors import import_list
from cakupan.jobs.services import job_submit


@require_http_methods(["GET", "POST"])
@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a file and queue its import; below, the import history of the user's region."""
    user = request.user
    records = import_list(actor=user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = Path(settings.UPLOAD_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:5]}"
        with open(stored, "wb") as out:  # Django has already spooled large uploads to disk
            for chunk in upload.chunks():
                out.write(chunk)
        kind = form.cleaned_data["kind"]
        params = {
            "path": str(stored),
            "file_name": Path(upload.name).name[:255],
            "user_id": user.pk,
            "partial": form.cleaned_data["partial"],
        }
        if kind == "participants":
            params.update(
                periode=form.cleaned_data["periode"], replace=form.cleaned_data["replace"]
            )
        job = job_submit(kind=f"imports.{kind}", params=params, acting_user=user)
        return redirect("job_detail", job_id=job.pk)
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    return render(request, "imports/imports.html", {"form": form, "page": page})


@require_GET
@login_required
def rejects_download(request: HttpRequest, record_id: int) -> HttpResponse:
    """The rejects report of one import (NIKs masked in it); the download is audited."""
    record = import_list(actor=request.user).filter(pk=record_id).first()
    if record is None or not record.rejects_path or not Path(record.rejects_path).is_file():
        raise NotFound(
            apa=f"Laporan tolak impor #{record_id}", what=f"Rejects report of import #{record_id}"
        )
    audit_record(
        actor=request.user,
        action="export",
        target=record,
        rows=record.problems,
        request=request,
        detail={"what": "rejects"},
    )
    path = Path(record.rejects_path)
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,  # noqa: SIM115
        filename=f"tolak-{record.pk}{path.suffix}",
    )
