"""Award pages, part three: the jury. The committee assigns jurors (never where a conflict is
declared), schedules interviews and follows the sheets; a juror declares conflicts, fills their
own sheets, submits them, and only then sees the other jurors' scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.accounts.models import User
from cakupan.accounts.roles import Role
from cakupan.award.errors import ScoresHidden
from cakupan.award.forms import AssignForm, ConflictForm, ReasonForm, SessionForm
from cakupan.award.models import Assignment, Conflict, InterviewSession
from cakupan.award.selectors import (
    assignment_get,
    candidate_get,
    candidate_list,
    cycle_get,
    is_committee,
    my_assignments,
    other_scores,
    sheets_of,
)
from cakupan.award.services.cycles import stage_current
from cakupan.award.services.jury import (
    assignment_create,
    assignment_delete,
    conflict_declare,
    conflict_for,
    interview_indicators,
    juror_get,
    jury_sheet_reopen,
    jury_sheet_save,
    jury_sheet_submit,
    session_schedule,
)
from cakupan.award.views import HARD, attempt, cycle_tabs, user_of
from cakupan.errors import CakupanError


def _jurors(cycle_region: str) -> list[User]:
    qs = User.objects.filter(role=Role.JURY, is_active=True).order_by("username")
    return [
        u
        for u in qs
        if u.region_code is None
        or not cycle_region
        or cycle_region.startswith(u.region_code)
        or u.region_code.startswith(cycle_region)
    ]


@require_GET
@login_required
def jury(request: HttpRequest, kode: str) -> HttpResponse:
    """The committee's view: jurors × candidates, conflicts, sheets and the interview schedule."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    sheets = list(sheets_of(actor=user, cycle=cycle))
    jurors = _jurors(cycle.kode_wilayah)
    cands = list(candidate_list(actor=user, cycle=cycle).filter(aktif=True))
    conflicts = list(Conflict.objects.filter(cycle=cycle).select_related("juror", "candidate"))
    by_pair = {(a.juror_id, a.candidate_id): a for a in sheets}
    matrix = []
    for cand in cands:
        cells = []
        for j in jurors:
            conflict = next((c for c in conflicts if c.juror_id == j.pk and c.covers(cand)), None)
            cells.append({"juror": j, "sheet": by_pair.get((j.pk, cand.pk)), "conflict": conflict})
        matrix.append((cand, cells))
    return render(
        request,
        "award/jury.html",
        {
            **cycle_tabs(request, cycle),
            "jurors": jurors,
            "matrix": matrix,
            "conflicts": conflicts,
            "sessions": InterviewSession.objects.filter(cycle=cycle).select_related("candidate"),
            "candidates": cands,
            "setup_open": stage_current(cycle)
            in ("registrasi", "penilaian", "verifikasi", "wawancara"),
            "scoring_open": stage_current(cycle) == "wawancara",
            "submitted": sum(1 for a in sheets if a.submitted_at),
            "total": len(sheets),
        },
    )


@require_POST
@login_required
def assign_view(request: HttpRequest, kode: str) -> HttpResponse:
    """Assign a juror to one candidate, or to every candidate without a conflict ("semua")."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a juror and a candidate."))
        return redirect("award_jury", kode=cycle.kode)
    try:
        juror = juror_get(form.cleaned_data["juri"])
        target = form.cleaned_data["kandidat"]
        if target == "semua":
            made = 0
            for cand in candidate_list(actor=user, cycle=cycle).filter(aktif=True):
                if conflict_for(cycle, juror, cand) is None:
                    assignment_create(cycle=cycle, juror=juror, candidate=cand, acting_user=user)
                    made += 1
            messages.success(
                request,
                _("%(juror)s assigned to %(n)s candidates (conflicts left out).")
                % {"juror": juror.username, "n": made},
            )
        else:
            cand = candidate_get(actor=user, cycle=cycle, pk=int(target) if target.isdigit() else 0)
            assignment_create(cycle=cycle, juror=juror, candidate=cand, acting_user=user)
            messages.success(request, _("Juror assigned."))
    except HARD as exc:
        if exc.kode != "tidak_ditemukan":
            raise
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    except CakupanError as exc:
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    return redirect("award_jury", kode=cycle.kode)


@require_POST
@login_required
def unassign_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    a = assignment_get(actor=user, cycle=cycle, pk=pk)
    attempt(
        request,
        lambda: assignment_delete(assignment=a, acting_user=user),
        _("Assignment withdrawn."),
    )
    return redirect("award_jury", kode=cycle.kode)


@require_POST
@login_required
def conflict_view(request: HttpRequest, kode: str) -> HttpResponse:
    """A juror declares their own conflict; the committee may record one for any juror."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    form = ConflictForm(request.POST)
    back = "award_jury" if is_committee(user, cycle) else "award_my"
    if not form.is_valid():
        messages.error(request, _("Give the reason of the conflict."))
        return redirect(back, kode=cycle.kode)
    d = form.cleaned_data
    try:
        juror = user if user.role == Role.JURY else juror_get(d["juri"] or "")
        cand = candidate_get(actor=user, cycle=cycle, pk=d["kandidat"]) if d["kandidat"] else None
        conflict_declare(
            cycle=cycle,
            juror=juror,
            candidate=cand,
            kode_wilayah=(d["kode_wilayah"] or "").strip(),
            alasan=d["alasan"],
            acting_user=user,
        )
    except HARD as exc:
        if exc.kode != "tidak_ditemukan":
            raise
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    except CakupanError as exc:
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    else:
        messages.success(
            request, _("Conflict of interest recorded; assignments it covers were withdrawn.")
        )
    return redirect(back, kode=cycle.kode)


@require_POST
@login_required
def session_view(request: HttpRequest, kode: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the candidate, date, times and place of the interview."))
        return redirect("award_jury", kode=cycle.kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=form.cleaned_data["kandidat"])
    mulai, selesai = form.moments()
    attempt(
        request,
        lambda: session_schedule(
            cycle=cycle,
            candidate=cand,
            mulai=mulai,
            selesai=selesai,
            tempat=form.cleaned_data["tempat"],
            acting_user=user,
        ),
        _("Interview scheduled."),
    )
    return redirect("award_jury", kode=cycle.kode)


@require_POST
@login_required
def reopen_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    a = assignment_get(actor=user, cycle=cycle, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["alasan"] if form.is_valid() else ""
    attempt(
        request,
        lambda: jury_sheet_reopen(assignment=a, alasan=reason, acting_user=user),
        _("Score sheet reopened."),
    )
    return redirect("award_jury", kode=cycle.kode)


@require_GET
@login_required
def my_view(request: HttpRequest, kode: str) -> HttpResponse:
    """A juror's assignments, sessions and conflicts."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    sheets = list(my_assignments(actor=user, cycle=cycle))
    sessions = {
        s.candidate_id: s
        for s in InterviewSession.objects.filter(
            cycle=cycle, candidate__in=[a.candidate for a in sheets]
        )
    }
    return render(
        request,
        "award/my.html",
        {
            **cycle_tabs(request, cycle),
            "sheets": [(a, sessions.get(a.candidate_id)) for a in sheets],
            "conflicts": Conflict.objects.filter(cycle=cycle, juror=user).select_related(
                "candidate"
            ),
            "candidates": candidate_list(actor=user, cycle=cycle).filter(aktif=True),
            "setup_open": stage_current(cycle)
            in ("registrasi", "penilaian", "verifikasi", "wawancara"),
            "scoring_open": stage_current(cycle) == "wawancara",
        },
    )


def _sheet_context(
    request: HttpRequest,
    a: Assignment,
    error: CakupanError | None = None,
    typed: dict[int, str] | None = None,
) -> dict:
    user = user_of(request)
    indicators = interview_indicators(a.candidate)
    saved = {s.indicator_id: s for s in a.scores.all()}
    rows = []
    for ind in indicators:
        s = saved.get(ind.pk)
        value = (typed or {}).get(ind.pk, "" if s is None else f"{s.nilai:g}")
        rows.append({"ind": ind, "value": value, "catatan": s.catatan if s else ""})
    try:
        others = other_scores(actor=user, assignment=a)
        hidden = None
    except ScoresHidden as exc:
        others, hidden = [], exc
    return {
        **cycle_tabs(request, a.cycle),
        "a": a,
        "rows": rows,
        "others": others,
        "hidden": hidden,
        "error": error,
        "mine": a.juror_id == user.pk,
        "scoring_open": stage_current(a.cycle) == "wawancara",
        "complete": all(ind.pk in saved for ind in indicators),
    }


@require_http_methods(["GET", "POST"])
@login_required
def sheet_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    """A juror's sheet: scores saved as a draft until submitted."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    a = assignment_get(actor=user, cycle=cycle, pk=pk)
    if request.method == "POST":
        indicators = interview_indicators(a.candidate)
        typed = {i.pk: request.POST.get(f"nilai-{i.pk}", "").strip() for i in indicators}
        notes = {i.pk: request.POST.get(f"catatan-{i.pk}", "") for i in indicators}
        try:
            jury_sheet_save(assignment=a, nilai=typed, catatan=notes, acting_user=user)
        except HARD:
            raise
        except CakupanError as exc:
            return render(
                request,
                "award/sheet.html",
                _sheet_context(request, a, exc, typed),
                status=exc.http_status,
            )
        messages.success(request, _("Scores saved. Submit the sheet when it is complete."))
        return redirect("award_sheet", kode=cycle.kode, pk=a.pk)
    return render(request, "award/sheet.html", _sheet_context(request, a))


@require_POST
@login_required
def sheet_submit_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    a = assignment_get(actor=user, cycle=cycle, pk=pk)
    try:
        jury_sheet_submit(assignment=a, acting_user=user)
    except HARD:
        raise
    except CakupanError as exc:
        a.refresh_from_db()
        return render(
            request, "award/sheet.html", _sheet_context(request, a, exc), status=exc.http_status
        )
    messages.success(
        request,
        _("Sheet submitted: its scores are final. The other jurors' scores are shown below."),
    )
    return redirect("award_sheet", kode=cycle.kode, pk=a.pk)
