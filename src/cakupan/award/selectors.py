"""Award reads, each cut to the reader's region and role first.

Who sees what: the committee (award.manage) everything of the cycles in its region; a juror the
candidates' names, and evidence and scores only of the candidates assigned to them (others'
scores only after submitting their own sheet); a candidate's officers their own candidates,
evidence, and scorecards once the decision is made; BPJS staff and analysts the decided results.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor, in_scope, require_capability
from cakupan.award.errors import ScoresHidden
from cakupan.award.models import (
    GOVERNMENT,
    Assignment,
    Candidate,
    Cycle,
    Evidence,
    IndicatorValue,
    JuryScore,
    RubricVersion,
)
from cakupan.award.services.cycles import cycle_catch_up
from cakupan.award.services.evidence import is_officer
from cakupan.errors import NotFound, PermissionDenied


def is_committee(actor: Actor, cycle: Cycle) -> bool:
    return actor.can("award.manage") and in_scope(actor, cycle.kode_wilayah or None)


def cycle_list(*, actor: Actor) -> QuerySet[Cycle]:
    require_capability(actor, "award.view")
    return Cycle.objects.visible_to(actor).prefetch_related("stages")


def cycle_get(*, actor: Actor, kode: str) -> Cycle:
    """A visible cycle with the closing of past-due stages recorded."""
    cycle = cycle_list(actor=actor).filter(kode=kode).first()
    if cycle is None:
        raise NotFound(apa=f"Siklus {kode}", what=f"Cycle {kode}")
    return cycle_catch_up(cycle)


def candidate_list(
    *, actor: Actor, cycle: Cycle, kategori: str | None = None
) -> QuerySet[Candidate]:
    """The candidates of a cycle the actor may see: all in its region for the committee, BPJS
    staff, analysts and jurors; their own (and those they nominated) for officers."""
    require_capability(actor, "award.view")
    qs = Candidate.objects.visible_to(actor).filter(cycle=cycle)
    if actor.role in (Role.PEMDA_OFFICER, Role.SPONSOR):
        own = Q(officers__user_id=getattr(actor, "pk", None)) | Q(
            nominated_by_id=getattr(actor, "pk", None)
        )
        if actor.role == Role.PEMDA_OFFICER and actor.region_code:
            own |= Q(kategori__in=GOVERNMENT, kode_wilayah=actor.region_code)
        qs = qs.filter(own).distinct()
    if kategori:
        qs = qs.filter(kategori=kategori)
    return qs.order_by("kategori", "kode")


def candidate_get(*, actor: Actor, cycle: Cycle, pk: int) -> Candidate:
    cand = candidate_list(actor=actor, cycle=cycle).filter(pk=pk).first()
    if cand is None:
        raise NotFound(apa=f"Kandidat #{pk}", what=f"Candidate #{pk}")
    return cand


def is_assigned(actor: Actor, candidate: Candidate) -> bool:
    return (
        actor.can("award.score")
        and Assignment.objects.filter(
            candidate=candidate, juror_id=getattr(actor, "pk", None)
        ).exists()
    )


def can_see_evidence(actor: Actor, candidate: Candidate) -> bool:
    return (
        is_committee(actor, candidate.cycle)
        or is_officer(actor, candidate)
        or is_assigned(actor, candidate)
    )


def evidence_list(*, actor: Actor, candidate: Candidate) -> QuerySet[Evidence]:
    if not can_see_evidence(actor, candidate):
        return Evidence.objects.none()
    return Evidence.objects.filter(candidate=candidate).select_related(
        "indicator", "uploaded_by", "verified_by"
    )


def evidence_get(*, actor: Actor, cycle: Cycle, pk: int) -> Evidence:
    ev = (
        Evidence.objects.filter(pk=pk, candidate__cycle=cycle)
        .select_related("candidate__cycle")
        .first()
    )
    if ev is None or not can_see_evidence(actor, ev.candidate):
        raise NotFound(apa=f"Bukti #{pk}", what=f"Evidence #{pk}")
    return ev


def values_of(*, actor: Actor, candidate: Candidate) -> dict[int, IndicatorValue]:
    """Computed values by indicator id (aggregates, visible to whoever sees the candidate)."""
    return {v.indicator_id: v for v in IndicatorValue.objects.filter(candidate=candidate)}


def my_assignments(*, actor: Actor, cycle: Cycle) -> QuerySet[Assignment]:
    require_capability(actor, "award.score")
    return (
        Assignment.objects.filter(cycle=cycle, juror_id=getattr(actor, "pk", None))
        .select_related("candidate")
        .order_by("candidate__kategori", "candidate__kode")
    )


def assignment_get(*, actor: Actor, cycle: Cycle, pk: int) -> Assignment:
    """A juror's own sheet, or any sheet for the committee."""
    a = Assignment.objects.filter(pk=pk, cycle=cycle).select_related("candidate", "juror").first()
    if a is None or not (a.juror_id == getattr(actor, "pk", None) or is_committee(actor, cycle)):
        raise NotFound(apa=f"Lembar nilai #{pk}", what=f"Score sheet #{pk}")
    return a


def other_scores(*, actor: Actor, assignment: Assignment) -> list[dict[str, Any]]:
    """The other jurors' scores for the same candidate: only once the reader submitted their
    own sheet (or for the committee); raises ScoresHidden before."""
    mine = assignment.juror_id == getattr(actor, "pk", None)
    if not is_committee(actor, assignment.cycle):
        if not mine:
            raise PermissionDenied(
                alasan_id="lembar nilai juri lain", reason="another juror's sheet"
            )
        if assignment.submitted_at is None:
            raise ScoresHidden(kandidat=assignment.candidate.nama)
    rows = (
        JuryScore.objects.filter(
            assignment__candidate=assignment.candidate, assignment__submitted_at__isnull=False
        )
        .exclude(assignment=assignment)
        .select_related("assignment__juror", "indicator")
        .order_by("assignment__juror__username", "indicator__urutan")
    )
    return [
        {
            "juri": s.assignment.juror.username,
            "indikator": s.indicator,
            "nilai": s.nilai,
            "catatan": s.catatan,
        }
        for s in rows
    ]


def sheets_of(*, actor: Actor, cycle: Cycle) -> QuerySet[Assignment]:
    """Every assignment of the cycle with its state (committee only)."""
    if not is_committee(actor, cycle):
        raise PermissionDenied(alasan_id="hanya panitia", reason="committee only")
    return Assignment.objects.filter(cycle=cycle).select_related("candidate", "juror")


def results_visible(actor: Actor, cycle: Cycle) -> bool:
    """The committee sees the live (provisional) ranking; others the decided one."""
    if is_committee(actor, cycle):
        return True
    return cycle.decided_at is not None and actor.can("award.results")


def scorecard_visible(actor: Actor, candidate: Candidate) -> bool:
    if is_committee(actor, candidate.cycle):
        return True
    if candidate.cycle.decided_at is None:
        return False
    if is_officer(actor, candidate):
        return True
    return (
        actor.can("award.results")
        and actor.role != Role.PEMDA_OFFICER
        and in_scope(actor, candidate.kode_wilayah)
    )


def rubric_versions(*, actor: Actor, kategori: str | None = None) -> QuerySet[RubricVersion]:
    require_capability(actor, "award.view")
    qs = RubricVersion.objects.select_related("created_by")
    if kategori:
        qs = qs.filter(kategori=kategori)
    return qs.order_by("kategori", "-nomor")
