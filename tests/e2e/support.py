"""Helpers for the HTTP tests: a fixed clock, feed files, and requests that build data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

#: "Now" in every test unless a test moves it: Tuesday 2026-11-24, noon UTC.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
#: The next Monday after NOW; the test provider (UTC) works 09:00-12:00 and 13:00-17:00.
MONDAY = "2026-11-30"
#: The day after MONDAY, when the test provider has no weekly window.
TUESDAY = "2026-12-01"
PROBLEM = "application/problem+json"


class FixedClock:
    """A clock that says what the test tells it to (a Clock port implementation)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def slot(provider_id: int, slot_id: str, day: str, start: str, end: str) -> dict[str, Any]:
    """A feed slot from ``start`` to ``end`` (HH:MM) on ``day``."""
    return {
        "id": slot_id,
        "provider_id": provider_id,
        "starts_at": {"day_of_week": day, "time": start},
        "ends_at": {"day_of_week": day, "time": end},
        "source": "calendly",
    }


def working_week(provider_id: int) -> list[dict[str, Any]]:
    """Monday 09:00-12:00 and 13:00-17:00, Wednesday 10:00-11:00."""
    return [
        slot(provider_id, f"p{provider_id}-mon-am", "monday", "09:00", "12:00"),
        slot(provider_id, f"p{provider_id}-mon-pm", "monday", "13:00", "17:00"),
        slot(provider_id, f"p{provider_id}-wed", "wednesday", "10:00", "11:00"),
    ]


def write_feed(path: Path, slots_by_provider: dict[int, list[dict[str, Any]]]) -> None:
    path.write_text(json.dumps({str(k): v for k, v in slots_by_provider.items()}))


def at(day: str, clock: str) -> str:
    return f"{day}T{clock}:00Z"


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def new_provider(http: FlaskClient, **fields: Any) -> dict[str, Any]:
    payload = {"name": "Dr. Grace Hopper", "timezone": "UTC", **fields}
    return created(http.post("/providers", json=payload))


def new_client(http: FlaskClient, email: str = "ada@example.com", **fields: Any) -> dict[str, Any]:
    payload = {"name": "Ada Lovelace", "email": email, **fields}
    return created(http.post("/clients", json=payload))


def booking(
    client_id: int, provider_id: int, start: str, end: str, day: str = MONDAY
) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "provider_id": provider_id,
        "starts_at": at(day, start),
        "ends_at": at(day, end),
    }


def book(
    http: FlaskClient, client_id: int, provider_id: int, start: str, end: str, day: str = MONDAY
) -> dict[str, Any]:
    """Book ``start``-``end`` (HH:MM) on ``day``, which must succeed."""
    return created(
        http.post("/appointments", json=booking(client_id, provider_id, start, end, day))
    )


def free_times(
    http: FlaskClient, provider_id: int, day: str = MONDAY, **params: Any
) -> list[tuple[str, str]]:
    """The provider's free windows (or slots, with ``duration``) on ``day``, as HH:MM pairs."""
    midnight = datetime.fromisoformat(at(day, "00:00"))
    query = {"from": at(day, "00:00"), "to": (midnight + timedelta(days=1)).isoformat(), **params}
    response = http.get(f"/providers/{provider_id}/availabilities", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [
        (w["starts_at"][11:16], w["ends_at"][11:16]) for w in response.get_json()["availabilities"]
    ]


def moment(text: str) -> datetime:
    """A clock reading, e.g. ``moment("2026-11-30T08:00:00Z")``."""
    return datetime.fromisoformat(text)


def assert_problem(response: Any, status: int, type_suffix: str | None = None) -> dict[str, Any]:
    """The response is RFC 9457 problem details with ``status``; returns the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if type_suffix is None:
        assert body["type"] == "about:blank"
    else:
        assert body["type"].endswith(f"/problems/{type_suffix}")
    if "errors" in body:
        assert all(
            isinstance(v, list) and all(isinstance(m, str) for m in v)
            for v in body["errors"].values()
        )
    return body
