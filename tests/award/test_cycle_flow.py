"""A cycle from creation to decision: candidates made automatically, data indicators computed
from the registry, evidence uploaded and verified, assessors' and jurors' scores, stages closed
in order, the results frozen at the decision — and nothing changeable after it."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cakupan.audit.models import AuditEntry
from cakupan.award.errors import CycleDecided
from cakupan.award.models import (
    Assignment,
    Candidate,
    Cycle,
    Evidence,
    Indicator,
    IndicatorValue,
    Result,
)
from cakupan.award.services.cycles import stage_close, stage_current
from cakupan.award.services.evidence import assessor_score_set, evidence_upload, evidence_verify
from cakupan.award.services.indicators import values_compute
from cakupan.award.services.jury import (
    assignment_create,
    conflict_declare,
    jury_sheet_save,
    jury_sheet_submit,
)
from cakupan.award.services.results import cycle_rankings
from cakupan.compliance.models import ComplianceStatus
from cakupan.coverage.models import Workforce

from .conftest import pdf_bytes

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class FakeProtection:
    kode_wilayah: str
    periode: str
    desa: int
    desa_berprogram: int
    dilindungi: int
    rentan_dilindungi: int
    non_asn: int
    non_asn_dilindungi: int
    perangkat: int
    perangkat_dilindungi: int


@pytest.fixture
def programmes(monkeypatch):
    """Stand-in programme figures: Gianyar protects far more than anyone else."""
    module = types.ModuleType("cakupan.programmes.selectors")

    def region_protection(*, kode_wilayah: str, periode: str) -> FakeProtection:
        if kode_wilayah == "51.04":
            return FakeProtection(kode_wilayah, periode, 70, 56, 900, 700, 400, 380, 500, 450)
        return FakeProtection(kode_wilayah, periode, 60, 6, 100, 50, 400, 40, 500, 50)

    module.region_protection = region_protection  # type: ignore[attr-defined]
    module.employer_sponsored = lambda *, npp, periode: 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cakupan.programmes.selectors", module)


@pytest.fixture
def bali_data(participants):
    """Coverage denominators for two regencies and compliance statuses in Gianyar."""
    Workforce.objects.bulk_create(
        [
            Workforce(
                kode_wilayah="51.04",
                periode="2023-12",
                sektor="semua",
                jenis_kelamin="semua",
                penduduk_bekerja=5,
                sumber="uji",
            ),
            Workforce(
                kode_wilayah="51.71",
                periode="2023-12",
                sektor="semua",
                jenis_kelamin="semua",
                penduduk_bekerja=10,
                sumber="uji",
            ),
        ]
    )
    now = timezone.now()
    ComplianceStatus.objects.bulk_create(
        [
            ComplianceStatus(
                periode="2023-12",
                npp="51000001",
                nama="PT Satu",
                kode_wilayah="51.04.01",
                status="patuh",
                computed_at=now,
            ),
            ComplianceStatus(
                periode="2023-12",
                npp="51000002",
                nama="PT Dua",
                kode_wilayah="51.04.02",
                status="pwbd",
                computed_at=now,
            ),
        ]
    )


def indicator(cycle: Cycle, kode: str) -> Indicator:
    return Indicator.objects.get(aspect__version=cycle.categories.get().rubric, kode=kode)


def test_cycle_from_creation_to_decision(
    make_cycle, committee, jurors, gianyar_officer, bali_data, programmes
):
    cycle = make_cycle(at="registrasi")
    # every regency/city of Bali is a candidate, automatically
    assert sorted(cycle.candidates.values_list("kode", flat=True)) == [
        "51.01",
        "51.02",
        "51.03",
        "51.04",
        "51.05",
        "51.06",
        "51.07",
        "51.08",
        "51.71",
    ]
    gianyar = cycle.candidates.get(kode="51.04")
    badung = cycle.candidates.get(kode="51.03")
    assert gianyar.nama == "Pemerintah Kabupaten Gianyar"

    # data indicators, computed and explained
    written = values_compute(cycle=cycle, acting_user=committee)
    assert written == 9 * 7
    coverage = IndicatorValue.objects.get(candidate=gianyar, indicator=indicator(cycle, "cakupan"))
    # 3 active participants in Gianyar (fixture) ÷ 5 employed = 60.00 %, bounds 10..60 → 100
    assert coverage.nilai_mentah == 60 and coverage.nilai == 100 and coverage.periode == "2023-12"
    assert (
        "3 peserta aktif" in coverage.penjelasan["id"]
        and "Desember 2023" in coverage.penjelasan["id"]
    )
    assert "3 active participants" in coverage.penjelasan["en"]
    compliance = IndicatorValue.objects.get(
        candidate=gianyar, indicator=indicator(cycle, "kepatuhan")
    )
    assert compliance.nilai_mentah == 50 and compliance.nilai == 0  # bounds 50..100
    villages = IndicatorValue.objects.get(
        candidate=gianyar, indicator=indicator(cycle, "desa_berprogram")
    )
    assert villages.nilai_mentah == 80 and "56 ÷ 70 desa" in villages.penjelasan["id"]
    jembrana = cycle.candidates.get(kode="51.01")
    no_data = IndicatorValue.objects.get(candidate=jembrana, indicator=indicator(cycle, "cakupan"))
    assert no_data.nilai is None and no_data.penjelasan["en"].startswith("No data")

    # assessment: the officer uploads, the committee verifies and scores
    stage_close(cycle=cycle, jenis="registrasi", acting_user=committee)
    regulasi = indicator(cycle, "regulasi")
    upload = SimpleUploadedFile("perbup.pdf", pdf_bytes())
    ev = evidence_upload(
        candidate=gianyar,
        indicator=regulasi,
        berkas=upload,
        nama_berkas="perbup.pdf",
        ukuran=upload.size,
        acting_user=gianyar_officer,
    )
    evidence_verify(evidence=ev, keputusan="terima", acting_user=committee)
    for kode, g, b in (("regulasi", 4, 1), ("perizinan", 3, 1), ("apbd", 3, 0), ("add", 2, 1)):
        assessor_score_set(
            candidate=gianyar, indicator=indicator(cycle, kode), nilai=g, acting_user=committee
        )
        assessor_score_set(
            candidate=badung, indicator=indicator(cycle, kode), nilai=b, acting_user=committee
        )

    # jury: a conflict is declared, assignments follow it
    conflict_declare(
        cycle=cycle,
        juror=jurors[0],
        kode_wilayah="51.03",
        alasan="berasal dari Badung",
        acting_user=jurors[0],
    )
    for juror in jurors:
        assignment_create(cycle=cycle, juror=juror, candidate=gianyar, acting_user=committee)
    for juror in jurors[1:]:
        assignment_create(cycle=cycle, juror=juror, candidate=badung, acting_user=committee)
    stage_close(cycle=cycle, jenis="penilaian", acting_user=committee)
    stage_close(cycle=cycle, jenis="verifikasi", acting_user=committee)
    assert stage_current(Cycle.objects.get(pk=cycle.pk)) == "wawancara"

    komitmen, inovasi = indicator(cycle, "komitmen"), indicator(cycle, "inovasi")
    for a in Assignment.objects.filter(cycle=cycle).select_related("juror", "candidate"):
        high = a.candidate == gianyar
        jury_sheet_save(
            assignment=a,
            nilai={komitmen.pk: 90 if high else 60, inovasi.pk: 85 if high else 55},
            catatan={},
            acting_user=a.juror,
        )
        jury_sheet_submit(assignment=a, acting_user=a.juror)

    stage_close(cycle=cycle, jenis="wawancara", acting_user=committee)
    provisional = cycle_rankings(Cycle.objects.get(pk=cycle.pk))[0]
    assert provisional.rows[0].candidate == gianyar and not provisional.frozen

    # the decision freezes the official ranking
    stage_close(cycle=cycle, jenis="keputusan", acting_user=committee)
    cycle.refresh_from_db()
    assert cycle.decided_at is not None
    results = list(Result.objects.filter(cycle=cycle).order_by("peringkat", "candidate__kode"))
    assert len(results) == 9
    assert results[0].candidate == gianyar and results[0].peringkat == 1
    final = cycle_rankings(cycle)[0]
    assert final.frozen and final.rows[0].candidate == gianyar
    assert AuditEntry.objects.filter(action="award.decide").count() == 1

    # after the decision nothing changes, and each attempt is audited
    before = AuditEntry.objects.filter(action="award.refused").count()
    with pytest.raises(CycleDecided) as exc:
        assessor_score_set(candidate=gianyar, indicator=regulasi, nilai=0, acting_user=committee)
    assert exc.value.pesan_id.startswith(f"Keputusan siklus {cycle.kode} sudah ditetapkan")
    with pytest.raises(CycleDecided):
        values_compute(cycle=cycle, acting_user=committee)
    with pytest.raises(CycleDecided):
        stage_close(cycle=cycle, jenis="wawancara", acting_user=committee)
    assert AuditEntry.objects.filter(action="award.refused").count() == before + 3
    assert Evidence.objects.filter(candidate=gianyar).count() == 1
    assert Candidate.objects.filter(cycle=cycle, aktif=True).count() == 9
