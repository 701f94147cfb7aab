"""Licensing API: `GET /api/v1/compliance?nib=…` (or `npp=`, `npwp=`) — does this employer comply?

For the licensing system (OSS) and the offices that issue business permits (PP 86/2013: an
employer that does not register its workers may be refused permits). One indexed query on
ComplianceStatus answers; the answer carries the employer's identifiers, status, reasons and
worker counts, never a worker's NIK or name. Every call is audited in batches (audit.buffer) and
rate-limited per token (compliance.ratelimit).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Field, Router, Schema

from cakupan.accounts.auth import PeopleSessionAuth, TokenAuth
from cakupan.accounts.models import ApiToken
from cakupan.accounts.scope import in_scope, require_capability
from cakupan.accounts.services import TOKEN_PREFIX, token_authenticate, token_hash
from cakupan.audit.buffer import audit_later
from cakupan.compliance.certificates import STATUS_WORDS, _compact, certificate_claims
from cakupan.compliance.models import STATUS_ORDER, ComplianceStatus
from cakupan.compliance.ratelimit import limiter
from cakupan.compliance.signing import code_sign
from cakupan.errors import CakupanError, OutOfScope
from cakupan.identity import NIB_LENGTH, NPP_LENGTH, parse_nib, parse_npp, parse_npwp
from cakupan.lib.masking import mask_nik

router = Router(tags=["compliance"])

STALE_DAYS = 45
"""Data older than this many days is flagged `data_usang`: statuses are recomputed after each
monthly registry import, so data past one missed cycle (30 days + a 15-day payment deadline)
no longer says what the employer does now."""

CERTIFICATE_VALID_DAYS = 90
"""How long a certificate code stays valid; never longer than the data is fresh (STALE_DAYS)."""

MAX_PARAMETER_LENGTH = 64
"""Characters of one parameter read at most; a longer one is refused before it is parsed."""

MAX_QUERY_STRING = 2048
"""Characters of the whole query string read at most; a longer one is refused with 414."""

LOOKUP_LIMIT = 50
"""Rows read for one identifier: one per NPP of the business and period, newest period first."""

CODE_CACHE_SIZE = 100_000
"""Certificate codes kept per process, keyed by (row id, computed_at), so each is signed once."""

DATA_AS_OF_SECONDS = 60
"""How long a process reuses the newest `computed_at` it read (the age of a 'not registered')."""

NOT_REGISTERED = "tidak_terdaftar"

STATUS_LABELS: dict[str, tuple[str, str]] = {
    **STATUS_WORDS,
    NOT_REGISTERED: (
        "Tidak terdaftar di BPJS Ketenagakerjaan",
        "Not registered with BPJS Ketenagakerjaan",
    ),
}
"""Each status in Indonesian and English (the certificates' words), as the answer's
`status_label` and `status_label_en`."""

_FIELDS = (
    "id",
    "periode",
    "npp",
    "nib",
    "nama",
    "kode_wilayah",
    "status",
    "alasan",
    "pekerja_terdaftar",
    "pekerja_dilaporkan",
    "computed_at",
)
"""The columns an answer, its audit entry and its certificate claims need, and no others."""


class TooLong(CakupanError):
    kode = "permintaan_terlalu_panjang"
    pesan = (
        "Query string {panjang} karakter, paling banyak {batas}: kirim hanya satu dari nib, npp "
        "atau npwp."
    )
    message = (
        "The query string has {panjang} characters, at most {batas} are read: send only one of "
        "nib, npp or npwp."
    )
    http_status = 414


class KeyMissing(CakupanError):
    kode = "masukan_tidak_valid"
    pesan = "Kirim tepat satu dari nib, npp atau npwp; terkirim {jumlah}."
    message = "Send exactly one of nib, npp or npwp; {jumlah} were sent."
    http_status = 422


class KeyInvalid(CakupanError):
    """A malformed nib, npp or npwp. The value itself is never repeated back."""

    http_status = 422
    pesan = "{kolom}: {harus}; yang terkirim {panjang} karakter{bukan_angka_id}."
    message = "{kolom}: {must}; {panjang} characters were sent{non_digits}."

    def __init__(self, kode: str, **fields: Any) -> None:
        self.kode = kode
        super().__init__(**fields)


class Reason(Schema):
    kode: str
    pesan: str
    message: str


class ComplianceOut(Schema):
    terdaftar: bool = Field(description="Registered with BPJS Ketenagakerjaan (has an NPP)")
    status: str = Field(
        description="patuh, pds_program, pds_upah, pds_tk, tunggakan, pwbd, or "
        "tidak_terdaftar when no employer or business has this identifier"
    )
    status_label: str
    status_label_en: str
    pesan: str
    message: str
    alasan: list[Reason]
    periode: str | None = Field(description="The registry period (YYYY-MM) the status is for")
    data_per: datetime | None = Field(description="When the status was computed")
    umur_data_hari: int | None = Field(description="Whole days since data_per")
    data_usang: bool = Field(description=f"data_per is more than {STALE_DAYS} days old")
    berlaku_sampai: date | None = Field(description="Last day the answer and its code are valid")
    kode_sertifikat: str | None = Field(description="Signed code; verify it at BPJS")
    npp: str | None
    nib: str | None
    nama: str | None
    kode_wilayah: str | None
    pekerja_terdaftar: int | None = Field(description="Active workers registered (a count)")
    pekerja_dilaporkan: int | None = Field(description="Workers declared to the licensing system")


class ErrorOut(Schema):
    kode: str
    pesan: str
    message: str


# ---------------------------------------------------------------------------------- auth

TOKEN_CACHE_SECONDS = 5.0
"""How long a process trusts a token it has looked up: a revoked token is refused by every
process within this many seconds."""

LAST_USED_EVERY_SECONDS = 60.0
"""A token's `last_used_at` is written at most this often per process, not on every call."""


class LicensingTokenAuth(TokenAuth):
    """TokenAuth for a hot endpoint: per process, a token hash → token answer (a miss included)
    is kept TOKEN_CACHE_SECONDS, and `last_used_at` is written once per LAST_USED_EVERY_SECONDS.

    TokenAuth reads the token and writes `last_used_at` on every call: two queries, one a commit,
    which cost the licensing API more than its own answer.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.clock = clock
        self._tokens: dict[str, tuple[ApiToken | None, float]] = {}
        self._used: dict[int, float] = {}

    def forget(self) -> None:
        """Drop every cached token (tests; after a revocation in this process)."""
        self._tokens.clear()
        self._used.clear()

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        digest = token_hash(token)
        now = self.clock()
        cached = self._tokens.get(digest)
        if cached is None or cached[1] <= now:
            if len(self._tokens) >= 10_000:
                self._tokens.clear()
            cached = self._tokens[digest] = (token_authenticate(token), now + TOKEN_CACHE_SECONDS)
        found = cached[0]
        if found is not None and now - self._used.get(found.pk, -math.inf) >= (
            LAST_USED_EVERY_SECONDS
        ):
            self._used[found.pk] = now
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


licensing_auth = LicensingTokenAuth()


# ---------------------------------------------------------------------------------- parsing


def _key_invalid(by: str, value: str) -> KeyInvalid:
    """Why `value` is no `by`, stating its length and stray characters, never its text."""
    non_digits = sum(1 for c in value if not (c.isascii() and c.isdigit()))
    fields = {
        "kolom": by,
        "panjang": len(value),
        "bukan_angka_id": f", {non_digits} di antaranya bukan angka" if non_digits else "",
        "non_digits": f", {non_digits} of them not digits" if non_digits else "",
    }
    if by == "nib":
        return KeyInvalid(
            "nib_tidak_valid",
            harus=f"NIB harus {NIB_LENGTH} angka tanpa tanda baca",
            must=f"a NIB is {NIB_LENGTH} digits with no punctuation",
            **fields,
        )
    if by == "npp":
        return KeyInvalid(
            "npp_tidak_valid",
            harus=f"NPP harus {NPP_LENGTH} angka tanpa tanda baca",
            must=f"an NPP is {NPP_LENGTH} digits with no punctuation",
            **fields,
        )
    return KeyInvalid(
        "npwp_tidak_valid",
        harus="NPWP harus 15 atau 16 angka (boleh dengan titik, tanda hubung atau spasi)",
        must="an NPWP is 15 or 16 digits (dots, dashes and spaces allowed)",
        **fields,
    )


def compliance_key(nib: str | None, npp: str | None, npwp: str | None) -> tuple[str, str]:
    """The one identifier asked for, as (`nib`|`npp`|`npwp`, its digits); raises a 422 error."""
    given = [(by, v) for by, v in (("nib", nib), ("npp", npp), ("npwp", npwp)) if v]
    if len(given) != 1:
        raise KeyMissing(jumlah=len(given))
    by, value = given[0]
    if len(value) > MAX_PARAMETER_LENGTH:
        raise _key_invalid(by, value)
    try:
        if by == "nib":
            return by, parse_nib(value)
        if by == "npp":
            return by, parse_npp(value)
        return by, parse_npwp(value)
    except CakupanError as error:
        invalid = _key_invalid(by, value)
        if by == "npwp" and "alasan_id" in error.fields:
            # python-stdnum's reason (length, check digit) names no input character.
            invalid.fields["harus"] += f" ({error.fields['alasan_id']})"
            invalid.fields["must"] += f" ({error.fields['reason']})"
        raise invalid from None


# ---------------------------------------------------------------------------------- answer

_codes: dict[tuple[int, datetime], str] = {}
_data_as_of: list[Any] = [None, None]  # [newest computed_at, monotonic time it was read]


def certificate_code(row: dict[str, Any]) -> str:
    """The signed certificate code of one ComplianceStatus row (as values), signed once per process.

    Issued as of the day the status was computed and valid for `_valid_days()` from then, so the
    code's `valid_until` is the answer's `berlaku_sampai`, and `certificate_verify` accepts it.
    """
    key = (row["id"], row["computed_at"])
    code = _codes.get(key)
    if code is None:
        claims = certificate_claims(
            ComplianceStatus(**row),
            valid_days=_valid_days(),
            today=timezone.localdate(row["computed_at"]),
        )
        code = code_sign(_compact(claims))
        if len(_codes) >= CODE_CACHE_SIZE:
            del _codes[next(iter(_codes))]
        _codes[key] = code
    return code


def _valid_days() -> int:
    return min(CERTIFICATE_VALID_DAYS, STALE_DAYS)


def data_as_of() -> datetime | None:
    """When the newest period's statuses were computed, re-read at most every
    DATA_AS_OF_SECONDS; two index lookups (status_refresh stamps a whole period at once)."""
    now = time.monotonic()
    if _data_as_of[1] is None or now - _data_as_of[1] > DATA_AS_OF_SECONDS:
        rows = ComplianceStatus.objects.order_by()
        newest_period = rows.aggregate(newest=Max("periode"))["newest"]
        computed_at = (
            rows.filter(periode=newest_period).values_list("computed_at", flat=True)[:1]
            if newest_period
            else []
        )
        _data_as_of[:] = [next(iter(computed_at), None), now]
    return _data_as_of[0]


def _age(computed_at: datetime | None, now: datetime) -> dict[str, Any]:
    if computed_at is None:
        return {"data_per": None, "umur_data_hari": None, "data_usang": True}
    days = (now - computed_at).days
    return {
        "data_per": timezone.localtime(computed_at).isoformat(timespec="milliseconds"),
        "umur_data_hari": days,
        "data_usang": days > STALE_DAYS,
    }


_sql: dict[tuple[str, str, int], str] = {}


def _lookup_sql(by: str, count: int) -> str:
    """SELECT of `_FIELDS` for `count` values of column `by`, newest period first; built once per
    process. Hand-written because compiling the ORM query cost more than running it."""
    key = (connection.vendor, by, count)
    sql = _sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(ComplianceStatus._meta.get_field(f).column) for f in _FIELDS)
        where = f"{quote(by)} IN ({', '.join(['%s'] * count)})"
        sql = _sql[key] = (
            f"SELECT {columns} FROM {quote(ComplianceStatus._meta.db_table)} WHERE {where} "
            f"ORDER BY {quote('periode')} DESC, {quote('computed_at')} DESC LIMIT {LOOKUP_LIMIT}"
        )
    return sql


def _from_db(values: tuple[Any, ...]) -> dict[str, Any]:
    """One fetched row as the ORM's `.values()` would give it (JSON decoded, aware datetime)."""
    row = dict(zip(_FIELDS, values, strict=True))
    if isinstance(row["alasan"], str):
        row["alasan"] = json.loads(row["alasan"])
    computed_at = row["computed_at"]
    if isinstance(computed_at, str):
        computed_at = parse_datetime(computed_at)
    if timezone.is_naive(computed_at):
        computed_at = timezone.make_aware(computed_at, UTC)
    row["computed_at"] = computed_at
    return row


def _status_rows(by: str, value: str) -> list[dict[str, Any]]:
    """The newest period's rows for one identifier, registered employers only if there are any,
    worst status first: one indexed query."""
    values = [value]
    if by == "npwp":
        # 16 digits starting with 0 are the old 15-digit NPWP with a leading 0 (PMK 112/2022).
        if len(value) == 16 and value[0] == "0":
            values.append(value[1:])
        elif len(value) == 15:
            values.append("0" + value)
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(by, len(values)), values)
        found = [_from_db(r) for r in cursor.fetchall()]
    if not found:
        return []
    newest = [r for r in found if r["periode"] == found[0]["periode"]]
    # A registered employer speaks for its NIB even where the licensing list still has the
    # business unmatched (a `pwbd` row of the same NIB): registration is what the check asks.
    registered = [r for r in newest if r["npp"]]
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(registered or newest, key=lambda r: (rank.get(r["status"], len(rank)), r["npp"]))


def not_registered_answer(by: str, value: str, now: datetime) -> dict[str, Any]:
    """Neither a registered employer nor a business in the licensing list has this identifier."""
    label, label_en = STATUS_LABELS[NOT_REGISTERED]
    what, what_en = {
        "nib": ("usaha dengan NIB", "business with NIB"),
        "npp": ("pemberi kerja dengan NPP", "employer with NPP"),
        "npwp": ("pemberi kerja atau usaha dengan NPWP ini", "employer or business with this NPWP"),
    }[by]
    shown = "" if by == "npwp" else f" {value}"
    pesan = (
        f"Tidak ada {what}{shown} yang terdaftar di BPJS Ketenagakerjaan atau tercatat dalam "
        "daftar perizinan yang dimiliki Cakupan."
    )
    message = (
        f"No {what_en}{shown} is registered with BPJS Ketenagakerjaan or listed in the licensing "
        "data Cakupan holds."
    )
    return {
        "terdaftar": False,
        "status": NOT_REGISTERED,
        "status_label": label,
        "status_label_en": label_en,
        "pesan": pesan,
        "message": message,
        "alasan": [{"kode": NOT_REGISTERED, "pesan": pesan, "message": message}],
        "periode": None,
        **_age(data_as_of(), now),
        "berlaku_sampai": None,
        "kode_sertifikat": None,
        "npp": None,
        "nib": value if by == "nib" else None,
        "nama": None,
        "kode_wilayah": None,
        "pekerja_terdaftar": None,
        "pekerja_dilaporkan": None,
    }


def status_answer(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The answer for one ComplianceStatus row (as values)."""
    label, label_en = STATUS_LABELS.get(row["status"], (row["status"], row["status"]))
    registered = bool(row["npp"])
    who = f"NPP {row['npp']}" if registered else f"NIB {row['nib']}"
    computed_at: datetime = row["computed_at"]
    return {
        "terdaftar": registered,
        "status": row["status"],
        "status_label": label,
        "status_label_en": label_en,
        "pesan": f"{row['nama']} ({who}): {label}, periode {row['periode']}.",
        "message": f"{row['nama']} ({who}): {label_en}, period {row['periode']}.",
        "alasan": row["alasan"],
        "periode": row["periode"],
        **_age(computed_at, now),
        "berlaku_sampai": (
            timezone.localdate(computed_at) + timedelta(days=_valid_days())
        ).isoformat(),
        "kode_sertifikat": certificate_code(row),
        "npp": row["npp"] or None,
        "nib": row["nib"] or None,
        "nama": row["nama"],
        "kode_wilayah": row["kode_wilayah"],
        "pekerja_terdaftar": row["pekerja_terdaftar"] if registered else None,
        "pekerja_dilaporkan": row["pekerja_dilaporkan"],
    }


def _audited_value(by: str, value: str) -> str:
    """The identifier as the audit log keeps it: a 16-digit NPWP not starting with 0 is a
    person's NIK (PMK 112/2022), so it is masked."""
    if by == "npwp" and len(value) == 16 and value[0] != "0":
        return mask_nik(value)
    return value


def _json(answer: dict[str, Any]) -> HttpResponse:
    """A 200 answer (dates already ISO strings) rendered directly: the same JSON as
    ComplianceOut (a test holds them together), without validating our own output on every
    call."""
    return HttpResponse(json.dumps(answer), content_type="application/json; charset=utf-8")


def _too_many(decision_retry_after: int, limit: int) -> HttpResponse:
    response = JsonResponse(
        {
            "kode": "terlalu_banyak_permintaan",
            "pesan": (
                f"Terlalu banyak permintaan: paling banyak {limit} per menit untuk token ini. "
                f"Coba lagi dalam {decision_retry_after} detik."
            ),
            "message": (
                f"Too many requests: at most {limit} a minute for this token. "
                f"Try again in {decision_retry_after} seconds."
            ),
        },
        status=429,
    )
    response["Retry-After"] = str(decision_retry_after)
    return response


@router.get(
    "",
    auth=[licensing_auth, PeopleSessionAuth()],
    response={200: ComplianceOut, 403: ErrorOut, 414: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Compliance of one employer or business, by NIB, NPP or NPWP",
    description=(
        "Exactly one of `nib` (13 digits), `npp` (8 digits) or `npwp` (15 or 16 digits). "
        "Bearer token of a role with `compliance.check` (`licensing_client`). An identifier "
        "nobody holds answers 200 with `status` `tidak_terdaftar`. "
        f"`data_usang` is true when the data is over {STALE_DAYS} days old. Rate-limited per "
        "token (429 with Retry-After)."
    ),
    openapi_extra={
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": "string", "maxLength": MAX_PARAMETER_LENGTH},
                "description": description,
                "example": example,
            }
            for name, description, example in (
                ("nib", "NIB, 13 digits", "9120001234567"),
                ("npp", "NPP, 8 digits", "10000001"),
                ("npwp", "NPWP, 15 or 16 digits", "013000005000000"),
            )
        ]
    },
)
def compliance_check(request: HttpRequest) -> Any:
    # The parameters are read here, not declared to ninja: its validation of three optional
    # strings cost as much as the database query. They are documented in `openapi_extra`.
    actor = request.auth  # type: ignore[attr-defined]
    nib, npp, npwp = (request.GET.get(k) for k in ("nib", "npp", "npwp"))
    by = next((b for b, v in (("nib", nib), ("npp", npp), ("npwp", npwp)) if v), None)
    detail: dict[str, Any] = {"by": by}
    row: dict[str, Any] | None = None  # the status answered, named in the audit entry
    try:
        require_capability(actor, "compliance.check")
        decision = limiter.hit(f"{'t' if hasattr(actor, 'key_hash') else 'u'}{actor.pk}")
        if not decision.allowed:
            detail["status"] = "terlalu_banyak_permintaan"
            return _too_many(decision.retry_after, decision.limit)
        query_length = len(request.META.get("QUERY_STRING", ""))
        if query_length > MAX_QUERY_STRING:
            raise TooLong(panjang=query_length, batas=MAX_QUERY_STRING)
        by, value = compliance_key(nib, npp, npwp)
        detail["value"] = _audited_value(by, value)
        now = timezone.now()
        rows = _status_rows(by, value)
        visible = [r for r in rows if in_scope(actor, r["kode_wilayah"])]
        if rows and not visible:
            raise OutOfScope(kode_wilayah=rows[0]["kode_wilayah"], lingkup=actor.region_code)
        if not visible:
            detail["status"] = NOT_REGISTERED
            return _json(not_registered_answer(by, value, now))
        row = visible[0]
        detail["status"] = row["status"]
        detail["periode"] = row["periode"]
        answer = status_answer(row, now)
        detail["data_usang"] = answer["data_usang"]
        return _json(answer)
    except CakupanError as error:
        detail["status"] = error.kode
        raise
    finally:
        audit_later(
            actor=actor,
            action="compliance.check",
            target_type="compliance.compliancestatus" if row else "",
            target_id=str(row["id"]) if row else "",
            target_label=f"{row['periode']} {row['npp'] or row['nib']}" if row else "",
            request=request,
            detail=detail,
            region_code=row["kode_wilayah"] if row else None,
        )
