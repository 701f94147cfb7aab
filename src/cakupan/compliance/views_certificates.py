"""Certificate pages: the public verify page (a code from a QR scan, or an uploaded PDF) and the
staff's issue action, which answers with the PDF.

The verify page needs no login and shows only what the certificate states and whether it still
holds: 200 for a genuine certificate (valid or no longer valid), 400 for a forged or malformed one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cakupan.accounts.scope import require_capability
from cakupan.compliance.certificates import (
    Verification,
    certificate_filename,
    certificate_issue,
    certificate_verify,
    certificate_verify_pdf,
    date_en,
    date_id,
    period_label_en,
    status_words,
)
from cakupan.compliance.models import ComplianceStatus
from cakupan.coverage.report import period_label
from cakupan.errors import InvalidInput, NotFound

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class CertificateUploadForm(forms.Form):
    """A certificate PDF to check: at most 2 MB, and it must be a PDF."""

    berkas = forms.FileField(label="PDF")

    def clean_berkas(self) -> bytes:
        upload = self.cleaned_data["berkas"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "Berkas lebih dari 2 MB. / The file is larger than 2 MB.", code="too_large"
            )
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "Berkas lebih dari 2 MB. / The file is larger than 2 MB.", code="too_large"
            )
        if not data.startswith(b"%PDF"):
            raise forms.ValidationError(
                "Berkas ini bukan PDF. / This file is not a PDF.", code="not_pdf"
            )
        return data


def _statement(result: Verification) -> dict[str, Any] | None:
    """What the certificate states, ready for the page in both languages; None if not genuine."""
    claims = result.claims
    if not result.valid_signature or claims is None:
        return None
    words_id, words_en = status_words(claims["status"])
    return {
        "nama": result.nama,
        "npp": claims["npp"],
        "nib": claims["nib"],
        "periode_id": period_label(claims["periode"]),
        "periode_en": period_label_en(claims["periode"]),
        "status": claims["status"],
        "status_id": words_id,
        "status_en": words_en,
        "valid_until_id": date_id(claims["valid_until"]),
        "valid_until_en": date_en(claims["valid_until"]),
        "issued_id": date_id(claims["issued"]),
        "issued_en": date_en(claims["issued"]),
    }


def _verdict_page(
    request: HttpRequest, result: Verification | None, form: CertificateUploadForm, status: int
) -> HttpResponse:
    response = render(
        request,
        "compliance/certificate_verify.html",
        {
            "result": result,
            "statement": _statement(result) if result is not None else None,
            "form": form,
        },
        status=status,
    )
    # The verdict changes when the employer's status does: never serve it from a cache.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The page a certificate's QR code opens: genuine or not, and does it still hold."""
    result = certificate_verify(code)
    return _verdict_page(
        request, result, CertificateUploadForm(), 200 if result.valid_signature else 400
    )


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Check a certificate PDF: genuine only if it is, byte for byte, one that was issued."""
    if request.method == "GET":
        return _verdict_page(request, None, CertificateUploadForm(), 200)
    form = CertificateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _verdict_page(request, None, form, 400)
    result = certificate_verify_pdf(form.cleaned_data["berkas"])
    return _verdict_page(
        request, result, CertificateUploadForm(), 200 if result.valid_signature else 400
    )


@require_POST
@login_required
def certificate_issue_view(request: HttpRequest) -> HttpResponse:
    """Issue a certificate for one ComplianceStatus row (`status_id`) and download its PDF."""
    user = request.user
    require_capability(user, "compliance.followup")  # type: ignore[arg-type]
    raw = request.POST.get("status_id", "")
    if not raw.isdigit():
        raise InvalidInput(
            kolom="status_id",
            pesan_rinci=f"harus nomor baris status kepatuhan, tertulis {raw[:20]!r}",
            detail=f"must be a compliance status row id, found {raw[:20]!r}",
        )
    status = ComplianceStatus.objects.visible_to(user).filter(pk=int(raw)).first()  # type: ignore[arg-type]
    if status is None:
        raise NotFound(apa=f"Status kepatuhan {raw}", what=f"Compliance status {raw}")
    cert, pdf = certificate_issue(
        status=status,
        acting_user=user,
        verify_url=lambda kode: request.build_absolute_uri(
            reverse("certificate_verify", kwargs={"code": kode})
        ),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(cert)}"'
    response["Cache-Control"] = "no-store"
    return response
