"""Award pages, part four: the results (page, PDF, CSV), scorecards (page, PDF) and winners'
certificates. Every download is audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from cakupan.audit.services import audit_record
from cakupan.award import pdf as award_pdf
from cakupan.award.models import Candidate, Cycle
from cakupan.award.ranking import RULES_EN, RULES_ID
from cakupan.award.scorecards import EVIDENCE_LABEL, scorecard_build
from cakupan.award.selectors import candidate_get, cycle_get, results_visible, scorecard_visible
from cakupan.award.services.results import cycle_rankings
from cakupan.award.views import cycle_tabs, user_of
from cakupan.errors import InvalidInput, PermissionDenied
from cakupan.lib.tabular import tabular_response


def _results_allowed(request: HttpRequest, cycle: Cycle) -> None:
    if not results_visible(user_of(request), cycle):
        raise PermissionDenied(
            alasan_id="hasil baru diumumkan setelah keputusan ditetapkan",
            reason="results are published once the decision is made",
        )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def results(request: HttpRequest, kode: str) -> HttpResponse:
    """Every category's ranking, raw and z-score, with the tie-breaks and sensitivity."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    _results_allowed(request, cycle)
    rankings = cycle_rankings(cycle)
    english = translation.get_language() == "en"
    return render(
        request,
        "award/results.html",
        {
            **cycle_tabs(request, cycle),
            "rankings": rankings,
            "rules": RULES_EN if english else RULES_ID,
            "visible": {
                r.candidate.pk
                for cat in rankings
                for r in cat.rows
                if scorecard_visible(user, r.candidate)
            },
        },
    )


@require_GET
@login_required
def results_pdf(request: HttpRequest, kode: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    _results_allowed(request, cycle)
    rankings = cycle_rankings(cycle)
    data = award_pdf.results_pdf(cycle, rankings, oleh=user.get_username())
    audit_record(
        actor=user,
        action="export",
        target=cycle,
        rows=sum(len(c.rows) for c in rankings),
        request=request,
        region_code=cycle.kode_wilayah,
        detail={"what": "award.results_pdf", "siklus": cycle.kode},
    )
    return _pdf_response(data, f"hasil-{cycle.kode}.pdf")


@require_GET
@login_required
def results_csv(request: HttpRequest, kode: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    _results_allowed(request, cycle)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(
            kolom="format", pesan_rinci="pilih csv atau xlsx", detail="choose csv or xlsx"
        )
    rows = []
    for cat in cycle_rankings(cycle, with_sensitivity=False):
        for r in cat.rows:
            rows.append(
                [
                    cat.kategori,
                    r.peringkat,
                    r.candidate.kode,
                    r.candidate.nama,
                    round(r.skor, 2),
                    round(r.skor_mentah, 2),
                    round(r.skor_z, 2),
                    r.peringkat_mentah,
                    r.peringkat_z,
                ]
            )
    audit_record(
        actor=user,
        action="export",
        target=cycle,
        rows=len(rows),
        request=request,
        region_code=cycle.kode_wilayah,
        detail={"what": "award.results", "siklus": cycle.kode, "format": fmt},
    )
    columns = [
        "kategori",
        "peringkat",
        "kode",
        "nama",
        "skor",
        "skor_mentah",
        "skor_z",
        "peringkat_mentah",
        "peringkat_z",
    ]
    return tabular_response(filename=f"hasil-{cycle.kode}", columns=columns, rows=rows, fmt=fmt)


def _card(request: HttpRequest, kode: str, pk: int) -> tuple[Cycle, Candidate]:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    if not scorecard_visible(user, cand):
        raise PermissionDenied(
            alasan_id="rapor kandidat terlihat oleh panitia, dan oleh kandidat setelah keputusan",
            reason="a candidate's scorecard is shown to the committee, and to the candidate after the decision",
        )
    return cycle, cand


@require_GET
@login_required
def scorecard(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    cycle, cand = _card(request, kode, pk)
    card = scorecard_build(cycle, cand)
    english = translation.get_language() == "en"
    gains = [
        {
            "g": g,
            "bukti": EVIDENCE_LABEL[g.bukti][1 if english else 0],
            "penjelasan": (
                g.nilai.penjelasan.get("en" if english else "id", "") if g.nilai else ""
            ),
        }
        for g in card.gains
    ]
    values = [(i, v.penjelasan.get("en" if english else "id", "")) for i, v in card.values]
    return render(
        request,
        "award/scorecard.html",
        {
            **cycle_tabs(request, cycle),
            "card": card,
            "cand": cand,
            "gains": gains,
            "values": values,
        },
    )


@require_GET
@login_required
def scorecard_pdf(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    cycle, cand = _card(request, kode, pk)
    user = user_of(request)
    data = award_pdf.scorecard_pdf(scorecard_build(cycle, cand), oleh=user.get_username())
    audit_record(
        actor=user,
        action="export",
        target=cand,
        rows=1,
        request=request,
        region_code=cand.kode_wilayah,
        detail={"what": "award.scorecard_pdf", "siklus": cycle.kode},
    )
    return _pdf_response(data, f"rapor-{cycle.kode}-{cand.kode}.pdf")


@require_GET
@login_required
def certificate(request: HttpRequest, kode: str, pk: int) -> HttpResponse:
    """A winner's certificate, once the decision is made."""
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    cand = candidate_get(actor=user, cycle=cycle, pk=pk)
    if cycle.decided_at is None or not (
        results_visible(user, cycle) or scorecard_visible(user, cand)
    ):
        raise PermissionDenied(
            alasan_id="piagam diterbitkan setelah keputusan ditetapkan",
            reason="certificates are issued once the decision is made",
        )
    ranking = next(c for c in cycle_rankings(cycle, kategori=cand.kategori, with_sensitivity=False))
    row = next((r for r in ranking.rows if r.candidate.pk == cand.pk), None)
    if row is None or not row.pemenang:
        raise InvalidInput(
            kolom="kandidat",
            pesan_rinci=f"{cand.nama} bukan pemenang (peringkat 1–{cycle.jumlah_pemenang})",
            detail=f"{cand.nama} is not a winner (ranks 1–{cycle.jumlah_pemenang})",
        )
    data = award_pdf.certificate_pdf(cycle, cand, row)
    audit_record(
        actor=user,
        action="export",
        target=cand,
        rows=1,
        request=request,
        region_code=cand.kode_wilayah,
        detail={"what": "award.certificate", "siklus": cycle.kode, "peringkat": row.peringkat},
    )
    return _pdf_response(data, f"piagam-{cycle.kode}-{cand.kode}.pdf")
