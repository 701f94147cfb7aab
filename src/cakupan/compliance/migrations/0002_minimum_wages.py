"""Seed Bali's minimum wages: the shipped `compliance/data/umk-bali.csv` (2024, with the decrees
they come from) and the 2023 provincial minimum wage, so the demo's 2023-12 period is checked."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "umk-bali.csv"
EXTRA = [
    (
        "51",
        2023,
        "2713672",
        "UMP 2023: Keputusan Gubernur Bali (November 2022)",
        "UMP 2024 (Rp 2.813.672) dikurangi kenaikan Rp 100.000 yang diberitakan untuk 2024; periksa dengan salinan SK sebelum dipakai sebagai bukti",
    ),
]


def seed(apps, schema_editor):
    Wage = apps.get_model("compliance", "MinimumWage")
    with open(DATA, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            Wage.objects.create(
                kode_wilayah=r["kode_wilayah"],
                tahun=int(r["tahun"]),
                upah_minimum=Decimal(r["upah_minimum"]),
                dasar=r["dasar"],
                catatan=r["catatan"],
            )
    for kode, tahun, upah, dasar, catatan in EXTRA:
        Wage.objects.create(
            kode_wilayah=kode, tahun=tahun, upah_minimum=Decimal(upah), dasar=dasar, catatan=catatan
        )


def unseed(apps, schema_editor):
    apps.get_model("compliance", "MinimumWage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
