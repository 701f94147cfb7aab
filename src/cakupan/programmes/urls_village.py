"""The village side of sponsored protection, included under /program/ by cakupan.programmes.urls.

Paths are Indonesian; rows are addressed by their id, never by a NIK.
"""

from django.urls import path

from cakupan.programmes import views_beneficiaries as b
from cakupan.programmes import views_payments as p
from cakupan.programmes import views_village as v

urlpatterns = [
    path("desa/", v.programme_list, name="programme_list"),
    path("baru/", v.programme_create_view, name="programme_create"),
    path("sponsor/baru/", v.programme_sponsor_create, name="programme_sponsor_create"),
    path("pembayaran/", p.programme_payments, name="programme_payments"),
    path("perpanjangan/", p.programme_renewals, name="programme_renewals"),
    path("<int:pk>/", v.programme_detail, name="programme_detail"),
    path("<int:pk>/ajukan/", v.programme_submit_view, name="programme_submit"),
    path("<int:pk>/setujui/", v.programme_approve_view, name="programme_approve"),
    path("<int:pk>/tolak/", v.programme_reject_view, name="programme_reject"),
    path("<int:pk>/templat.xlsx", b.programme_template, name="programme_template"),
    path("<int:pk>/unggah/", b.beneficiary_upload, name="beneficiary_upload"),
    path("<int:pk>/penerima/", b.beneficiary_list, name="beneficiary_list"),
    path(
        "<int:pk>/penerima/<int:beneficiary_id>/perbaiki/",
        b.beneficiary_fix_view,
        name="beneficiary_fix",
    ),
    path("<int:pk>/cocokkan/", b.beneficiary_match, name="beneficiary_match"),
    path("<int:pk>/tinjau/", b.beneficiary_review_view, name="beneficiary_review"),
    path("<int:pk>/tagihan/", p.programme_invoices, name="programme_invoices"),
    path("<int:pk>/pendaftaran/", p.programme_enrolment, name="programme_enrolment"),
]
