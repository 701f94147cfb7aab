"""Working population (BPS *penduduk bekerja*): the denominators of coverage."""

from __future__ import annotations

from django.db import models


class Workforce(models.Model):
    """Employed people in one area, period, sector and sex, with where the figure comes from."""

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
