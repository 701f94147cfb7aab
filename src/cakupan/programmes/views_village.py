"""The village side of sponsored protection: a village operator's programmes, the list template,
upload, row-by-row fixes, matches and their review, each person's status; and, for officers
holding the capability, approval, invoices, payments, the enrolment file and renewals.

Thin views: forms parse, the services in `programmes/services/` decide and audit. NIKs are masked
unless the role has `nik.view`, and never appear in a URL (rows are addressed by their id).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.accounts.scope import in_scope, require_capability
from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError, NotFound
from cakupan.lib.masking import mask_nik
from cakupan.lib.tabular import tabular_response
from cakupan.programmes import rates
from cakupan.programmes.forms import (
    FixForm,
    FundingForm,
    InvoiceForm,
    MonthForm,
    PaymentForm,
    PaymentImportForm,
    ProgrammeForm,
    RejectForm,
    ReviewForm,
    SponsorForm,
    UploadForm,
    fundings_for,
)
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Kelas,
    MatchStatus,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
    Sponsor,
    SponsoredMonth,
)
from cakupan.programmes.services.beneficiaries import (
    beneficiaries_match,
    beneficiaries_upload,
    beneficiary_fix,
    beneficiary_review,
    beneficiary_template_xlsx,
)
from cakupan.programmes.services.common import (
    month_add,
    month_first,
    period_has_snapshot,
    programme_get,
    programme_months,
    programmes_for,
    villages_in_scope,
)
from cakupan.programmes.services.enrolment import enrolment_file, renewals_due
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import payment_record, payments_import
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
from cakupan.registry.models import Participant

PAGE_SIZE = 25
ROWS_PER_PAGE = 100
FILTERS = ("semua", "masalah", "tinjau", "aktif", "reaktivasi", "baru", "ganda")


# --- helpers -------------------------------------------------------------------------------------


def _nik_shown(user: Any, nik: str) -> str:
    return nik if user.can("nik.view") else mask_nik(nik)


def _can(user: Any, programme: Programme, capability: str) -> bool:
    """The capability, with the whole programme in the user's region (whole-programme actions)."""
    return user.can(capability) and in_scope(user, programme.kode_wilayah)


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


# --- beneficiary lists -----------------------------------------------------------------------------


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


def _decorate(user: Any, rows: list[Beneficiary]) -> list[Beneficiary]:
    for b in rows:
        b.nik_tampil = _nik_shown(user, b.nik) if b.nik else ""  # type: ignore[attr-defined]
    return rows


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


# --- invoices, payments, enrolment, renewals ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def programme_invoices(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme's invoices by month; payments holders issue the next one."""
    user = request.user
    programme = programme_get(actor=user, pk=pk)  # type: ignore[arg-type]
    invoices = list(programme.invoices.order_by("bulan"))
    issued = {i.bulan for i in invoices}
    open_months = [m for m in programme_months(programme) if m not in issued]
    can_pay = _can(user, programme, "programmes.payments")
    form = InvoiceForm(request.POST or None, months=open_months)
    error = None
    if request.method == "POST":
        require_capability(user, "programmes.payments")  # type: ignore[arg-type]
        if form.is_valid():
            try:
                invoice = invoice_issue(
                    programme=programme,
                    bulan=form.cleaned_data["bulan"],
                    acting_user=user,  # type: ignore[arg-type]
                )
            except CakupanError as exc:
                error = exc
            else:
                messages.success(
                    request,
                    _("Invoice %(number)s issued: %(people)s people, Rp%(amount)s.")
                    % {
                        "number": invoice.nomor,
                        "people": invoice.peserta,
                        "amount": f"{invoice.jumlah:,}".replace(",", "."),
                    },
                )
                return redirect("programme_invoices", pk=pk)
    return render(
        request,
        "programmes/village/invoices.html",
        {
            "programme": programme,
            "invoices": invoices,
            "form": form,
            "open_months": open_months,
            "can_pay": can_pay,
            "approved": programme.status == ProgrammeStatus.APPROVED,
            "error": error,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_payments(request: HttpRequest) -> HttpResponse:
    """Record one payment, or import a payment file (all or nothing); below, unpaid invoices."""
    user = request.user
    require_capability(user, "programmes.payments")  # type: ignore[arg-type]
    aksi = request.POST.get("aksi")
    payment_form = PaymentForm(
        request.POST if aksi == "catat" else None,
        initial={"nomor": request.GET.get("nomor", ""), "tanggal": timezone.localdate()},
    )
    import_form = PaymentImportForm(
        request.POST if aksi == "impor" else None, request.FILES if aksi == "impor" else None
    )
    error = None
    problems: list[dict[str, Any]] = []
    try:
        if aksi == "catat" and payment_form.is_valid():
            payment = payment_record(**payment_form.cleaned_data, acting_user=user)  # type: ignore[arg-type]
            _paid_message(request, [payment.invoice])
            return redirect("programme_payments")
        if aksi == "impor" and import_form.is_valid():
            result = payments_import(file=import_form.cleaned_data["file"], acting_user=user)  # type: ignore[arg-type]
            _paid_message(request, [p.invoice for p in result.payments])
            return redirect("programme_payments")
    except CakupanError as exc:
        error = exc
        problems = getattr(exc, "problems", [])
    unpaid = (
        Invoice.objects.filter(
            programme__in=programmes_for(user).values("pk"),  # type: ignore[arg-type]
            status=InvoiceStatus.ISSUED,
        )
        .select_related("programme")
        .order_by("bulan", "nomor")[:100]
    )
    return render(
        request,
        "programmes/village/payments.html",
        {
            "payment_form": payment_form,
            "import_form": import_form,
            "error": error,
            "problems": problems,
            "unpaid": unpaid,
        },
    )


def _paid_message(request: HttpRequest, invoices: list[Invoice]) -> None:
    for invoice in invoices:
        values = {"number": invoice.nomor, "people": invoice.peserta, "month": invoice.bulan}
        if period_has_snapshot(invoice.bulan):
            messages.success(
                request,
                _(
                    "Invoice %(number)s paid: %(people)s people are protected in %(month)s, and "
                    "the coverage of their villages is updated."
                )
                % values,
            )
        else:
            messages.success(
                request,
                _(
                    "Invoice %(number)s paid: %(people)s people are protected in %(month)s. "
                    "Coverage will show them once the BPJS snapshot of %(month)s is imported."
                )
                % values,
            )


@require_GET
@login_required
def programme_enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    """The enrolment file for the BPJS office (CSV or XLSX), audited; NIKs masked unless the role
    may see them."""
    programme = programme_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    filename, content = enrolment_file(programme=programme, acting_user=request.user, format=fmt)  # type: ignore[arg-type]
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


RENEWAL_COLUMNS = ("program", "kode_wilayah", "baris", "nama", "nik", "bulan_terakhir", "iuran")


@require_GET
@login_required
def programme_renewals(request: HttpRequest) -> HttpResponse:
    """Who loses protection after a month, per programme, and what renewing costs (page or CSV)."""
    user = request.user
    require_capability(user, "programmes.beneficiaries")  # type: ignore[arg-type]
    latest = SponsoredMonth.objects.filter(
        within_q("beneficiary__kode_wilayah", user.region_code)
    ).aggregate(last=Max("periode"))["last"]  # type: ignore[attr-defined]
    form = MonthForm(request.GET or None, initial={"bulan": latest or ""})
    bulan = form.cleaned_data["bulan"] if form.is_valid() else latest
    renewals = renewals_due(actor=user, bulan=bulan) if bulan else []  # type: ignore[arg-type]
    if request.GET.get("format") == "csv" and bulan:
        rows = [
            (
                r.programme.nama,
                b.kode_wilayah,
                b.baris,
                b.nama,
                _nik_shown(user, b.nik),
                r.bulan,
                r.iuran,
            )
            for r in renewals
            for b in r.beneficiaries
        ]
        audit_record(
            actor=user,
            action="export",
            rows=len(rows),
            request=request,
            detail={"what": "renewals", "bulan": bulan},
        )
        return tabular_response(
            filename=f"perpanjangan-{bulan}", columns=RENEWAL_COLUMNS, rows=rows, fmt="csv"
        )
    for r in renewals:
        _decorate(user, list(r.beneficiaries))
    return render(
        request,
        "programmes/village/renewals.html",
        {
            "form": form,
            "bulan": bulan,
            "renewals": renewals,
            "total_bulan": sum(r.biaya_bulan for r in renewals),
            "total_12": sum(r.biaya_12_bulan for r in renewals),
        },
    )
