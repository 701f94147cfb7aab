import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("code", models.CharField(max_length=13, primary_key=True, serialize=False)),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("province", "Provinsi"),
                            ("regency", "Kabupaten/Kota"),
                            ("district", "Kecamatan"),
                            ("village", "Desa/Kelurahan"),
                        ],
                        db_index=True,
                        max_length=8,
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="regions.region",
                    ),
                ),
            ],
            options={"ordering": ["code"]},
        ),
    ]
