"""The village side of sponsored protection, included under /program/ by cakupan.programmes.urls.

Paths are Indonesian; rows are addressed by their id, never by a NIK.
"""

from django.urls import path

from cakupan.programmes import views_village as v

urlpatterns = [
    path("desa/", v.programme_list, name="programme_list"),
    path("baru/", v.programme_create_view, name="programme_create"),
    path("sponsor/baru/", v.programme_sponsor_create, name="programme_sponsor_create"),
    path("pembayaran/", v.programme_payments, name="programme_payments"),
    path("perpanjangan/", v.programme_renewals, name="programme_renewals"),
    path("<int:pk>/", v.programme_detail, name="programme_detail"),
    path("<int:pk>/ajukan/", v.programme_submit_view, name="programme_submit"),
    path("<int:pk>/setujui/", v.programme_approve_view, name="programme_approve"),
    path("<int:pk>/tolak/", v.programme_reject_view, name="programme_reject"),
    path("<int:pk>/templat.xlsx", v.programme_template, name="programme_template"),
    path("<int:pk>/unggah/", v.beneficiary_upload, name="beneficiary_upload"),
    path("<int:pk>/penerima/", v.beneficiary_list, name="beneficiary_list"),
    path(
        "<int:pk>/penerima/<int:beneficiary_id>/perbaiki/",
        v.beneficiary_fix_view,
        name="beneficiary_fix",
    ),
    path("<int:pk>/cocokkan/", v.beneficiary_match, name="beneficiary_match"),
    path("<int:pk>/tinjau/", v.beneficiary_review_view, name="beneficiary_review"),
    path("<int:pk>/tagihan/", v.programme_invoices, name="programme_invoices"),
    path("<int:pk>/pendaftaran/", v.programme_enrolment, name="programme_enrolment"),
]
