"""Users with one role and one region scope; API tokens for services, stored hashed."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from cakupan.accounts.roles import Role, role_can


class User(AbstractUser):
    """A person. `region` is the scope every read is cut to; empty means all of Indonesia."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ANALYST)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    @property
    def region_code(self) -> str | None:
        return self.region_id

    def can(self, capability: str) -> bool:
        """Whether this active user's role has `capability`."""
        return self.is_active and role_can(self.role, capability)


class ApiToken(models.Model):
    """A service's bearer token. Only its SHA-256 is kept; the token is shown once at creation."""

    name = models.CharField(max_length=100, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    is_active = True

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, {self.prefix}…)"

    @property
    def region_code(self) -> str | None:
        return self.region_id

    def can(self, capability: str) -> bool:
        return self.revoked_at is None and role_can(self.role, capability)
