"""The jury: conflicts of interest, assignments (never where a conflict is declared), score
sheets filled and submitted independently, interview sessions. Every score change is audited
(`score.change`, with the value before and after)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cakupan.accounts.models import User
from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.award.errors import JurorConflicted, SheetIncomplete, SheetSubmitted
from cakupan.award.models import (
    Assignment,
    Candidate,
    Conflict,
    Cycle,
    Indicator,
    IndicatorKind,
    InterviewSession,
    JuryScore,
)
from cakupan.award.services.cycles import stage_require
from cakupan.award.services.evidence import score_parse
from cakupan.award.services.scores import plain, score_write
from cakupan.errors import InvalidInput, NotFound, PermissionDenied
from cakupan.regions.selectors import region_get


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def juror_get(username: str) -> User:
    user = User.objects.filter(username=username.strip(), role=Role.JURY, is_active=True).first()
    if user is None:
        raise NotFound(apa=f"Juri {username}", what=f"Juror {username}")
    return user


def conflict_for(cycle: Cycle, juror: Any, candidate: Candidate) -> Conflict | None:
    """The juror's declared conflict that covers `candidate`, if any."""
    for c in Conflict.objects.filter(cycle=cycle, juror=juror):
        if c.covers(candidate):
            return c
    return None


def conflict_declare(
    *,
    cycle: Cycle,
    juror: User,
    alasan: str,
    acting_user: Actor,
    candidate: Candidate | None = None,
    kode_wilayah: str = "",
) -> Conflict:
    """A juror's conflict of interest with one candidate or a whole region, declared by the
    juror or recorded by the committee. Any assignment it covers is withdrawn, with its scores."""
    if getattr(acting_user, "pk", None) == juror.pk:
        require_capability(acting_user, "award.score")
    else:
        require_capability(acting_user, "award.manage")
        require_scope(acting_user, cycle.kode_wilayah or None)
    if juror.role != Role.JURY:
        raise _invalid("juri", f"{juror.username} bukan juri", f"{juror.username} is not a juror")
    stage_require(cycle, "jury_setup", acting_user=acting_user)
    alasan = alasan.strip()
    if not alasan:
        raise _invalid("alasan", "alasan konflik wajib diisi", "a reason is required")
    if candidate is None and not kode_wilayah:
        raise _invalid("kandidat", "pilih kandidat atau wilayah", "choose a candidate or a region")
    if candidate is not None and candidate.cycle_id != cycle.pk:
        raise _invalid(
            "kandidat", "kandidat bukan dari siklus ini", "the candidate is not in this cycle"
        )
    if kode_wilayah:
        region_get(kode_wilayah)
    with transaction.atomic():
        conflict = Conflict.objects.create(
            cycle=cycle,
            juror=juror,
            candidate=candidate,
            kode_wilayah="" if candidate is not None else kode_wilayah,
            alasan=alasan[:500],
            declared_by=acting_user if hasattr(acting_user, "pk") else None,  # type: ignore[misc]
        )
        withdrawn = [
            a
            for a in Assignment.objects.filter(cycle=cycle, juror=juror).select_related("candidate")
            if conflict.covers(a.candidate)
        ]
        for a in withdrawn:
            scores = {
                s.indicator.kode: plain(s.nilai) for s in a.scores.select_related("indicator")
            }
            audit_record(
                actor=acting_user,
                action="award.unassign",
                target=a.candidate,
                region_code=a.candidate.kode_wilayah,
                detail={"juri": juror.username, "sebab": "konflik", "nilai_dihapus": scores},
            )
            a.delete()
        audit_record(
            actor=acting_user,
            action="award.conflict",
            target=cycle,
            region_code=cycle.kode_wilayah,
            detail={
                "juri": juror.username,
                "kandidat": candidate.kode if candidate else "",
                "kode_wilayah": conflict.kode_wilayah,
                "alasan": conflict.alasan,
                "penugasan_dicabut": [a.candidate.kode for a in withdrawn],
            },
        )
    return conflict


def assignment_create(
    *, cycle: Cycle, juror: User, candidate: Candidate, acting_user: Actor
) -> Assignment:
    """Assign a juror to a candidate, refused where the juror declared a conflict."""
    require_capability(acting_user, "award.manage")
    require_scope(acting_user, cycle.kode_wilayah or None)
    stage_require(cycle, "jury_setup", acting_user=acting_user, target=candidate)
    if juror.role != Role.JURY or not juror.is_active:
        raise _invalid(
            "juri", f"{juror.username} bukan juri aktif", f"{juror.username} is not an active juror"
        )
    if candidate.cycle_id != cycle.pk or not candidate.aktif:
        raise _invalid(
            "kandidat",
            "kandidat tidak aktif di siklus ini",
            "the candidate is not active in this cycle",
        )
    conflict = conflict_for(cycle, juror, candidate)
    if conflict is not None:
        audit_record(
            actor=acting_user,
            action="award.refused",
            target=candidate,
            region_code=candidate.kode_wilayah,
            detail={"aksi": "assign", "juri": juror.username, "kode": JurorConflicted.kode},
        )
        raise JurorConflicted(juri=juror.username, kandidat=candidate.nama, alasan=conflict.alasan)
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            cycle=cycle, juror=juror, candidate=candidate, defaults={"assigned_by": acting_user}
        )
        if created:
            audit_record(
                actor=acting_user,
                action="award.assign",
                target=candidate,
                region_code=candidate.kode_wilayah,
                detail={"juri": juror.username, "kandidat": candidate.kode},
            )
    return assignment


def assignment_delete(*, assignment: Assignment, acting_user: Actor) -> None:
    """Withdraw an assignment that has not been submitted; its draft scores go with it."""
    require_capability(acting_user, "award.manage")
    cycle = assignment.cycle
    require_scope(acting_user, cycle.kode_wilayah or None)
    stage_require(cycle, "jury_setup", acting_user=acting_user, target=assignment.candidate)
    if assignment.submitted_at is not None:
        raise SheetSubmitted(
            kandidat=assignment.candidate.nama, kapan=_when(assignment.submitted_at)
        )
    with transaction.atomic():
        scores = {
            s.indicator.kode: plain(s.nilai) for s in assignment.scores.select_related("indicator")
        }
        audit_record(
            actor=acting_user,
            action="award.unassign",
            target=assignment.candidate,
            region_code=assignment.candidate.kode_wilayah,
            detail={"juri": assignment.juror.username, "sebab": "panitia", "nilai_dihapus": scores},
        )
        assignment.delete()


def interview_indicators(candidate: Candidate) -> list[Indicator]:
    version = candidate.cycle.categories.get(kategori=candidate.kategori).rubric_id
    return list(
        Indicator.objects.filter(aspect__version_id=version, jenis=IndicatorKind.WAWANCARA)
        .select_related("aspect")
        .order_by("aspect__urutan", "urutan")
    )


def _own_sheet(assignment: Assignment, acting_user: Actor) -> None:
    require_capability(acting_user, "award.score")
    if assignment.juror_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(
            alasan_id="lembar nilai ini milik juri lain",
            reason="this score sheet belongs to another juror",
        )


def _not_submitted(assignment: Assignment, acting_user: Actor) -> None:
    """Refuse (and audit the attempt) once the sheet is submitted."""
    if assignment.submitted_at is None:
        return
    candidate = assignment.candidate
    audit_record(
        actor=acting_user,
        action="award.refused",
        target=candidate,
        region_code=candidate.kode_wilayah,
        detail={"aksi": "jury_score", "kode": SheetSubmitted.kode},
    )
    raise SheetSubmitted(kandidat=candidate.nama, kapan=_when(assignment.submitted_at))


def jury_score_set(
    *,
    assignment: Assignment,
    indicator: Indicator,
    nilai: Any,
    catatan: str = "",
    acting_user: Actor,
) -> JuryScore:
    """A juror's score of one interview indicator on their own sheet, before they submit it."""
    _own_sheet(assignment, acting_user)
    candidate = assignment.candidate
    stage_require(assignment.cycle, "jury_score", acting_user=acting_user, target=candidate)
    _not_submitted(assignment, acting_user)
    if indicator.pk not in {i.pk for i in interview_indicators(candidate)}:
        raise _invalid(
            "indikator",
            f"{indicator.kode} bukan indikator wawancara kandidat ini",
            f"{indicator.kode} is not an interview indicator of this candidate",
        )
    value = score_parse(nilai, indicator)
    return score_write(
        model=JuryScore,
        lookup={"assignment": assignment, "indicator": indicator},
        value=value,
        catatan=catatan,
        candidate=candidate,
        cycle=assignment.cycle,
        indicator=indicator,
        penilai="juri",
        acting_user=acting_user,
    )


def jury_sheet_save(
    *, assignment: Assignment, nilai: dict[int, Any], catatan: dict[int, str], acting_user: Actor
) -> list[JuryScore]:
    """Several scores of one sheet at once; all checked before any is written."""
    _own_sheet(assignment, acting_user)
    stage_require(
        assignment.cycle, "jury_score", acting_user=acting_user, target=assignment.candidate
    )
    _not_submitted(assignment, acting_user)
    indicators = {i.pk: i for i in interview_indicators(assignment.candidate)}
    for pk, value in nilai.items():
        if pk in indicators and str(value).strip():
            score_parse(value, indicators[pk])
    with transaction.atomic():
        return [
            jury_score_set(
                assignment=assignment,
                indicator=indicators[pk],
                nilai=value,
                catatan=catatan.get(pk, ""),
                acting_user=acting_user,
            )
            for pk, value in nilai.items()
            if pk in indicators and str(value).strip()
        ]


def jury_sheet_submit(*, assignment: Assignment, acting_user: Actor) -> Assignment:
    """Submit a complete sheet: its scores are final, and the juror may now see the others'."""
    _own_sheet(assignment, acting_user)
    candidate = assignment.candidate
    stage_require(assignment.cycle, "jury_score", acting_user=acting_user, target=candidate)
    if assignment.submitted_at is not None:
        raise SheetSubmitted(kandidat=candidate.nama, kapan=_when(assignment.submitted_at))
    scored = set(assignment.scores.values_list("indicator_id", flat=True))
    missing = [i.kode for i in interview_indicators(candidate) if i.pk not in scored]
    if missing:
        raise SheetIncomplete(kandidat=candidate.nama, kurang=", ".join(missing))
    with transaction.atomic():
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        audit_record(
            actor=acting_user,
            action="award.sheet_submit",
            target=candidate,
            region_code=candidate.kode_wilayah,
            detail={
                "siklus": assignment.cycle.kode,
                "nilai": {
                    s.indicator.kode: plain(s.nilai)
                    for s in assignment.scores.select_related("indicator")
                },
            },
        )
    return assignment


def jury_sheet_reopen(*, assignment: Assignment, alasan: str, acting_user: Actor) -> Assignment:
    """The committee reopens a submitted sheet (a juror's mistake), during the interview."""
    require_capability(acting_user, "award.manage")
    require_scope(acting_user, assignment.cycle.kode_wilayah or None)
    stage_require(
        assignment.cycle, "jury_score", acting_user=acting_user, target=assignment.candidate
    )
    if not alasan.strip():
        raise _invalid("alasan", "alasan membuka kembali wajib diisi", "a reason is required")
    if assignment.submitted_at is None:
        raise _invalid("lembar", "lembar nilai belum dikirim", "the sheet has not been submitted")
    with transaction.atomic():
        assignment.submitted_at = None
        assignment.save(update_fields=["submitted_at"])
        audit_record(
            actor=acting_user,
            action="award.sheet_reopen",
            target=assignment.candidate,
            region_code=assignment.candidate.kode_wilayah,
            detail={"juri": assignment.juror.username, "alasan": alasan.strip()[:300]},
        )
    return assignment


def session_schedule(
    *,
    cycle: Cycle,
    candidate: Candidate,
    mulai: datetime,
    selesai: datetime,
    tempat: str,
    catatan: str = "",
    acting_user: Actor,
) -> InterviewSession:
    """Schedule a candidate's interview (a candidate may have one session; a new one replaces it)."""
    require_capability(acting_user, "award.manage")
    require_scope(acting_user, cycle.kode_wilayah or None)
    stage_require(cycle, "jury_setup", acting_user=acting_user, target=candidate)
    if candidate.cycle_id != cycle.pk:
        raise _invalid(
            "kandidat", "kandidat bukan dari siklus ini", "the candidate is not in this cycle"
        )
    if selesai <= mulai:
        raise _invalid(
            "selesai",
            "wawancara harus selesai sesudah mulai",
            "the interview must end after it starts",
        )
    if not tempat.strip():
        raise _invalid("tempat", "tempat wawancara wajib diisi", "a place is required")
    clash = (
        InterviewSession.objects.filter(cycle=cycle, mulai__lt=selesai, selesai__gt=mulai)
        .exclude(candidate=candidate)
        .filter(Q(candidate__assignments__juror__in=candidate.assignments.values("juror")))
        .select_related("candidate")
        .first()
    )
    if clash is not None:
        raise _invalid(
            "mulai",
            f"juri yang sama sudah mewawancarai {clash.candidate.nama} pada waktu itu",
            f"the same jurors are interviewing {clash.candidate.nama} at that time",
        )
    with transaction.atomic():
        InterviewSession.objects.filter(cycle=cycle, candidate=candidate).delete()
        session = InterviewSession.objects.create(
            cycle=cycle,
            candidate=candidate,
            mulai=mulai,
            selesai=selesai,
            tempat=tempat.strip()[:200],
            catatan=catatan.strip()[:500],
        )
        audit_record(
            actor=acting_user,
            action="award.session",
            target=candidate,
            region_code=candidate.kode_wilayah,
            detail={
                "mulai": mulai.isoformat(),
                "selesai": selesai.isoformat(),
                "tempat": session.tempat,
            },
        )
    return session
