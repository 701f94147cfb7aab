"""Payments: money received for an invoice (typed in or imported). A fully paid invoice makes
its people sponsored for that month (SponsoredMonth), which `sponsorship_apply` writes into the
registry's snapshot of the month, so coverage moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.coverage.facts import facts_refresh
from cakupan.errors import CakupanError
from cakupan.imports.services.cells import parse_date, required
from cakupan.imports.services.problems import CellProblem
from cakupan.imports.services.readers import MissingColumns, UnreadableFile, open_table
from cakupan.lib.names import name_key, name_normal
from cakupan.programmes.errors import (
    AlreadySponsored,
    InvoiceAlreadyPaid,
    InvoiceNotFound,
    PaymentAmountWrong,
    PaymentDateInvalid,
    PaymentFileRejected,
)
from cakupan.programmes.models import (
    Beneficiary,
    Invoice,
    InvoiceStatus,
    Payment,
    SponsoredMonth,
)
from cakupan.programmes.services.beneficiaries import _local_path
from cakupan.programmes.services.common import period_has_snapshot, rp
from cakupan.registry.models import Participant
from cakupan.registry.selectors import period_end

PAYMENT_COLUMNS = ("nomor", "tanggal", "jumlah", "referensi")
PAYMENT_ALIASES = {
    **{c: c for c in PAYMENT_COLUMNS},
    "nomor_tagihan": "nomor",
    "invoice": "nomor",
    "invoice_number": "nomor",
    "date": "tanggal",
    "tanggal_bayar": "tanggal",
    "amount": "jumlah",
    "reference": "referensi",
    "ref": "referensi",
}
MAX_AMOUNT = 10**15


def _difference(jumlah: int, tagihan: int) -> tuple[str, str]:
    if jumlah < tagihan:
        return f"kurang Rp{rp(tagihan - jumlah)}", f"Rp{rp(tagihan - jumlah)} is missing"
    return f"lebih Rp{rp(jumlah - tagihan)}", f"Rp{rp(jumlah - tagihan)} too much"


def _invoice_for_payment(nomor: str, jumlah: int, tanggal: date, actor: Actor) -> Invoice:
    """The invoice `nomor` (locked), if `actor` may pay it and a payment of `jumlah` on `tanggal`
    settles it; else the error."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("programme")
        .filter(nomor=nomor.strip())
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(nomor=nomor.strip()[:40])
    require_scope(actor, invoice.programme.kode_wilayah)
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceAlreadyPaid(nomor=invoice.nomor)
    if tanggal > date.today():
        raise PaymentDateInvalid(tanggal=tanggal.isoformat())
    paid = invoice.payments.aggregate(total=Sum("jumlah"))["total"] or 0
    owed = invoice.jumlah - paid
    if jumlah != owed:
        selisih_id, difference = _difference(jumlah, owed)
        raise PaymentAmountWrong(
            jumlah=rp(jumlah),
            nomor=invoice.nomor,
            tagihan=rp(owed),
            selisih_id=selisih_id,
            difference=difference,
        )
    return invoice


def _participants_for(rows: list[Beneficiary]) -> None:
    """Give every row its participant: the matched one, an existing one with its NIK, or a new
    one registered from the row (the BPU registration of the enrolment file)."""
    wanted = {b.pk: b.match_nik or b.nik for b in rows if b.participant_id is None}
    known = dict(Participant.objects.filter(nik__in=set(wanted.values())).values_list("nik", "id"))
    missing: dict[str, Beneficiary] = {}
    for b in rows:
        nik = wanted.get(b.pk)
        if nik and nik not in known:
            missing.setdefault(nik, b)
    created = Participant.objects.bulk_create(
        [
            Participant(
                nik=nik,
                nama=b.nama,
                nama_cari=name_normal(b.nama)[:200],
                nama_kunci=name_key(b.nama)[:200],
                tanggal_lahir=b.tanggal_lahir,
                jenis_kelamin=b.jenis_kelamin,
                kode_wilayah=b.kode_wilayah,
            )
            for nik, b in missing.items()
        ],
        batch_size=500,
    )
    if created and created[0].pk is None:  # backends without RETURNING for bulk inserts
        known.update(Participant.objects.filter(nik__in=missing).values_list("nik", "id"))
    else:
        known.update({p.nik: p.pk for p in created})
    for b in rows:
        if b.pk in wanted:
            b.participant_id = known[wanted[b.pk]]
    Beneficiary.objects.bulk_update([b for b in rows if b.pk in wanted], ["participant"], 500)


def _sponsor_month(invoice: Invoice) -> int:
    """SponsoredMonth rows for every line of a paid invoice; refused if someone on it is already
    sponsored that month (by another programme, or twice on this invoice)."""
    rows = list(
        Beneficiary.objects.filter(pk__in=invoice.lines.values("beneficiary_id")).order_by("pk")
    )
    _participants_for(rows)
    ids = [b.participant_id for b in rows]
    clash = (
        SponsoredMonth.objects.filter(periode=invoice.bulan, participant_id__in=ids)
        .select_related("programme", "beneficiary")
        .first()
    )
    if clash is not None or len(set(ids)) != len(ids):
        count = SponsoredMonth.objects.filter(periode=invoice.bulan, participant_id__in=ids).count()
        example = clash.beneficiary if clash else rows[0]
        raise AlreadySponsored(
            jumlah=count or len(ids) - len(set(ids)),
            nomor=invoice.nomor,
            bulan=invoice.bulan,
            baris=example.baris,
            desa=example.kode_wilayah,
            program=clash.programme.nama if clash else invoice.programme.nama,
        )
    SponsoredMonth.objects.bulk_create(
        (
            SponsoredMonth(
                participant_id=b.participant_id,
                periode=invoice.bulan,
                programme_id=invoice.programme_id,
                beneficiary=b,
                invoice=invoice,
            )
            for b in rows
        ),
        batch_size=500,
    )
    return len(rows)


@transaction.atomic
def payment_record(
    *,
    nomor: str,
    tanggal: date,
    jumlah: int,
    referensi: str = "",
    acting_user: Actor,
    metode: str = "manual",
) -> Payment:
    """Record a payment of invoice `nomor`; it must equal what the invoice still owes.

    Paid in full: the invoice is `lunas`, its people are sponsored for its month and, when the
    registry has that month's snapshot, applied to it and the month's coverage facts refreshed —
    all in this transaction. Any refusal leaves everything as it was.
    """
    return _payment_record(
        nomor=nomor,
        tanggal=tanggal,
        jumlah=jumlah,
        referensi=referensi,
        acting_user=acting_user,
        metode=metode,
        apply=True,
    )


def _payment_record(
    *,
    nomor: str,
    tanggal: date,
    jumlah: int,
    referensi: str,
    acting_user: Actor,
    metode: str,
    apply: bool,
) -> Payment:
    require_capability(acting_user, "programmes.payments")
    invoice = _invoice_for_payment(nomor, int(jumlah), tanggal, acting_user)
    payment = Payment.objects.create(
        invoice=invoice,
        tanggal=tanggal,
        jumlah=int(jumlah),
        referensi=referensi.strip()[:100],
        metode=metode,
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    invoice.status = InvoiceStatus.PAID
    invoice.save(update_fields=["status"])
    people = _sponsor_month(invoice)
    applied = None
    if apply and period_has_snapshot(invoice.bulan):
        applied = sponsorship_apply(invoice.bulan)
        facts_refresh(invoice.bulan)
    audit_record(
        actor=acting_user,
        action="payment.record",
        target=payment,
        rows=people,
        region_code=invoice.programme.kode_wilayah,
        detail={
            "nomor": invoice.nomor,
            "jumlah": int(jumlah),
            "metode": metode,
            "bulan": invoice.bulan,
            "diterapkan": applied,
        },
    )
    return payment


def sponsorship_apply(periode: str) -> int:
    """Write the paid months of `periode` into the registry's snapshot of that period, if it has
    one: each sponsored person's membership becomes BPU with the programme's package, income and
    village, paid through at least `periode` (set-based). Returns the number of people applied.

    A membership already active in `periode` in another segment (a wage earner) is left alone.
    Does not refresh the coverage facts: the caller does.
    """
    if not period_has_snapshot(periode):
        return 0
    end = period_end(periode)
    start_of_programme = (
        "CAST(pg.bulan_mulai || '-01' AS date)"
        if connection.vendor == "postgresql"
        else "pg.bulan_mulai || '-01'"
    )
    with connection.cursor() as c:
        c.execute(
            f"""INSERT INTO registry_membership
                  (periode, participant_id, kpj, segmen, employer_id, kode_wilayah, jenis_kelamin,
                   tanggal_lahir, pekerjaan, program, upah, tmt, bulan_iuran_terakhir)
                SELECT %s, sm.participant_id, '', 'BPU', NULL, b.kode_wilayah,
                       coalesce(nullif(p.jenis_kelamin, ''), b.jenis_kelamin),
                       coalesce(p.tanggal_lahir, b.tanggal_lahir), b.pekerjaan, pg.program,
                       pg.penghasilan, {start_of_programme}, %s
                FROM programmes_sponsoredmonth sm
                JOIN programmes_programme pg ON pg.id = sm.programme_id
                JOIN programmes_beneficiary b ON b.id = sm.beneficiary_id
                JOIN registry_participant p ON p.id = sm.participant_id
                WHERE sm.periode = %s ORDER BY sm.participant_id
                ON CONFLICT (periode, participant_id) DO UPDATE SET
                  segmen = 'BPU', employer_id = NULL, program = excluded.program,
                  upah = excluded.upah, kode_wilayah = excluded.kode_wilayah,
                  tmt = CASE WHEN registry_membership.tmt > %s THEN excluded.tmt
                             ELSE registry_membership.tmt END,
                  bulan_iuran_terakhir = CASE
                    WHEN registry_membership.bulan_iuran_terakhir > excluded.bulan_iuran_terakhir
                    THEN registry_membership.bulan_iuran_terakhir
                    ELSE excluded.bulan_iuran_terakhir END
                WHERE NOT (registry_membership.segmen <> 'BPU'
                           AND registry_membership.tmt <= %s
                           AND registry_membership.bulan_iuran_terakhir >= %s)""",
            [periode, periode, periode, end, end, periode],
        )
        return max(c.rowcount, 0)


@dataclass(frozen=True)
class PaymentImportResult:
    """What a payment file recorded: every payment, or (refused) nothing."""

    payments: tuple[Payment, ...]
    jumlah: int


def _problem(baris: int, kolom: str, error: CakupanError) -> dict[str, Any]:
    return {
        "baris": baris,
        "kolom": kolom,
        "kode": error.kode,
        "pesan": error.pesan_id,
        "message": error.message_en,
    }


def _amount(value: str) -> int:
    text = value.replace(" ", "").replace("Rp", "").replace("rp", "")
    if text.count(".") > 0 and all(len(p) == 3 for p in text.split(".")[1:]):
        text = text.replace(".", "")
    if text.count(",") > 0 and all(len(p) == 3 for p in text.split(",")[1:]):
        text = text.replace(",", "")
    if not text.isdigit() or not 0 < int(text) < MAX_AMOUNT:
        raise CellProblem(
            "jumlah_tidak_valid",
            f"Kolom jumlah: {value!r} bukan jumlah rupiah yang sah (angka bulat di atas 0).",
            f"Column jumlah: {value!r} is not a valid amount of rupiah (a whole number above 0).",
        )
    return int(text)


@transaction.atomic
def payments_import(*, file: Any, acting_user: Actor) -> PaymentImportResult:
    """Record every payment of a CSV/XLSX file (`nomor,tanggal,jumlah,referensi`), all or
    nothing: any problem (named by row and column) refuses the whole file."""
    require_capability(acting_user, "programmes.payments")
    with _local_path(file) as (path, name):
        try:
            table = open_table(
                path, aliases=PAYMENT_ALIASES, required=PAYMENT_COLUMNS[:3], display_name=name
            )
            rows = list(table.rows)
        except (MissingColumns, UnreadableFile) as exc:
            raise PaymentFileRejected(
                problems=[_problem(0, "", exc)],
                berkas=name,
                jumlah=1,
                rinci_id=exc.pesan_id,
                details=exc.message_en,
            ) from exc
    problems: list[dict[str, Any]] = []
    parsed: list[tuple[int, str, date, int, str]] = []
    seen: dict[str, int] = {}
    for baris, row in rows:
        before = len(problems)
        nomor = row.get("nomor", "").strip()
        if not nomor:
            problems.append(_problem(baris, "nomor", required("nomor")))
        elif nomor in seen:
            problems.append(
                _problem(
                    baris,
                    "nomor",
                    CellProblem(
                        "tagihan_ganda_di_berkas",
                        f"Kolom nomor: tagihan {nomor} sudah dibayar di baris {seen[nomor]} berkas ini.",
                        f"Column nomor: invoice {nomor} is already paid in row {seen[nomor]} of this file.",
                    ),
                )
            )
        seen.setdefault(nomor, baris)
        tanggal = jumlah = None
        try:
            tanggal = parse_date(row.get("tanggal", ""), "tanggal") if row.get("tanggal") else None
            if tanggal is None:
                problems.append(_problem(baris, "tanggal", required("tanggal")))
        except CakupanError as error:
            problems.append(_problem(baris, "tanggal", error))
        try:
            jumlah = _amount(row.get("jumlah", "")) if row.get("jumlah") else None
            if jumlah is None:
                problems.append(_problem(baris, "jumlah", required("jumlah")))
        except CakupanError as error:
            problems.append(_problem(baris, "jumlah", error))
        if len(problems) == before and tanggal and jumlah:
            try:
                _invoice_for_payment(nomor, jumlah, tanggal, acting_user)
            except CakupanError as error:
                kolom = (
                    "jumlah"
                    if isinstance(error, PaymentAmountWrong)
                    else ("tanggal" if isinstance(error, PaymentDateInvalid) else "nomor")
                )
                problems.append(_problem(baris, kolom, error))
            else:
                parsed.append((baris, nomor, tanggal, jumlah, row.get("referensi", "")))
    if not rows:
        problems.append(
            _problem(
                0,
                "",
                CellProblem(
                    "berkas_kosong", "Berkas tidak berisi baris data.", "The file has no data rows."
                ),
            )
        )
    if problems:
        first = problems[:3]
        raise PaymentFileRejected(
            problems=problems,
            berkas=name,
            jumlah=len(problems),
            rinci_id=" ".join(
                f"Baris {p['baris']}, kolom {p['kolom']}: {p['pesan']}" for p in first
            ),
            details=" ".join(
                f"Row {p['baris']}, column {p['kolom']}: {p['message']}" for p in first
            ),
        )
    payments = []
    for baris, nomor, tanggal, jumlah, referensi in parsed:
        try:
            payments.append(
                _payment_record(
                    nomor=nomor,
                    tanggal=tanggal,
                    jumlah=jumlah,
                    referensi=referensi,
                    acting_user=acting_user,
                    metode="impor",
                    apply=False,
                )
            )
        except CakupanError as error:
            raise PaymentFileRejected(
                problems=[_problem(baris, "nomor", error)],
                berkas=name,
                jumlah=1,
                rinci_id=f"Baris {baris}: {error.pesan_id}",
                details=f"Row {baris}: {error.message_en}",
            ) from error
    for bulan in sorted({p.invoice.bulan for p in payments}):
        if period_has_snapshot(bulan):  # once per month, not once per payment
            sponsorship_apply(bulan)
            facts_refresh(bulan)
    audit_record(
        actor=acting_user,
        action="payment.import",
        rows=len(payments),
        detail={"berkas": name, "jumlah": sum(p.jumlah for p in payments)},
    )
    return PaymentImportResult(payments=tuple(payments), jumlah=sum(p.jumlah for p in payments))
