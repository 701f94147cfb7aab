"""The Django admin, for bpjs_admin only. Audit entries can be read there, never changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from cakupan.accounts.models import ApiToken, User
from cakupan.accounts.roles import Role
from cakupan.audit.models import AuditEntry
from cakupan.registry.models import Employer


class CakupanAdminSite(admin.AdminSite):
    site_header = "Cakupan"
    site_title = "Cakupan admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "role", None) == Role.BPJS_ADMIN
        )


admin_site = CakupanAdminSite(name="admin")


@admin.register(User, site=admin_site)
class CakupanUserAdmin(UserAdmin):
    list_display = ("username", "role", "region", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Cakupan", {"fields": ("role", "region")}))  # type: ignore[misc]
    raw_id_fields = ("region",)


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "region", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix", "created_at", "created_by", "last_used_at")
    raw_id_fields = ("region",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are made with `cakupan token create`, which shows the key once


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "action",
        "target_label",
        "row_count",
        "ip_address",
    )
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Employer, site=admin_site)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("npp", "nama", "kode_wilayah", "kbli", "skala")
    search_fields = ("npp", "nama", "nib")
