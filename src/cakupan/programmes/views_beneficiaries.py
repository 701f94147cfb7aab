"""The village side's beneficiary lists: the XLSX template, upload, each row's problems and
status, row-by-row fixes, matching with the registry and the review of uncertain matches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.accounts.scope import in_scope, require_capability
from cakupan.errors import CakupanError, NotFound
from cakupan.programmes.forms import FixForm, ReviewForm, UploadForm
from cakupan.programmes.models import (
    Beneficiary,
    InvoiceLine,
    MatchStatus,
    Programme,
    ProgrammeStatus,
    SponsoredMonth,
)
from cakupan.programmes.services.beneficiaries import (
    beneficiaries_match,
    beneficiaries_upload,
    beneficiary_fix,
    beneficiary_review,
    beneficiary_template_xlsx,
)
from cakupan.programmes.services.common import programme_get, villages_in_scope
from cakupan.programmes.views_village import PAGE_SIZE, _decorate, _kelas_counts, _nik_shown
from cakupan.regions.selectors import region_name_map
from cakupan.registry.models import Participant

ROWS_PER_PAGE = 100


FILTERS = ("semua", "masalah", "tinjau", "aktif", "reaktivasi", "baru", "ganda")


def _village_choices(user: Any, programme: Programme) -> list[tuple[str, str]]:
    villages = villages_in_scope(user, programme)
    names = region_name_map([v.kode_wilayah for v in villages])
    return [
        (v.kode_wilayah, f"{names.get(v.kode_wilayah, '')} ({v.kode_wilayah})") for v in villages
    ]


def _chosen_village(request: HttpRequest, choices: list[tuple[str, str]]) -> str:
    wanted = request.GET.get("desa") or request.POST.get("desa") or ""
    codes = [code for code, _ in choices]
    if wanted in codes:
        return wanted
    if not codes:
        raise NotFound(apa="Desa program", what="Programme village")
    return codes[0]


@require_GET
@login_required
def programme_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The XLSX template of a beneficiary list (no personal data in it)."""
    programme = programme_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
    require_capability(request.user, "programmes.beneficiaries")  # type: ignore[arg-type]
    response = HttpResponse(
        beneficiary_template_xlsx(programme),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="templat-penerima-{pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def beneficiary_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a village's list (CSV or XLSX); a refused file shows why, and nothing is saved."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    require_capability(user, "programmes.beneficiaries")  # type: ignore[arg-type]
    choices = _village_choices(user, programme)
    desa = _chosen_village(request, choices)
    form = UploadForm(
        request.POST or None, request.FILES or None, villages=choices, initial={"desa": desa}
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = beneficiaries_upload(
                programme=programme,
                kode_wilayah=form.cleaned_data["desa"],
                file=form.cleaned_data["file"],
                acting_user=user,  # type: ignore[arg-type]
            )
        except CakupanError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("%(rows)s rows saved: %(valid)s valid, %(bad)s with problems to fix below.")
                % {"rows": result.baris, "valid": result.valid, "bad": result.bermasalah},
            )
            if result.kolom_diabaikan:
                messages.warning(
                    request,
                    _("Columns left out: %(columns)s.")
                    % {"columns": ", ".join(result.kolom_diabaikan)},
                )
            url = reverse("beneficiary_list", args=[pk])
            show = "masalah" if result.bermasalah else "semua"
            return redirect(f"{url}?desa={result.kode_wilayah}&tampil={show}")
    quota = {v.kode_wilayah: v.kuota for v in programme.villages.all()}
    return render(
        request,
        "programmes/village/upload.html",
        {
            "programme": programme,
            "form": form,
            "error": error,
            "kuota": quota.get(desa),
            "locked": programme.status == ProgrammeStatus.APPROVED,
        },
    )


def _rows_with_status(qs: Any) -> Any:
    paid = (
        SponsoredMonth.objects.filter(beneficiary=OuterRef("pk"))
        .values("beneficiary")
        .annotate(n=Count("id"), last=Max("periode"))
    )
    return qs.select_related("ganda_programme").annotate(
        ditagih=Exists(InvoiceLine.objects.filter(beneficiary=OuterRef("pk"))),
        bulan_dibayar=Coalesce(Subquery(paid.values("n")[:1]), 0),
        bulan_terakhir=Subquery(paid.values("last")[:1]),
    )


def _beneficiary_in(request: HttpRequest, programme: Programme, beneficiary_id: int) -> Beneficiary:
    b = _rows_with_status(
        Beneficiary.objects.filter(programme=programme, pk=beneficiary_id)
    ).first()
    if b is None or not in_scope(request.user, b.kode_wilayah):  # type: ignore[arg-type]
        raise NotFound(apa=f"Penerima #{beneficiary_id}", what=f"Beneficiary #{beneficiary_id}")
    return _decorate(request.user, [b])[0]


@require_GET
@login_required
def beneficiary_list(request: HttpRequest, pk: int) -> HttpResponse:
    """One village's list: each row's problems, class, match and status (invoiced, paid months)."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    require_capability(user, "programmes.beneficiaries")  # type: ignore[arg-type]
    choices = _village_choices(user, programme)
    desa = _chosen_village(request, choices)
    tampil = request.GET.get("tampil") if request.GET.get("tampil") in FILTERS else "semua"
    qs = Beneficiary.objects.filter(programme=programme, kode_wilayah=desa)
    counts = qs.aggregate(**_kelas_counts())
    if tampil == "masalah":
        qs = qs.exclude(masalah=[])
    elif tampil == "tinjau":
        qs = qs.filter(match_status=MatchStatus.TINJAU)
    elif tampil != "semua":
        qs = qs.filter(kelas=tampil)
    page = Paginator(_rows_with_status(qs).order_by("baris"), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programmes/village/beneficiaries.html",
        {
            "programme": programme,
            "villages": choices,
            "desa": desa,
            "tampil": tampil,
            "filters": FILTERS,
            "counts": counts,
            "page": page,
            "rows": _decorate(user, list(page.object_list)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def beneficiary_fix_view(request: HttpRequest, pk: int, beneficiary_id: int) -> HttpResponse:
    """Fix one row: a form in place of the row (HTMX) or on its own page; checked again on save."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    require_capability(user, "programmes.beneficiaries")  # type: ignore[arg-type]
    b = _beneficiary_in(request, programme, beneficiary_id)
    htmx = bool(getattr(request, "htmx", False))
    if request.GET.get("batal") and htmx:
        return render(request, "programmes/village/_row.html", {"b": b, "programme": programme})
    initial = {
        "nama": b.nama,
        "tanggal_lahir": b.tanggal_lahir.isoformat() if b.tanggal_lahir else "",
        "jenis_kelamin": b.jenis_kelamin,
        "kode_wilayah": b.kode_wilayah,
        "pekerjaan": b.pekerjaan,
        "unit": b.unit,
    }
    form = FixForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary_fix(beneficiary=b, data=form.cleaned_data, acting_user=user)  # type: ignore[arg-type]
        except CakupanError as exc:
            error = exc
        else:
            b = _beneficiary_in(request, programme, beneficiary_id)
            if htmx:
                return render(
                    request, "programmes/village/_row.html", {"b": b, "programme": programme}
                )
            if b.masalah:
                messages.warning(request, _("Row %(row)s still has problems.") % {"row": b.baris})
            else:
                messages.success(
                    request, _("Row %(row)s is fixed: match the list again.") % {"row": b.baris}
                )
            url = reverse("beneficiary_list", args=[pk])
            return redirect(f"{url}?desa={b.kode_wilayah}&tampil=masalah")
    context = {"b": b, "programme": programme, "form": form, "error": error}
    if htmx:
        return render(request, "programmes/village/_fix_row.html", context)
    return render(request, "programmes/village/fix.html", context)


@require_POST
@login_required
def beneficiary_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Match the valid rows of the lists in the user's region with the registry, then class them."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    try:
        summary = beneficiaries_match(programme=programme, acting_user=user)  # type: ignore[arg-type]
    except CakupanError as exc:
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    else:
        messages.success(
            request,
            _(
                "%(total)s people matched: %(aktif)s already active, %(reaktivasi)s to reactivate, "
                "%(baru)s to register, %(ganda)s sponsored twice, %(tinjau)s to review."
            )
            % {**summary.__dict__, "total": summary.dicocokkan},
        )
    url = reverse("beneficiary_list", args=[pk])
    desa = request.POST.get("desa", "")
    return redirect(f"{url}?desa={desa}" if desa else url)


@require_http_methods(["GET", "POST"])
@login_required
def beneficiary_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The uncertain matches of the programme's lists in the user's region: accept or reject."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    require_capability(user, "linkage.review")  # type: ignore[arg-type]
    codes = [v.kode_wilayah for v in villages_in_scope(user, programme)]  # type: ignore[arg-type]
    queue = Beneficiary.objects.filter(
        programme=programme, kode_wilayah__in=codes, match_status=MatchStatus.TINJAU
    ).order_by("kode_wilayah", "baris")
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a person and a decision."))
            return redirect("beneficiary_review", pk=pk)
        b = queue.filter(pk=form.cleaned_data["penerima"]).first()
        if b is None:
            raise NotFound(apa="Penerima yang menunggu tinjauan", what="Beneficiary to review")
        accept = form.cleaned_data["keputusan"] == "terima"
        try:
            b = beneficiary_review(beneficiary=b, accept=accept, acting_user=user)  # type: ignore[arg-type]
        except CakupanError as exc:
            messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
        else:
            label = _("same person") if accept else _("not the same person")
            messages.success(
                request,
                _("Row %(row)s (%(name)s): %(decision)s, class %(kelas)s.")
                % {
                    "row": b.baris,
                    "name": b.nama,
                    "decision": label,
                    "kelas": b.get_kelas_display(),
                },
            )
        return redirect("beneficiary_review", pk=pk)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _decorate(user, list(page.object_list))
    candidates = {
        p.nik: p
        for p in Participant.objects.filter(nik__in=[b.match_nik for b in rows if b.match_nik])
    }
    names = region_name_map(sorted({p.kode_wilayah for p in candidates.values()}))
    for b in rows:
        c = candidates.get(b.match_nik)
        b.calon = c  # type: ignore[attr-defined]
        if c is not None:
            c.nik_tampil = _nik_shown(user, c.nik)  # type: ignore[attr-defined]
            c.desa = names.get(c.kode_wilayah, c.kode_wilayah)  # type: ignore[attr-defined]
    return render(
        request,
        "programmes/village/review.html",
        {"programme": programme, "page": page, "rows": rows},
    )
