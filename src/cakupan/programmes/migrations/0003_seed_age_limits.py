"""Seed the BPU age limits a beneficiary list is checked against (issue 6: 15–65 years).

Dated rows of the rates table (komponen USIA_MIN / USIA_MAX, `nominal` in years), so a change of
the rule is a new row, never a code change.
"""

from datetime import date

from django.db import migrations

LIMITS = [
    ("USIA_MIN", 15, "Usia kerja BPS/Sakernas: 15 tahun ke atas"),
    ("USIA_MAX", 65, "Kepesertaan BPU BPJS Ketenagakerjaan: usia paling tinggi 65 tahun"),
]


def seed(apps, schema_editor):
    PremiumRate = apps.get_model("programmes", "PremiumRate")
    PremiumRate.objects.bulk_create(
        PremiumRate(komponen=k, nominal=n, berlaku_mulai=date(2015, 7, 1), dasar_hukum=s)
        for k, n, s in LIMITS
    )


def unseed(apps, schema_editor):
    PremiumRate = apps.get_model("programmes", "PremiumRate")
    PremiumRate.objects.filter(komponen__in=[k for k, _, _ in LIMITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_seed_rules_rates")]
    operations = [migrations.RunPython(seed, unseed)]
