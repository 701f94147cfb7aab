"""The registry: employers, participants (one per NIK) and their membership in each period.

Column names are the file columns of design.md. Region fields hold Kemendagri codes
(`kode_wilayah`), cut by code prefix for scope and rolled up by code width for coverage.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cakupan.accounts.scope import ScopedQuerySet


class Segmen(models.TextChoices):
    PU = "PU", _("Wage earner (PU)")
    BPU = "BPU", _("Non-wage worker (BPU)")
    JAKON = "JAKON", _("Construction worker (JAKON)")
    PMI = "PMI", _("Migrant worker (PMI)")


class Skala(models.TextChoices):
    MIKRO = "mikro", _("Micro")
    KECIL = "kecil", _("Small")
    MENENGAH = "menengah", _("Medium")
    BESAR = "besar", _("Large")


PROGRAMS = ("JKK", "JKM", "JHT", "JP", "JKP")


class Employer(models.Model):
    """An employer registered at BPJS Ketenagakerjaan (NPP), with its OSS and tax numbers."""

    npp = models.CharField(max_length=8, unique=True)
    nib = models.CharField(max_length=13, blank=True, db_index=True)
    npwp = models.CharField(max_length=16, blank=True, db_index=True)
    nama = models.CharField(max_length=200)
    kbli = models.CharField(max_length=5, blank=True)
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    kelompok_risiko = models.PositiveSmallIntegerField(null=True, blank=True)
    skala = models.CharField(max_length=10, choices=Skala.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "registry.view"

    class Meta:
        ordering = ["npp"]

    def __str__(self) -> str:
        return f"{self.npp} {self.nama}"


class Participant(models.Model):
    """One person, one NIK, whatever village or employer they move to."""

    nik = models.CharField(max_length=16, unique=True)
    nama = models.CharField(max_length=200)
    # For search: `nama` without accents or case (lib.names.name_normal), and its typo-tolerant
    # word keys (lib.names.name_key); both written with `nama`, never edited on their own.
    nama_cari = models.CharField(max_length=200, blank=True)
    nama_kunci = models.CharField(max_length=200, blank=True)
    tanggal_lahir = models.DateField(null=True, blank=True)
    jenis_kelamin = models.CharField(max_length=1, choices=[("L", _("Male")), ("P", _("Female"))])
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "registry.view"

    class Meta:
        ordering = ["nama", "id"]

    def __str__(self) -> str:
        return f"peserta #{self.pk}"


class Membership(models.Model):
    """A participant's membership as one period's snapshot says (`periode` YYYY-MM)."""

    periode = models.CharField(max_length=7)
    # No database-level foreign keys on this fact table: the import merge takes both ids from a
    # join, so they always exist, and per-row constraint checks at commit cost ~5 s per million
    # rows on PostgreSQL (and would stand in the way of distributing the table by NIK).
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    kpj = models.CharField(max_length=11, blank=True)
    segmen = models.CharField(max_length=5, choices=Segmen.choices)
    employer = models.ForeignKey(
        Employer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    kode_wilayah = models.CharField(max_length=13)
    jenis_kelamin = models.CharField(max_length=1)
    tanggal_lahir = models.DateField(null=True, blank=True)
    pekerjaan = models.CharField(max_length=100, blank=True)
    program = models.CharField(max_length=24)
    upah = models.BigIntegerField(null=True, blank=True)
    tmt = models.DateField()
    bulan_iuran_terakhir = models.CharField(max_length=7)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "registry.view"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["periode", "participant"], name="membership_period_nik")
        ]
        indexes = [
            models.Index(fields=["periode", "kode_wilayah"], name="membership_period_region")
        ]

    def __str__(self) -> str:
        return f"{self.periode} {self.segmen} #{self.participant_id}"
