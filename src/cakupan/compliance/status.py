"""Compliance status of every employer and licensed business in a period, with its reasons.

`status_refresh(periode)` recomputes a whole period set-based:
1. one aggregate over the period's memberships per employer (a join to the minimum wage of the
   employer's regency, else its province, for the period's year): active workers, active workers
   paid below the minimum wage, active workers missing a programme their employer's size class
   requires, and the last month paid by any of its workers;
2. the licensing list's declared worker counts for matched businesses;
3. one status row per employer and per unmatched business with workers, reasons worst first.
The loop in step 3 runs over employers (tens of thousands), never over participants.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from cakupan.compliance.certificates import certificates_revoke_changed
from cakupan.compliance.models import (
    STATUS_ORDER,
    Business,
    ComplianceStatus,
    MinimumWage,
    Status,
)
from cakupan.coverage.palette import format_number
from cakupan.registry.models import Employer
from cakupan.registry.selectors import period_end, period_parse

# Programmes an employer must give its wage earners, by size class (domain-sources.md §1: large
# and medium: JKK, JKM, JHT, JP; micro and small at least JKK, JKM, JHT). Unknown size: JKK+JKM.
REQUIRED_PROGRAMS = {
    "besar": ("JKK", "JKM", "JHT", "JP"),
    "menengah": ("JKK", "JKM", "JHT", "JP"),
    "kecil": ("JKK", "JKM", "JHT"),
    "mikro": ("JKK", "JKM", "JHT"),
    "": ("JKK", "JKM"),
}
_WAGES = "compliance_wage_stage"


def _reason(kode: str, pesan: str, message: str) -> dict[str, str]:
    return {"kode": kode, "pesan": pesan, "message": message}


def _months_between(earlier: str, later: str) -> int:
    ey, em = period_parse(earlier)
    ly, lm = period_parse(later)
    return (ly - ey) * 12 + (lm - em)


def wage_in_force(year: int) -> dict[str, float]:
    """Minimum wage per region code for `year`: each region's figure for that year, or its
    latest earlier one (a wage stays in force until a new decree)."""
    wages: dict[str, tuple[int, float]] = {}
    for w in MinimumWage.objects.filter(tahun__lte=year).order_by("tahun"):
        wages[w.kode_wilayah] = (w.tahun, float(w.upah_minimum))
    return {code: upah for code, (_, upah) in wages.items()}


def _missing_program_sql() -> str:
    """SQL: 1 when a membership lacks a programme its employer's size class requires."""
    cases = []
    for skala, programs in REQUIRED_PROGRAMS.items():
        lacks = " OR ".join(f"(',' || m.program || ',') NOT LIKE '%%,{p},%%'" for p in programs)
        cases.append(
            f"WHEN coalesce(e.skala, '') = '{skala}' THEN CASE WHEN {lacks} THEN 1 ELSE 0 END"
        )
    return f"CASE {' '.join(cases)} ELSE 0 END"


def _employer_aggregates(periode: str, wages: dict[str, float]) -> dict[int, tuple]:
    end = period_end(periode)
    with connection.cursor() as c:
        c.execute(f"DROP TABLE IF EXISTS {_WAGES}")
        c.execute(
            f"CREATE TEMPORARY TABLE {_WAGES} (kode varchar(13) PRIMARY KEY, upah double precision)"
        )
        if wages:
            c.executemany(f"INSERT INTO {_WAGES} VALUES (%s, %s)", list(wages.items()))
        active = "m.tmt <= %s AND m.bulan_iuran_terakhir >= %s"
        c.execute(
            f"""SELECT m.employer_id,
                  sum(CASE WHEN {active} THEN 1 ELSE 0 END),
                  sum(CASE WHEN {active} AND m.upah IS NOT NULL
                           AND m.upah < coalesce(wr.upah, wp.upah) THEN 1 ELSE 0 END),
                  sum(CASE WHEN {active} THEN {_missing_program_sql()} ELSE 0 END),
                  max(m.bulan_iuran_terakhir),
                  max(coalesce(wr.upah, wp.upah))
                FROM registry_membership m
                JOIN registry_employer e ON e.id = m.employer_id
                LEFT JOIN {_WAGES} wr ON wr.kode = substr(e.kode_wilayah, 1, 5)
                LEFT JOIN {_WAGES} wp ON wp.kode = substr(e.kode_wilayah, 1, 2)
                WHERE m.periode = %s AND m.employer_id IS NOT NULL
                GROUP BY m.employer_id""",
            [end, periode, end, periode, end, periode, periode],
        )
        rows = {r[0]: r[1:] for r in c.fetchall()}
        c.execute(f"DROP TABLE {_WAGES}")
    return rows


def _employer_status(
    periode: str,
    employer: dict,
    agg: tuple | None,
    declared: int | None,
    has_wage: bool,
) -> tuple[str, list[dict[str, str]], int]:
    active, below, missing, last_paid, wage = agg or (0, 0, 0, None, None)
    reasons: list[dict[str, str]] = []
    if last_paid and last_paid < periode:
        months = _months_between(last_paid, periode)
        reasons.append(
            _reason(
                Status.TUNGGAKAN,
                f"Iuran terakhir dibayar untuk {last_paid}, tertunggak {months} bulan sampai {periode}.",
                f"Contributions last paid for {last_paid}, {months} months in arrears by {periode}.",
            )
        )
    if declared is not None and declared > active:
        reasons.append(
            _reason(
                Status.PDS_TK,
                f"{active} pekerja aktif terdaftar dari {declared} yang dilaporkan ke sistem perizinan.",
                f"{active} active workers registered of the {declared} reported to the licensing system.",
            )
        )
    if below:
        reasons.append(
            _reason(
                Status.PDS_UPAH,
                f"{below} pekerja dilaporkan dengan upah di bawah upah minimum "
                f"Rp {format_number(wage)}.",
                f"{below} worker(s) reported with wages below the minimum wage of Rp {wage:,.0f}.",
            )
        )
    elif active and not has_wage:
        reasons.append(
            _reason(
                "upah_tidak_diperiksa",
                f"Upah tidak diperiksa: belum ada data upah minimum untuk wilayah ini pada {periode[:4]}.",
                f"Wages not checked: no minimum wage is known for this region in {periode[:4]}.",
            )
        )
    if missing:
        programs = ", ".join(REQUIRED_PROGRAMS.get(employer["skala"] or "", ()))
        reasons.append(
            _reason(
                Status.PDS_PROGRAM,
                f"{missing} pekerja tanpa program wajib untuk skala usaha ini ({programs}).",
                f"{missing} worker(s) without the programmes this size class requires ({programs}).",
            )
        )
    worst = [r["kode"] for r in reasons if r["kode"] in STATUS_ORDER]
    status = min(worst, key=STATUS_ORDER.index) if worst else Status.PATUH
    if status == Status.PATUH:
        reasons.insert(
            0,
            _reason(
                Status.PATUH,
                f"{active} pekerja aktif terdaftar; iuran dibayar sampai {periode}.",
                f"{active} active workers registered; contributions paid through {periode}.",
            ),
        )
    reasons.sort(key=lambda r: STATUS_ORDER.index(r["kode"]) if r["kode"] in STATUS_ORDER else 99)
    return status, reasons, active


@transaction.atomic
def status_refresh(
    periode: str | None = None, *, log: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Recompute the compliance of every employer and business for `periode` (default: the
    newest registry period); returns the count per status."""
    if periode is None:
        with connection.cursor() as c:
            c.execute("SELECT max(periode) FROM registry_membership")
            periode = c.fetchone()[0]
        if periode is None:
            return {}
    year, _ = period_parse(periode)
    wages = wage_in_force(year)
    aggregates = _employer_aggregates(periode, wages)
    declared: dict[int, int] = {}
    for employer_id, n in Business.objects.filter(employer__isnull=False).values_list(
        "employer_id", "jumlah_pekerja"
    ):
        declared[employer_id] = declared.get(employer_id, 0) + n
    nib_of = dict(Business.objects.filter(employer__isnull=False).values_list("employer_id", "nib"))
    now: datetime = timezone.now()
    rows: list[ComplianceStatus] = []
    counts: dict[str, int] = {}
    fields = ("id", "npp", "nib", "npwp", "nama", "kode_wilayah", "kbli", "skala")
    for employer in Employer.objects.values(*fields).iterator(chunk_size=5000):
        code = employer["kode_wilayah"]
        has_wage = code[:5] in wages or code[:2] in wages
        status, reasons, active = _employer_status(
            periode,
            employer,
            aggregates.get(employer["id"]),
            declared.get(employer["id"]),
            has_wage,
        )
        counts[status] = counts.get(status, 0) + 1
        rows.append(
            ComplianceStatus(
                periode=periode,
                employer_id=employer["id"],
                npp=employer["npp"],
                nib=employer["nib"] or nib_of.get(employer["id"], ""),
                npwp=employer["npwp"],
                nama=employer["nama"],
                kode_wilayah=code,
                kbli=employer["kbli"],
                skala=employer["skala"],
                status=status,
                alasan=reasons,
                pekerja_terdaftar=active,
                pekerja_dilaporkan=declared.get(employer["id"]),
                computed_at=now,
            )
        )
    for b in Business.objects.filter(employer__isnull=True, jumlah_pekerja__gt=0).values(
        "id", "nib", "npwp", "nama", "kode_wilayah", "kbli", "skala", "jumlah_pekerja"
    ):
        counts[Status.PWBD] = counts.get(Status.PWBD, 0) + 1
        n = b["jumlah_pekerja"]
        rows.append(
            ComplianceStatus(
                periode=periode,
                business_id=b["id"],
                nib=b["nib"],
                npwp=b["npwp"],
                nama=b["nama"],
                kode_wilayah=b["kode_wilayah"],
                kbli=b["kbli"],
                skala=b["skala"],
                status=Status.PWBD,
                alasan=[
                    _reason(
                        Status.PWBD,
                        f"Usaha dengan {n} pekerja menurut sistem perizinan belum terdaftar di "
                        "BPJS Ketenagakerjaan.",
                        f"A business with {n} workers according to the licensing system is not "
                        "registered with BPJS Ketenagakerjaan.",
                    )
                ],
                pekerja_dilaporkan=n,
                computed_at=now,
            )
        )
    ComplianceStatus.objects.filter(periode=periode).delete()
    ComplianceStatus.objects.bulk_create(rows, batch_size=5000)
    certificates_revoke_changed()
    if log:
        log(f"kepatuhan {periode} dihitung / compliance computed: {counts}")
    return counts
