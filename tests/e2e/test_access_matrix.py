"""Every protected operation of the OpenAPI document, tried with every kind of credential.

No key, a malformed key, an unknown key, a revoked key and an expired key are each a 401
with ``WWW-Authenticate: Bearer`` and the same body; a key lacking the operation's scope is a
403 naming it; a key with just that scope gets past both. Generated from the document, so
a new operation is covered the day it is added.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services import services
from domain.access import IMPLIED, SCOPES
from domain.use_cases.api_keys import find_key, revoke_key
from tests.e2e.support import PROBLEM, FixedClock
from tests.keys import UNKNOWN_KEY, bearer

PUBLIC = {"checkHealth", "checkLiveness"}
_NEEDS = re.compile(r"Needs the scope `([a-z]+:[a-z]+)`")


def operations(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    spec = app.test_client().get("/openapi.json").get_json()
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method.upper(), re.sub(r"\{[a-z_]+\}", "1", path), operation))
    return found


def _issue(app: Flask, scopes: list[str], **fields: Any) -> str:
    from app.api.api_keys import issue

    with app.app_context():
        return issue("matrix", scopes, **fields)[1]


def _send(http: FlaskClient, method: str, path: str, headers: dict[str, str]) -> Any:
    body = None if method in {"GET", "DELETE"} else {}
    return http.open(path, method=method, json=body, headers=headers)


def test_every_operation_but_the_health_checks_needs_a_key_and_names_its_scope(
    app: Flask,
) -> None:
    for _method, _path, operation in operations(app):
        if operation["operationId"] in PUBLIC:
            assert "security" not in operation
            continue
        assert operation["security"] == [{"bearerAuth": []}], operation["operationId"]
        assert _NEEDS.search(operation["description"]), operation["operationId"]
        assert {"401", "403"} <= set(operation["responses"]), operation["operationId"]


def test_no_bad_revoked_or_expired_key_gets_past_any_operation(
    app: Flask, http: FlaskClient, clock: FixedClock
) -> None:
    revoked = _issue(app, list(SCOPES))
    expired = _issue(app, list(SCOPES), expires_in_days=1)
    with app.app_context():
        found = find_key(services().uow(), revoked)
        assert found is not None and found.id is not None
        revoke_key(services().uow(), services().clock, found.id)
    clock.current += timedelta(days=2)
    credentials = {
        "none": {"Authorization": ""},
        "not bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
        "malformed": bearer("not-a-key"),
        "unknown": bearer(UNKNOWN_KEY),
        "revoked": bearer(revoked),
        "expired": bearer(expired),
    }
    bodies = set()
    for method, path, operation in operations(app):
        if operation["operationId"] in PUBLIC:
            continue
        for name, headers in credentials.items():
            response = _send(http, method, path, headers)
            where = f"{operation['operationId']} with {name} key"
            assert response.status_code == 401, where
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), where
            assert response.mimetype == PROBLEM, where
            bodies.add(response.get_data())
    assert len(bodies) == 1  # never says which of them it was


@pytest.mark.parametrize("scope", SCOPES)
def test_a_key_without_the_scope_is_refused_and_one_with_it_gets_through(
    app: Flask, http: FlaskClient, scope: str
) -> None:
    implying = {write for write, read in IMPLIED.items() if read == scope}
    lacking = _issue(app, [s for s in SCOPES if s != scope and s not in implying])
    holding = _issue(app, [scope])
    needing = [
        (method, path, operation)
        for method, path, operation in operations(app)
        if operation["operationId"] not in PUBLIC
        and _NEEDS.search(operation["description"]).group(1) == scope  # type: ignore[union-attr]
    ]
    assert needing, f"no operation needs {scope}"
    for method, path, operation in needing:
        refused = _send(http, method, path, bearer(lacking))
        assert refused.status_code == 403, operation["operationId"]
        assert scope in refused.get_json()["detail"]
        allowed = _send(http, method, path, bearer(holding))
        assert allowed.status_code not in {401, 403}, operation["operationId"]
