"""Seed the dated BPU rates and funding rules of domain.md (sources in domain-sources.md §1, §3).

They are data: the programme screens and `cakupan admin` may add newer rows; code never holds them.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

PP_BPU = "PP 44/2015 jo. PP 82/2019; Permenaker 5/2021"
PP_COVID = "PP 49/2020 (diskon 99% iuran JKK dan JKM, Agustus 2020 - Januari 2021)"

RATES = [
    # komponen, persen, nominal, from, to, source
    ("PENGHASILAN_MIN", None, 1_000_000, date(2015, 7, 1), None, PP_BPU),
    ("JKK", Decimal("1.000"), None, date(2015, 7, 1), date(2020, 7, 31), PP_BPU),
    ("JKK", Decimal("0.010"), None, date(2020, 8, 1), date(2021, 1, 31), PP_COVID),
    ("JKK", Decimal("1.000"), None, date(2021, 2, 1), None, PP_BPU),
    ("JKM", None, 6_800, date(2015, 7, 1), date(2020, 7, 31), PP_BPU),
    ("JKM", None, 68, date(2020, 8, 1), date(2021, 1, 31), PP_COVID),
    ("JKM", None, 6_800, date(2021, 2, 1), None, PP_BPU),
    ("JHT", Decimal("2.000"), None, date(2015, 7, 1), None, "PP 46/2015; " + PP_BPU),
]

RULES = [
    # sumber, kelompok ('' = every group), boleh, from, to, legal basis, note
    ("APBDes", "perangkat_desa", True, date(2018, 1, 1), None,
     "Permendagri 20/2018 Ps 19(4)",
     "Belanja APBDes untuk aparatur desa boleh membayar iuran jaminan sosial."),
    ("Dana Desa", "", True, date(2018, 1, 1), date(2023, 12, 31),
     "Permendagri 20/2018 Ps 19(4)",
     "Sebelum 2024 desa membayar iuran lewat APBDes, termasuk dari Dana Desa."),
    ("Dana Desa", "", False, date(2024, 1, 1), None,
     "SE Kemendes PDTT 4/PRI.00/I/2024",
     "Dana Desa tidak boleh dipakai membayar iuran BPJS Ketenagakerjaan sejak 2024."),
    ("ADD", "", True, date(2018, 1, 1), None,
     "Permendagri 20/2018; Permendagri 15/2023",
     "Alokasi Dana Desa dari kabupaten tetap dipakai untuk iuran aparatur desa dan pekerja rentan."),
    ("APBD", "", True, date(2021, 1, 1), None,
     "Inpres 2/2021; Permendagri 27/2021; Permendagri 15/2023 Lampiran huruf E",
     "Iuran non-ASN, aparatur desa dan pekerja rentan menjadi kewenangan pemda, dibebankan ke APBD."),
    ("BKK", "", True, date(2021, 1, 1), None,
     "APBD Provinsi Bali (Bantuan Keuangan Khusus ke desa adat)",
     "Provinsi Bali membayar Rp16.800 per bulan untuk prajuru desa adat lewat BKK."),
    ("CSR", "", True, date(2015, 7, 1), None,
     "UU 40/2007 Ps 74 (tanggung jawab sosial perusahaan)",
     "Perusahaan boleh membiayai perlindungan pekerja rentan dari dana CSR."),
]


def seed(apps, schema_editor):
    PremiumRate = apps.get_model("programmes", "PremiumRate")
    FundingRule = apps.get_model("programmes", "FundingRule")
    PremiumRate.objects.bulk_create(
        PremiumRate(komponen=k, persen=p, nominal=n, berlaku_mulai=a, berlaku_sampai=b,
                    dasar_hukum=s)
        for k, p, n, a, b, s in RATES
    )
    FundingRule.objects.bulk_create(
        FundingRule(sumber=s, kelompok_sasaran=g, boleh=ok, berlaku_mulai=a, berlaku_sampai=b,
                    dasar_hukum=law, keterangan=note)
        for s, g, ok, a, b, law, note in RULES
    )


def unseed(apps, schema_editor):
    apps.get_model("programmes", "PremiumRate").objects.all().delete()
    apps.get_model("programmes", "FundingRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
