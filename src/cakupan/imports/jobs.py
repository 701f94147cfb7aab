"""Import job kinds for the background worker: the web upload queues one of these."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from cakupan.accounts.models import User
from cakupan.compliance.businesses import business_import
from cakupan.coverage.workforce import workforce_import
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


@job_kind("imports.participants")
def participants_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    try:
        result = participant_import(
            path=Path(params["path"]),
            periode=params["periode"],
            acting_user=user,
            file_name=params["file_name"],
            partial=params.get("partial", False),
            replace=params.get("replace", False),
            progress=progress,
            job_id=progress.job_id,
        )
    finally:
        Path(params["path"]).unlink(missing_ok=True)  # uploads hold personal data: keep none
    return _summary(result)


@job_kind("imports.employers")
def employers_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    try:
        result = employer_import(
            path=Path(params["path"]),
            acting_user=user,
            file_name=params["file_name"],
            partial=params.get("partial", False),
            progress=progress,
            job_id=progress.job_id,
        )
    finally:
        Path(params["path"]).unlink(missing_ok=True)
    return _summary(result)


@job_kind("imports.workforce")
def workforce_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    try:
        result = workforce_import(
            path=Path(params["path"]),
            acting_user=user,
            file_name=params["file_name"],
            partial=params.get("partial", False),
            progress=progress,
            job_id=progress.job_id,
        )
    finally:
        Path(params["path"]).unlink(missing_ok=True)
    return _summary(result)


@job_kind("imports.businesses")
def businesses_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    try:
        result = business_import(
            path=Path(params["path"]),
            acting_user=user,
            file_name=params["file_name"],
            partial=params.get("partial", False),
            progress=progress,
            job_id=progress.job_id,
        )
    finally:
        Path(params["path"]).unlink(missing_ok=True)
    return _summary(result)
