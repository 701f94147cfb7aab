"""Load all 91,599 Indonesian areas from the shipped Kemendagri files (idn-area-data, ODbL)."""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FILES = (
    ("provinces.csv", "province", None),
    ("regencies.csv", "regency", "province_code"),
    ("districts.csv", "district", "regency_code"),
    ("villages.csv", "village", "district_code"),
)


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for filename, level, parent_column in FILES:
        with open(DATA_DIR / filename, newline="", encoding="utf-8") as f:
            rows = [
                Region(
                    code=row["code"],
                    level=level,
                    parent_id=row[parent_column] if parent_column else None,
                    name=row["name"],
                )
                for row in csv.DictReader(f)
            ]
        Region.objects.bulk_create(rows, batch_size=5000)


def unload(apps, schema_editor):
    schema_editor.execute("DELETE FROM regions_region")


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
