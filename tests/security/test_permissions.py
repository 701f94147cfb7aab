"""Every page and API endpoint, tried by every role and by outsiders: no page forgets its
permission or its region scope.

The cases are generated from the URL resolver (every named pattern, the new apps' included as
they land) and from the ninja API's routes; `PAGES` and `API` say who may open what, from the
capability table in accounts/roles.py and the views' own checks. A URL missing from the tables
fails `test_every_url_has_an_expectation` with the line to add.

Outcomes: `ok` 200 (or a redirect that is not to the login page); `denied` 403 or 404 (404 when a
view will not say whether an object exists outside the reader's scope); `hidden` 200 without the
fixture object's marker text (a list cut to role and region); `login` a redirect to the login
page (pages) or 401 (API).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cakupan.accounts.roles import CAPABILITY_ROLES, Role
from tests.reliability.harness import report

ROLES = list(Role.values)
EVERYONE = "everyone"  # anonymous included
PEOPLE = "people"  # any logged-in user
STAFF_ADMIN = "admin"  # Django admin: staff bpjs_admin only
LOGOUT = "logout"  # anyone; ends in the login page
# Pages of one object of an app the fixture world has no object of yet (programmes, award):
# tried with an id that does not exist, so everyone must get 403/404 and anonymous the login
# page (or a redirect back with a message, for a POST form refused before any lookup) — no page
# answers 200 or 500 for what is not there. Give the app an object in `world`
# and its real rule here to test its permissions fully.
ABSENT = "absent"

# URL name → (rule, how others are refused). rule: EVERYONE, PEOPLE, STAFF_ADMIN, LOGOUT or a
# capability.
# refusal: "denied" (403/404) or "hidden" (200, the fixture object not shown).
PAGES: dict[str, tuple[str | frozenset[str], str]] = {
    "home": (PEOPLE, "denied"),
    "favicon.ico": (EVERYONE, "denied"),
    "login": (EVERYONE, "denied"),
    "logout": (LOGOUT, "login"),
    "password_change": (PEOPLE, "denied"),
    "set_language": (EVERYONE, "denied"),
    "coverage": ("coverage.view", "denied"),
    "coverage_export": ("coverage.export", "denied"),
    "coverage_map": ("coverage.view", "denied"),
    "coverage_report": ("coverage.export", "denied"),
    "coverage_reconciliation": ("coverage.view", "denied"),
    "compliance": ("compliance.view", "denied"),
    "compliance_map": ("compliance.view", "denied"),
    "compliance_export": ("compliance.view", "denied"),
    "compliance_detail": ("compliance.view", "denied"),
    "certificate_verify_upload": (EVERYONE, "denied"),
    "certificate_verify": (EVERYONE, "denied"),
    "certificate_issue": ("compliance.followup", "denied"),
    "match_queue": ("compliance.followup", "denied"),
    "participants": ("registry.view", "hidden"),
    "participant_detail": ("registry.view", "denied"),
    "participant_reveal_nik": ("nik.view", "denied"),
    "participants_export": ("registry.export", "denied"),
    "employers": ("registry.view", "hidden"),
    "employer_detail": ("registry.view", "denied"),
    "imports": ("registry.import", "denied"),
    "rejects_download": ("registry.import", "denied"),
    "regions": (PEOPLE, "denied"),
    "jobs": ("jobs.view", "hidden"),
    "job_detail": ("jobs.view", "denied"),
    "audit": ("audit.view", "denied"),
    "admin": (STAFF_ADMIN, "login"),  # Django admin sends others to its own login
    # programmes (issue 6)
    "programme_list": ("programmes.view", "denied"),
    "programme_create": ("programmes.manage", "denied"),
    "programme_sponsor_create": ("programmes.manage", "denied"),
    "programme_payments": ("programmes.payments", "denied"),
    "programme_renewals": ("programmes.beneficiaries", "denied"),
    "programmes_overview": ("programmes.view", "denied"),  # a sponsor is sent to its own page
    "programmes_map": ("programmes.view", "denied"),
    "programmes_sponsor": ("programmes.view", "denied"),
    "programmes_staff": ("programmes.view", "denied"),
    "programmes_simulator": ("programmes.simulate", "denied"),
    "programme_detail": (ABSENT, "denied"),
    "programme_submit": (ABSENT, "denied"),
    "programme_approve": (ABSENT, "denied"),
    "programme_reject": (ABSENT, "denied"),
    "programme_template": (ABSENT, "denied"),
    "beneficiary_upload": (ABSENT, "denied"),
    "beneficiary_list": (ABSENT, "denied"),
    "beneficiary_fix": (ABSENT, "denied"),
    "beneficiary_match": (ABSENT, "denied"),
    "beneficiary_review": (ABSENT, "denied"),
    "programme_invoices": (ABSENT, "denied"),
    "programme_enrolment": (ABSENT, "denied"),
    # award (issue 8)
    "award_home": ("award.view", "denied"),
    "award_cycle_new": ("award.manage", "denied"),
    "award_rubrics": ("award.view", "denied"),
    "award_rubric_history": (ABSENT, "denied"),
    "award_rubric_edit": (ABSENT, "denied"),
    "award_rubric_version": (ABSENT, "denied"),
    "award_rubric_json": (ABSENT, "denied"),
    "award_cycle": (ABSENT, "denied"),
    "award_stage_close": (ABSENT, "denied"),
    "award_stage_dates": (ABSENT, "denied"),
    "award_settings": (ABSENT, "denied"),
    "award_cycle_rubric": (ABSENT, "denied"),
    "award_compute": (ABSENT, "denied"),
    "award_candidates": (ABSENT, "denied"),
    "award_candidate": (ABSENT, "denied"),
    "award_evidence_upload": (ABSENT, "denied"),
    "award_assessor_scores": (ABSENT, "denied"),
    "award_withdraw": (ABSENT, "denied"),
    "award_officer_add": (ABSENT, "denied"),
    "award_evidence_download": (ABSENT, "denied"),
    "award_evidence_verify": (ABSENT, "denied"),
    "award_jury": (ABSENT, "denied"),
    "award_assign": (ABSENT, "denied"),
    "award_unassign": (ABSENT, "denied"),
    "award_conflict": (ABSENT, "denied"),
    "award_session": (ABSENT, "denied"),
    "award_sheet_reopen": (ABSENT, "denied"),
    "award_my": (ABSENT, "denied"),
    "award_sheet": (ABSENT, "denied"),
    "award_sheet_submit": (ABSENT, "denied"),
    "award_results": (ABSENT, "denied"),
    "award_results_pdf": (ABSENT, "denied"),
    "award_results_csv": (ABSENT, "denied"),
    "award_scorecard": (ABSENT, "denied"),
    "award_scorecard_pdf": (ABSENT, "denied"),
    "award_certificate": (ABSENT, "denied"),
}

# API route (method, path as in the OpenAPI schema) → rule, as above.
API: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", "/api/v1/regions"): (PEOPLE, "denied"),
    ("GET", "/api/v1/regions/{code}"): (PEOPLE, "denied"),
    ("GET", "/api/v1/participants"): ("registry.view", "hidden"),
    ("POST", "/api/v1/participants/lookup"): ("registry.view", "hidden"),
    ("GET", "/api/v1/employers"): ("registry.view", "hidden"),
    ("GET", "/api/v1/imports/{record_id}"): ("registry.import", "denied"),
    ("GET", "/api/v1/coverage"): ("coverage.view", "denied"),
    ("GET", "/api/v1/coverage/trend"): ("coverage.view", "denied"),
    ("GET", "/api/v1/jobs/{job_id}"): ("jobs.view", "denied"),
    ("GET", "/api/v1/compliance"): ("compliance.check", "denied"),
}

# Patterns not tried, each with its reason (kept short).
SKIP = {
    "i18n/setlang/": "set_language is tried under its name",
}

# Query parameters an API route needs to get past validation to its permission check.
QUERIES = {
    "/api/v1/compliance": {"nib": "9100000000000"},
    "/api/v1/coverage": {"level": "village", "period": "2023-12"},
    "/api/v1/participants": {"nama": "Made"},
}

MARKER = "Batubulan"  # in the fixture objects' names; never shown to outsiders


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", names: tuple[str, ...] = ()) -> Iterator[Page]:
    for p in patterns:
        if isinstance(p, URLResolver):
            route = prefix + str(p.pattern)
            if route.startswith(("api/v1/", "admin/")):
                continue
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
            yield Page(p.name or route, route, params)


def all_pages() -> list[Page]:
    pages = [p for p in _walk(get_resolver().url_patterns) if p.route not in SKIP]
    pages.append(Page("admin", "admin/", ()))
    return pages


def all_api_routes() -> list[tuple[str, str]]:
    from cakupan.api import api

    schema = api.get_openapi_schema()
    return sorted((method.upper(), path) for path, ops in schema["paths"].items() for method in ops)


def test_every_url_has_an_expectation() -> None:
    missing = [
        f'    "{p.name}": ("<capability>", "denied"),  # {p.route}'
        for p in all_pages()
        if p.name not in PAGES
    ]
    missing += [
        f'    ("{m}", "{path}"): ("<capability>", "denied"),'
        for m, path in all_api_routes()
        if (m, path) not in API
    ]
    assert not missing, (
        "These URLs have no expected permission: add them to PAGES or API in "
        "tests/security/test_permissions.py (who may open them: a capability of "
        "accounts/roles.py, PEOPLE or EVERYONE) or, with a reason, to SKIP:\n" + "\n".join(missing)
    )


def test_no_url_carries_a_nik() -> None:
    for page in all_pages():
        assert "nik" not in page.params, f"{page.route}: a NIK must never be in a URL (POST it)"
    for _, path in all_api_routes():
        assert "{nik}" not in path, f"{path}: a NIK must never be in a URL"


# --- fixture world ------------------------------------------------------------------------------


@pytest.fixture
def world(db, participants, make_user, tmp_path, settings) -> dict[str, Any]:
    """One user per role in Bali (pemda and village in Gianyar/Batubulan), outsiders elsewhere in
    Bali, and one object of each kind in Batubulan."""
    from cakupan.accounts.services import token_create
    from cakupan.compliance.models import ComplianceStatus
    from cakupan.imports.models import ImportRecord
    from cakupan.jobs.models import Job
    from cakupan.registry.models import Employer

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    scopes = {
        Role.PEMDA_OFFICER: "51.04",
        Role.VILLAGE_OPERATOR: "51.04.01.2001",
    }
    users = {role: make_user(f"u_{role}", role, scopes.get(role, "51")) for role in ROLES}
    outsiders = {
        Role.PEMDA_OFFICER: make_user("out_pemda", Role.PEMDA_OFFICER, "51.71"),
        Role.VILLAGE_OPERATOR: make_user("out_desa", Role.VILLAGE_OPERATOR, "51.04.01.2002"),
        Role.BPJS_ADMIN: make_user("out_admin", Role.BPJS_ADMIN, "52"),
    }
    employer = Employer.objects.create(
        npp="20000001", nama="PT Batubulan Jaya", kode_wilayah="51.04.01.2001"
    )
    rejects = tmp_path / "tolak.csv"
    rejects.write_text("baris,kolom\n")
    record = ImportRecord.objects.create(
        kind="participants",
        periode="2023-12",
        file_name="Batubulan.csv",
        sha256="0" * 64,
        region_code="51.04.01.2001",
        outcome="rejected",
        rejects_path=str(rejects),
        problems=1,
    )
    job = Job.objects.create(kind="imports.participants", region_code="51.04.01.2001")
    status = ComplianceStatus.objects.create(
        periode="2023-12",
        employer=employer,
        npp=employer.npp,
        nama=employer.nama,
        kode_wilayah="51.04.01.2001",
        status="patuh",
        computed_at=timezone.now(),
    )
    tokens = {
        role: token_create(name=f"t_{role}", role=role, region_code=scopes.get(role, "51"))[1]
        for role in ROLES
    }
    params = {
        "participant_id": participants[0].pk,
        "employer_id": employer.pk,
        "record_id": record.pk,
        "job_id": job.pk,
        "status_id": status.pk,
        "code": "kode-tidak-sah",
    }
    return {"users": users, "outsiders": outsiders, "tokens": tokens, "params": params}


def _url(page: Page, params: dict[str, Any], rule: str) -> str:
    route = page.route
    for name in page.params:
        if rule == ABSENT:
            value = "999999" if re.search(rf"<int:{name}>", route) else "tidak-ada"
        elif name in params:
            value = params[name]
        else:
            pytest.fail(
                f"{page.route}: no fixture object for <{name}>; add one to `world` in "
                "tests/security/test_permissions.py, or mark the page ABSENT"
            )
        route = re.sub(rf"<(?:\w+:)?{name}>", str(value), route)
    return "/" + route


def _fetch(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def _allowed(rule: str | frozenset[str], role: str | None) -> bool:
    if rule == EVERYONE:
        return True
    if role is None or rule == ABSENT:
        return False
    if isinstance(rule, frozenset):
        return role in rule
    if rule == PEOPLE:
        return True
    if rule == STAFF_ADMIN:
        return role == Role.BPJS_ADMIN
    return role in CAPABILITY_ROLES[rule]


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _outcome(response: Any) -> str:
    status = response.status_code
    if status in (302, 301) and re.search(r"/masuk/|/login/", response.get("Location", "")):
        return "login"
    if status == 401:
        return "login"
    if status in (403, 404):
        return "denied"
    if status in (200, 204, 301, 302, 303, 400, 422):
        return "ok"
    return f"status {status}"


def test_every_page_against_every_role(client, world) -> None:
    """Pages × (anonymous, each role, outsiders): the outcome the table says, and never a NIK in
    a Location header; a page a role may open shows no inline script."""
    failures = []
    tried = 0
    for page in all_pages():
        if page.name not in PAGES:
            continue  # test_every_url_has_an_expectation reports it
        rule, refusal = PAGES[page.name]
        url = _url(page, world["params"], rule)
        actors: list[tuple[str, Any, str | None]] = [("anonymous", None, None)]
        actors += [(role, user, role) for role, user in world["users"].items()]
        if page.params or refusal == "hidden":  # region scope matters: outsiders try too
            actors += [
                (f"outsider {role}", user, role) for role, user in world["outsiders"].items()
            ]
        for label, user, role in actors:
            client.logout()
            if user is not None:
                client.force_login(user)
            response = _fetch(client, url)
            tried += 1
            got = _outcome(response)
            outsider = label.startswith("outsider") and rule not in (EVERYONE, PEOPLE)
            if rule == LOGOUT:
                expected = "login"
            elif _allowed(rule, role) and not outsider:
                expected = "ok"
            elif role is None and rule != EVERYONE:
                expected = "login"
            else:
                expected = refusal
            if expected == "hidden":
                if got == "ok" and MARKER in _body(response):
                    failures.append(f"{url} as {label}: shows {MARKER!r} it may not see")
                elif got not in ("ok", "denied"):
                    failures.append(f"{url} as {label}: {got}, expected the list without it")
            elif rule == ABSENT and user is not None and 300 <= response.status_code < 400:
                pass  # a POST form refused (redirected back) before the object is looked up
            elif got != expected:
                failures.append(
                    f"{url} as {label}: {got} ({response.status_code}), expected {expected}"
                )
            if re.search(r"\d{16}", response.get("Location", "")):
                failures.append(f"{url} as {label}: a NIK-like number in the redirect")
    report("permissions_pages", checks=tried, pages=len(all_pages()), actors=len(ROLES) + 4)
    assert not failures, "\n".join(failures)


def test_every_api_route_against_every_role(client, world) -> None:
    from cakupan.api import api  # noqa: F401 - the routes are mounted

    failures = []
    tried = 0
    values = {
        "{code}": "51",
        "{record_id}": str(world["params"]["record_id"]),
        "{job_id}": str(world["params"]["job_id"]),
    }
    for method, path in all_api_routes():
        if (method, path) not in API:
            continue
        rule, refusal = API[(method, path)]
        url = path
        for key, value in values.items():
            url = url.replace(key, value)
        query = QUERIES.get(path, {})
        actors: list[tuple[str, dict[str, str], str | None]] = [("anonymous", {}, None)]
        actors += [
            (f"token {role}", {"HTTP_AUTHORIZATION": f"Bearer {key}"}, role)
            for role, key in world["tokens"].items()
        ]
        for label, headers, role in actors:
            if method == "GET":
                response = client.get(url, query, **headers)
            else:
                response = client.post(
                    url, {"q": "5104014101900001"}, content_type="application/json", **headers
                )
            tried += 1
            got = _outcome(response)
            if _allowed(rule, role):
                expected = "ok"
            elif role is None:
                expected = "login"
            else:
                expected = refusal
            if expected == "hidden":
                if got == "ok" and MARKER in _body(response):
                    failures.append(f"{method} {url} as {label}: shows {MARKER!r}")
                elif got not in ("ok", "denied"):
                    failures.append(f"{method} {url} as {label}: {got}")
            elif got != expected:
                failures.append(
                    f"{method} {url} as {label}: {got} ({response.status_code}), expected {expected}"
                )
            if response.status_code >= 400:
                assert "5104014101900001" not in _body(response)
    report("permissions_api", checks=tried, routes=len(all_api_routes()), actors=len(ROLES) + 1)
    assert not failures, "\n".join(failures)
