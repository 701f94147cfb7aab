"""Every import, recorded: who, when, which file (name and SHA-256), counts, duration, outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    RUNNING = "running", _("Running")
    IMPORTED = "imported", _("Imported")
    PARTIAL = "partial", _("Imported in part")
    REJECTED = "rejected", _("Rejected, nothing imported")
    CHECKED = "checked", _("Checked only (dry run)")
    UNREADABLE = "unreadable", _("Unreadable file")
    FAILED = "failed", _("Failed")


class ImportRecord(models.Model):
    kind = models.CharField(max_length=20)  # participants / employers
    periode = models.CharField(max_length=7, blank=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    rows_total = models.IntegerField(default=0)
    rows_imported = models.IntegerField(default=0)
    rows_rejected = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    problems = models.IntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(blank=True)
    rejects_path = models.CharField(max_length=500, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=150, blank=True)
    region_code = models.CharField(max_length=13, blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"impor {self.kind} {self.file_name} #{self.pk}"
