"""Helpers for the webhook tests: an app that accepts 127.0.0.1 receivers, subscriptions."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from domain.events import EventType

ALL_EVENTS = [kind.value for kind in EventType]


def subscribe(http: FlaskClient, url: str, events: list[str] | None = None) -> dict[str, Any]:
    response = http.post("/webhooks", json={"url": url, "events": events or ALL_EVENTS})
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def attempts(http: FlaskClient, webhook_id: int) -> list[dict[str, Any]]:
    response = http.get(f"/webhooks/{webhook_id}/deliveries", query_string={"page_size": 100})
    assert response.status_code == 200, response.get_data(as_text=True)
    found: list[dict[str, Any]] = response.get_json()
    return found
