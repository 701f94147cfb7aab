"""The village side's money and hand-over: a programme's invoices, payments (one or a file), the
enrolment file for the BPJS office, and who needs renewing after a month."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cakupan.accounts.scope import require_capability
from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError
from cakupan.lib.tabular import tabular_response
from cakupan.programmes.forms import InvoiceForm, MonthForm, PaymentForm, PaymentImportForm
from cakupan.programmes.models import Invoice, InvoiceStatus, ProgrammeStatus, SponsoredMonth
from cakupan.programmes.services.common import (
    period_has_snapshot,
    programme_get,
    programme_months,
    programmes_for,
)
from cakupan.programmes.services.enrolment import enrolment_file, renewals_due
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.payments import payment_record, payments_import
from cakupan.programmes.views_village import _can, _decorate, _nik_shown
from cakupan.regions.selectors import within_q


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
