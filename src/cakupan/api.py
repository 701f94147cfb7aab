"""The NinjaAPI at /api/v1/: mounts each app's router and renders every error as design.md says."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cakupan.accounts.auth import api_auth
from cakupan.compliance.api import router as compliance_router
from cakupan.coverage.api import router as coverage_router
from cakupan.errors import CakupanError
from cakupan.imports.api import router as imports_router
from cakupan.jobs.api import router as jobs_router
from cakupan.regions.api import router as regions_router
from cakupan.registry.api import employers_router
from cakupan.registry.api import router as registry_router

api = NinjaAPI(
    title="Cakupan API",
    version="1",
    description=(
        "Cakupan: cakupan jaminan sosial ketenagakerjaan / employment social-security coverage. "
        "People authenticate with their session; services with `Authorization: Bearer <token>` "
        "(`cakupan token create NAME --role ROLE`). Errors are "
        '`{"kode": …, "pesan": …, "message": …}`.'
    ),
    auth=api_auth,
    urls_namespace="api",
)
api.add_router("/regions", regions_router)
api.add_router("/participants", registry_router)
api.add_router("/employers", employers_router)
api.add_router("/imports", imports_router)
api.add_router("/coverage", coverage_router)
api.add_router("/jobs", jobs_router)
api.add_router("/compliance", compliance_router)


def _error(request: HttpRequest, status: int, kode: str, pesan: str, message: str) -> HttpResponse:
    return api.create_response(
        request, {"kode": kode, "pesan": pesan, "message": message}, status=status
    )


@api.exception_handler(CakupanError)
def cakupan_error(request: HttpRequest, exc: CakupanError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "tidak_terautentikasi",
        "Masuk dulu, atau kirim token yang sah: Authorization: Bearer <token>.",
        "Log in first, or send a valid token: Authorization: Bearer <token>.",
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = "; ".join(
        ".".join(str(p) for p in e.get("loc", [])) + ": " + str(e.get("msg", ""))
        for e in exc.errors
    )
    return _error(
        request,
        422,
        "masukan_tidak_valid",
        f"Masukan tidak valid: {where}",
        f"Invalid input: {where}",
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "kesalahan_http", str(exc), str(exc))
