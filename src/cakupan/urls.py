"""Every URL of Cakupan. App pages are thin views over selectors; the API lives at /api/v1/."""

from django.urls import include, path

from cakupan.api import api
from cakupan.audit import views as audit_views
from cakupan.compliance import views as compliance_views
from cakupan.compliance import views_certificates as certificate_views
from cakupan.compliance import views_matching as compliance_matching_views
from cakupan.coverage import views as coverage_views
from cakupan.imports import views as import_views
from cakupan.jobs import views as job_views
from cakupan.regions import views as region_views
from cakupan.registry import views as registry_views
from cakupan.web import views as web_views
from cakupan.web.admin import admin_site

urlpatterns = [
    # First: the licensing API answers in milliseconds, so its path is matched first.
    path("api/v1/", api.urls),
    path("", web_views.home, name="home"),
    path("favicon.ico", web_views.favicon),
    path("masuk/", web_views.LoginView.as_view(), name="login"),
    path("keluar/", web_views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", web_views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cakupan/", coverage_views.coverage, name="coverage"),
    path("cakupan/ekspor/", coverage_views.coverage_export, name="coverage_export"),
    path("kepatuhan/", compliance_views.compliance, name="compliance"),
    path("kepatuhan/peta.geojson", compliance_views.compliance_map, name="compliance_map"),
    path("kepatuhan/ekspor/", compliance_views.compliance_export, name="compliance_export"),
    path("verify/", certificate_views.verify_upload, name="certificate_verify_upload"),
    path("verify/<str:code>", certificate_views.verify, name="certificate_verify"),
    path(
        "kepatuhan/sertifikat/", certificate_views.certificate_issue_view, name="certificate_issue"
    ),
    path("kepatuhan/pencocokan/", compliance_matching_views.match_queue, name="match_queue"),
    path(
        "kepatuhan/<int:status_id>/", compliance_views.compliance_detail, name="compliance_detail"
    ),
    path("cakupan/peta.geojson", coverage_views.coverage_map, name="coverage_map"),
    path("cakupan/laporan.pdf", coverage_views.coverage_report, name="coverage_report"),
    path("cakupan/definisi/", coverage_views.reconciliation, name="coverage_reconciliation"),
    path("registri/peserta/", registry_views.participants, name="participants"),
    path(
        "registri/peserta/<int:participant_id>/",
        registry_views.participant_detail,
        name="participant_detail",
    ),
    path(
        "registri/peserta/<int:participant_id>/nik/",
        registry_views.participant_reveal_nik,
        name="participant_reveal_nik",
    ),
    path("registri/pemberi-kerja/", registry_views.employers, name="employers"),
    path(
        "registri/pemberi-kerja/<int:employer_id>/",
        registry_views.employer_detail,
        name="employer_detail",
    ),
    path(
        "registri/peserta/ekspor/", registry_views.participants_export, name="participants_export"
    ),
    path("impor/", import_views.imports, name="imports"),
    path("impor/<int:record_id>/tolak/", import_views.rejects_download, name="rejects_download"),
    path("wilayah/", region_views.regions, name="regions"),
    path("pekerjaan/", job_views.jobs, name="jobs"),
    path("pekerjaan/<int:job_id>/", job_views.job_detail, name="job_detail"),
    path("audit/", audit_views.audit, name="audit"),
    path("program/", include("cakupan.programmes.urls")),
    path("pencocokan/", include("cakupan.linkage.urls")),
    path("paritrana/", include("cakupan.award.urls")),
    path("admin/", admin_site.urls),
]
