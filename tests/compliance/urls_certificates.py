"""The project's URLs plus the certificate pages (those cakupan/urls.py does not mount yet)."""

from django.urls import path

from cakupan.compliance import views_certificates as certificate_views
from cakupan.urls import urlpatterns as base

CERTIFICATE_URLS = [
    path("verify/", certificate_views.verify_upload, name="certificate_verify_upload"),
    path("verify/<str:code>", certificate_views.verify, name="certificate_verify"),
    path(
        "kepatuhan/sertifikat/", certificate_views.certificate_issue_view, name="certificate_issue"
    ),
]
_mounted = {getattr(p, "name", None) for p in base}

urlpatterns = [*base, *(p for p in CERTIFICATE_URLS if p.name not in _mounted)]
