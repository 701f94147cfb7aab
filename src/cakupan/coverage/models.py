"""Coverage: working-population denominators, the per-period counts of active participants rolled
up to every level, targets, named definitions and the published figures they are checked against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Workforce(models.Model):
    """Employed people in one area, period, sector and sex, with where the figure comes from.

    Imported figures have `estimasi` False; figures estimated for lower levels from a higher one
    (coverage.services.workforce_estimate) have it True and say how in `sumber`.
    """

    kode_wilayah = models.CharField(max_length=13)
    periode = models.CharField(max_length=7)
    sektor = models.CharField(
        max_length=8, choices=[("formal", "formal"), ("informal", "informal"), ("semua", "semua")]
    )
    jenis_kelamin = models.CharField(
        max_length=5, choices=[("L", "L"), ("P", "P"), ("semua", "semua")]
    )
    penduduk_bekerja = models.BigIntegerField()
    sumber = models.CharField(max_length=200, blank=True)
    estimasi = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kode_wilayah", "periode", "sektor", "jenis_kelamin"],
                name="workforce_unique_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kode_wilayah} {self.periode} {self.sektor} {self.jenis_kelamin}"


class CoverageFact(models.Model):
    """Active participants of one period in one area × segmen × sex × age band × sponsored.

    Rebuilt per period by coverage.services.facts_refresh from the registry, at every level:
    `tingkat` 0 Indonesia (`kode_wilayah` ''), 1 province … 4 village. A member whose residence
    is known only to the district counts in that district and above, never in a village.
    """

    periode = models.CharField(max_length=7)
    tingkat = models.PositiveSmallIntegerField()
    kode_wilayah = models.CharField(max_length=13)
    segmen = models.CharField(max_length=5)
    jenis_kelamin = models.CharField(max_length=1)
    kelompok_umur = models.CharField(max_length=5)
    # protected in this period by a sponsored programme's paid month (programmes.SponsoredMonth)
    disponsori = models.BooleanField(default=False)
    peserta = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["periode", "tingkat", "kode_wilayah"], name="fact_period_area")
        ]

    def __str__(self) -> str:
        return f"{self.periode} {self.kode_wilayah or 'ID'} {self.segmen} {self.peserta}"


class CoverageSnapshot(models.Model):
    """One period whose facts are built: when, from how many active participants, how fast."""

    periode = models.CharField(max_length=7, unique=True)
    peserta_aktif = models.BigIntegerField()
    refreshed_at = models.DateTimeField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-periode"]

    def __str__(self) -> str:
        return self.periode


class CoverageTarget(models.Model):
    """A coverage target for an area by a period (e.g. a regional plan's 2024 figure)."""

    kode_wilayah = models.CharField(max_length=13)
    periode = models.CharField(max_length=7)
    persen = models.DecimalField(max_digits=5, decimal_places=2)
    sumber = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kode_wilayah", "periode"], name="target_unique")
        ]
        ordering = ["kode_wilayah", "periode"]

    def __str__(self) -> str:
        return f"{self.kode_wilayah} {self.periode} {self.persen}%"


class Measure(models.TextChoices):
    PESERTA = "peserta", _("Active participants (count)")
    CAKUPAN = "cakupan", _("Coverage (% of employed people)")
    PORSI_PEKERJA = "porsi_pekerja", _("Share of employed people (%)")


class CoverageDefinition(models.Model):
    """A named way to compute a coverage figure: numerator, denominator, grace period.

    `segmen` lists the segments counted in the numerator ('' = all); `sektor` picks the
    denominator (Workforce sector); `masa_tenggang` months of unpaid contributions still counted
    as active (0 = design.md's definition).
    """

    kode = models.SlugField(max_length=40, unique=True)
    nama = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    ukuran = models.CharField(max_length=14, choices=Measure.choices)
    segmen = models.CharField(max_length=30, blank=True)
    sektor = models.CharField(max_length=8, default="semua")
    masa_tenggang = models.PositiveSmallIntegerField(default=0)
    keterangan = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.kode


class PublishedFigure(models.Model):
    """A figure someone published (news, report), to be reproduced or explained."""

    kode_wilayah = models.CharField(max_length=13)
    periode = models.CharField(max_length=7)
    ukuran = models.CharField(max_length=14, choices=Measure.choices)
    nilai = models.DecimalField(max_digits=14, decimal_places=2)
    label = models.CharField(max_length=200)
    sumber = models.CharField(max_length=300)
    # The definition its publisher meant, when known; the reconciliation tries every definition.
    definisi = models.ForeignKey(
        CoverageDefinition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kode_wilayah", "-periode", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.nilai}"
