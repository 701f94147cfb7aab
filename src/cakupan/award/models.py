"""Paritrana Award: versioned rubrics, yearly cycles with dated stages, candidates and their
evidence, indicator values computed from Cakupan's data, assessor and jury scores, conflicts of
interest, interview sessions and the results frozen at the decision.

Rules live in services (award.cycles, award.rubrics, …) and the maths in award.ranking; these
models hold fields, constraints and tiny properties only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cakupan.accounts.scope import ScopedQuerySet


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Provincial")
    NASIONAL = "nasional", _("National")


class Category(models.TextChoices):
    PEMPROV = "pemprov", _("Provincial government")
    PEMKAB = "pemkab", _("Regency/city government")
    USAHA_BESAR = "usaha_besar", _("Large business")
    USAHA_MENENGAH = "usaha_menengah", _("Medium business")
    USAHA_KECIL_MIKRO = "usaha_kecil_mikro", _("Small and micro business")
    LAYANAN_PUBLIK = "layanan_publik", _("Public service")


GOVERNMENT = frozenset({Category.PEMPROV, Category.PEMKAB})
BUSINESS = frozenset({Category.USAHA_BESAR, Category.USAHA_MENENGAH, Category.USAHA_KECIL_MIKRO})


class StageKind(models.TextChoices):
    """In the order a cycle runs through them (domain.md, Paritrana Award)."""

    REGISTRASI = "registrasi", _("Registration")
    PENILAIAN = "penilaian", _("Assessment")
    VERIFIKASI = "verifikasi", _("Verification and validation")
    WAWANCARA = "wawancara", _("Jury interview")
    KEPUTUSAN = "keputusan", _("Decision")
    PENGANUGERAHAN = "penganugerahan", _("Ceremony")


STAGE_ORDER: tuple[str, ...] = tuple(StageKind.values)


class IndicatorKind(models.TextChoices):
    DATA = "data", _("Computed from Cakupan's data")
    BUKTI = "bukti", _("Evidence scored by assessors")
    WAWANCARA = "wawancara", _("Interview scored by the jury")


class ScaleKind(models.TextChoices):
    ANGKA = "angka", _("Number range")
    TINGKAT = "tingkat", _("Levels with descriptors")


# ---------------------------------------------------------------------------------- rubrics


class RubricVersion(models.Model):
    """One saved state of a category's rubric. Versions are never edited: every change of the
    committee saves a new one; a cycle keeps the version it was given."""

    kategori = models.CharField(max_length=20, choices=Category.choices)
    nomor = models.PositiveIntegerField()
    catatan = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kategori", "nomor"], name="award_rubric_version")
        ]
        ordering = ["kategori", "-nomor"]

    def __str__(self) -> str:
        return f"{self.kategori} v{self.nomor}"


class Aspect(models.Model):
    """A part of a rubric with its weight, in percent of the total."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="aspects")
    kode = models.SlugField(max_length=40)
    nama = models.CharField(max_length=200)
    nama_en = models.CharField(max_length=200, blank=True)
    bobot = models.DecimalField(max_digits=5, decimal_places=2)
    urutan = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "kode"], name="award_aspect_code")
        ]
        ordering = ["urutan", "id"]

    def __str__(self) -> str:
        return f"{self.kode} ({self.bobot}%)"


class Indicator(models.Model):
    """One thing scored, with its weight in percent of its aspect, its scale and its kind.

    A `data` indicator maps its metric linearly onto the scale: `batas_bawah` gives the scale's
    minimum, `batas_atas` its maximum, values beyond are clipped (bawah > atas: lower is better).
    """

    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="indicators")
    kode = models.SlugField(max_length=40)
    nama = models.CharField(max_length=300)
    nama_en = models.CharField(max_length=300, blank=True)
    bobot = models.DecimalField(max_digits=5, decimal_places=2)
    jenis = models.CharField(max_length=10, choices=IndicatorKind.choices)
    skala = models.CharField(max_length=8, choices=ScaleKind.choices, default=ScaleKind.ANGKA)
    skala_min = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    skala_max = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(100))
    # levels: [{"nilai": 0, "deskripsi": "Belum ada"}, …], ascending
    tingkat = models.JSONField(default=list, blank=True)
    metrik = models.CharField(max_length=40, blank=True)
    batas_bawah = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    batas_atas = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    saran = models.TextField(blank=True)  # what a candidate can do to score higher
    urutan = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["aspect", "kode"], name="award_indicator_code")
        ]
        ordering = ["urutan", "id"]

    def __str__(self) -> str:
        return f"{self.kode} ({self.bobot}%)"

    @property
    def low(self) -> Decimal:
        if self.skala == ScaleKind.TINGKAT and self.tingkat:
            return Decimal(str(min(t["nilai"] for t in self.tingkat)))
        return self.skala_min

    @property
    def high(self) -> Decimal:
        if self.skala == ScaleKind.TINGKAT and self.tingkat:
            return Decimal(str(max(t["nilai"] for t in self.tingkat)))
        return self.skala_max

    def scale_label(self) -> str:
        if self.skala == ScaleKind.TINGKAT:
            return ", ".join(str(t["nilai"]) for t in self.tingkat)
        return f"{self.skala_min.normalize():f}–{self.skala_max.normalize():f}"

    def allows(self, nilai: Decimal) -> bool:
        """Whether `nilai` is on this indicator's scale (a listed level, or inside the range)."""
        if self.skala == ScaleKind.TINGKAT:
            return any(Decimal(str(t["nilai"])) == nilai for t in self.tingkat)
        return self.skala_min <= nilai <= self.skala_max


# ---------------------------------------------------------------------------------- cycles


class CycleQuerySet(models.QuerySet["Cycle"]):
    def visible_to(self, actor: object) -> CycleQuerySet:
        """Cycles inside the actor's region and those covering it (an officer of Gianyar sees
        Bali's cycle and the national one)."""
        if not actor.can("award.view"):  # type: ignore[attr-defined]
            return self.none()
        scope = actor.region_code  # type: ignore[attr-defined]
        if scope is None:
            return self
        parts = scope.split(".")
        covering = ["", *(".".join(parts[:i]) for i in range(1, len(parts) + 1))]
        return self.filter(Q(kode_wilayah__in=covering) | Q(kode_wilayah__startswith=scope + "."))


class Cycle(models.Model):
    """One year's award round at one level, for one region ('' = all Indonesia)."""

    kode = models.SlugField(max_length=60, unique=True)
    nama = models.CharField(max_length=200)
    tahun = models.PositiveSmallIntegerField()
    tingkat = models.CharField(max_length=10, choices=Level.choices)
    kode_wilayah = models.CharField(max_length=13, blank=True)
    # the registry period data indicators are computed for, and the one growth is measured from
    periode_data = models.CharField(max_length=7)
    periode_banding = models.CharField(max_length=7, blank=True)
    # rank on z-score normalised jury scores (both are always shown)
    normalisasi = models.BooleanField(default=True)
    jumlah_pemenang = models.PositiveSmallIntegerField(default=3)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-tahun", "kode"]

    def __str__(self) -> str:
        return self.kode


class CycleCategory(models.Model):
    """A category a cycle runs, with the rubric version it froze."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="categories")
    kategori = models.CharField(max_length=20, choices=Category.choices)
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kategori"], name="award_cycle_category")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.kategori}"


class Stage(models.Model):
    """A dated stage. It is closed once the committee closes it or its last day has passed."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="stages")
    jenis = models.CharField(max_length=16, choices=StageKind.choices)
    urutan = models.PositiveSmallIntegerField()
    mulai = models.DateField()
    selesai = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "jenis"], name="award_stage_kind"),
            models.CheckConstraint(
                condition=Q(selesai__gte=models.F("mulai")), name="award_stage_dates"
            ),
        ]
        ordering = ["urutan"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.jenis}"

    def is_closed(self, today: date) -> bool:
        return self.closed_at is not None or today > self.selesai


# ---------------------------------------------------------------------------------- candidates


class How(models.TextChoices):
    OTOMATIS = "otomatis", _("Automatic (regional government)")
    DAFTAR = "daftar", _("Registered")
    NOMINASI = "nominasi", _("Nominated")


class Candidate(models.Model):
    """A regional government, business or public service in a cycle's category.

    `kode` is what identifies it in rankings: the region code of a government, the NPP of a
    business, a committee-given code for a public service.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="candidates")
    kategori = models.CharField(max_length=20, choices=Category.choices)
    kode = models.CharField(max_length=20)
    nama = models.CharField(max_length=200)
    kode_wilayah = models.CharField(max_length=13)
    npp = models.CharField(max_length=8, blank=True)
    cara = models.CharField(max_length=10, choices=How.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aktif = models.BooleanField(default=True)  # False: withdrawn
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "kode_wilayah"
    scope_capability = "award.view"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kode"], name="award_candidate_code"),
        ]
        ordering = ["kategori", "kode"]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    @property
    def is_government(self) -> bool:
        return self.kategori in GOVERNMENT


class CandidateOfficer(models.Model):
    """A user who acts for a candidate (uploads its evidence, reads its scorecard). Officers of a
    regional government candidate need no row: every pemda_officer of that region is one."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "user"], name="award_candidate_officer")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.candidate_id}"


class EvidenceState(models.TextChoices):
    MENUNGGU = "menunggu", _("Waiting for verification")
    DITERIMA = "diterima", _("Accepted")
    DIKEMBALIKAN = "dikembalikan", _("Returned")


class Evidence(models.Model):
    """A document a candidate uploaded for one evidence indicator. The file is stored under
    CAKUPAN_DATA_DIR/uploads/award (outside the web root) by a random name."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    berkas = models.CharField(max_length=200)  # path relative to UPLOAD_DIR
    nama_berkas = models.CharField(max_length=200)
    jenis_berkas = models.CharField(max_length=10)  # pdf, png, jpeg
    ukuran = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    keterangan = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=14, choices=EvidenceState.choices, default=EvidenceState.MENUNGGU
    )
    catatan_verifikasi = models.CharField(max_length=1000, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.nama_berkas} ({self.status})"


class IndicatorValue(models.Model):
    """A data indicator's value for one candidate: the metric, the scale value it maps to, and
    how it was computed (formula, numbers, period, source) in both languages."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    nilai_mentah = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    nilai = models.DecimalField(
        max_digits=9, decimal_places=4, null=True, blank=True
    )  # None: no data
    periode = models.CharField(max_length=20)
    penjelasan = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "indicator"], name="award_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.indicator_id} = {self.nilai}"


class AssessorScore(models.Model):
    """An assessor's score of one evidence indicator of one candidate."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="assessor_scores"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nilai = models.DecimalField(max_digits=9, decimal_places=2)
    catatan = models.CharField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "indicator", "assessor"], name="award_assessor_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.indicator_id} = {self.nilai}"


# ---------------------------------------------------------------------------------- jury


class Conflict(models.Model):
    """A juror's declared conflict of interest: with one candidate, or with every candidate in
    a region (a juror from Regency X). A conflicted juror is never assigned there."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="conflicts")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kode_wilayah = models.CharField(max_length=13, blank=True)
    alasan = models.CharField(max_length=500)
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(candidate__isnull=False) | ~Q(kode_wilayah=""),
                name="award_conflict_target",
            )
        ]
        ordering = ["declared_at", "id"]

    def __str__(self) -> str:
        return f"{self.juror_id} ≠ {self.candidate_id or self.kode_wilayah}"

    def covers(self, candidate: Candidate) -> bool:
        if self.candidate_id is not None:
            return self.candidate_id == candidate.pk
        code = candidate.kode_wilayah
        return code == self.kode_wilayah or code.startswith(self.kode_wilayah + ".")


class Assignment(models.Model):
    """A juror assigned to a candidate: the juror's score sheet, sent once (`submitted_at`)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "candidate"], name="award_assignment_unique")
        ]
        ordering = ["candidate__kode", "juror__username"]

    def __str__(self) -> str:
        return f"{self.juror_id} → {self.candidate_id}"


class JuryScore(models.Model):
    """A juror's score of one interview indicator on their sheet."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    nilai = models.DecimalField(max_digits=9, decimal_places=2)
    catatan = models.CharField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "indicator"], name="award_jury_score")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.indicator_id} = {self.nilai}"


class InterviewSession(models.Model):
    """A candidate's interview by its assigned jurors."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="sessions")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sessions")
    mulai = models.DateTimeField()
    selesai = models.DateTimeField()
    tempat = models.CharField(max_length=200)
    catatan = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(selesai__gt=models.F("mulai")), name="award_session_times"
            )
        ]
        ordering = ["mulai", "id"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.mulai:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------- results


class Result(models.Model):
    """A candidate's place, frozen when the decision stage closes."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="results")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    kategori = models.CharField(max_length=20, choices=Category.choices)
    peringkat = models.PositiveIntegerField()
    bersama = models.BooleanField(default=False)  # rank shared after every tie-break
    skor = models.DecimalField(max_digits=7, decimal_places=4)  # the official one
    skor_mentah = models.DecimalField(max_digits=7, decimal_places=4)
    skor_z = models.DecimalField(max_digits=7, decimal_places=4)
    aspek = models.JSONField(default=dict)  # {kode: {"mentah": x, "z": y}}
    pemutus = models.CharField(max_length=60, blank=True)  # the tie-break that placed it

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "candidate"], name="award_result_unique")
        ]
        ordering = ["kategori", "peringkat", "candidate__kode"]

    def __str__(self) -> str:
        return f"{self.kategori} {self.peringkat}: {self.candidate_id}"
