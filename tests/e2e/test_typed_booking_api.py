"""Booking by appointment type over HTTP: the type's length, its refusals, and the type and
modality recorded in GET, lists and webhook events; a pool booking's filters."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, select

from adapters.sqlalchemy.tables import webhook_events
from tests.e2e.support import MONDAY, assert_problem, at, created, new_client
from tests.e2e.webhooks import subscribe

INTAKE = {"name": "Video intake", "durations": [60, 90], "modality": "video", "clients": "new"}


def _typed_provider(http, provider, **profile):
    http.patch(f"/providers/{provider['id']}", json={"modalities": ["video"], **profile})
    kind = created(http.post("/appointment-types", json=INTAKE))
    put = http.put(
        f"/providers/{provider['id']}/appointment-types",
        json={"appointment_type_ids": [kind["id"]]},
    )
    assert put.status_code == 200
    return kind


def test_a_typed_booking_is_answered_listed_and_announced_with_its_type_and_modality(
    http, provider, customer, database_url
):
    subscribe(http, "https://93.184.215.14/h")
    kind = _typed_provider(http, provider)
    response = http.post(
        "/appointments",
        json={
            "client_id": customer["id"],
            "provider_id": provider["id"],
            "appointment_type_id": kind["id"],
            "starts_at": at(MONDAY, "09:00"),
        },
    )
    body = created(response)
    assert (body["ends_at"], body["appointment_type_id"], body["modality"]) == (
        at(MONDAY, "10:00"),
        kind["id"],
        "video",
    )
    assert http.get(f"/appointments/{body['id']}").get_json() == body
    assert http.get("/appointments").get_json() == [body]
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            events = [json.loads(r.body) for r in connection.execute(select(webhook_events.c.body))]
    finally:
        engine.dispose()
    assert [e["data"] for e in events if e["type"] == "appointment.booked"] == [body]


def test_typed_refusals_name_their_rule_and_book_nothing(http, provider, customer):
    kind = _typed_provider(http, provider)
    base = {"client_id": customer["id"], "provider_id": provider["id"]}
    typed = {**base, "appointment_type_id": kind["id"], "starts_at": at(MONDAY, "09:00")}
    short = http.post("/appointments", json={**typed, "ends_at": at(MONDAY, "09:45")})
    assert "lasts 60, 90 minutes" in assert_problem(short, 422, "booking-refused")["detail"]
    no_end = http.post("/appointments", json={**base, "starts_at": at(MONDAY, "09:00")})
    assert_problem(no_end, 422, "validation-error")
    unknown = http.post("/appointments", json={**typed, "appointment_type_id": 999})
    assert_problem(unknown, 422, "unknown-reference")
    http.patch(f"/providers/{provider['id']}", json={"modalities": ["phone"]})
    other = http.post("/appointments", json=typed)
    assert "by video" in assert_problem(other, 422, "booking-refused")["detail"]
    assert http.get("/appointments").get_json() == []


def test_a_booking_without_a_type_answers_as_before(http, provider, customer):
    payload = {
        "client_id": customer["id"],
        "provider_id": provider["id"],
        "starts_at": at(MONDAY, "09:00"),
        "ends_at": at(MONDAY, "09:30"),
    }
    body = created(http.post("/appointments", json=payload))
    assert (body["appointment_type_id"], body["modality"]) == (None, None)


def test_a_pool_booking_picks_only_a_provider_matching_its_filters(http, provider, customer):
    second = created(http.post("/providers", json={"name": "Dr. Two", "payers": ["cigna"]}))
    http.patch(f"/providers/{provider['id']}", json={"payers": ["aetna"]})
    pool = {
        "client_id": customer["id"],
        "provider_ids": [provider["id"], second["id"]],
        "starts_at": at(MONDAY, "09:00"),
        "ends_at": at(MONDAY, "09:30"),
    }
    body = created(http.post("/appointments", json={**pool, "payer": ["aetna"]}))
    assert body["provider_id"] == provider["id"]
    later = {**pool, "client_id": new_client(http, "bo@example.com")["id"]}
    refused = http.post("/appointments", json={**later, "payer": ["humana"]})
    assert_problem(refused, 422, "booking-refused")
    single = http.post(
        "/appointments",
        json={
            **{k: v for k, v in pool.items() if k != "provider_ids"},
            "provider_id": 1,
            "payer": ["aetna"],
        },
    )
    assert_problem(single, 422, "validation-error")
