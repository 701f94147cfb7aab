"""Schemathesis against /api/v1/'s OpenAPI schema: generated requests to every operation (as a
BPJS administrator, the licensing service for /compliance); no 500, and every answer matches
the schema. Cases come from schemathesis' strategies, driven by hypothesis here (schemathesis'
own pytest plugin does not run under pytest 9)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from tests.reliability.fuzzing import SCALE, TRIED

EXAMPLES = int(os.environ.get("CAKUPAN_API_EXAMPLES", "10")) * SCALE


def _schema():
    from cakupan.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _operations() -> list[str]:
    return sorted(f"{r.ok().method.upper()} {r.ok().path}" for r in _schema().get_all_operations())


@pytest.fixture(autouse=True)
def _keep_connection() -> object:
    """As Django's test client does: the test's connection, inside the test's transaction, must
    outlive each WSGI request (Django closes a connection not in autocommit when one ends)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(participants, db) -> dict[str, str]:
    from cakupan.accounts.services import token_create

    return {
        role: token_create(name=f"api_{role}", role=role, region_code="51")[1]
        for role in ("bpjs_admin", "licensing_client")
    }


@pytest.mark.parametrize("label", _operations())
def test_api_answers_every_generated_request_within_its_schema(label: str, tokens) -> None:
    method, path = label.split(" ", 1)
    operation = _schema()[path][method]
    role = "licensing_client" if path.startswith("/compliance") else "bpjs_admin"
    headers = {"Authorization": f"Bearer {tokens[role]}"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        TRIED[f"API {label}"] += 1
        case.call_and_validate(
            headers=headers,
            checks=[
                checks.not_a_server_error,
                checks.response_schema_conformance,
                checks.content_type_conformance,
            ],
        )

    run()


@pytest.mark.parametrize("path", ["/api/v1/participants", "/api/v1/employers"])
def test_an_absurd_page_number_is_invalid_input_not_a_server_error(client, tokens, path) -> None:
    """Found by the fuzzing above: `?page=10**19` overflowed OFFSET (500 on both databases)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens['bpjs_admin']}"}
    assert client.get(path, {"page": str(10**19)}, **headers).status_code == 422
    last = client.get(path, {"page": "1000000"}, **headers)
    assert last.status_code == 200 and last.json()["items"] == []
