"""Indonesian administrative areas with Kemendagri codes: province → regency → district → village."""

from __future__ import annotations

from django.db import models

LEVELS = ("province", "regency", "district", "village")
LEVEL_DEPTH = {level: depth for depth, level in enumerate(LEVELS, start=1)}


class Level(models.TextChoices):
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten/Kota"
    DISTRICT = "district", "Kecamatan"
    VILLAGE = "village", "Desa/Kelurahan"


class Region(models.Model):
    """One area. Its code's dotted parts are its ancestors' codes (`51.03.01.2001` is in `51.03`)."""

    code = models.CharField(max_length=13, primary_key=True)
    level = models.CharField(max_length=8, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
