"""A certificate's verify page in a real browser, opened as its QR code would open it, by someone
who is not logged in: valid at first, "no longer valid" once the employer's status changes; the
same page checks an uploaded PDF, and a forged code is refused.

Set CAKUPAN_SCREENSHOT_DIR to a folder to keep screenshots of the three verdicts
(verify-valid.png, verify-no-longer.png, verify-forged.png) for a look by eye.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pypdf
import pytest
import segno
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.compliance.urls_certificates")]

NAMA = "PT Segara Bali Sejahtera"


def qr_url(pdf: bytes, candidates: list[str]) -> str:
    """Which of `candidates` the PDF's QR code encodes (its modules are compared one by one)."""
    picture = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images[0].image.convert("L")
    for url in candidates:
        matrix = segno.make(url, error="m", micro=False).matrix
        size = len(matrix)
        scale = picture.width // (size + 8)
        if picture.width != (size + 8) * scale:
            continue
        modules = [
            [
                picture.getpixel(((x + 4) * scale + scale // 2, (y + 4) * scale + scale // 2)) < 128
                for x in range(size)
            ]
            for y in range(size)
        ]
        if modules == [[bool(v) for v in row] for row in matrix]:
            return url
    raise AssertionError("the PDF's QR code encodes none of the candidate URLs")


@pytest.fixture
def certificate(browser_db: Any, make_user: Any, settings: Any, tmp_path: Any) -> Any:
    """A compliant employer and its certificate, issued against the live server's address."""
    from cakupan.compliance.certificates import certificate_issue
    from cakupan.compliance.models import ComplianceStatus

    settings.SIGNING_KEY_DIR = tmp_path / "signing"
    admin = make_user("admin_bali", "bpjs_admin", "51")
    status = ComplianceStatus.objects.create(
        periode="2026-10",
        npp="51012345",
        nib="9120001234567",
        nama=NAMA,
        kode_wilayah="51.03.05",
        status="patuh",
        pekerja_terdaftar=12,
        computed_at=timezone.now(),
    )
    base = browser_db.url
    cert, pdf = certificate_issue(
        status=status, acting_user=admin, verify_url=lambda kode: f"{base}/verify/{kode}"
    )
    return status, cert, pdf


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("CAKUPAN_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def verdict(page: Any) -> str:
    return page.get_attribute("#vonis", "data-verdict") or ""


def test_verify_page_from_the_qr_code_then_no_longer_valid(
    certificate, page, problems, browser_db, tmp_path
):
    from cakupan.compliance.certificates import certificates_revoke_changed
    from cakupan.compliance.models import ComplianceStatus

    status, cert, pdf = certificate
    base = browser_db.url
    url = qr_url(pdf, [f"{base}/verify/{cert.kode}"])

    # Scanned: valid, and it names the business, Indonesian first, without logging in.
    response = page.goto(url)
    assert response.status == 200
    assert verdict(page) == "berlaku"
    box = page.locator("#vonis").inner_text()
    assert "Sah dan masih berlaku" in box and "Valid and still holds" in box
    assert box.index("Sah dan masih berlaku") < box.index("Valid and still holds")
    assert page.locator("#nama-usaha").inner_text() == NAMA
    assert "51012345" in page.locator("#pernyataan").inner_text()
    assert page.locator("nav.mainnav").count() == 0  # nobody is logged in
    screenshot(page, "verify-valid.png")
    assert problems.take() == []

    # The same page checks the PDF itself.
    saved = tmp_path / "sertifikat.pdf"
    saved.write_bytes(pdf)
    page.set_input_files("#id_berkas", str(saved))
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert verdict(page) == "berlaku"
    assert page.locator("#nama-usaha").inner_text() == NAMA
    assert problems.take() == []

    # The employer's data changes: the status refresh finds workers missing and revokes.
    ComplianceStatus.objects.filter(pk=status.pk).update(status="pds_tk")
    assert certificates_revoke_changed() == 1
    response = page.goto(url)
    assert response.status == 200
    assert verdict(page) == "tidak_berlaku"
    box = page.locator("#vonis").inner_text()
    assert "Tidak berlaku lagi" in box and "No longer valid" in box
    assert "Sah dan masih berlaku" not in page.content()
    assert "PDS-TK" not in page.content()  # the new status is not the certificate's to tell
    assert page.locator("#nama-usaha").inner_text() == NAMA
    screenshot(page, "verify-no-longer.png")
    assert problems.take() == []

    # A code changed by one character is not genuine, and says so with a 400.
    position = len(cert.kode) // 2
    swapped = "B" if cert.kode[position] != "B" else "C"
    forged = cert.kode[:position] + swapped + cert.kode[position + 1 :]
    response = page.goto(f"{base}/verify/{forged}")
    assert response.status == 400
    assert verdict(page) == "tidak_sah"
    box = page.locator("#vonis").inner_text()
    assert "Tidak sah" in box and "Not genuine" in box
    assert page.locator("#nama-usaha").count() == 0
    screenshot(page, "verify-forged.png")
    # the 400 itself is the only console error: Chromium reports every failed navigation
    assert all("400" in e for e in problems.take())
