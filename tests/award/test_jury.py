"""The jury: conflicts keep a juror away, scores stay hidden until one's own sheet is submitted,
scores on the scale only, submitted sheets are final, late scores are refused, every change is
audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cakupan.audit.models import AuditEntry
from cakupan.award.errors import (
    JurorConflicted,
    ScoreOutOfScale,
    ScoresHidden,
    SheetIncomplete,
    SheetSubmitted,
    StageLate,
    StageNotOpen,
)
from cakupan.award.models import Assignment, Conflict, JuryScore, Stage
from cakupan.award.selectors import other_scores
from cakupan.award.services.cycles import stage_close
from cakupan.award.services.jury import (
    assignment_create,
    conflict_declare,
    jury_score_set,
    jury_sheet_save,
    jury_sheet_submit,
    session_schedule,
)
from cakupan.errors import PermissionDenied

from .conftest import interview_indicators, score_and_submit

pytestmark = pytest.mark.django_db


def test_a_juror_with_a_region_conflict_is_never_assigned_there(make_cycle, committee, jurors):
    cycle = make_cycle()
    juror = jurors[0]
    conflict_declare(
        cycle=cycle,
        juror=juror,
        kode_wilayah="51.03",
        alasan="Berasal dari Badung",
        acting_user=juror,
    )
    badung = cycle.candidates.get(kode="51.03")
    with pytest.raises(JurorConflicted) as exc:
        assignment_create(cycle=cycle, juror=juror, candidate=badung, acting_user=committee)
    assert exc.value.pesan_id == (
        "Juri juri1 menyatakan konflik kepentingan dengan Pemerintah Kabupaten Badung "
        "(Berasal dari Badung) dan tidak dapat ditugaskan di sana."
    )
    assert exc.value.message_en.startswith("Juror juri1 declared a conflict of interest")
    assert not Assignment.objects.filter(juror=juror).exists()
    assert AuditEntry.objects.filter(action="award.refused", detail__aksi="assign").count() == 1
    # the other jurors and the other candidates are unaffected
    assignment_create(cycle=cycle, juror=jurors[1], candidate=badung, acting_user=committee)
    assignment_create(
        cycle=cycle,
        juror=juror,
        candidate=cycle.candidates.get(kode="51.04"),
        acting_user=committee,
    )


def test_a_conflict_declared_later_withdraws_the_assignment_and_its_scores(
    make_cycle, committee, jurors
):
    cycle = make_cycle()
    gianyar = cycle.candidates.get(kode="51.04")
    a = assignment_create(cycle=cycle, juror=jurors[0], candidate=gianyar, acting_user=committee)
    conflict_declare(
        cycle=cycle,
        juror=jurors[0],
        candidate=gianyar,
        alasan="Kerabat bupati",
        acting_user=committee,
    )
    assert not Assignment.objects.filter(pk=a.pk).exists()
    assert Conflict.objects.get().declared_by == committee
    assert AuditEntry.objects.filter(action="award.unassign").count() == 1


def test_a_juror_may_declare_only_their_own_conflicts(make_cycle, jurors):
    cycle = make_cycle()
    with pytest.raises(PermissionDenied):
        conflict_declare(
            cycle=cycle, juror=jurors[1], kode_wilayah="51.03", alasan="x", acting_user=jurors[0]
        )


def test_a_juror_cannot_read_other_scores_before_submitting(interview_cycle, jurors):
    gianyar = interview_cycle.candidates.get(kode="51.04")
    first, second = (Assignment.objects.get(candidate=gianyar, juror=j) for j in jurors[:2])
    score_and_submit(first, [80, 70])
    with pytest.raises(ScoresHidden) as exc:
        other_scores(actor=jurors[1], assignment=second)
    assert exc.value.pesan_id == (
        "Nilai juri lain untuk Pemerintah Kabupaten Gianyar baru terlihat setelah Anda mengirim "
        "lembar nilai Anda."
    )
    with pytest.raises(PermissionDenied):
        other_scores(actor=jurors[1], assignment=first)  # not their sheet
    score_and_submit(second, [60, 65])
    seen = other_scores(actor=jurors[1], assignment=second)
    assert [(o["juri"], int(o["nilai"])) for o in seen] == [("juri1", 80), ("juri1", 70)]


def test_the_committee_sees_every_submitted_score(interview_cycle, committee, jurors):
    gianyar = interview_cycle.candidates.get(kode="51.04")
    first = Assignment.objects.get(candidate=gianyar, juror=jurors[0])
    score_and_submit(first, [80, 70])
    other = Assignment.objects.get(candidate=gianyar, juror=jurors[1])
    assert len(other_scores(actor=committee, assignment=other)) == 2


def test_a_score_outside_the_scale_is_refused_and_nothing_changes(interview_cycle, jurors):
    a = Assignment.objects.get(candidate__kode="51.04", juror=jurors[0])
    komitmen, inovasi = interview_indicators(interview_cycle)
    jury_score_set(assignment=a, indicator=komitmen, nilai="75", acting_user=jurors[0])
    with pytest.raises(ScoreOutOfScale) as exc:
        jury_sheet_save(
            assignment=a,
            nilai={komitmen.pk: "90", inovasi.pk: "101"},
            catatan={},
            acting_user=jurors[0],
        )
    assert exc.value.pesan_id == (
        "Nilai 101 untuk indikator inovasi di luar skalanya (0–100). Tidak ada yang diubah."
    )
    assert exc.value.message_en == (
        "Score 101 for indicator inovasi is outside its scale (0–100). Nothing was changed."
    )
    assert [int(s.nilai) for s in JuryScore.objects.filter(assignment=a)] == [75]
    with pytest.raises(ScoreOutOfScale):
        jury_score_set(assignment=a, indicator=komitmen, nilai="tujuh", acting_user=jurors[0])


def test_every_score_change_is_audited_with_before_and_after(interview_cycle, jurors):
    a = Assignment.objects.get(candidate__kode="51.04", juror=jurors[0])
    komitmen, _ = interview_indicators(interview_cycle)
    jury_score_set(assignment=a, indicator=komitmen, nilai="70", acting_user=jurors[0])
    jury_score_set(assignment=a, indicator=komitmen, nilai="72.5", acting_user=jurors[0])
    changes = AuditEntry.objects.filter(action="score.change").order_by("id")
    assert [(e.detail["dari"], e.detail["menjadi"]) for e in changes] == [
        (None, "70"),
        ("70", "72.5"),
    ]
    assert changes[0].actor == jurors[0]


def test_a_sheet_is_submitted_complete_and_then_final(interview_cycle, jurors):
    a = Assignment.objects.get(candidate__kode="51.04", juror=jurors[0])
    komitmen, inovasi = interview_indicators(interview_cycle)
    jury_score_set(assignment=a, indicator=komitmen, nilai="70", acting_user=jurors[0])
    with pytest.raises(SheetIncomplete) as exc:
        jury_sheet_submit(assignment=a, acting_user=jurors[0])
    assert "belum ada nilai untuk inovasi" in exc.value.pesan_id
    jury_score_set(assignment=a, indicator=inovasi, nilai="60", acting_user=jurors[0])
    jury_sheet_submit(assignment=a, acting_user=jurors[0])
    with pytest.raises(SheetSubmitted):
        jury_score_set(assignment=a, indicator=inovasi, nilai="90", acting_user=jurors[0])
    assert JuryScore.objects.get(assignment=a, indicator=inovasi).nilai == 60
    with pytest.raises(PermissionDenied):
        jury_score_set(
            assignment=Assignment.objects.get(candidate__kode="51.04", juror=jurors[1]),
            indicator=inovasi,
            nilai="50",
            acting_user=jurors[0],
        )


def test_a_late_score_is_refused_nothing_changes_and_the_attempt_is_audited(
    interview_cycle, committee, jurors
):
    a = Assignment.objects.get(candidate__kode="51.04", juror=jurors[0])
    komitmen, _ = interview_indicators(interview_cycle)
    stage_close(cycle=interview_cycle, jenis="wawancara", acting_user=committee)
    with pytest.raises(StageLate) as exc:
        jury_score_set(assignment=a, indicator=komitmen, nilai="70", acting_user=jurors[0])
    assert exc.value.pesan_id.startswith(
        "Terlambat: memberi atau mengirim nilai juri hanya dapat dilakukan sampai tahap wawancara "
        "juri ditutup"
    )
    assert exc.value.message_en.startswith(
        "Too late: scoring or submitting jury scores was only possible until the jury interview "
        "stage closed"
    )
    assert not JuryScore.objects.exists()
    refused = AuditEntry.objects.get(action="award.refused")
    assert refused.actor == jurors[0] and refused.detail["aksi"] == "jury_score"


def test_a_stage_passes_its_last_day_and_closes_by_itself(interview_cycle, jurors):
    a = Assignment.objects.get(candidate__kode="51.04", juror=jurors[0])
    yesterday = timezone.localdate() - timedelta(days=1)
    Stage.objects.filter(cycle=interview_cycle, jenis="wawancara").update(
        mulai=yesterday - timedelta(days=3), selesai=yesterday
    )
    komitmen, _ = interview_indicators(interview_cycle)
    with pytest.raises(StageLate):
        jury_score_set(assignment=a, indicator=komitmen, nilai="70", acting_user=jurors[0])
    closed = Stage.objects.get(cycle=interview_cycle, jenis="wawancara")
    assert closed.closed_at is not None and closed.closed_by is None
    assert AuditEntry.objects.filter(action="award.stage_close", detail__cara="tanggal").exists()


def test_scoring_before_the_interview_stage_is_refused(make_cycle, committee, jurors):
    cycle = make_cycle()
    a = assignment_create(
        cycle=cycle,
        juror=jurors[0],
        candidate=cycle.candidates.get(kode="51.04"),
        acting_user=committee,
    )
    with pytest.raises(StageNotOpen) as exc:
        jury_score_set(
            assignment=a,
            indicator=interview_indicators(cycle)[0],
            nilai="70",
            acting_user=jurors[0],
        )
    assert "siklus paritrana-2024-bali masih pada tahap registrasi" in exc.value.pesan_id


def test_interview_sessions_do_not_overlap_for_the_same_jurors(interview_cycle, committee):
    gianyar = interview_cycle.candidates.get(kode="51.04")
    badung = interview_cycle.candidates.get(kode="51.03")
    start = timezone.now() + timedelta(days=1)
    session_schedule(
        cycle=interview_cycle,
        candidate=gianyar,
        mulai=start,
        selesai=start + timedelta(minutes=45),
        tempat="Kantor Gubernur",
        acting_user=committee,
    )
    from cakupan.errors import InvalidInput

    with pytest.raises(InvalidInput):
        session_schedule(
            cycle=interview_cycle,
            candidate=badung,
            mulai=start + timedelta(minutes=30),
            selesai=start + timedelta(minutes=75),
            tempat="Kantor Gubernur",
            acting_user=committee,
        )
    session_schedule(
        cycle=interview_cycle,
        candidate=badung,
        mulai=start + timedelta(minutes=50),
        selesai=start + timedelta(minutes=95),
        tempat="Kantor Gubernur",
        acting_user=committee,
    )
