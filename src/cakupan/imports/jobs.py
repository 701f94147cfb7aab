"""Import job kinds for the background worker: the web upload queues one of these."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.urls import reverse

from cakupan.accounts.models import User
from cakupan.compliance.businesses import business_import
from cakupan.compliance.wages import wage_import
from cakupan.coverage.workforce import workforce_import
from cakupan.imports.services.driver import ImportResult
from cakupan.imports.services.employers import employer_import
from cakupan.imports.services.participants import participant_import
from cakupan.jobs.services import Progress, job_kind


def _summary(result: Any) -> dict[str, Any]:
    r = result.record
    summary = {
        "impor": r.pk,
        "hasil": r.get_outcome_display(),
        "baris": r.rows_total,
        "diimpor": r.rows_imported,
        "ditolak": r.rows_rejected,
        "peringatan": r.warnings,
        "detik": r.seconds,
    }
    if r.message:
        summary["pesan"] = r.message
    if r.rejects_path:
        summary["rejects_url"] = reverse("rejects_download", args=[r.pk])
    return summary


# The import function of each uploadable kind; a participant snapshot also takes its period.
IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "participants": participant_import,
    "employers": employer_import,
    "workforce": workforce_import,
    "businesses": business_import,
    "wages": wage_import,
}


def _run(kind: str, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    extra = (
        {"periode": params["periode"], "replace": params.get("replace", False)}
        if kind == "participants"
        else {}
    )
    try:
        result = IMPORTERS[kind](
            path=Path(params["path"]),
            acting_user=user,
            file_name=params["file_name"],
            partial=params.get("partial", False),
            progress=progress,
            job_id=progress.job_id,
            **extra,
        )
    finally:
        Path(params["path"]).unlink(missing_ok=True)  # uploads hold personal data: keep none
    return _summary(result)


for _kind in IMPORTERS:
    job_kind(f"imports.{_kind}")(partial(_run, _kind))
