"""Seed the named coverage definitions, Bali's published figures (domain.md, domain-sources.md)
and the national coverage targets of the RPJMN 2025–2029 / RKP 2026."""

from decimal import Decimal

from django.db import migrations

DEFINITIONS = [
    # kode, nama, name_en, ukuran, segmen, sektor, masa_tenggang, keterangan
    (
        "aktif",
        "Peserta aktif, semua segmen",
        "Active participants, all segments",
        "peserta",
        "",
        "semua",
        0,
        "Peserta dengan TMT ≤ akhir periode dan iuran terbayar sampai periode (design.md).",
    ),
    (
        "aktif_pu_bpu",
        "Peserta aktif PU + BPU",
        "Active PU + BPU participants",
        "peserta",
        "PU,BPU",
        "semua",
        0,
        "Tanpa JAKON dan PMI.",
    ),
    (
        "cakupan",
        "Cakupan: peserta aktif ÷ penduduk bekerja",
        "Coverage: active ÷ employed",
        "cakupan",
        "",
        "semua",
        0,
        "Definisi design.md: semua segmen ÷ penduduk bekerja (Sakernas).",
    ),
    (
        "cakupan_pu_bpu",
        "Cakupan PU + BPU ÷ penduduk bekerja",
        "PU + BPU coverage of employed",
        "cakupan",
        "PU,BPU",
        "semua",
        0,
        "Penerima upah dan bukan penerima upah saja.",
    ),
    (
        "cakupan_tenggang_3",
        "Cakupan dengan masa tenggang 3 bulan",
        "Coverage with a 3-month grace period",
        "cakupan",
        "",
        "semua",
        3,
        "Peserta yang menunggak sampai 3 bulan masih dihitung aktif (BPJS menonaktifkan setelah ±3 bulan).",
    ),
    (
        "cakupan_formal",
        "Cakupan sektor formal: PU + JAKON ÷ pekerja formal",
        "Formal coverage: PU + JAKON ÷ formal workers",
        "cakupan",
        "PU,JAKON",
        "formal",
        0,
        "",
    ),
    (
        "cakupan_informal",
        "Cakupan sektor informal: BPU ÷ pekerja informal",
        "Informal coverage: BPU ÷ informal workers",
        "cakupan",
        "BPU",
        "informal",
        0,
        "",
    ),
    (
        "porsi_informal",
        "Porsi pekerja informal dari penduduk bekerja",
        "Informal share of employed people",
        "porsi_pekerja",
        "",
        "informal",
        0,
        "",
    ),
]
BPJS = "BPJS Ketenagakerjaan Kanwil Bali Nusra Papua, berita Februari 2024 (domain.md)"
FIGURES = [
    # periode, ukuran, nilai, label, sumber, definisi
    ("2023-12", "peserta", "1027000", "Peserta aktif Bali, Desember 2023", BPJS, "aktif"),
    ("2022-12", "peserta", "753000", "Peserta aktif Bali, 2022", BPJS, "aktif"),
    ("2023-12", "cakupan", "39.41", "Cakupan pekerja Bali (PU dan BPU)", BPJS, None),
    (
        "2023-12",
        "cakupan",
        "30.9",
        "Cakupan yang disebut sebagai tingkat yang harus dinaikkan",
        BPJS,
        None,
    ),
    ("2023-12", "cakupan", "59", "Cakupan sektor formal", BPJS, "cakupan_formal"),
    ("2023-12", "cakupan", "22", "Cakupan sektor informal", BPJS, "cakupan_informal"),
    ("2023-12", "porsi_pekerja", "72", "Porsi pekerja informal di Bali", BPJS, "porsi_informal"),
    (
        "2023-08",
        "porsi_pekerja",
        "52.35",
        "Pekerja informal Bali (Sakernas Agustus 2023)",
        "BPS Provinsi Bali, Keadaan Ketenagakerjaan Agustus 2023 (domain-sources.md §5)",
        "porsi_informal",
    ),
]
TARGETS = [
    ("2025-12", "32.15", "RPJMN 2025–2029, target nasional 2025 (domain-sources.md §5)"),
    ("2026-12", "34.99", "RKP 2026, target nasional (domain-sources.md §5)"),
    ("2029-12", "43.92", "RPJMN 2025–2029, target nasional 2029 (domain-sources.md §5)"),
]


def seed(apps, schema_editor):
    Definition = apps.get_model("coverage", "CoverageDefinition")
    Figure = apps.get_model("coverage", "PublishedFigure")
    Target = apps.get_model("coverage", "CoverageTarget")
    defs = {}
    for kode, nama, name_en, ukuran, segmen, sektor, tenggang, ket in DEFINITIONS:
        defs[kode] = Definition.objects.create(
            kode=kode,
            nama=nama,
            name_en=name_en,
            ukuran=ukuran,
            segmen=segmen,
            sektor=sektor,
            masa_tenggang=tenggang,
            keterangan=ket,
        )
    for periode, ukuran, nilai, label, sumber, definisi in FIGURES:
        Figure.objects.create(
            kode_wilayah="51",
            periode=periode,
            ukuran=ukuran,
            nilai=Decimal(nilai),
            label=label,
            sumber=sumber,
            definisi=defs.get(definisi),
        )
    for periode, persen, sumber in TARGETS:
        Target.objects.create(
            kode_wilayah="", periode=periode, persen=Decimal(persen), sumber=sumber
        )


def unseed(apps, schema_editor):
    for model in ("PublishedFigure", "CoverageDefinition", "CoverageTarget"):
        apps.get_model("coverage", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0002_facts_targets_definitions")]
    operations = [migrations.RunPython(seed, unseed)]
