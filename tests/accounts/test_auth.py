"""Bad input at the door: wrong login, expired session, wrong-role token, forged CSRF."""

from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client

from cakupan.accounts.models import ApiToken
from cakupan.accounts.services import token_create, token_hash
from cakupan.audit.models import AuditEntry


def test_wrong_password_is_refused_and_audited(client, bpjs_admin):
    response = client.post("/masuk/", {"username": "admin_bali", "password": "salah"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.actor_label == "admin_bali" and entry.ip_address == "127.0.0.1"


def test_right_password_logs_in_and_is_audited(client, bpjs_admin):
    response = client.post("/masuk/", {"username": "admin_bali", "password": "sandi-uji-123"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", actor=bpjs_admin).count() == 1


def test_expired_session_redirects_to_login(client, bpjs_admin):
    client.force_login(bpjs_admin)
    client.session.set_expiry(-1)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/registri/peserta/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_api_without_credentials_says_401_in_both_languages(client, db):
    response = client.get("/api/v1/participants")
    assert response.status_code == 401
    body = response.json()
    assert body["kode"] == "tidak_terautentikasi"
    assert body["pesan"].startswith("Masuk dulu") and body["message"].startswith("Log in first")


def test_token_is_stored_hashed_and_works_once_created(client, participants):
    token, key = token_create(name="oss", role="bpjs_admin", region_code="51.04")
    assert ApiToken.objects.get(pk=token.pk).key_hash == token_hash(key)
    assert key not in str(ApiToken.objects.values_list().get(pk=token.pk))
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["count"] == 3  # scoped to Gianyar


def test_token_of_wrong_role_is_refused_with_403(client, participants):
    _, key = token_create(name="oss-bali", role="licensing_client", region_code="51")
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403
    assert response.json()["kode"] == "akses_ditolak"


def test_unknown_token_is_401(client, db):
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION="Bearer ckp_palsu")
    assert response.status_code == 401


def test_revoked_token_stops_working(client, participants):
    token, key = token_create(name="lama", role="bpjs_admin", region_code="51")
    call_command("token", "revoke", "lama")
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_token_create_command_prints_the_token_once(db, capsys):
    call_command("token", "create", "svc", "--role", "licensing_client", "--region", "51")
    out = capsys.readouterr().out.strip()
    assert out.startswith("ckp_")
    assert ApiToken.objects.get(name="svc").key_hash == token_hash(out)


def test_unknown_region_is_a_clear_404(client, bpjs_admin):
    client.force_login(bpjs_admin)
    response = client.get("/api/v1/regions/51.99")
    assert response.status_code == 404
    assert response.json() == {
        "kode": "wilayah_tidak_ditemukan",
        "pesan": "Kode wilayah 51.99 tidak ada.",
        "message": "Region code 51.99 does not exist.",
    }
    page = client.get("/cakupan/?region=51.99")
    assert page.status_code == 404
    assert "Kode wilayah 51.99 tidak ada." in page.content.decode()


def test_forged_csrf_token_is_refused_and_changes_nothing(bpjs_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bpjs_admin)
    client.get("/akun/sandi/")
    response = client.post(
        "/akun/sandi/",
        {
            "old_password": "sandi-uji-123",
            "new_password1": "sandi-baru-yang-panjang-9",
            "new_password2": "sandi-baru-yang-panjang-9",
            "csrfmiddlewaretoken": "palsu" * 8,
        },
    )
    assert response.status_code == 403
    assert "token CSRF" in response.content.decode()
    bpjs_admin.refresh_from_db()
    assert bpjs_admin.check_password("sandi-uji-123")


def test_password_change_works_and_is_audited(client, bpjs_admin):
    client.force_login(bpjs_admin)
    response = client.post(
        "/akun/sandi/",
        {
            "old_password": "sandi-uji-123",
            "new_password1": "sandi-baru-yang-panjang-9",
            "new_password2": "sandi-baru-yang-panjang-9",
        },
    )
    assert response.status_code == 302
    bpjs_admin.refresh_from_db()
    assert bpjs_admin.check_password("sandi-baru-yang-panjang-9")
    assert AuditEntry.objects.filter(action="password.change").count() == 1


def test_admin_site_is_for_bpjs_admin_only(client, analyst, bpjs_admin):
    client.force_login(analyst)
    assert client.get("/admin/").status_code == 302
    client.force_login(bpjs_admin)
    assert client.get("/admin/").status_code == 200


def test_logout_needs_post_and_is_audited(client, bpjs_admin):
    client.force_login(bpjs_admin)
    client.post("/keluar/")
    assert SESSION_KEY not in client.session
    assert AuditEntry.objects.filter(action="logout").count() == 1
