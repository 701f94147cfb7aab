"""Employer compliance: the licensing system's businesses, their match to registered employers,
minimum wages, the compliance status of every employer and business per period with its reasons,
certificates issued on it, and the BPJS office's follow-up of the ones that do not comply."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cakupan.accounts.scope import ScopedQuerySet
from cakupan.registry.models import Employer, Skala


class MatchMethod(models.TextChoices):
    NIB = "nib", "NIB"
    NPWP = "npwp", "NPWP"
    NAMA = "nama", _("Name and address")
    MANUAL = "manual", _("Confirmed by staff")


class Business(models.Model):
    """A business in the licensing system (OSS) list, matched to a registered employer or not."""

    nib = models.CharField(max_length=13, unique=True)
    npwp = models.CharField(max_length=16, blank=True, db_index=True)
    nama = models.CharField(max_length=200)
    alamat = models.CharField(max_length=300, blank=True)
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    kbli = models.CharField(max_length=5, blank=True)
    skala = models.CharField(max_length=10, choices=Skala.choices, blank=True)
    jumlah_pekerja = models.PositiveIntegerField(default=0)
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cocok_metode = models.CharField(max_length=8, choices=MatchMethod.choices, blank=True)
    cocok_skor = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "compliance.view"

    class Meta:
        ordering = ["nib"]

    def __str__(self) -> str:
        return f"{self.nib} {self.nama}"


class CandidateState(models.TextChoices):
    MENUNGGU = "menunggu", _("Waiting for review")
    DITERIMA = "diterima", _("Accepted")
    DITOLAK = "ditolak", _("Rejected")


class MatchCandidate(models.Model):
    """An uncertain business ↔ employer pair (name and address only) for a person to decide.

    Decisions are remembered: a rejected pair is never proposed again.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="candidates")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    skor = models.FloatField()
    state = models.CharField(
        max_length=8, choices=CandidateState.choices, default=CandidateState.MENUNGGU
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "employer"], name="candidate_pair")
        ]
        ordering = ["-skor"]

    def __str__(self) -> str:
        return f"{self.business_id} ↔ {self.employer_id} ({self.skor:.2f})"


class MinimumWage(models.Model):
    """A regional minimum wage (UMP for a province code, UMK for a regency) in force for a year."""

    kode_wilayah = models.CharField(max_length=13)
    tahun = models.PositiveSmallIntegerField()
    upah_minimum = models.DecimalField(max_digits=14, decimal_places=2)
    dasar = models.CharField(max_length=200)  # the decree it comes from
    catatan = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kode_wilayah", "tahun"], name="minimum_wage_unique")
        ]
        ordering = ["kode_wilayah", "tahun"]

    def __str__(self) -> str:
        return f"{self.kode_wilayah} {self.tahun}: {self.upah_minimum}"


class Status(models.TextChoices):
    """Worst first: a business's `status` is the worst of its reasons."""

    PWBD = "pwbd", _("Not registered (PWBD)")
    TUNGGAKAN = "tunggakan", _("In arrears")
    PDS_TK = "pds_tk", _("Not all workers registered (PDS-TK)")
    PDS_UPAH = "pds_upah", _("Wages under-reported (PDS-Upah)")
    PDS_PROGRAM = "pds_program", _("Programmes missing (PDS-Program)")
    PATUH = "patuh", _("Compliant")


STATUS_ORDER = [s.value for s in Status]


class ComplianceStatus(models.Model):
    """The compliance of one employer or unregistered business in one period, with its reasons.

    Rebuilt set-based for all employers after each import (compliance.status.status_refresh). The
    identifiers are copied in, so the licensing API answers from one indexed row.
    """

    periode = models.CharField(max_length=7)
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    npp = models.CharField(max_length=8, blank=True, db_index=True)
    nib = models.CharField(max_length=13, blank=True, db_index=True)
    npwp = models.CharField(max_length=16, blank=True, db_index=True)
    nama = models.CharField(max_length=200)
    kode_wilayah = models.CharField(max_length=13)
    kbli = models.CharField(max_length=5, blank=True)
    skala = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    # [{"kode": "pds_tk", "pesan": "…", "message": "…"}, …] — every reason, worst first
    alasan = models.JSONField(default=list)
    pekerja_terdaftar = models.PositiveIntegerField(default=0)
    pekerja_dilaporkan = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "compliance.view"

    class Meta:
        indexes = [
            models.Index(fields=["periode", "kode_wilayah"], name="compliance_period_region"),
            models.Index(fields=["periode", "status"], name="compliance_period_status"),
        ]
        ordering = ["kode_wilayah", "nama"]

    def __str__(self) -> str:
        return f"{self.periode} {self.npp or self.nib} {self.status}"


class Certificate(models.Model):
    """A compliance statement issued as a PDF; its code is signed (compliance.signing)."""

    kode = models.CharField(max_length=400, unique=True)
    npp = models.CharField(max_length=8, blank=True)
    nib = models.CharField(max_length=13, blank=True)
    nama = models.CharField(max_length=200)
    periode = models.CharField(max_length=7)
    status = models.CharField(max_length=12, choices=Status.choices)
    valid_until = models.DateField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.nib or self.npp} {self.periode} {self.status}"


class FollowUpState(models.TextChoices):
    DIKUNJUNGI_NANTI = "akan_dikunjungi", _("To visit")
    DIKUNJUNGI = "dikunjungi", _("Visited")
    TERDAFTAR = "terdaftar", _("Registered")
    MENOLAK = "menolak", _("Refused")


class FollowUp(models.Model):
    """The BPJS office's follow-up of one non-compliant employer or business (by NPP or NIB)."""

    npp = models.CharField(max_length=8, blank=True, db_index=True)
    nib = models.CharField(max_length=13, blank=True, db_index=True)
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    state = models.CharField(
        max_length=16, choices=FollowUpState.choices, default=FollowUpState.DIKUNJUNGI_NANTI
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "compliance.followup"

    def __str__(self) -> str:
        return f"{self.npp or self.nib} {self.state}"


class FollowUpNote(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notes")
    state = models.CharField(max_length=16, choices=FollowUpState.choices)
    catatan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.state}"
