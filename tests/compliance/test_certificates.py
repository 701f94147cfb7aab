"""Certificates: signed codes (round trip, every one-character change fails, unknown keys, key
rotation), the issued PDF (byte-exact verification, both languages, its QR code), whether a
certificate still holds as the employer's status changes, revocation, and the pages."""

from __future__ import annotations

import io
import json
import os
import stat
from datetime import date, timedelta
from hashlib import sha256

import pypdf
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from cakupan.accounts.scope import SystemActor
from cakupan.audit.models import AuditEntry
from cakupan.compliance import signing
from cakupan.compliance.certificates import (
    certificate_claims,
    certificate_issue,
    certificate_pdf,
    certificate_verify,
    certificate_verify_pdf,
    certificates_revoke_changed,
    default_verify_url,
)
from cakupan.compliance.models import Certificate, ComplianceStatus
from cakupan.compliance.signing import (
    CertificateInvalid,
    b64encode,
    canonical_json,
    code_sign,
    code_verify,
    key_list,
    key_retire,
    key_rotate,
)
from cakupan.errors import OutOfScope, PermissionDenied

pytestmark = pytest.mark.urls("tests.compliance.urls_certificates")

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
NAMA = "PT Segara Bali Sejahtera"
VERIFY = "https://cakupan.example.id/verify/"


def verify_url(kode: str) -> str:
    return VERIFY + kode


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    """Each test signs with keys of its own, in a fresh folder."""
    settings.SIGNING_KEY_DIR = tmp_path / "signing"
    return settings.SIGNING_KEY_DIR


@pytest.fixture
def make_status(db):
    def make(
        *,
        npp: str = "51012345",
        nib: str = "9120001234567",
        nama: str = NAMA,
        periode: str = "2026-10",
        status: str = "patuh",
        kode_wilayah: str = "51.03.05",
        alasan: list | None = None,
    ) -> ComplianceStatus:
        return ComplianceStatus.objects.create(
            npp=npp,
            nib=nib,
            nama=nama,
            periode=periode,
            status=status,
            kode_wilayah=kode_wilayah,
            alasan=alasan or [],
            pekerja_terdaftar=12,
            computed_at=timezone.now(),
        )

    return make


@pytest.fixture
def issued(make_status, bpjs_admin):
    """A compliant employer's certificate: (ComplianceStatus, Certificate, PDF bytes)."""
    status = make_status()
    cert, pdf = certificate_issue(status=status, acting_user=bpjs_admin, verify_url=verify_url)
    return status, cert, pdf


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def variants(code: str, position: int) -> list[str]:
    """`code` with the character at `position` replaced: by its neighbour in the base64
    alphabet (differs in the lowest bit, the case lax decoders ignore) and by a far one."""
    ch = code[position]
    if ch == ".":
        return [code[:position] + r + code[position + 1 :] for r in ("A", "_", ",")]
    i = B64_ALPHABET.index(ch)
    others = {B64_ALPHABET[i ^ 1], B64_ALPHABET[i ^ 32], "."}
    return [code[:position] + r + code[position + 1 :] for r in sorted(others)]


# ---------------------------------------------------------------------------------- codes


def test_code_round_trip_gives_the_claims_with_key_id_and_version(db):
    code = code_sign({"n": "Warung Ibu Komang", "s": "patuh"})
    claims = code_verify(code)
    assert claims["n"] == "Warung Ibu Komang" and claims["s"] == "patuh"
    assert claims["v"] == 1
    assert claims["kid"] == key_list()[-1].kid
    assert set(code) <= set(B64_ALPHABET + ".")


def test_every_single_character_change_of_a_code_fails(issued):
    code = issued[1].kode
    assert certificate_verify(code).valid_signature
    tried = 0
    for position in range(len(code)):
        for changed in variants(code, position):
            with pytest.raises(CertificateInvalid):
                code_verify(changed)
            tried += 1
    assert tried >= 3 * len(code)
    for changed in (code[:-1], code + "A", code[1:], "A" + code, code.replace(".", "")):
        with pytest.raises(CertificateInvalid):
            code_verify(changed)


@pytest.mark.parametrize(
    "code",
    ["", ".", "abc", "a.b", "a.b.c", "é.é", "x" * 401, "eyJ2IjoxfQ==.AAAA", " " * 10, "\x00.\x00"],
)
def test_malformed_codes_fail_with_a_bilingual_error(db, code):
    with pytest.raises(CertificateInvalid) as caught:
        code_verify(code)
    assert caught.value.kode == "sertifikat_tidak_sah"
    assert caught.value.pesan_id.startswith("Kode sertifikat tidak sah: ")
    assert caught.value.message_en.startswith("The certificate code is not genuine: ")


def test_a_code_naming_an_unknown_key_fails(db):
    code = code_sign({"s": "patuh"})
    payload = json.loads(signing.b64decode(code.split(".")[0]))
    payload["kid"] = "k20990101a"
    forged = b64encode(canonical_json(payload)) + "." + code.split(".")[1]
    with pytest.raises(CertificateInvalid) as caught:
        code_verify(forged)
    assert caught.value.message_en.endswith("signed by an unknown key.")


def test_a_code_signed_with_someone_elses_key_under_our_key_id_fails(db):
    code_sign({"s": "patuh"})  # makes our key
    kid = key_list()[-1].kid
    payload = canonical_json({"kid": kid, "s": "patuh", "v": 1})
    forged = f"{b64encode(payload)}.{b64encode(Ed25519PrivateKey.generate().sign(payload))}"
    with pytest.raises(CertificateInvalid) as caught:
        code_verify(forged)
    assert caught.value.message_en.endswith("the signature does not match.")


def test_first_signature_makes_a_key_readable_only_by_its_owner(signing_keys, db):
    assert key_list() == []
    code_sign({"s": "patuh"})
    files = list(signing_keys.glob("*.pem"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert files[0].read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert [k.kid for k in key_list()] == [files[0].stem]


def test_keys_are_made_on_file_systems_without_hard_links(signing_keys, db, monkeypatch):
    def no_links(src, dst):
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    code_verify(code_sign({"s": "patuh"}))
    (path,) = signing_keys.glob("*.pem")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(signing_keys.glob(".new-*"))


def test_old_codes_verify_after_rotation_and_fail_after_retirement(db):
    old = code_sign({"s": "patuh"})
    old_kid = code_verify(old)["kid"]
    new_kid = key_rotate()
    assert new_kid != old_kid
    new = code_sign({"s": "patuh"})
    assert code_verify(new)["kid"] == new_kid
    assert code_verify(old)["kid"] == old_kid
    assert [(k.kid, k.signing) for k in key_list()] == [(old_kid, False), (new_kid, True)]
    key_retire(old_kid)
    with pytest.raises(CertificateInvalid):
        code_verify(old)
    assert code_verify(new)["kid"] == new_kid
    actions = list(AuditEntry.objects.values_list("action", "detail"))
    assert ("signing_key.rotate", {"kid": new_kid}) in actions
    assert ("signing_key.retire", {"kid": old_kid}) in actions


def test_keys_are_reloaded_when_another_process_changes_the_folder(signing_keys, db):
    code = code_sign({"s": "patuh"})
    code_verify(code)  # the key is now cached in this process
    (signing_keys / f"{code_verify(code)['kid']}.pem").unlink()
    with pytest.raises(CertificateInvalid):
        code_verify(code)


def test_key_ids_sort_by_date_then_sequence_and_never_go_back():
    assert signing._next_kid(set(), date(2026, 11, 25)) == "k20261125a"
    assert signing._next_kid({"k20261125a"}, date(2026, 11, 25)) == "k20261125b"
    assert signing._next_kid({"k20261124c"}, date(2026, 11, 25)) == "k20261125a"
    # a clock set back keeps the newest key's date, so the new key still signs
    assert signing._next_kid({"k20261125a"}, date(2026, 11, 1)) == "k20261125b"
    many = {f"k20261125{signing._suffix(n)}" for n in range(26)}
    assert signing._next_kid(many, date(2026, 11, 25)) == "k20261125aa"


def test_signing_key_command_lists_rotates_and_retires_without_printing_private_keys(
    db, capsys, signing_keys
):
    call_command("signing_key", "list")
    assert "Belum ada kunci" in capsys.readouterr().out
    call_command("signing_key", "rotate")
    call_command("signing_key", "rotate")
    out = capsys.readouterr().out
    assert "signs from now on" in out and "kini menandatangani" in out
    call_command("signing_key", "list")
    listing = capsys.readouterr().out
    kids = [k.kid for k in key_list()]
    assert len(kids) == 2 and all(kid in listing for kid in kids)
    assert listing.count("menandatangani/signs") == 1
    for path in signing_keys.glob("*.pem"):
        body = path.read_text().splitlines()[1]
        assert body not in out + listing
    assert "PRIVATE KEY" not in out + listing
    call_command("signing_key", "retire", kids[0])
    assert f"Key {kids[0]} deleted" in capsys.readouterr().out
    assert [k.kid for k in key_list()] == kids[1:]
    with pytest.raises(CommandError) as caught:
        call_command("signing_key", "retire", kids[0])
    assert caught.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("signing_key", "retire", "../../etc/passwd")


# ---------------------------------------------------------------------------------- issue, PDF


def test_claims_state_the_status_and_a_validity_date(make_status):
    status = make_status(status="pds_tk")
    claims = certificate_claims(status, valid_days=30, today=date(2026, 11, 25))
    assert claims == {
        "npp": "51012345",
        "nib": "9120001234567",
        "nama": NAMA,
        "periode": "2026-10",
        "status": "pds_tk",
        "valid_until": "2026-12-25",
        "issued": "2026-11-25",
    }


def test_long_names_are_cut_in_the_code_but_printed_whole(make_status, bpjs_admin):
    nama = "Koperasi Serba Usaha Karya Bersama Nelayan Dan Petani Rumput Laut Nusa Penida " * 2
    status = make_status(nama=nama.strip())
    cert, pdf = certificate_issue(status=status, acting_user=bpjs_admin)
    assert len(cert.kode) <= 400
    assert cert.nama == nama.strip()
    stated = certificate_verify(cert.kode)
    assert stated.claims["nama"].endswith("…")
    assert stated.nama == nama.strip()  # the row states it in full


def test_issue_keeps_the_row_with_the_pdfs_hash_and_audits(issued, bpjs_admin):
    status, cert, pdf = issued
    assert pdf.startswith(b"%PDF-")
    cert.refresh_from_db()
    assert (cert.npp, cert.nib, cert.nama, cert.periode, cert.status) == (
        "51012345",
        "9120001234567",
        NAMA,
        "2026-10",
        "patuh",
    )
    assert cert.pdf_sha256 == sha256(pdf).hexdigest()
    assert cert.valid_until == timezone.localdate() + timedelta(days=90)
    assert cert.issued_by == bpjs_admin and cert.revoked_at is None
    entry = AuditEntry.objects.get(action="certificate.issue")
    assert entry.actor == bpjs_admin
    assert entry.target_id == str(cert.pk)
    assert entry.detail["status"] == "patuh"
    assert entry.region_code == "51.03.05"


def test_two_certificates_of_the_same_status_on_one_day_have_different_codes(
    make_status, bpjs_admin
):
    status = make_status()
    first, _ = certificate_issue(status=status, acting_user=bpjs_admin)
    second, _ = certificate_issue(status=status, acting_user=bpjs_admin)
    assert first.kode != second.kode
    assert certificate_verify(first.kode).still_holds
    assert certificate_verify(second.kode).still_holds


def test_code_stays_short_enough_for_a_small_qr(issued):
    """About 300 characters for a usual name: a version 14 QR code (73 modules) at level M."""
    cert = issued[1]
    assert len(cert.kode) <= 320, len(cert.kode)
    assert segno.make(verify_url(cert.kode), error="m", micro=False).version <= 14


def test_issued_pdf_verifies_and_one_flipped_byte_anywhere_does_not(issued):
    _, cert, pdf = issued
    result = certificate_verify_pdf(pdf)
    assert result.valid_signature and result.still_holds
    assert result.certificate == cert
    positions = sorted({0, 1, 4, 7, len(pdf) // 2, len(pdf) - 1, *range(9, len(pdf), 97)})
    for position in positions:
        changed = bytearray(pdf)
        changed[position] ^= 0x01
        verdict = certificate_verify_pdf(bytes(changed))
        assert not verdict.valid_signature, position
        assert verdict.reason_code == "pdf_tidak_dikenal"
    assert not certificate_verify_pdf(pdf + b"\n").valid_signature
    assert not certificate_verify_pdf(pdf[:-1]).valid_signature
    assert not certificate_verify_pdf(b"not a pdf").valid_signature


def test_pdf_states_the_business_in_indonesian_then_english(issued):
    _, cert, pdf = issued
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    for expected in (
        "SURAT KETERANGAN KEPATUHAN",
        "Jaminan Sosial Ketenagakerjaan",
        "STATEMENT OF COMPLIANCE",
        "Employment Social Security",
        NAMA,
        "51012345",
        "9120001234567",
        "Oktober 2026",
        "October 2026",
        "PATUH",
        "COMPLIANT",
        f"Periksa keaslian di {VERIFY}",
        f"Verify at {VERIFY}",
    ):
        assert expected in text, expected
    assert text.index("SURAT KETERANGAN KEPATUHAN") < text.index("STATEMENT OF COMPLIANCE")
    assert "TIDAK PATUH" not in text and "NOT COMPLIANT" not in text
    printed = "".join(line.strip() for line in text.splitlines())
    assert cert.kode in printed


def test_pdf_qr_code_is_the_absolute_verify_url(issued):
    """The QR image in the PDF has exactly the modules of the verify URL's QR code."""
    _, cert, pdf = issued
    images = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1
    picture = images[0].image.convert("L")
    expected = segno.make(verify_url(cert.kode), error="m", micro=False)
    size = len(expected.matrix)
    scale = picture.width // (size + 8)
    assert picture.width == picture.height == (size + 8) * scale
    modules = [
        [
            picture.getpixel(((x + 4) * scale + scale // 2, (y + 4) * scale + scale // 2)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]
    assert modules == [[bool(v) for v in row] for row in expected.matrix]


def test_pdf_of_a_non_compliant_status_says_so_with_its_reasons(make_status, bpjs_admin):
    alasan = [
        {
            "kode": "pds_tk",
            "pesan": "Terdaftar 12 pekerja, dilaporkan 20 di OSS.",
            "message": "12 workers registered, 20 reported in OSS.",
        }
    ]
    status = make_status(status="pds_tk", alasan=alasan)
    _, pdf = certificate_issue(status=status, acting_user=bpjs_admin)
    text = pdf_text(pdf)
    for expected in (
        "TIDAK PATUH",
        "Belum semua pekerja terdaftar (PDS-TK)",
        "NOT COMPLIANT",
        "Not all workers registered (PDS-TK)",
        "Terdaftar 12 pekerja, dilaporkan 20 di OSS.",
        "12 workers registered, 20 reported in OSS.",
        "bukan bukti kepatuhan",
        "not proof of compliance",
    ):
        assert expected in text, expected


def test_pdf_is_the_same_bytes_for_the_same_certificate(issued):
    status, cert, pdf = issued
    url = verify_url(cert.kode)
    assert certificate_pdf(cert, url, alasan=status.alasan) == pdf
    assert certificate_pdf(cert, url) == pdf  # reasons looked up from the status row


def test_issue_needs_the_followup_capability_and_scope(make_status, analyst, make_user):
    status = make_status()
    with pytest.raises(PermissionDenied):
        certificate_issue(status=status, acting_user=analyst)
    lombok = make_user("admin_ntb", "bpjs_admin", "52")
    with pytest.raises(OutOfScope):
        certificate_issue(status=status, acting_user=lombok)
    assert not Certificate.objects.exists()
    certificate_issue(status=status, acting_user=SystemActor())
    assert Certificate.objects.count() == 1


# ---------------------------------------------------------------------------------- still holds


def test_certificate_holds_until_the_status_changes_then_is_revoked(issued):
    status, cert, _ = issued
    result = certificate_verify(cert.kode)
    assert (result.verdict, result.reason_code) == ("berlaku", "berlaku")
    assert result.claims["nama"] == NAMA and result.claims["status"] == "patuh"
    assert certificates_revoke_changed() == 0

    ComplianceStatus.objects.filter(pk=status.pk).update(status="pds_tk")
    result = certificate_verify(cert.kode)
    assert result.valid_signature and not result.still_holds
    assert (result.verdict, result.reason_code) == ("tidak_berlaku", "status_berubah")
    assert result.reason_en == (
        "The business's compliance status has changed since the certificate was issued."
    )

    assert certificates_revoke_changed() == 1
    cert.refresh_from_db()
    assert cert.revoked_at is not None
    assert "PDS-TK" in cert.revoked_reason
    assert certificates_revoke_changed() == 0
    assert AuditEntry.objects.get(action="certificate.revoke").row_count == 1

    # Revoked is final, even if the status comes back.
    ComplianceStatus.objects.filter(pk=status.pk).update(status="patuh")
    result = certificate_verify(cert.kode)
    assert (result.verdict, result.reason_code) == ("tidak_berlaku", "dicabut")


def test_newer_period_with_the_same_status_keeps_it_valid_a_different_one_does_not(
    issued, make_status
):
    _, cert, _ = issued
    make_status(periode="2026-11", status="patuh")
    assert certificate_verify(cert.kode).still_holds
    make_status(periode="2026-12", status="tunggakan")
    assert certificate_verify(cert.kode).reason_code == "status_berubah"
    assert certificates_revoke_changed() == 1


def test_certificate_no_longer_holds_after_its_validity_date(issued):
    _, cert, _ = issued
    assert certificate_verify(cert.kode, today=cert.valid_until).still_holds
    later = certificate_verify(cert.kode, today=cert.valid_until + timedelta(days=1))
    assert (later.verdict, later.reason_code) == ("tidak_berlaku", "kedaluwarsa")
    assert later.reason_id.startswith("Masa berlaku surat keterangan ini berakhir pada ")


def test_employer_gone_from_the_data_revokes(issued):
    status, cert, _ = issued
    ComplianceStatus.objects.filter(pk=status.pk).delete()
    assert certificate_verify(cert.kode).reason_code == "tidak_tercatat"
    assert certificates_revoke_changed() == 1


def test_unregistered_business_is_followed_by_its_nib(make_status, bpjs_admin):
    status = make_status(npp="", nib="9120007654321", nama="CV Tirta Sari", status="pwbd")
    cert, _ = certificate_issue(status=status, acting_user=bpjs_admin)
    assert certificate_verify(cert.kode).still_holds
    # It registers: the next period has an employer row with an NPP and the same NIB.
    make_status(npp="51099999", nib="9120007654321", nama="CV Tirta Sari", periode="2026-11")
    assert certificate_verify(cert.kode).reason_code == "status_berubah"
    assert certificates_revoke_changed() == 1


def test_revoking_many_certificates_takes_a_fixed_number_of_queries(
    make_status, bpjs_admin, django_assert_max_num_queries
):
    statuses = [make_status(npp=f"5100{i:04d}", nib=f"91200000{i:05d}") for i in range(30)]
    for status in statuses:
        certificate_issue(status=status, acting_user=bpjs_admin)
    ComplianceStatus.objects.filter(pk__in=[s.pk for s in statuses[::3]]).update(status="pwbd")
    ComplianceStatus.objects.filter(pk__in=[s.pk for s in statuses[1::3]]).update(status="pds_upah")
    with django_assert_max_num_queries(8):
        assert certificates_revoke_changed() == 20
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 10


# ---------------------------------------------------------------------------------- pages


def test_verify_page_shows_a_valid_certificate_to_anyone(client, issued):
    _, cert, _ = issued
    response = client.get(f"/verify/{cert.kode}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sah dan masih berlaku" in page and "Valid and still holds" in page
    assert page.index("Sah dan masih berlaku") < page.index("Valid and still holds")
    assert NAMA in page and "51012345" in page and "9120001234567" in page
    assert "Oktober 2026" in page and "October 2026" in page
    assert "Tidak berlaku lagi" not in page and "Tidak sah" not in page
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert client.head(f"/verify/{cert.kode}").status_code == 200
    assert client.post(f"/verify/{cert.kode}").status_code == 405


def test_verify_page_says_no_longer_valid_without_telling_the_new_status(client, issued):
    status, cert, _ = issued
    ComplianceStatus.objects.filter(pk=status.pk).update(
        status="pds_tk", alasan=[{"kode": "pds_tk", "pesan": "RAHASIA", "message": "SECRET"}]
    )
    response = client.get(f"/verify/{cert.kode}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tidak berlaku lagi" in page and "No longer valid" in page
    assert "compliance status has changed" in page
    assert NAMA in page
    assert "PDS-TK" not in page and "RAHASIA" not in page and "SECRET" not in page


@pytest.mark.parametrize("how", ["one character", "unknown key", "garbage", "too long"])
def test_verify_page_says_not_genuine_with_400(client, issued, how):
    code = issued[1].kode
    payload = json.loads(signing.b64decode(code.split(".")[0]))
    forged = {
        "one character": variants(code, 20)[0],
        "unknown key": b64encode(canonical_json({**payload, "kid": "k20990101a"}))
        + "."
        + code.split(".")[1],
        "garbage": "%3Cscript%3E.x",
        "too long": "A" * 2000,
    }[how]
    response = client.get(f"/verify/{forged}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tidak sah" in page and "Not genuine" in page
    assert NAMA not in page
    assert "<script>" not in page


def test_verify_page_upload_checks_the_pdf_byte_for_byte(client, issued):
    _, _, pdf = issued
    page = client.get("/verify/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    def upload(data: bytes, name: str = "sertifikat.pdf"):
        return client.post(
            "/verify/", {"berkas": SimpleUploadedFile(name, data, "application/pdf")}
        )

    genuine = upload(pdf)
    assert genuine.status_code == 200
    assert "Sah dan masih berlaku" in genuine.content.decode()
    changed = bytearray(pdf)
    changed[len(pdf) // 3] ^= 0x20
    forged = upload(bytes(changed))
    assert forged.status_code == 400
    assert "Tidak sah" in forged.content.decode()
    not_pdf = upload(b"GIF89a....", "x.pdf")
    assert not_pdf.status_code == 400
    assert "This file is not a PDF." in not_pdf.content.decode()
    too_big = upload(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    assert too_big.status_code == 400
    assert "The file is larger than 2 MB." in too_big.content.decode()


def test_verify_upload_needs_the_csrf_token(issued):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/verify/", {"berkas": SimpleUploadedFile("s.pdf", issued[2], "application/pdf")}
    )
    assert response.status_code == 403


def test_issue_view_needs_login_and_the_followup_capability(client, make_status, analyst):
    status = make_status()
    anonymous = client.post("/kepatuhan/sertifikat/", {"status_id": status.pk})
    assert anonymous.status_code == 302 and "/masuk/" in anonymous["Location"]
    client.force_login(analyst)
    refused = client.post("/kepatuhan/sertifikat/", {"status_id": status.pk})
    assert refused.status_code == 403
    assert "compliance.followup" in refused.content.decode()
    assert not Certificate.objects.exists()


def test_issue_view_downloads_the_pdf_with_an_absolute_verify_url(client, make_status, bpjs_admin):
    status = make_status()
    client.force_login(bpjs_admin)
    assert client.get("/kepatuhan/sertifikat/").status_code == 405
    response = client.post("/kepatuhan/sertifikat/", {"status_id": status.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="sertifikat-9120001234567-2026-10.pdf"'
    )
    cert = Certificate.objects.get()
    assert cert.pdf_sha256 == sha256(response.content).hexdigest()
    assert "Periksa keaslian di http://testserver/verify/" in pdf_text(response.content)
    assert client.get(f"/verify/{cert.kode}").status_code == 200


def test_issue_view_refuses_rows_outside_scope_and_bad_ids(client, make_status, make_user):
    status = make_status()
    client.force_login(make_user("admin_ntb", "bpjs_admin", "52"))
    assert client.post("/kepatuhan/sertifikat/", {"status_id": status.pk}).status_code == 404
    assert client.post("/kepatuhan/sertifikat/", {"status_id": "x"}).status_code == 422
    assert not Certificate.objects.exists()


def test_verify_page_works_in_english_too(client, issued):
    client.cookies["django_language"] = "en"
    response = client.get(f"/verify/{issued[1].kode}")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Sah dan masih berlaku" in page and "Valid and still holds" in page


def test_default_verify_url_is_on_the_first_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["cakupan.bpjs.example", "localhost"]
    assert default_verify_url("abc.def") == "http://cakupan.bpjs.example/verify/abc.def"
    settings.SECURE = True
    assert default_verify_url("abc.def") == "https://cakupan.bpjs.example/verify/abc.def"


def test_signing_keys_default_to_the_data_folder(settings, tmp_path):
    del settings.SIGNING_KEY_DIR
    settings.DATA_DIR = tmp_path
    assert signing.key_dir() == tmp_path / "signing"
    assert not os.path.exists(tmp_path / "signing")
