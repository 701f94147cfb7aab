"""Sponsored enrolment: who pays (sponsors and their budget lines), under which dated rules and
rates, for which programme of which villages, for whom (beneficiaries), and what was invoiced and paid.

A paid month is the fact coverage counts: `SponsoredMonth` (one participant, one period) makes the
participant's membership active in that period (programmes.payments.sponsorship_apply) and marks it
as sponsored in the coverage facts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cakupan.accounts.scope import ScopedQuerySet


class SponsorKind(models.TextChoices):
    DESA = "desa", _("Village")
    DESA_ADAT = "desa_adat", _("Customary village")
    KABUPATEN = "kabupaten", _("Regency/city government")
    PROVINSI = "provinsi", _("Provincial government")
    PERUSAHAAN = "perusahaan", _("Company (CSR)")
    BANK = "bank", _("Bank")


class FundingKind(models.TextChoices):
    APBDES = "APBDes", _("Village budget (APBDes)")
    DANA_DESA = "Dana Desa", _("Village fund from the state (Dana Desa)")
    ADD = "ADD", _("Village fund allocation from the regency (ADD)")
    BKK = "BKK", _("Special financial aid from the province (BKK)")
    APBD = "APBD", _("Regional budget (APBD)")
    CSR = "CSR", _("Company CSR funds")


class TargetGroup(models.TextChoices):
    PETANI = "petani", _("Farmers")
    NELAYAN = "nelayan", _("Fishers")
    BURUH_HARIAN_LEPAS = "buruh_harian_lepas", _("Daily labourers")
    PEKERJA_RENTAN = "pekerja_rentan", _("Other vulnerable workers")
    PERANGKAT_DESA = "perangkat_desa", _("Village officials")
    NON_ASN = "non_asn", _("Non-civil-servant government staff")


# Groups counted as "vulnerable workers" (the village's 100), as opposed to staff and officials.
VULNERABLE_GROUPS = (
    TargetGroup.PETANI,
    TargetGroup.NELAYAN,
    TargetGroup.BURUH_HARIAN_LEPAS,
    TargetGroup.PEKERJA_RENTAN,
)


class Sponsor(models.Model):
    """Who funds protection: a village, customary village, regional government, company or bank.

    `kode_wilayah` is the sponsor's own region (the village, the regency, the company's seat);
    `users` are the accounts acting for it (a `sponsor` user sees only its sponsors' programmes).
    """

    jenis = models.CharField(max_length=12, choices=SponsorKind.choices)
    nama = models.CharField(max_length=200)
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    npp = models.CharField(max_length=8, blank=True, help_text="employer NPP of a CSR company")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="sponsors")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "programmes.view"

    class Meta:
        ordering = ["nama"]

    def __str__(self) -> str:
        return self.nama


class Funding(models.Model):
    """One budget line of a sponsor: a source, a fiscal year and an amount in rupiah."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="fundings")
    sumber = models.CharField(max_length=10, choices=FundingKind.choices)
    tahun_anggaran = models.PositiveSmallIntegerField()
    jumlah = models.BigIntegerField()
    keterangan = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-tahun_anggaran", "sumber"]

    def __str__(self) -> str:
        return f"{self.sponsor} {self.sumber} {self.tahun_anggaran}"


class FundingRule(models.Model):
    """Whether a funding source may pay premiums for a target group, from a date, and why.

    `kelompok_sasaran` '' means every group. The rule in force on a date is the one with the
    latest `berlaku_mulai` ≤ that date (and `berlaku_sampai` empty or ≥ it); a specific group's
    rule beats the every-group rule.
    """

    sumber = models.CharField(max_length=10, choices=FundingKind.choices)
    kelompok_sasaran = models.CharField(max_length=20, blank=True)
    boleh = models.BooleanField()
    berlaku_mulai = models.DateField()
    berlaku_sampai = models.DateField(null=True, blank=True)
    dasar_hukum = models.CharField(max_length=200)
    keterangan = models.TextField(blank=True)

    class Meta:
        ordering = ["sumber", "kelompok_sasaran", "berlaku_mulai"]

    def __str__(self) -> str:
        return f"{self.sumber} {self.kelompok_sasaran or '*'} {self.berlaku_mulai}: {self.boleh}"


class PremiumRate(models.Model):
    """A dated BPU contribution rate (domain.md): a percentage of declared income or a fixed
    amount per month, or (komponen `PENGHASILAN_MIN`) the lowest declared income allowed."""

    komponen = models.CharField(max_length=16)  # JKK, JKM, JHT, PENGHASILAN_MIN
    persen = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    nominal = models.BigIntegerField(null=True, blank=True)
    berlaku_mulai = models.DateField()
    berlaku_sampai = models.DateField(null=True, blank=True)
    dasar_hukum = models.CharField(max_length=200)

    class Meta:
        ordering = ["komponen", "berlaku_mulai"]

    def __str__(self) -> str:
        return f"{self.komponen} {self.persen or self.nominal} {self.berlaku_mulai}"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draf", _("Draft")
    SUBMITTED = "diajukan", _("Submitted")
    APPROVED = "disetujui", _("Approved")
    REJECTED = "ditolak", _("Rejected")


class Programme(models.Model):
    """A sponsor's commitment to protect a target group in one or more villages for some months.

    `kode_wilayah` is the smallest region holding all its villages (the scope it is read in).
    The premium per person and month is fixed from the rates table when the programme is created.
    """

    nama = models.CharField(max_length=200)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="programmes")
    funding = models.ForeignKey(Funding, on_delete=models.PROTECT, related_name="programmes")
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    kelompok_sasaran = models.CharField(max_length=20, choices=TargetGroup.choices)
    program = models.CharField(max_length=12, default="JKK,JKM")  # JKK,JKM or JKK,JKM,JHT
    penghasilan = models.BigIntegerField()  # declared monthly income, rupiah
    iuran = models.BigIntegerField()  # premium per person per month, rupiah
    bulan_mulai = models.CharField(max_length=7)
    durasi_bulan = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    dasar_hukum = models.CharField(max_length=200, blank=True)  # the funding rule that allowed it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "programmes.view"

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.nama


class ProgrammeVillage(models.Model):
    """A village a programme covers, with its quota of people (default 100)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="villages")
    kode_wilayah = models.CharField(max_length=13, db_index=True)
    kuota = models.PositiveIntegerField(default=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kode_wilayah"], name="programme_village_once"
            )
        ]
        ordering = ["kode_wilayah"]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.kode_wilayah} ({self.kuota})"


class Kelas(models.TextChoices):
    """What matching the registry says about a beneficiary."""

    AKTIF = "aktif", _("Already active: no need to sponsor")
    REAKTIVASI = "reaktivasi", _("Registered but lapsed: reactivate")
    BARU = "baru", _("Not registered: new BPU registration")
    GANDA = "ganda", _("Sponsored twice")


class MatchStatus(models.TextChoices):
    OTOMATIS = "otomatis", _("Matched automatically")
    TINJAU = "tinjau", _("Needs review")
    DITERIMA = "diterima", _("Accepted by a reviewer")
    DITOLAK = "ditolak", _("Rejected by a reviewer")
    TIDAK_ADA = "tidak_ada", _("Not in the registry")


class Beneficiary(models.Model):
    """One person on a programme's list, as uploaded (and fixed), then matched and classed.

    `masalah` holds the row's validation problems ([{kolom, pesan, message}]); a row with
    problems is neither matched nor enrolled until fixed. `participant` is set once enrolled.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="beneficiaries")
    kode_wilayah = models.CharField(max_length=13, db_index=True)  # the programme village
    baris = models.PositiveIntegerField()
    nik = models.CharField(max_length=32, blank=True)
    nama = models.CharField(max_length=200, blank=True)
    tanggal_lahir = models.DateField(null=True, blank=True)
    jenis_kelamin = models.CharField(max_length=1, blank=True)
    pekerjaan = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=200, blank=True)  # agency/OPD or village of a staff roster
    masalah = models.JSONField(default=list, blank=True)
    match_nik = models.CharField(max_length=16, blank=True)
    match_skor = models.FloatField(null=True, blank=True)
    match_metode = models.CharField(max_length=14, blank=True)
    match_status = models.CharField(max_length=10, choices=MatchStatus.choices, blank=True)
    kelas = models.CharField(max_length=10, choices=Kelas.choices, blank=True)
    ganda_programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.ForeignKey(
        "registry.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "programmes.beneficiaries"

    class Meta:
        ordering = ["programme", "baris"]
        indexes = [models.Index(fields=["match_nik"], name="beneficiary_match_nik")]

    def __str__(self) -> str:
        return f"penerima #{self.pk} baris {self.baris}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "terbit", _("Issued")
    PAID = "lunas", _("Paid")


class Invoice(models.Model):
    """What a programme owes for one month: its enrolled people × the premium."""

    nomor = models.CharField(max_length=40, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="invoices")
    bulan = models.CharField(max_length=7)
    peserta = models.PositiveIntegerField()
    jumlah = models.BigIntegerField()
    status = models.CharField(
        max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "bulan"], name="invoice_programme_month")
        ]
        ordering = ["programme", "bulan"]

    def __str__(self) -> str:
        return self.nomor


class InvoiceLine(models.Model):
    """One beneficiary on one invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="+")
    iuran = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "beneficiary"], name="invoice_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} penerima #{self.beneficiary_id}"


class Payment(models.Model):
    """Money received for an invoice (typed in or imported from the bank's statement)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    tanggal = models.DateField()
    jumlah = models.BigIntegerField()
    referensi = models.CharField(max_length=100, blank=True)
    metode = models.CharField(max_length=8, default="manual")  # manual / impor
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tanggal", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.jumlah}"


class SponsoredMonth(models.Model):
    """A participant protected by a programme in one period because that month was paid.

    Applied to the registry's snapshot of the period (membership active, segmen BPU) as soon as
    the snapshot exists, and again whenever the period is re-imported; counted as `disponsori`
    in the coverage facts.
    """

    participant = models.ForeignKey(
        "registry.Participant", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    periode = models.CharField(max_length=7)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "periode"], name="sponsored_once")
        ]
        indexes = [models.Index(fields=["periode"], name="sponsored_period")]

    def __str__(self) -> str:
        return f"{self.periode} peserta #{self.participant_id}"


class RosterKind(models.TextChoices):
    NON_ASN = "non_asn", _("Non-civil-servant staff (non-ASN)")
    PERANGKAT_DESA = "perangkat_desa", _("Village officials (perangkat desa)")
    PRAJURU_DESA_ADAT = "prajuru_desa_adat", _("Customary village officials (prajuru desa adat)")


class Roster(models.Model):
    """How many people a government unit employs outside the civil service, or how many officials
    a village has, in a period: the denominator of the share protected.

    `kode_wilayah` is the employing government's region (province, regency or village); `unit`
    the agency/OPD or village; beneficiaries of programmes for the matching group count against
    it by `unit`.
    """

    kode_wilayah = models.CharField(max_length=13, db_index=True)
    jenis = models.CharField(max_length=20, choices=RosterKind.choices)
    unit = models.CharField(max_length=200)
    periode = models.CharField(max_length=7)
    jumlah = models.PositiveIntegerField()
    sumber = models.CharField(max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "programmes.view"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kode_wilayah", "jenis", "unit", "periode"], name="roster_unit_period"
            )
        ]
        ordering = ["kode_wilayah", "jenis", "unit", "periode"]

    def __str__(self) -> str:
        return f"{self.unit} {self.jenis} {self.periode}: {self.jumlah}"
