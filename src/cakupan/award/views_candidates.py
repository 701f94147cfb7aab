"""Award pages, part two: candidates (register, nominate, withdraw, officers) and one
candidate's indicators with their computed values, evidence (upload, download, verification)
and the assessors' scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.award.forms import (
    BusinessForm,
    EvidenceForm,
    OfficerForm,
    PublicServiceForm,
    VerifyForm,
    WithdrawForm,
)
from cakupan.award.models import (
    AssessorScore,
    Candidate,
    Category,
    EvidenceState,
    Indicator,
    IndicatorKind,
)
from cakupan.award.selectors import (
    can_see_evidence,
    candidate_get,
    candidate_list,
    cycle_get,
    evidence_get,
    evidence_list,
    is_committee,
    scorecard_visible,
    values_of,
)
from cakupan.award.services.candidates import (
    candidate_add_public_service,
    candidate_register_business,
    candidate_withdraw,
    officer_add,
)
from cakupan.award.services.cycles import stage_current, stage_require
from cakupan.award.services.evidence import (
    CONTENT_TYPES,
    MAX_BYTES,
    assessor_score_set,
    evidence_download_record,
    evidence_upload,
    evidence_verify,
    is_officer,
    size_label,
)
from cakupan.award.views import HARD, attempt, cycle_tabs, user_of
from cakupan.errors import CakupanError


@require_http_methods(["GET", "POST"])
@login_required
def candidates(request: HttpRequest, kode: str) -> HttpResponse:
    """The cycle's candidates by category; the committee registers businesses and public
    services, a regional officer or BPJS office nominates a business of its region."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    committee = is_committee(user, cycle)
    business = BusinessForm(request.POST if request.POST.get("form") == "usaha" else None)
    public = PublicServiceForm(request.POST if request.POST.get("form") == "layanan" else None)
    if request.method == "POST":
        if request.POST.get("form") == "usaha" and business.is_valid():
            d = business.cleaned_data
            attempt(
                request,
                lambda: candidate_register_business(
                    cycle=cycle,
                    npp=d["npp"],
                    cara="daftar" if committee else "nominasi",
                    kategori=d["kategori"] or None,
                    acting_user=user,
                ),
                _("The business is now a candidate."),
            )
        elif request.POST.get("form") == "layanan" and public.is_valid():
            d = public.cleaned_data
            attempt(
                request,
                lambda: candidate_add_public_service(
                    cycle=cycle,
                    kode=d["kode"],
                    nama=d["nama"],
                    kode_wilayah=d["kode_wilayah"],
                    acting_user=user,
                ),
                _("The public service is now a candidate."),
            )
        else:
            messages.error(request, _("Check the form: an NPP has 8 digits."))
        return redirect("award_candidates", kode=cycle.kode)
    rows = list(candidate_list(actor=user, cycle=cycle))
    runs = set(cycle.categories.values_list("kategori", flat=True))
    groups = [
        (value, label, [c for c in rows if c.kategori == value])
        for value, label in Category.choices
        if value in runs
    ]
    registering = stage_current(cycle) == "registrasi"
    return render(
        request,
        "award/candidates.html",
        {
            **cycle_tabs(request, cycle),
            "groups": groups,
            "business": business,
            "public": public,
            "can_register": committee and registering,
            "can_nominate": user.can("award.nominate") and registering,
            "runs_public": "layanan_publik" in runs,
        },
    )


def _evidence_indicators(candidate: Candidate) -> list[Indicator]:
    version = candidate.cycle.categories.get(kategori=candidate.kategori).rubric_id
    return list(
        Indicator.objects.filter(aspect__version_id=version, jenis=IndicatorKind.BUKTI).order_by(
            "aspect__urutan", "urutan"
        )
    )


@require_GET
@login_required
def candidate_detail(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    committee = is_committee(user, cycle)
    officer = is_officer(user, cand)
    version = cycle.categories.get(kategori=cand.kategori).rubric
    values = values_of(actor=user, candidate=cand)
    evidence = list(evidence_list(actor=user, candidate=cand))
    mine: dict[int, AssessorScore] = {}
    if committee:
        mine = {
            s.indicator_id: s
            for s in AssessorScore.objects.filter(candidate=cand, assessor_id=user.pk)
        }
    aspects = []
    for a in version.aspects.prefetch_related("indicators"):
        rows = []
        for ind in a.indicators.all():
            rows.append(
                {
                    "ind": ind,
                    "value": values.get(ind.pk),
                    "evidence": [e for e in evidence if e.indicator_id == ind.pk],
                    "mine": mine.get(ind.pk),
                }
            )
        aspects.append((a, rows))
    current = stage_current(cycle)
    upload_stage = current in ("registrasi", "penilaian", "verifikasi")
    return render(
        request,
        "award/candidate.html",
        {
            **cycle_tabs(request, cycle),
            "cand": cand,
            "version": version,
            "aspects": aspects,
            "see_evidence": can_see_evidence(user, cand),
            "can_upload": (officer or committee) and upload_stage and cand.aktif,
            "upload_form": EvidenceForm(indicators=_evidence_indicators(cand)),
            "max_size": size_label(MAX_BYTES),
            "can_verify": committee and current in ("penilaian", "verifikasi"),
            "can_assess": committee and current in ("penilaian", "verifikasi"),
            "can_withdraw": committee and current == "registrasi" and cand.aktif,
            "can_officers": committee and current in ("registrasi", "penilaian", "verifikasi"),
            "officers": cand.officers.select_related("user"),
            "can_scorecard": scorecard_visible(user, cand),
            "sessions": cand.sessions.all(),
            "states": EvidenceState,
        },
    )


@require_POST
@login_required
def evidence_upload_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    form = EvidenceForm(request.POST, request.FILES, indicators=_evidence_indicators(cand))
    if not form.is_valid():
        messages.error(
            request,
            "Pilih indikator dan berkasnya. / Choose the indicator and the file.",
        )
        return redirect("award_candidate", kode=cycle.kode, pk=cand.pk)
    upload = form.cleaned_data["berkas"]
    indicator = Indicator.objects.get(pk=form.cleaned_data["indikator"])
    attempt(
        request,
        lambda: evidence_upload(
            candidate=cand,
            indicator=indicator,
            berkas=upload,
            nama_berkas=upload.name,
            ukuran=upload.size,
            keterangan=form.cleaned_data["keterangan"],
            acting_user=user,
        ),
        _("Evidence uploaded; it waits for verification."),
    )
    return redirect("award_candidate", kode=cycle.kode, pk=cand.pk)


@require_GET
@login_required
def evidence_download(request: HttpRequest, kode: str, pk: int) -> FileResponse:
    """The document as a download (never shown inline); audited."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    ev = evidence_get(actor=user, cycle=cycle, pk=pk)
    path = evidence_download_record(evidence=ev, acting_user=user, request=request)
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 — FileResponse closes it
        as_attachment=True,
        filename=ev.nama_berkas,
        content_type=CONTENT_TYPES[ev.jenis_berkas],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def evidence_verify_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    ev = evidence_get(actor=user, cycle=cycle, pk=pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        attempt(
            request,
            lambda: evidence_verify(
                evidence=ev, keputusan=d["keputusan"], catatan=d["catatan"], acting_user=user
            ),
            _("Evidence accepted.") if d["keputusan"] == "terima" else _("Evidence returned."),
        )
    else:
        messages.error(request, _("Choose accept or return."))
    return redirect("award_candidate", kode=cycle.kode, pk=ev.candidate_id)


@require_POST
@login_required
def assessor_scores_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    """The assessor's scores of every evidence indicator of a candidate; all are checked first,
    nothing is saved when one is off its scale."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    indicators = _evidence_indicators(cand)
    given: list[tuple[Indicator, str, str]] = []
    for ind in indicators:
        value = request.POST.get(f"nilai-{ind.pk}", "").strip()
        if value:
            given.append((ind, value, request.POST.get(f"catatan-{ind.pk}", "")))

    def save_all() -> None:
        from django.db import transaction

        from cakupan.award.services.evidence import score_parse

        stage_require(cycle, "assess", acting_user=user, target=cand)  # a refusal stays audited
        for ind, value, _note in given:
            score_parse(value, ind)
        with transaction.atomic():
            for ind, value, note in given:
                assessor_score_set(
                    candidate=cand, indicator=ind, nilai=value, catatan=note, acting_user=user
                )

    attempt(request, save_all, _("Assessor scores saved."))
    return redirect("award_candidate", kode=cycle.kode, pk=cand.pk)


@require_POST
@login_required
def withdraw_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["alasan"] if form.is_valid() else ""
    attempt(
        request,
        lambda: candidate_withdraw(candidate=cand, alasan=reason, acting_user=user),
        _("The candidate has withdrawn."),
    )
    return redirect("award_candidate", kode=cycle.kode, pk=cand.pk)


@require_POST
@login_required
def officer_view(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    form = OfficerForm(request.POST)
    username = form.cleaned_data["username"] if form.is_valid() else ""
    try:
        officer_add(candidate=cand, username=username, acting_user=user)
    except HARD as exc:
        if exc.kode != "tidak_ditemukan":
            raise
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    except CakupanError as exc:
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    else:
        messages.success(request, _("Officer added."))
    return redirect("award_candidate", kode=cycle.kode, pk=cand.pk)
