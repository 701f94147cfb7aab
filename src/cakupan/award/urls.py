"""URLs of the award app, mounted at /paritrana/ by cakupan.urls."""

from django.urls import path

from cakupan.award import views, views_candidates, views_jury, views_results

urlpatterns = [
    path("", views.home, name="award_home"),
    path("siklus-baru/", views.cycle_new, name="award_cycle_new"),
    path("rubrik/", views.rubrics, name="award_rubrics"),
    path("rubrik/<str:kategori>/", views.rubric_history, name="award_rubric_history"),
    path("rubrik/<str:kategori>/ubah/", views.rubric_edit, name="award_rubric_edit"),
    path("rubrik/<str:kategori>/v<int:nomor>/", views.rubric_version, name="award_rubric_version"),
    path("rubrik/<str:kategori>/v<int:nomor>.json", views.rubric_json, name="award_rubric_json"),
    path("siklus/<slug:kode>/", views.cycle_detail, name="award_cycle"),
    path(
        "siklus/<slug:kode>/tahap/<str:jenis>/tutup/",
        views.stage_close_view,
        name="award_stage_close",
    ),
    path(
        "siklus/<slug:kode>/tahap/<str:jenis>/tanggal/",
        views.stage_dates_view,
        name="award_stage_dates",
    ),
    path("siklus/<slug:kode>/pengaturan/", views.settings_view, name="award_settings"),
    path(
        "siklus/<slug:kode>/kategori/<str:kategori>/rubrik/",
        views.cycle_rubric_view,
        name="award_cycle_rubric",
    ),
    path("siklus/<slug:kode>/hitung/", views.compute_view, name="award_compute"),
    path("siklus/<slug:kode>/kandidat/", views_candidates.candidates, name="award_candidates"),
    path(
        "siklus/<slug:kode>/kandidat/<int:pk>/",
        views_candidates.candidate_detail,
        name="award_candidate",
    ),
    path(
        "siklus/<slug:kode>/kandidat/<int:pk>/bukti/",
        views_candidates.evidence_upload_view,
        name="award_evidence_upload",
    ),
    path(
        "siklus/<slug:kode>/kandidat/<int:pk>/nilai-asesor/",
        views_candidates.assessor_scores_view,
        name="award_assessor_scores",
    ),
    path(
        "siklus/<slug:kode>/kandidat/<int:pk>/mundur/",
        views_candidates.withdraw_view,
        name="award_withdraw",
    ),
    path(
        "siklus/<slug:kode>/kandidat/<int:pk>/petugas/",
        views_candidates.officer_view,
        name="award_officer_add",
    ),
    path(
        "siklus/<slug:kode>/bukti/<int:pk>/",
        views_candidates.evidence_download,
        name="award_evidence_download",
    ),
    path(
        "siklus/<slug:kode>/bukti/<int:pk>/verifikasi/",
        views_candidates.evidence_verify_view,
        name="award_evidence_verify",
    ),
    path("siklus/<slug:kode>/juri/", views_jury.jury, name="award_jury"),
    path("siklus/<slug:kode>/juri/tugaskan/", views_jury.assign_view, name="award_assign"),
    path(
        "siklus/<slug:kode>/juri/cabut/<int:pk>/", views_jury.unassign_view, name="award_unassign"
    ),
    path("siklus/<slug:kode>/juri/konflik/", views_jury.conflict_view, name="award_conflict"),
    path("siklus/<slug:kode>/juri/jadwal/", views_jury.session_view, name="award_session"),
    path(
        "siklus/<slug:kode>/juri/lembar/<int:pk>/buka/",
        views_jury.reopen_view,
        name="award_sheet_reopen",
    ),
    path("siklus/<slug:kode>/penilaian-saya/", views_jury.my_view, name="award_my"),
    path("siklus/<slug:kode>/lembar/<int:pk>/", views_jury.sheet_view, name="award_sheet"),
    path(
        "siklus/<slug:kode>/lembar/<int:pk>/kirim/",
        views_jury.sheet_submit_view,
        name="award_sheet_submit",
    ),
    path("siklus/<slug:kode>/hasil/", views_results.results, name="award_results"),
    path("siklus/<slug:kode>/hasil.pdf", views_results.results_pdf, name="award_results_pdf"),
    path("siklus/<slug:kode>/hasil.csv", views_results.results_csv, name="award_results_csv"),
    path("siklus/<slug:kode>/rapor/<int:pk>/", views_results.scorecard, name="award_scorecard"),
    path(
        "siklus/<slug:kode>/rapor/<int:pk>.pdf",
        views_results.scorecard_pdf,
        name="award_scorecard_pdf",
    ),
    path(
        "siklus/<slug:kode>/piagam/<int:pk>.pdf",
        views_results.certificate,
        name="award_certificate",
    ),
]
