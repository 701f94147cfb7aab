"""One error hierarchy: a stable `kode` and one message template per language.

After zulip's `JsonableError`: the ninja exception handler and the base command render these.
"""

from __future__ import annotations

from typing import Any

from cakupan.lib.masking import mask_nik_runs


class CakupanError(Exception):
    """An error a user can act on, worded in Indonesian (`pesan`) and English (`message`)."""

    kode: str = "kesalahan"
    pesan: str = "Terjadi kesalahan."
    message: str = "Something went wrong."
    http_status: int = 400

    def __init__(self, **fields: Any) -> None:
        self.fields = fields
        super().__init__(self.message_en)

    @property
    def pesan_id(self) -> str:
        """The Indonesian message with its fields filled in (any NIK in them masked: messages
        reach screens, logs and API clients that may not see NIKs)."""
        return mask_nik_runs(self.pesan.format(**self.fields))

    @property
    def message_en(self) -> str:
        """The English message with its fields filled in, NIKs masked."""
        return mask_nik_runs(self.message.format(**self.fields))

    def as_dict(self) -> dict[str, str]:
        """The JSON error body of design.md: `{"kode", "pesan", "message"}`."""
        return {"kode": self.kode, "pesan": self.pesan_id, "message": self.message_en}

    def __str__(self) -> str:
        return f"{self.pesan_id} / {self.message_en}"


class NotFound(CakupanError):
    kode = "tidak_ditemukan"
    pesan = "{apa} tidak ditemukan."
    message = "{what} not found."
    http_status = 404


class RegionNotFound(CakupanError):
    kode = "wilayah_tidak_ditemukan"
    pesan = "Kode wilayah {kode_wilayah} tidak ada."
    message = "Region code {kode_wilayah} does not exist."
    http_status = 404


class PermissionDenied(CakupanError):
    kode = "akses_ditolak"
    pesan = "Anda tidak berhak: {alasan_id}."
    message = "Not allowed: {reason}."
    http_status = 403


class OutOfScope(CakupanError):
    kode = "di_luar_wilayah"
    pesan = "Wilayah {kode_wilayah} di luar cakupan akun Anda ({lingkup})."
    message = "Region {kode_wilayah} is outside your account's scope ({lingkup})."
    http_status = 403


class InvalidInput(CakupanError):
    kode = "masukan_tidak_valid"
    pesan = "{kolom}: {pesan_rinci}"
    message = "{kolom}: {detail}"
    http_status = 422
