"""Signed certificate codes: Ed25519 keys kept in SIGNING_KEY_DIR, one PEM file per key id.

A code is `base64url(payload) + "." + base64url(signature)`, unpadded, where the payload is the
claims plus `kid` and `v` as canonical JSON (sorted keys, no spaces, UTF-8). The newest key signs;
every key in the directory verifies, so `key_rotate` starts a new key while codes signed with the
old ones keep verifying until `key_retire` deletes their key. Both halves of a code must be the
canonical base64 of their bytes, so a change of any one character fails verification.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError, NotFound

logger = logging.getLogger(__name__)

CODE_VERSION = 1
MAX_CODE_LENGTH = 400  # Certificate.kode's max_length
SIGNATURE_LENGTH = 64  # Ed25519
KID_RE = re.compile(r"^k(\d{8})([a-z]+)$")
B64_RE = re.compile(r"^[A-Za-z0-9_-]+$")
KEY_SUFFIX = ".pem"


class CertificateInvalid(CakupanError):
    """A certificate code that is malformed, signed by an unknown key or not signed by us."""

    kode = "sertifikat_tidak_sah"
    pesan = "Kode sertifikat tidak sah: {alasan_id}."
    message = "The certificate code is not genuine: {reason}."
    http_status = 400


class SigningKeyInvalid(CakupanError):
    kode = "kunci_tanda_tangan_tidak_valid"
    pesan = "Kunci tanda tangan {kid} tidak valid: {alasan_id}."
    message = "Signing key {kid} is not valid: {reason}."
    http_status = 400


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never its private half."""

    kid: str
    created: datetime  # the key file's modification time
    fingerprint: str  # sha256 of the raw public key, first 16 hex digits
    signing: bool  # the newest key, the one that signs


# ---------------------------------------------------------------------------------- base64


def b64encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict unpadded base64url: only the alphabet, and only the one spelling `b64encode` gives
    (unused trailing bits must be zero), so two different texts never decode to the same bytes."""
    if not B64_RE.match(text) or len(text) % 4 == 1:
        raise ValueError("not canonical base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
    if b64encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


def canonical_json(value: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the one byte form of a payload."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


# ---------------------------------------------------------------------------------- keys


def key_dir() -> Path:
    """Where the private keys live (settings.SIGNING_KEY_DIR, else DATA_DIR/signing)."""
    configured = getattr(settings, "SIGNING_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "signing"


def _kid_order(kid: str) -> tuple[str, int, str]:
    match = KID_RE.match(kid)
    assert match is not None
    return match.group(1), len(match.group(2)), match.group(2)


def _suffix(n: int) -> str:
    """0 → a, 25 → z, 26 → aa, …"""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def _next_kid(existing: set[str], today: date) -> str:
    """The first free id after the newest one: k<YYYYMMDD><a, b, …, z, aa, …>. A clock set back
    keeps the newest key's date, so a new key always sorts last and is the one that signs."""
    newest = max((_kid_order(k) for k in existing), default=None)
    stamp = max(today.strftime("%Y%m%d"), newest[0] if newest else "")
    n = 0
    while True:
        kid = f"k{stamp}{_suffix(n)}"
        if kid not in existing and (newest is None or _kid_order(kid) > newest):
            return kid
        n += 1


class _KeyRing:
    """The keys of one directory, reloaded whenever a file in it is added, removed or changed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: tuple[Any, ...] | None = None
        self.keys: dict[str, Ed25519PrivateKey] = {}

    @staticmethod
    def _state(folder: Path) -> tuple[Any, ...]:
        entries = []
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if not entry.name.endswith(KEY_SUFFIX):
                        continue
                    try:
                        st = entry.stat()
                    except FileNotFoundError:  # removed while we looked
                        continue
                    entries.append((entry.name, st.st_mtime_ns, st.st_size, st.st_ino))
        except FileNotFoundError:
            pass
        return (str(folder), tuple(sorted(entries)))

    def load(self) -> dict[str, Ed25519PrivateKey]:
        folder = key_dir()
        state = self._state(folder)
        with self.lock:
            if state != self.state:
                self.keys = _read_keys(folder)
                self.state = state
            return dict(self.keys)

    def forget(self) -> None:
        with self.lock:
            self.state = None
            self.keys = {}


def _read_keys(folder: Path) -> dict[str, Ed25519PrivateKey]:
    keys: dict[str, Ed25519PrivateKey] = {}
    if not folder.is_dir():
        return keys
    for path in sorted(folder.glob(f"*{KEY_SUFFIX}")):
        kid = path.name[: -len(KEY_SUFFIX)]
        if not KID_RE.match(kid):
            logger.warning("signing key file %s ignored: its name is not a key id", path)
            continue
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            logger.warning("signing key file %s ignored: %s", path, exc)
            continue
        if not isinstance(key, Ed25519PrivateKey):
            logger.warning("signing key file %s ignored: not an Ed25519 key", path)
            continue
        keys[kid] = key
    return keys


_ring = _KeyRing()


def _keys() -> dict[str, Ed25519PrivateKey]:
    return _ring.load()


def _publish(tmp: Path, path: Path, pem: bytes) -> None:
    """Give the written key file `tmp` its final name `path`, failing if `path` exists. A hard
    link is atomic; where the file system has none, create `path` exclusively and write it."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise
    except OSError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())


def _key_create() -> str:
    """Write a new private key under the next key id (mode 0600); returns its kid. Safe against
    another process creating a key at the same moment: the file appears whole or not at all."""
    folder = key_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = folder / f".new-{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        for _ in range(100):
            existing = {p.name[: -len(KEY_SUFFIX)] for p in folder.glob(f"*{KEY_SUFFIX}")}
            kid = _next_kid({k for k in existing if KID_RE.match(k)}, timezone.localdate())
            try:
                _publish(tmp, folder / f"{kid}{KEY_SUFFIX}", pem)
            except FileExistsError:
                continue
            logger.info("signing key %s created in %s", kid, folder)
            return kid
        raise SigningKeyInvalid(
            kid="?", alasan_id="tidak dapat memilih id kunci baru", reason="no free key id found"
        )
    finally:
        tmp.unlink(missing_ok=True)


def _signing_key() -> tuple[str, Ed25519PrivateKey]:
    keys = _keys()
    if not keys:
        _key_create()
        keys = _keys()
    kid = max(keys, key=_kid_order)
    return kid, keys[kid]


def _fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256(raw).hexdigest()[:16]


def key_list() -> list[KeyInfo]:
    """Every key, oldest first; the last one signs."""
    folder = key_dir()
    keys = _keys()
    newest = max(keys, key=_kid_order) if keys else None
    out = []
    for kid in sorted(keys, key=_kid_order):
        path = folder / f"{kid}{KEY_SUFFIX}"
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            continue
        out.append(
            KeyInfo(
                kid=kid,
                created=datetime.fromtimestamp(mtime, tz=timezone.get_current_timezone()),
                fingerprint=_fingerprint(keys[kid].public_key()),
                signing=kid == newest,
            )
        )
    return out


def key_rotate(*, acting_user: Any = None) -> str:
    """Make a new key that signs from now on; older keys keep verifying. Returns its kid."""
    kid = _key_create()
    _ring.forget()
    audit_record(actor=acting_user, action="signing_key.rotate", detail={"kid": kid})
    return kid


def key_retire(kid: str, *, acting_user: Any = None) -> None:
    """Delete key `kid`: codes signed with it stop verifying."""
    if not KID_RE.match(kid):
        raise SigningKeyInvalid(
            kid=kid, alasan_id="bentuknya bukan id kunci", reason="it is not a key id"
        )
    path = key_dir() / f"{kid}{KEY_SUFFIX}"
    try:
        path.unlink()
    except FileNotFoundError as exc:
        raise NotFound(apa=f"Kunci {kid}", what=f"Key {kid}") from exc
    _ring.forget()
    audit_record(actor=acting_user, action="signing_key.retire", detail={"kid": kid})


# ---------------------------------------------------------------------------------- codes


def code_sign(claims: dict[str, Any]) -> str:
    """The signed code of `claims` (JSON values; keys "kid" and "v" are added here)."""
    if "kid" in claims or "v" in claims:
        raise ValueError('claims may not carry "kid" or "v": code_sign adds them')
    kid, key = _signing_key()
    payload = canonical_json({**claims, "kid": kid, "v": CODE_VERSION})
    code = f"{b64encode(payload)}.{b64encode(key.sign(payload))}"
    if len(code) > MAX_CODE_LENGTH:
        raise ValueError(f"the signed code is {len(code)} characters, over {MAX_CODE_LENGTH}")
    return code


def _invalid(alasan_id: str, reason: str) -> CertificateInvalid:
    return CertificateInvalid(alasan_id=alasan_id, reason=reason)


def code_verify(code: str) -> dict[str, Any]:
    """The claims of a genuine code, with "kid" and "v"; CertificateInvalid for anything else."""
    if not isinstance(code, str) or not code:
        raise _invalid("kode kosong", "the code is empty")
    if len(code) > MAX_CODE_LENGTH:
        raise _invalid("kode terlalu panjang", "the code is too long")
    parts = code.split(".")
    if len(parts) != 2:
        raise _invalid("bentuk kode salah", "the code is malformed")
    try:
        payload, signature = b64decode(parts[0]), b64decode(parts[1])
    except ValueError:
        raise _invalid("bentuk kode salah", "the code is malformed") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise _invalid("bentuk kode salah", "the code is malformed")
    try:
        claims = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _invalid("bentuk kode salah", "the code is malformed") from None
    if not isinstance(claims, dict) or canonical_json(claims) != payload:
        raise _invalid("bentuk kode salah", "the code is malformed")
    if claims.get("v") != CODE_VERSION:
        raise _invalid("versi kode tidak dikenal", "unknown code version")
    kid = claims.get("kid")
    key = _keys().get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _invalid("kunci penanda tangan tidak dikenal", "signed by an unknown key")
    try:
        key.public_key().verify(signature, payload)
    except InvalidSignature:
        raise _invalid("tanda tangan tidak cocok", "the signature does not match") from None
    return claims
