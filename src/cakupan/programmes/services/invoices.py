"""Invoices: what an approved programme owes for one month — the people it protects × its premium."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from cakupan.accounts.scope import Actor
from cakupan.audit.services import audit_record
from cakupan.programmes.errors import InvoiceEmpty, InvoiceExists, MonthOutsideProgramme
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    InvoiceLine,
    Kelas,
    MatchStatus,
    Programme,
    ProgrammeStatus,
)
from cakupan.programmes.services.common import (
    month_first,
    programme_last_month,
    programme_months,
    require_programme_access,
)
from cakupan.programmes.services.programmes import require_status

PROTECTED = (Kelas.BARU, Kelas.REAKTIVASI)


def beneficiaries_to_protect(programme: Programme) -> QuerySet[Beneficiary]:
    """The rows a programme pays for: valid, classed new or reactivate (not active, not sponsored
    twice), and not waiting for review."""
    return (
        programme.beneficiaries.filter(masalah=[], kelas__in=PROTECTED)
        .exclude(match_status=MatchStatus.TINJAU)
        .order_by("kode_wilayah", "baris")
    )


def invoice_number(programme: Programme, bulan: str) -> str:
    return f"INV-{programme.pk}-{bulan.replace('-', '')}"


@transaction.atomic
def invoice_issue(*, programme: Programme, bulan: str, acting_user: Actor) -> Invoice:
    """The invoice of `bulan` for an approved programme: one per month, inside its span."""
    require_programme_access(acting_user, programme, "programmes.payments")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_status(programme, (ProgrammeStatus.APPROVED,), "ditagih", "invoiced")
    month_first(bulan)
    if bulan not in programme_months(programme):
        raise MonthOutsideProgramme(
            bulan=bulan,
            program=programme.nama,
            mulai=programme.bulan_mulai,
            sampai=programme_last_month(programme),
        )
    existing = Invoice.objects.filter(programme=programme, bulan=bulan).first()
    if existing is not None:
        raise InvoiceExists(bulan=bulan, program=programme.nama, nomor=existing.nomor)
    people = list(beneficiaries_to_protect(programme).only("pk"))
    if not people:
        raise InvoiceEmpty(program=programme.nama)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                nomor=invoice_number(programme, bulan),
                programme=programme,
                bulan=bulan,
                peserta=len(people),
                jumlah=len(people) * programme.iuran,
            )
    except IntegrityError:
        raise InvoiceExists(
            bulan=bulan, program=programme.nama, nomor=invoice_number(programme, bulan)
        ) from None
    InvoiceLine.objects.bulk_create(
        (InvoiceLine(invoice=invoice, beneficiary=b, iuran=programme.iuran) for b in people),
        batch_size=500,
    )
    audit_record(
        actor=acting_user,
        action="invoice.issue",
        target=invoice,
        rows=len(people),
        region_code=programme.kode_wilayah,
        detail={"bulan": bulan, "jumlah": invoice.jumlah, "program": programme.pk},
    )
    return invoice


def invoices_issue_all(*, programme: Programme, upto: str, acting_user: Actor) -> list[Invoice]:
    """Every missing invoice of the programme's months up to `upto` (each its own service call)."""
    issued = set(programme.invoices.values_list("bulan", flat=True))
    return [
        invoice_issue(programme=programme, bulan=bulan, acting_user=acting_user)
        for bulan in programme_months(programme)
        if bulan <= upto and bulan not in issued
    ]
