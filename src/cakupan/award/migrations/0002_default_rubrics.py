"""Version 1 of each category's rubric: a starting point the committee edits (published weights
of the aspects were not found, domain.md; every later change is a new version). Reversible:
removes the versions this migration made when no cycle uses them."""

from decimal import Decimal

from django.db import migrations

NOTE = "Versi awal dari Cakupan: bobot usulan, ditetapkan dan diubah oleh panitia."

LEVELS_REGULATION = [
    {"nilai": 0, "deskripsi": "Belum ada aturan"},
    {"nilai": 1, "deskripsi": "Rancangan atau surat edaran"},
    {"nilai": 2, "deskripsi": "Instruksi atau keputusan kepala daerah"},
    {"nilai": 3, "deskripsi": "Peraturan kepala daerah"},
    {"nilai": 4, "deskripsi": "Peraturan daerah yang dilaksanakan"},
]
LEVELS_EVIDENCE = [
    {"nilai": 0, "deskripsi": "Tidak ada bukti"},
    {"nilai": 1, "deskripsi": "Ada, belum berjalan"},
    {"nilai": 2, "deskripsi": "Berjalan sebagian"},
    {"nilai": 3, "deskripsi": "Berjalan penuh dan terukur"},
]
LEVELS_BUDGET = [
    {"nilai": 0, "deskripsi": "Tidak dianggarkan"},
    {"nilai": 1, "deskripsi": "Dianggarkan untuk sebagian kecil sasaran"},
    {"nilai": 2, "deskripsi": "Dianggarkan untuk sebagian besar sasaran"},
    {"nilai": 3, "deskripsi": "Dianggarkan untuk seluruh sasaran dan terealisasi"},
]


def _evidence(kode, nama, nama_en, bobot, levels, saran):
    return {"kode": kode, "nama": nama, "nama_en": nama_en, "bobot": bobot, "jenis": "bukti",
            "skala": "tingkat", "tingkat": levels, "saran": saran}


def _data(kode, nama, nama_en, bobot, metrik, bawah, atas, saran):
    return {"kode": kode, "nama": nama, "nama_en": nama_en, "bobot": bobot, "jenis": "data",
            "skala": "angka", "skala_min": 0, "skala_max": 100, "metrik": metrik,
            "batas_bawah": bawah, "batas_atas": atas, "saran": saran}


def _interview(kode, nama, nama_en, bobot, saran):
    return {"kode": kode, "nama": nama, "nama_en": nama_en, "bobot": bobot, "jenis": "wawancara",
            "skala": "angka", "skala_min": 0, "skala_max": 100, "saran": saran}


GOVERNMENT = [
    {"kode": "kebijakan", "nama": "Kebijakan dan regulasi", "nama_en": "Policy and regulation", "bobot": 20, "indikator": [
        _evidence("regulasi", "Regulasi daerah tentang perlindungan jaminan sosial ketenagakerjaan",
                  "Regional regulation on employment social-security protection", 60, LEVELS_REGULATION,
                  "Tetapkan peraturan daerah atau peraturan kepala daerah dan unggah salinannya."),
        _evidence("perizinan", "Kepesertaan sebagai syarat perizinan dan layanan publik (Inpres 2/2021)",
                  "Membership required for licences and public services (Inpres 2/2021)", 40, LEVELS_EVIDENCE,
                  "Jadikan bukti kepesertaan syarat izin usaha dan layanan publik, lalu unggah aturannya."),
    ]},
    {"kode": "anggaran", "nama": "Anggaran", "nama_en": "Budget", "bobot": 20, "indikator": [
        _evidence("apbd", "Anggaran APBD untuk iuran pekerja rentan",
                  "Regional budget (APBD) for vulnerable workers' contributions", 60, LEVELS_BUDGET,
                  "Anggarkan iuran pekerja rentan di APBD dan unggah DPA-nya."),
        _evidence("add", "Alokasi dana desa (ADD) untuk perangkat desa",
                  "Village fund allocation (ADD) for village officials", 40, LEVELS_BUDGET,
                  "Arahkan ADD untuk iuran perangkat desa dan unggah keputusan alokasinya."),
    ]},
    {"kode": "pelaksanaan", "nama": "Pelaksanaan", "nama_en": "Implementation", "bobot": 20, "indikator": [
        _data("desa_berprogram", "Desa dengan program perlindungan yang berjalan",
              "Villages with a protection programme running", 40, "desa_berprogram_persen", 0, 100,
              "Dorong setiap desa menjalankan program perlindungan bersponsor."),
        _data("non_asn", "Pegawai non-ASN terlindungi", "Non-civil-servant staff protected", 30,
              "non_asn_persen", 0, 100, "Daftarkan seluruh pegawai non-ASN."),
        _data("perangkat", "Perangkat desa dan prajuru desa adat terlindungi",
              "Village officials protected", 30, "perangkat_persen", 0, 100,
              "Daftarkan seluruh perangkat desa dan prajuru desa adat."),
    ]},
    {"kode": "kinerja", "nama": "Kinerja", "nama_en": "Performance", "bobot": 25, "indikator": [
        _data("cakupan", "Cakupan peserta aktif", "Coverage of active participants", 35,
              "cakupan_persen", 10, 60, "Naikkan cakupan peserta aktif, terutama pekerja informal."),
        _data("pertumbuhan", "Pertumbuhan peserta aktif", "Growth of active participants", 20,
              "peserta_pertumbuhan_persen", 0, 30, "Jaga pertumbuhan peserta aktif dari tahun ke tahun."),
        _data("rentan", "Pekerja rentan terlindungi per 1.000 pekerja",
              "Vulnerable workers protected per 1,000 workers", 25, "rentan_per_1000", 0, 100,
              "Perluas perlindungan petani, nelayan dan buruh harian lepas."),
        _data("kepatuhan", "Pemberi kerja patuh di wilayah", "Compliant employers in the region", 20,
              "kepatuhan_persen", 50, 100, "Tindak lanjuti pemberi kerja PWBD dan PDS bersama BPJS."),
    ]},
    {"kode": "wawancara", "nama": "Wawancara", "nama_en": "Interview", "bobot": 15, "indikator": [
        _interview("komitmen", "Komitmen dan kepemimpinan kepala daerah",
                   "Commitment and leadership of the regional head", 50,
                   "Hadirkan kepala daerah dan paparkan rencana perlindungan tahun depan."),
        _interview("inovasi", "Inovasi dan keberlanjutan program", "Innovation and sustainability", 50,
                   "Tunjukkan inovasi yang berjalan dan pembiayaannya ke depan."),
    ]},
]


def _business(disponsori_atas):
    return [
        {"kode": "kepatuhan", "nama": "Kepatuhan", "nama_en": "Compliance", "bobot": 40, "indikator": [
            _data("status", "Status kepatuhan perusahaan", "The company's compliance status", 70,
                  "kepatuhan_status", 0, 100,
                  "Daftarkan semua pekerja, upah sebenarnya dan semua program; lunasi tunggakan."),
            _evidence("laporan", "Laporan kepesertaan dan iuran", "Membership and contribution reports", 30,
                      LEVELS_EVIDENCE, "Unggah rekap kepesertaan dan bukti bayar iuran 12 bulan terakhir."),
        ]},
        {"kode": "perlindungan", "nama": "Perlindungan pekerja rentan di luar karyawan sendiri",
         "nama_en": "Protection of vulnerable workers beyond its own staff", "bobot": 40, "indikator": [
            _data("disponsori", "Pekerja rentan dilindungi lewat CSR", "Vulnerable workers protected through CSR",
                  60, "pekerja_disponsori", 0, disponsori_atas,
                  "Biayai iuran pekerja rentan di sekitar usaha lewat program CSR."),
            _evidence("program_csr", "Program CSR perlindungan pekerja rentan",
                      "CSR programme protecting vulnerable workers", 40, LEVELS_EVIDENCE,
                      "Unggah dokumen program dan perjanjian kerja sama CSR."),
        ]},
        {"kode": "wawancara", "nama": "Wawancara", "nama_en": "Interview", "bobot": 20, "indikator": [
            _interview("komitmen", "Komitmen pimpinan perusahaan", "Commitment of the company's leadership", 100,
                       "Paparkan rencana perlindungan pekerja dan rantai pasok."),
        ]},
    ]


PUBLIC_SERVICE = [
    {"kode": "kebijakan", "nama": "Kebijakan layanan", "nama_en": "Service policy", "bobot": 40, "indikator": [
        _evidence("syarat_layanan", "Pemeriksaan kepesertaan dalam layanan",
                  "Membership checked in the service", 100, LEVELS_EVIDENCE,
                  "Tetapkan prosedur pemeriksaan kepesertaan dalam layanan dan unggah SOP-nya."),
    ]},
    {"kode": "pelaksanaan", "nama": "Pelaksanaan", "nama_en": "Implementation", "bobot": 40, "indikator": [
        _evidence("data_layanan", "Data layanan yang memeriksa kepesertaan",
                  "Service records checking membership", 50, LEVELS_EVIDENCE,
                  "Unggah rekap layanan yang memeriksa kepesertaan."),
        _evidence("integrasi", "Integrasi sistem dengan BPJS Ketenagakerjaan",
                  "System integration with BPJS Ketenagakerjaan", 50, LEVELS_EVIDENCE,
                  "Hubungkan sistem layanan dengan layanan cek kepesertaan BPJS."),
    ]},
    {"kode": "wawancara", "nama": "Wawancara", "nama_en": "Interview", "bobot": 20, "indikator": [
        _interview("komitmen", "Komitmen pimpinan unit layanan", "Commitment of the service's leadership", 100,
                   "Paparkan rencana perluasan pemeriksaan kepesertaan."),
    ]},
]

RUBRICS = {
    "pemprov": GOVERNMENT,
    "pemkab": GOVERNMENT,
    "usaha_besar": _business(500),
    "usaha_menengah": _business(100),
    "usaha_kecil_mikro": _business(20),
    "layanan_publik": PUBLIC_SERVICE,
}


def load(apps, schema_editor):
    RubricVersion = apps.get_model("award", "RubricVersion")
    Aspect = apps.get_model("award", "Aspect")
    Indicator = apps.get_model("award", "Indicator")
    for kategori, aspects in RUBRICS.items():
        if RubricVersion.objects.filter(kategori=kategori).exists():
            continue
        version = RubricVersion.objects.create(kategori=kategori, nomor=1, catatan=NOTE)
        for a_pos, a in enumerate(aspects, start=1):
            aspect = Aspect.objects.create(
                version=version, kode=a["kode"], nama=a["nama"], nama_en=a["nama_en"],
                bobot=Decimal(a["bobot"]), urutan=a_pos,
            )
            rows = []
            for i_pos, i in enumerate(a["indikator"], start=1):
                levels = i.get("tingkat", [])
                lo = min(t["nilai"] for t in levels) if levels else i.get("skala_min", 0)
                hi = max(t["nilai"] for t in levels) if levels else i.get("skala_max", 100)
                rows.append(Indicator(
                    aspect=aspect, kode=i["kode"], nama=i["nama"], nama_en=i["nama_en"],
                    bobot=Decimal(i["bobot"]), jenis=i["jenis"], skala=i["skala"],
                    skala_min=Decimal(lo), skala_max=Decimal(hi), tingkat=levels,
                    metrik=i.get("metrik", ""),
                    batas_bawah=None if i.get("batas_bawah") is None else Decimal(i["batas_bawah"]),
                    batas_atas=None if i.get("batas_atas") is None else Decimal(i["batas_atas"]),
                    saran=i["saran"], urutan=i_pos,
                ))
            Indicator.objects.bulk_create(rows)


def unload(apps, schema_editor):
    RubricVersion = apps.get_model("award", "RubricVersion")
    CycleCategory = apps.get_model("award", "CycleCategory")
    used = CycleCategory.objects.values("rubric_id")
    RubricVersion.objects.filter(nomor=1, catatan=NOTE).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("award", "0001_award_schema")]

    operations = [migrations.RunPython(load, unload)]
