"""Staff decisions on proposed person matches, remembered so a list row is never asked again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Keputusan(models.TextChoices):
    DITERIMA = "diterima", _("Accepted")
    DITOLAK = "ditolak", _("Rejected")


class LinkDecision(models.Model):
    """A person's decision that a list row is (or is not) the registry participant with `nik`.

    The list row is known only by `person_key`, an HMAC of its identity fields
    (`services.person_key`), so this table holds no NIK of a list in clear.
    """

    person_key = models.CharField(max_length=64)
    nik = models.CharField(max_length=16)
    keputusan = models.CharField(max_length=8, choices=Keputusan.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_key", "nik"], name="linkdecision_person_nik")
        ]

    def __str__(self) -> str:
        # Shown in the audit log: no NIK.
        return f"keputusan pencocokan #{self.pk} ({self.keputusan})"
