"""Programmes in the Django admin (bpjs_admin only): the dated funding rules and premium rates are
data an administrator adds rows to; everything else is read here and written by the services,
which check scope and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cakupan.programmes.models import (
    Beneficiary,
    Funding,
    FundingRule,
    Invoice,
    Payment,
    PremiumRate,
    Programme,
    Sponsor,
)
from cakupan.web.admin import admin_site


@admin.register(FundingRule, site=admin_site)
class FundingRuleAdmin(admin.ModelAdmin):
    list_display = ("sumber", "kelompok_sasaran", "boleh", "berlaku_mulai", "berlaku_sampai")
    list_filter = ("sumber", "boleh")
    search_fields = ("dasar_hukum", "keterangan")


@admin.register(PremiumRate, site=admin_site)
class PremiumRateAdmin(admin.ModelAdmin):
    list_display = ("komponen", "persen", "nominal", "berlaku_mulai", "berlaku_sampai")
    list_filter = ("komponen",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: the services own these rows."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Sponsor, site=admin_site)
class SponsorAdmin(ReadOnlyAdmin):
    list_display = ("nama", "jenis", "kode_wilayah", "npp")
    list_filter = ("jenis",)
    search_fields = ("nama", "kode_wilayah", "npp")


@admin.register(Funding, site=admin_site)
class FundingAdmin(ReadOnlyAdmin):
    list_display = ("sponsor", "sumber", "tahun_anggaran", "jumlah")
    list_filter = ("sumber", "tahun_anggaran")


@admin.register(Programme, site=admin_site)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("nama", "kode_wilayah", "kelompok_sasaran", "status", "bulan_mulai", "iuran")
    list_filter = ("status", "kelompok_sasaran")
    search_fields = ("nama", "kode_wilayah")


@admin.register(Beneficiary, site=admin_site)
class BeneficiaryAdmin(ReadOnlyAdmin):
    list_display = ("programme", "kode_wilayah", "baris", "nama", "kelas", "match_status")
    list_filter = ("kelas", "match_status")
    exclude = ("nik", "match_nik")  # NIKs are revealed, audited, on the registry screens only


@admin.register(Invoice, site=admin_site)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("nomor", "programme", "bulan", "peserta", "jumlah", "status")
    list_filter = ("status",)
    search_fields = ("nomor",)


@admin.register(Payment, site=admin_site)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "tanggal", "jumlah", "referensi", "metode", "recorded_by")
