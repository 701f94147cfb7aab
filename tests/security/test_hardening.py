"""Production settings, security headers, CSRF, login throttling, uploads and error pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.reliability.harness import NIK_RE, ROOT

NIK = "5104014101900001"


def _production_settings() -> dict:
    code = (
        "import json, cakupan.settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_NAME', "
        "'CSRF_COOKIE_NAME', 'CSRF_COOKIE_HTTPONLY', 'SESSION_COOKIE_HTTPONLY', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'MIDDLEWARE']}))"
    )
    env = {**os.environ, "CAKUPAN_SECURE": "true", "DEBUG": "false", "SECRET_KEY": "p" * 50}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_production_settings_are_locked_down() -> None:
    s = _production_settings()
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] and s["X_FRAME_OPTIONS"] == "DENY"
    assert "django.middleware.csrf.CsrfViewMiddleware" in s["MIDDLEWARE"]
    assert "django.middleware.security.SecurityMiddleware" in s["MIDDLEWARE"]


def test_https_responses_carry_hsts_and_a_strict_csp(client, settings, bpjs_admin) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client.force_login(bpjs_admin)
    response = client.get("/masuk/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script_or_handler() -> None:
    """CSP forbids inline code; a template with some would break in the browser, so none has."""
    offenders = []
    for template in (ROOT / "src" / "cakupan").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            if "src=" not in match.group(1) or match.group(2).strip():
                offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text, re.I):
            offenders.append(f"{template}: inline event handler (on…=)")
        if re.search(r"(href|src)\s*=\s*[\"']\s*javascript:", text, re.I):
            offenders.append(f"{template}: javascript: URL")
    assert not offenders, "\n".join(offenders)


def test_secure_cookies_on_login(settings, make_user) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("kuki", "analyst", "51", password="sandi-yang-panjang-1")
    client = Client()
    client.get("/masuk/", secure=True)
    response = client.post(
        "/masuk/", {"username": "kuki", "password": "sandi-yang-panjang-1"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_csrf_is_enforced_on_forms_and_on_the_session_api(make_user, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = make_user("csrf", "bpjs_admin", "51")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/masuk/", {"username": "csrf", "password": "x"}).status_code == 403
    client.force_login(user)
    assert client.post("/registri/peserta/", {"q": NIK}).status_code == 403
    lookup = client.post("/api/v1/participants/lookup", {"q": NIK}, content_type="application/json")
    assert lookup.status_code == 403


# --- login throttling ---------------------------------------------------------------------------


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/masuk/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_is_throttled_after_five_failures_then_refuses_even_the_right_password(
    make_user, settings
) -> None:
    from cakupan.audit.models import AuditEntry

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("korban", "analyst", "51", password="sandi-benar-123")
    client = Client()
    for _ in range(5):
        assert _login(client, "korban", "salah").status_code == 200
    refused = _login(client, "korban", "sandi-benar-123")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 800
    assert "Try again in 15 minutes" in refused.content.decode() or "15 menit" in (
        refused.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.failed", detail__throttled=True).count() == 1
    # Another address is not held back by the first one's failures.
    assert _login(Client(), "korban", "sandi-benar-123", address="10.0.0.2").status_code == 302


def test_a_successful_login_clears_the_count_and_spraying_many_names_is_throttled(
    make_user, settings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    make_user("lupa", "analyst", "51", password="sandi-benar-123")
    client = Client()
    for _ in range(4):
        _login(client, "lupa", "salah")
    assert _login(client, "lupa", "sandi-benar-123").status_code == 302
    client.logout()
    for _ in range(3):
        assert _login(client, "lupa", "salah").status_code == 200  # counting anew
    for i in range(2):
        _login(client, f"nama{i}", "tebak")
    assert _login(client, "siapa", "tebak").status_code == 429  # 9th failure from the address


def test_a_nik_typed_as_username_is_masked_in_the_audit_log(db) -> None:
    from cakupan.audit.models import AuditEntry

    _login(Client(), NIK, "x")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.actor_label == "5104********0001"


# --- uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("peserta.csv", b"nik,nama\n5104014101900001,Ni Made\n", True),
        ("peserta.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, False),
        ("peserta.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", False),
        ("peserta.xlsx", b"PK\x03\x04not really a workbook", False),
        ("peserta.csv", b"MZ\x90\x00\x03\x00\x00\x00", False),
        ("peserta.txt", "nik;nama\n5104014101900001;Ni Màde\n".encode("cp1252"), True),
    ],
)
def test_uploads_are_checked_by_content(
    client, bpjs_admin, name: str, content: bytes, accepted: bool
) -> None:
    from cakupan.jobs.models import Job

    client.force_login(bpjs_admin)
    response = client.post(
        "/impor/",
        {"kind": "participants", "periode": "2023-12", "file": SimpleUploadedFile(name, content)},
    )
    assert (response.status_code == 302) is accepted, response.content.decode()[:500]
    assert Job.objects.exists() is accepted
    if accepted:
        stored = Path(Job.objects.get().params["path"])
        assert stored.read_bytes() == content
        stored.unlink()
    else:
        assert "checked by its content" in response.content.decode() or (
            "isinya" in response.content.decode()
        )


def test_uploads_are_stored_outside_the_web_root(client) -> None:
    upload = Path(django_settings.UPLOAD_DIR).resolve()
    served = [Path(django_settings.STATIC_ROOT).resolve()]
    served += [Path(p).resolve() for p in django_settings.STATICFILES_DIRS]
    served += [Path(p).resolve() for p in [ROOT / "src" / "cakupan"]]
    for root in served:
        assert not upload.is_relative_to(root), f"uploads under {root}"
    upload.mkdir(parents=True, exist_ok=True)
    probe = upload / "probe-unggahan.csv"
    probe.write_text("nik\n")
    try:
        for url in (
            "/static/probe-unggahan.csv",
            "/uploads/probe-unggahan.csv",
            "/static/../uploads/probe-unggahan.csv",
        ):
            assert client.get(url).status_code == 404, url
    finally:
        probe.unlink()


# --- error pages --------------------------------------------------------------------------------


def test_a_nik_in_a_requested_url_is_masked_in_the_log(client, caplog) -> None:
    import logging

    from cakupan.lib.logmask import MaskNiks

    record = logging.LogRecord("django.request", 30, "", 0, "Not Found: %s", (f"/x/{NIK}/",), None)
    MaskNiks().filter(record)
    assert record.getMessage() == "Not Found: /x/5104********0001/"


def test_error_pages_do_not_echo_a_nik(client, bpjs_admin, participants) -> None:
    client.force_login(bpjs_admin)
    for url in (f"/registri/peserta/{NIK}/", f"/tidak-ada/{NIK}/"):
        response = client.get(url)
        assert response.status_code in (404, 422), url
        # The language switch sends the reader back to the URL they typed: that echo aside,
        # the page says nothing of the number.
        body = response.content.decode().replace(f'name="next" type="hidden" value="{url}"', "")
        assert not NIK_RE.search(body), url
    bad = client.get("/api/v1/compliance", {"nib": NIK})
    assert bad.status_code in (403, 422) and NIK not in bad.content.decode()
