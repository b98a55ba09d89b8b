"""The /webhooks resource over HTTP: subscriptions, secrets shown once, the address guard."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import assert_problem
from tests.e2e.webhooks import ALL_EVENTS, attempts, subscribe

PUBLIC = "https://93.184.215.14/hooks"  # an address literal: the tests resolve nothing


def test_a_subscription_answers_its_secret_once_and_is_read_listed_changed_and_deleted(
    http: FlaskClient,
) -> None:
    created = http.post(
        "/webhooks", json={"url": PUBLIC, "events": ["appointment.booked"], "description": "SMS"}
    )
    assert created.status_code == 201
    hook: dict[str, Any] = created.get_json()
    assert created.headers["Location"] == f"/webhooks/{hook['id']}"
    assert hook["secret"].startswith("whsec_")
    assert (hook["url"], hook["events"], hook["enabled"]) == (PUBLIC, ["appointment.booked"], True)
    assert hook["created_at"].endswith("Z") and hook["disabled_reason"] is None
    read = http.get(f"/webhooks/{hook['id']}").get_json()
    assert read == {k: v for k, v in hook.items() if k != "secret"}
    assert http.get("/webhooks").get_json() == [read]
    changed = http.patch(
        f"/webhooks/{hook['id']}", json={"events": ALL_EVENTS, "enabled": False}
    ).get_json()
    assert (changed["events"], changed["enabled"]) == (ALL_EVENTS, False)
    assert changed["disabled_reason"] == "disabled by request"
    enabled = http.patch(f"/webhooks/{hook['id']}", json={"enabled": True}).get_json()
    assert (enabled["enabled"], enabled["disabled_reason"]) == (True, None)
    assert attempts(http, hook["id"]) == []
    assert http.delete(f"/webhooks/{hook['id']}").status_code == 204
    assert_problem(http.get(f"/webhooks/{hook['id']}"), 404, "not-found")
    assert http.get("/webhooks").get_json() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/webhooks/9"),
        ("patch", "/webhooks/9"),
        ("delete", "/webhooks/9"),
        ("post", "/webhooks/9/rotate-secret"),
        ("get", "/webhooks/9/deliveries"),
    ],
)
def test_an_unknown_webhook_is_a_404(http: FlaskClient, method: str, path: str) -> None:
    kwargs = {"json": {}} if method == "patch" else {}
    assert_problem(getattr(http, method)(path, **kwargs), 404, "not-found")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://unresolvable.invalid/hook",
    ],
)
def test_private_reserved_and_unresolvable_hosts_are_refused_by_default(
    http: FlaskClient, url: str
) -> None:
    body = assert_problem(
        http.post("/webhooks", json={"url": url, "events": ALL_EVENTS}), 422, "invalid-request"
    )
    assert "address" in body["detail"] or "resolve" in body["detail"]
    assert http.get("/webhooks").get_json() == []


@pytest.mark.parametrize(
    "payload",
    [
        {"url": "ftp://93.184.215.14/h", "events": ALL_EVENTS},
        {"url": "https://user:secret@93.184.215.14/h", "events": ALL_EVENTS},
        {"url": "https://93.184.215.14/" + "a" * 2048, "events": ALL_EVENTS},
        {"url": PUBLIC, "events": []},
        {"url": PUBLIC, "events": ["appointment.exploded"]},
        {"url": PUBLIC},
        {"events": ALL_EVENTS},
        {"url": PUBLIC, "events": ALL_EVENTS, "secret": "whsec_mine"},
    ],
)
def test_bad_subscriptions_are_refused_with_a_422(http: FlaskClient, payload: Any) -> None:
    assert http.post("/webhooks", json=payload).status_code == 422


def test_a_patch_to_a_refused_url_changes_nothing(http: FlaskClient) -> None:
    hook = subscribe(http, PUBLIC)
    response = http.patch(f"/webhooks/{hook['id']}", json={"url": "http://127.0.0.1/h"})
    assert_problem(response, 422, "invalid-request")
    assert http.get(f"/webhooks/{hook['id']}").get_json()["url"] == PUBLIC
