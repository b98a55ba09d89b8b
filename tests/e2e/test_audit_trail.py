"""The audit trail over HTTP: one event per audited request, ids only, append-only.

docs/DECISIONS.md, "Audit trail".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from adapters.sqlalchemy.tables import audit_events
from app.access.audit import POLICY
from app.services import services
from tests.e2e.support import MONDAY, at, booking, created, working_week, write_feed
from tests.keys import bearer

PUBLIC = "https://93.184.215.14/hooks"  # an address literal: the tests resolve nothing
Expected = tuple[str, str, tuple[int, ...], str, int, bool]  # op, resource, ids, outcome, ...


def audit_rows(app: Flask) -> list[dict[str, Any]]:
    """Every stored audit row, from the database and (on SQLite) the audit file."""
    with app.app_context():
        database = services().database
        engines = [database.engine] + ([database.audit_engine] if database.audit_engine else [])
        found: list[dict[str, Any]] = []
        for engine in engines:
            with engine.connect() as connection:
                found += [dict(row._mapping) for row in connection.execute(select(audit_events))]
        return found


def listed(http: FlaskClient, **query: Any) -> list[dict[str, Any]]:
    response = http.get("/audit-events", query_string={"page_size": 100, **query})
    assert response.status_code == 200, response.get_data(as_text=True)
    body: list[dict[str, Any]] = response.get_json()
    return body


def session_ids(events: list[dict[str, Any]]) -> list[str]:
    """The scripted requests' ids among ``events`` (the listings are audited too)."""
    return [e["request_id"] for e in events if e["request_id"].startswith("session-")]


class Session:
    """Requests sent with a request id each, and the event each one should leave."""

    def __init__(self, http: FlaskClient) -> None:
        self.http, self.expected, self.key_ids = http, [], []  # type: ignore[var-annotated]
        self.main_key = int(listed_keys(http)[0]["id"])

    def send(
        self,
        method: str,
        path: str,
        expect: Expected,
        key: tuple[int, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        number = len(self.expected) + 1
        headers = {"X-Request-ID": f"session-{number}", **kwargs.pop("headers", {})}
        if key is not None:
            headers.update(bearer(key[1]))
        response = self.http.open(path, method=method, headers=headers, **kwargs)
        operation, resource, ids, outcome, status, keyed = expect
        assert response.status_code == status, (path, response.get_data(as_text=True))
        key_id = (key[0] if key else self.main_key) if keyed else None
        self.expected.append(
            {
                "request_id": f"session-{number}",
                "operation_id": operation,
                "resource": resource,
                "resource_ids": list(ids),
                "outcome": outcome,
                "status": status,
                "key_id": key_id,
            }
        )
        return response


def listed_keys(http: FlaskClient) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = http.get("/api-keys").get_json()
    return body


def _id(response: Any) -> int:
    return int(created(response)["id"])


def _script_people(s: Session, feed_path: Path) -> tuple[int, int, int]:
    p = _id(
        s.send(
            "POST",
            "/providers",
            ("createProvider", "provider", (1,), "ok", 201, True),
            json={"name": "Dr. Quincy Zed", "timezone": "UTC"},
        )
    )
    write_feed(feed_path, {p: working_week(p)})
    s.send(
        "POST",
        f"/providers/{p}/availability-sync",
        ("syncAvailability", "provider", (p,), "ok", 200, True),
    )
    c1 = _id(
        s.send(
            "POST",
            "/clients",
            ("createClient", "client", (1,), "ok", 201, True),
            json={"name": "Ada Secretname", "email": "ada.secret@example.org"},
        )
    )
    c2 = _id(
        s.send(
            "POST",
            "/clients",
            ("createClient", "client", (2,), "ok", 201, True),
            json={"name": "Bo Hiddenname", "email": "bo.hidden@example.org"},
        )
    )
    s.send("GET", f"/clients/{c1}", ("getClient", "client", (c1,), "ok", 200, True))
    s.send("GET", "/clients", ("listClients", "client", (c1, c2), "ok", 200, True))
    return p, c1, c2


def _script_appointments(s: Session, p: int, c1: int, c2: int) -> tuple[int, int]:
    a1 = _id(
        s.send(
            "POST",
            "/appointments",
            ("bookAppointment", "appointment", (1,), "ok", 201, True),
            json=booking(c1, p, "09:00", "09:30"),
        )
    )
    a2 = _id(
        s.send(
            "POST",
            "/appointments",
            ("bookAppointment", "appointment", (2,), "ok", 201, True),
            json=booking(c2, p, "10:00", "10:30"),
        )
    )
    s.send(
        "POST",
        "/appointments",
        ("bookAppointment", "appointment", (), "refused", 409, True),
        json=booking(c2, p, "09:00", "09:30"),
    )
    s.send("GET", f"/appointments/{a1}", ("getAppointment", "appointment", (a1,), "ok", 200, True))
    s.send("GET", "/appointments", ("listAppointments", "appointment", (a1, a2), "ok", 200, True))
    s.send(
        "GET",
        "/appointments",
        ("listAppointments", "appointment", (a1,), "ok", 200, True),
        query_string={"client_id": c1},
    )
    s.send(
        "PATCH",
        f"/appointments/{a1}",
        ("rescheduleAppointment", "appointment", (a1,), "ok", 200, True),
        json={"starts_at": at(MONDAY, "11:00"), "ends_at": at(MONDAY, "11:30")},
    )
    s.send(
        "DELETE",
        f"/appointments/{a2}",
        ("cancelAppointment", "appointment", (a2,), "ok", 200, True),
        json={"reason": "A very private reason", "canceled_by": "client"},
    )
    s.send(
        "DELETE",
        f"/appointments/{a2}",
        ("cancelAppointment", "appointment", (a2,), "ok", 200, True),
    )
    s.send(
        "GET",
        "/appointments/999",
        ("getAppointment", "appointment", (999,), "not_found", 404, True),
    )
    return a1, a2


def _script_access(s: Session, c1: int) -> str:
    response = s.send(
        "POST",
        "/api-keys",
        ("createApiKey", "api_key", (2,), "ok", 201, True),
        json={"name": "Kiosk", "scopes": ["availability:read"]},
    )
    kiosk = (int(response.get_json()["id"]), response.get_json()["key"])
    s.send("GET", f"/clients/{c1}", ("getClient", "client", (c1,), "denied", 403, True), key=kiosk)
    s.send(
        "GET",
        "/clients",
        ("listClients", "client", (), "denied", 401, False),
        headers={"Authorization": "Bearer csk_not-a-key"},
    )
    s.send(
        "DELETE", f"/api-keys/{kiosk[0]}", ("revokeApiKey", "api_key", (kiosk[0],), "ok", 200, True)
    )
    return str(kiosk[1])


def _script_schedule(s: Session, p: int, c1: int) -> None:
    s.send(
        "PATCH",
        f"/providers/{p}",
        ("updateProvider", "provider", (p,), "ok", 200, True),
        json={"buffer_before": 5},
    )
    t = _id(
        s.send(
            "POST",
            f"/providers/{p}/time-off",
            ("addTimeOff", "time_off", (1,), "ok", 201, True),
            json={
                "starts_at": at(MONDAY, "15:00"),
                "ends_at": at(MONDAY, "16:00"),
                "reason": "Private leave",
            },
        )
    )
    s.send(
        "DELETE",
        f"/providers/{p}/time-off/{t}",
        ("deleteTimeOff", "time_off", (t,), "ok", 204, True),
    )
    week = [
        {
            "starts_at": {"day_of_week": "tuesday", "time": "09:00"},
            "ends_at": {"day_of_week": "tuesday", "time": "12:00"},
        }
    ]
    s.send(
        "PUT",
        f"/providers/{p}/weekly-availability",
        ("replaceWeeklyAvailability", "provider", (p,), "ok", 200, True),
        json={"windows": week},
    )
    hook = {"url": PUBLIC, "events": ["appointment.booked"]}
    w = _id(
        s.send("POST", "/webhooks", ("createWebhook", "webhook", (1,), "ok", 201, True), json=hook)
    )
    s.send(
        "PATCH",
        f"/webhooks/{w}",
        ("updateWebhook", "webhook", (w,), "ok", 200, True),
        json={"enabled": False},
    )
    s.send(
        "POST",
        f"/webhooks/{w}/rotate-secret",
        ("rotateWebhookSecret", "webhook", (w,), "ok", 200, True),
    )
    s.send("DELETE", f"/webhooks/{w}", ("deleteWebhook", "webhook", (w,), "ok", 204, True))
    again = {"headers": {"Idempotency-Key": "visit-1"}, "json": booking(c1, p, "13:00", "13:30")}
    a3 = _id(
        s.send(
            "POST",
            "/appointments",
            ("bookAppointment", "appointment", (3,), "ok", 201, True),
            **again,
        )
    )
    s.send(
        "POST", "/appointments", ("bookAppointment", "appointment", (a3,), "ok", 201, True), **again
    )


def test_a_scripted_session_of_thirty_requests_gives_exactly_its_thirty_events_with_the_ids(
    http: FlaskClient, feed_path: Path
) -> None:
    s = Session(http)
    p, c1, c2 = _script_people(s, feed_path)
    _script_appointments(s, p, c1, c2)
    _script_access(s, c1)
    _script_schedule(s, p, c1)
    assert len(s.expected) == 30
    # Reads of providers and time zones are not audited.
    assert http.get(f"/providers/{p}").status_code == 200
    assert http.get("/timezones").status_code == 200
    events = listed(http)
    for event in events:
        assert event.pop("occurred_at").endswith("Z")
    assert list(reversed(events)) == s.expected


def test_no_name_email_reason_or_secret_reaches_a_stored_audit_event(
    app: Flask, http: FlaskClient, feed_path: Path
) -> None:
    s = Session(http)
    p, c1, _ = _script_people(s, feed_path)
    _script_appointments(s, p, c1, 2)
    kiosk_secret = _script_access(s, c1)
    _script_schedule(s, p, c1)
    stored = json.dumps(audit_rows(app), default=str)
    assert len(audit_rows(app)) == 30
    secrets = [kiosk_secret, app.config["TEST_API_KEY"], "csk_not-a-key", "whsec_"]
    words = [
        "Quincy",
        "Secretname",
        "ada.secret",
        "Hiddenname",
        "bo.hidden",
        "private",
        "Private",
        "example.org",
        "93.184.215.14",
    ]
    for word in secrets + words:
        assert word not in stored


def test_the_listing_filters_by_key_resource_and_time_and_pages_newest_first(
    http: FlaskClient, feed_path: Path
) -> None:
    s = Session(http)
    _, c1, _ = _script_people(s, feed_path)
    kiosk = _script_access(s, c1)
    everything = listed(http)
    assert [e["request_id"] for e in everything] == [f"session-{n}" for n in range(10, 0, -1)]
    clients = listed(http, resource="client")
    assert {e["operation_id"] for e in clients} == {"createClient", "getClient", "listClients"}
    kiosk_id = next(k["id"] for k in listed_keys(http) if k["name"] == "Kiosk")
    (denied,) = listed(http, key_id=kiosk_id)
    assert (denied["status"], denied["outcome"]) == (403, "denied")
    middle = everything[4]["occurred_at"]
    newer = session_ids(listed(http, **{"from": middle}))
    older = session_ids(listed(http, to=middle))
    assert (newer, older) == (session_ids(everything[:5]), session_ids(everything[5:]))
    page = http.get("/audit-events", query_string={"page": 2, "page_size": 3})
    assert json.loads(page.headers["X-Pagination"])["total"] >= 10
    # The page's own request is audited too: one more event on top of the next listing.
    assert [e["request_id"] for e in page.get_json()] == [
        e["request_id"] for e in listed(http)[4:7]
    ]
    assert kiosk not in page.get_data(as_text=True)


def test_the_trail_needs_the_audit_scope_and_no_operation_changes_or_deletes_an_event(
    app: Flask, http: FlaskClient
) -> None:
    with app.app_context():
        from app.api.api_keys import issue

        _, reader = issue("reader", ["appointments:read"])
    refused = http.get("/audit-events", headers=bearer(reader))
    assert refused.status_code == 403 and "audit:read" in refused.get_json()["detail"]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert http.open("/audit-events", method=method).status_code == 405
    assert http.delete("/audit-events/1").status_code == 404
    assert listed(http)[-1]["status"] == 403


def test_a_bad_filter_is_a_422_and_is_audited_as_refused(http: FlaskClient) -> None:
    response = http.get("/audit-events", query_string={"resource": "secrets"})
    assert response.status_code == 422
    response = http.get(
        "/audit-events", query_string={"from": at(MONDAY, "10:00"), "to": at(MONDAY, "09:00")}
    )
    assert response.status_code == 422
    outcomes = [(e["operation_id"], e["outcome"], e["status"]) for e in listed(http)]
    assert outcomes[:2] == [("listAuditEvents", "refused", 422)] * 2


def test_every_protected_operation_of_the_document_has_an_audit_policy(http: FlaskClient) -> None:
    document = http.get("/openapi.json").get_json()
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("security")
    }
    assert operations == set(POLICY)


@pytest.mark.only_on("sqlite")
def test_on_sqlite_an_audited_read_does_not_wait_for_a_booking_holding_the_write_lock(
    app: Flask, http: FlaskClient, customer: dict[str, Any]
) -> None:
    import time

    with app.app_context():
        engine = services().database.engine
    holder = engine.raw_connection()
    try:
        holder.execute("BEGIN IMMEDIATE")  # as a booking holds it
        started = time.perf_counter()
        response = http.get(f"/clients/{customer['id']}")
        elapsed = time.perf_counter() - started
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 200 and elapsed < 1.0
    assert listed(http)[0]["operation_id"] == "getClient"
