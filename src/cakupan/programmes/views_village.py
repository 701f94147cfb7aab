"""The village side of sponsored protection: a village operator's programmes (list, detail,
create, sponsors and funding lines) and, for officers holding the capability, submission,
approval and rejection. Beneficiary lists are in `views_beneficiaries`; invoices, payments, the
enrolment file and renewals in `views_payments`.

Thin views: forms parse, the services in `programmes/services/` decide and audit. NIKs are masked
unless the role has `nik.view`, and never appear in a URL (rows are addressed by their id).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.accounts.scope import in_scope, require_capability
from cakupan.errors import CakupanError
from cakupan.lib.masking import mask_nik
from cakupan.programmes import rates
from cakupan.programmes.forms import (
    FundingForm,
    ProgrammeForm,
    RejectForm,
    SponsorForm,
    fundings_for,
)
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    InvoiceStatus,
    Kelas,
    MatchStatus,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
    Sponsor,
)
from cakupan.programmes.services.common import (
    month_add,
    month_first,
    programme_get,
    programmes_for,
    villages_in_scope,
)
from cakupan.programmes.services.programmes import (
    budget_preview,
    programme_approve,
    programme_budget,
    programme_create,
    programme_reject,
    programme_submit,
)
from cakupan.programmes.services.sponsors import funding_create, sponsor_create
from cakupan.regions.selectors import code_level, region_name_map, within_q

PAGE_SIZE = 25


# --- helpers -------------------------------------------------------------------------------------


def _nik_shown(user: Any, nik: str) -> str:
    return nik if user.can("nik.view") else mask_nik(nik)


def _can(user: Any, programme: Programme, capability: str) -> bool:
    """The capability, with the whole programme in the user's region (whole-programme actions)."""
    return user.can(capability) and in_scope(user, programme.kode_wilayah)


def _villages_text(user: Any) -> str:
    region = user.region_code
    return region if region and code_level(region) == "village" else ""


def _kelas_counts() -> dict[str, Any]:
    return {
        "penerima": Count("id"),
        "bermasalah": Count("id", filter=~Q(masalah=[])),
        "dicocokkan": Count("id", filter=Q(masalah=[]) & ~Q(match_status="")),
        "tinjau": Count("id", filter=Q(match_status=MatchStatus.TINJAU)),
        **{k: Count("id", filter=Q(kelas=k)) for k in Kelas.values},
    }


def _decorate(user: Any, rows: list[Beneficiary]) -> list[Beneficiary]:
    for b in rows:
        b.nik_tampil = _nik_shown(user, b.nik) if b.nik else ""  # type: ignore[attr-defined]
    return rows


# --- programmes ------------------------------------------------------------------------------------


@require_GET
@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """The programmes of the user's villages: status, quota, budget, list and match counts,
    invoices paid."""
    user = request.user
    require_capability(user, "programmes.view")  # type: ignore[arg-type]
    qs = programmes_for(user).select_related("sponsor", "funding").order_by("-created_at", "id")  # type: ignore[arg-type]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = list(page.object_list)
    ids = [p.pk for p in programmes]
    scope = within_q("kode_wilayah", user.region_code)  # type: ignore[attr-defined]
    quota = dict(
        ProgrammeVillage.objects.filter(programme__in=ids)
        .values("programme_id")
        .annotate(total=Sum("kuota"))
        .values_list("programme_id", "total")
    )
    own_quota = dict(
        ProgrammeVillage.objects.filter(scope, programme__in=ids)
        .values("programme_id")
        .annotate(total=Sum("kuota"))
        .values_list("programme_id", "total")
    )
    people = {
        r["programme_id"]: r
        for r in Beneficiary.objects.filter(scope, programme__in=ids)
        .values("programme_id")
        .annotate(**_kelas_counts())
    }
    invoices = {
        r["programme_id"]: r
        for r in Invoice.objects.filter(programme__in=ids)
        .values("programme_id")
        .annotate(terbit=Count("id"), lunas=Count("id", filter=Q(status=InvoiceStatus.PAID)))
    }
    for p in programmes:
        p.kuota_total = quota.get(p.pk, 0)  # type: ignore[attr-defined]
        p.kuota_desa = own_quota.get(p.pk, 0)  # type: ignore[attr-defined]
        p.anggaran = p.kuota_total * p.iuran * p.durasi_bulan  # type: ignore[attr-defined]
        p.hitungan = people.get(p.pk, {})  # type: ignore[attr-defined]
        p.tagihan = invoices.get(p.pk, {})  # type: ignore[attr-defined]
    return render(
        request,
        "programmes/village/list.html",
        {
            "page": page,
            "programmes": programmes,
            "can_create": user.can("programmes.manage"),  # type: ignore[attr-defined]
            "can_pay": user.can("programmes.payments"),  # type: ignore[attr-defined]
        },
    )


@require_GET
@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One programme: its sponsor, premium and legal basis, budget, villages, invoices, actions."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    budget = programme_budget(programme)
    premium = None
    try:
        premium = rates.premium_monthly(
            on=month_first(programme.bulan_mulai),
            program=programme.program,
            penghasilan=programme.penghasilan,
        )
    except CakupanError:
        premium = None
    villages = villages_in_scope(user, programme)  # type: ignore[arg-type]
    codes = [v.kode_wilayah for v in villages]
    names = region_name_map(codes)
    counts = {
        r["kode_wilayah"]: r
        for r in Beneficiary.objects.filter(programme=programme, kode_wilayah__in=codes)
        .values("kode_wilayah")
        .annotate(**_kelas_counts())
    }
    for v in villages:
        v.nama = names.get(v.kode_wilayah, "")  # type: ignore[attr-defined]
        v.hitungan = counts.get(v.kode_wilayah, {})  # type: ignore[attr-defined]
    invoices = list(programme.invoices.order_by("bulan"))
    not_approved = programme.status != ProgrammeStatus.APPROVED
    return render(
        request,
        "programmes/village/detail.html",
        {
            "programme": programme,
            "budget": budget,
            "premium": premium,
            "sampai": month_add(programme.bulan_mulai, programme.durasi_bulan - 1),
            "villages": villages,
            "invoices": invoices,
            "reject_form": RejectForm(),
            "can_upload": user.can("programmes.beneficiaries") and not_approved,  # type: ignore[attr-defined]
            "can_list": user.can("programmes.beneficiaries"),  # type: ignore[attr-defined]
            "can_submit": _can(user, programme, "programmes.manage")
            and programme.status in (ProgrammeStatus.DRAFT, ProgrammeStatus.REJECTED),
            "can_approve": _can(user, programme, "programmes.approve")
            and programme.status in (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED),
            "can_pay": _can(user, programme, "programmes.payments"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_create_view(request: HttpRequest) -> HttpResponse:
    """Create a programme; "Calculate" shows its premium and budget first, saving nothing."""
    user = request.user
    require_capability(user, "programmes.manage")  # type: ignore[arg-type]
    fundings = fundings_for(user)  # type: ignore[arg-type]
    initial = {
        "villages": _villages_text(user),
        "bulan_mulai": month_add(timezone.localdate().strftime("%Y-%m"), 1),
        "program": "JKK,JKM",
    }
    form = ProgrammeForm(request.POST or None, fundings=fundings, initial=initial)
    preview = error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        funding = data["funding"]
        try:
            if request.POST.get("aksi") == "simpan":
                programme = programme_create(
                    sponsor=funding.sponsor,
                    funding=funding,
                    nama=data["nama"],
                    kelompok_sasaran=data["kelompok_sasaran"],
                    villages=data["village_quotas"],
                    program=data["program"],
                    penghasilan=data["penghasilan"],
                    bulan_mulai=data["bulan_mulai"],
                    durasi_bulan=data["durasi_bulan"],
                    acting_user=user,  # type: ignore[arg-type]
                )
                messages.success(
                    request,
                    _("Programme %(name)s saved as a draft: upload its lists, then submit it.")
                    % {"name": programme.nama},
                )
                return redirect("programme_detail", pk=programme.pk)
            premium, budget = budget_preview(
                funding=funding,
                villages=data["village_quotas"],
                program=data["program"],
                penghasilan=data["penghasilan"],
                bulan_mulai=data["bulan_mulai"],
                durasi_bulan=data["durasi_bulan"],
            )
            preview = {"premium": premium, "budget": budget}
        except CakupanError as exc:
            error = exc
    return render(
        request,
        "programmes/village/create.html",
        {"form": form, "preview": preview, "error": error, "has_fundings": fundings.exists()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_sponsor_create(request: HttpRequest) -> HttpResponse:
    """Add a sponsor, or a funding line (source, fiscal year, amount) to one."""
    user = request.user
    require_capability(user, "programmes.manage")  # type: ignore[arg-type]
    sponsors = Sponsor.objects.filter(within_q("kode_wilayah", user.region_code))  # type: ignore[attr-defined]
    aksi = request.POST.get("aksi")
    sponsor_form = SponsorForm(
        request.POST if aksi == "sponsor" else None,
        initial={"kode_wilayah": user.region_code or "", "jenis": "desa"},  # type: ignore[attr-defined]
    )
    funding_form = FundingForm(
        request.POST if aksi == "dana" else None,
        sponsors=sponsors,
        initial={"tahun_anggaran": timezone.localdate().year, "sumber": "ADD"},
    )
    error = None
    try:
        if aksi == "sponsor" and sponsor_form.is_valid():
            sponsor = sponsor_create(**sponsor_form.cleaned_data, acting_user=user)  # type: ignore[arg-type]
            messages.success(
                request,
                _("Sponsor %(name)s added: now give it a funding line.") % {"name": sponsor.nama},
            )
            return redirect("programme_sponsor_create")
        if aksi == "dana" and funding_form.is_valid():
            funding_create(**funding_form.cleaned_data, acting_user=user)  # type: ignore[arg-type]
            messages.success(request, _("Funding line added: now create the programme."))
            return redirect("programme_create")
    except CakupanError as exc:
        error = exc
    fundings = fundings_for(user)  # type: ignore[arg-type]
    return render(
        request,
        "programmes/village/sponsor.html",
        {
            "sponsor_form": sponsor_form,
            "funding_form": funding_form,
            "fundings": fundings,
            "error": error,
        },
    )


def _programme_action(
    request: HttpRequest, pk: int, act: Any, done: str, **kwargs: Any
) -> HttpResponse:
    programme = programme_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
    try:
        programme = act(programme=programme, acting_user=request.user, **kwargs)
    except CakupanError as exc:
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
    else:
        messages.success(request, done % {"name": programme.nama})
    return redirect("programme_detail", pk=pk)


@require_POST
@login_required
def programme_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_action(
        request, pk, programme_submit, _("Programme %(name)s submitted for approval.")
    )


@require_POST
@login_required
def programme_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_action(request, pk, programme_approve, _("Programme %(name)s approved."))


@require_POST
@login_required
def programme_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for rejecting the programme."))
        return redirect("programme_detail", pk=pk)
    return _programme_action(
        request,
        pk,
        programme_reject,
        _("Programme %(name)s rejected and sent back."),
        alasan=form.cleaned_data["alasan"],
    )
