import pytest

PAGES = [
    "/",
    "/cakupan/",
    "/registri/peserta/",
    "/pekerjaan/",
    "/wilayah/",
    "/wilayah/?code=51",
    "/audit/",
    "/akun/sandi/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_admin(client, bpjs_admin, participants, url):
    client.force_login(bpjs_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("default-src 'self'")


def test_pages_need_login(client, db):
    response = client.get("/cakupan/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_indonesian_by_default_and_english_on_switch(client, bpjs_admin, participants):
    client.force_login(bpjs_admin)
    assert '<html lang="id">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_navigation_follows_role(client, bpjs_admin, analyst):
    client.force_login(analyst)
    body = client.get("/").content.decode()
    assert 'href="/cakupan/"' in body and 'href="/audit/"' not in body
    assert 'href="/registri/peserta/"' not in body
    client.force_login(bpjs_admin)
    assert 'href="/audit/"' in client.get("/").content.decode()


def test_coverage_drill_down_and_export_is_audited(client, bpjs_admin, participants):
    from cakupan.audit.models import AuditEntry

    client.force_login(bpjs_admin)
    body = client.get("/cakupan/?region=51.04&periode=2023-12").content.decode()
    assert "Sukawati" in body and "?region=51.04.01&amp;periode=2023-12" in body
    csv_body = b"".join(
        client.get("/cakupan/ekspor/?region=51.04&periode=2023-12&format=csv").streaming_content
    ).decode()
    assert "51.04.01" in csv_body
    assert AuditEntry.objects.get(action="export").detail["what"] == "coverage"


def test_nik_search_goes_by_post_not_url(client, bpjs_admin, participants):
    client.force_login(bpjs_admin)
    body = client.post("/registri/peserta/", {"q": "5104010303800003"}).content.decode()
    assert "Ketut Ketewel" in body and "Wayan" not in body


def test_indonesian_even_when_the_browser_asks_for_english(client, bpjs_admin):
    client.force_login(bpjs_admin)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in body


def test_static_files_are_served(client, db):
    response = client.get("/static/cakupan/cakupan.css")
    assert response.status_code == 200
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_page_links_keep_the_filters(client, bpjs_admin):
    from cakupan.audit.services import audit_record

    for _ in range(101):
        audit_record(actor=bpjs_admin, action="export", rows=1)
    client.force_login(bpjs_admin)
    body = client.get("/audit/?action=export").content.decode()
    assert 'href="?action=export&amp;page=2"' in body
