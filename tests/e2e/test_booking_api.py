"""POST /appointments: booking, its refusals, and the Idempotency-Key."""

from __future__ import annotations

import pytest

from tests.e2e.support import (
    MONDAY,
    assert_problem,
    at,
    booking,
    created,
    new_client,
    new_provider,
    working_week,
    write_feed,
)


def test_booking_answers_201_the_appointment_and_its_location(http, provider, customer):
    response = http.post(
        "/appointments", json=booking(customer["id"], provider["id"], "09:00", "09:30")
    )
    body = created(response)
    assert body == {
        "id": body["id"],
        "client_id": customer["id"],
        "provider_id": provider["id"],
        "starts_at": at(MONDAY, "09:00"),
        "ends_at": at(MONDAY, "09:30"),
        "status": "scheduled",
        "created_at": "2026-11-24T12:00:00Z",
        "canceled_at": None,
        "cancel_reason": None,
        "canceled_by": None,
        "appointment_type_id": None,
        "modality": None,
        "sequence": 1,
    }
    assert response.headers["Location"] == f"/appointments/{body['id']}"
    assert http.get(response.headers["Location"]).get_json() == body


def test_times_with_an_offset_are_stored_and_answered_in_utc(http, provider, customer):
    payload = booking(customer["id"], provider["id"], "09:00", "09:30")
    payload |= {"starts_at": f"{MONDAY}T10:00:00+01:00", "ends_at": f"{MONDAY}T04:30:00-05:00"}
    body = created(http.post("/appointments", json=payload))
    assert (body["starts_at"], body["ends_at"]) == (at(MONDAY, "09:00"), at(MONDAY, "09:30"))


def test_an_overlap_with_the_providers_appointment_is_a_409(http, provider, customer):
    created(
        http.post("/appointments", json=booking(customer["id"], provider["id"], "09:00", "10:00"))
    )
    other = new_client(http, "grace@example.com")
    response = http.post(
        "/appointments", json=booking(other["id"], provider["id"], "09:30", "10:30")
    )
    assert "provider" in assert_problem(response, 409, "conflict")["detail"]


def test_an_overlap_with_the_clients_appointment_is_a_409(http, provider, customer, feed_path):
    second = new_provider(http, name="Dr. Barbara Liskov")
    write_feed(
        feed_path,
        {provider["id"]: working_week(provider["id"]), second["id"]: working_week(second["id"])},
    )
    assert http.post(f"/providers/{second['id']}/availability-sync").status_code == 200
    created(
        http.post("/appointments", json=booking(customer["id"], provider["id"], "09:00", "10:00"))
    )
    response = http.post(
        "/appointments", json=booking(customer["id"], second["id"], "09:45", "10:15")
    )
    assert "client" in assert_problem(response, 409, "conflict")["detail"]


def test_back_to_back_appointments_do_not_overlap(http, provider, customer):
    created(
        http.post("/appointments", json=booking(customer["id"], provider["id"], "09:00", "10:00"))
    )
    created(
        http.post("/appointments", json=booking(customer["id"], provider["id"], "10:00", "11:00"))
    )


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("11:30", "12:30", "availability"),  # runs past the morning window
        ("07:00", "08:00", "availability"),
    ],
)
def test_a_time_outside_availability_is_a_422(http, provider, customer, start, end, reason):
    response = http.post("/appointments", json=booking(customer["id"], provider["id"], start, end))
    assert reason in assert_problem(response, 422, "booking-refused")["detail"]


def test_a_time_in_the_past_is_a_422(http, provider, customer):
    payload = booking(customer["id"], provider["id"], "09:00", "09:30")
    payload |= {"starts_at": "2026-11-23T09:00:00Z", "ends_at": "2026-11-23T09:30:00Z"}
    response = http.post("/appointments", json=payload)
    assert "future" in assert_problem(response, 422, "booking-refused")["detail"]


def test_unknown_clients_and_providers_are_422(http, provider, customer):
    for client_id, provider_id in ((999, provider["id"]), (customer["id"], 999)):
        response = http.post(
            "/appointments", json=booking(client_id, provider_id, "09:00", "09:30")
        )
        assert "does not exist" in assert_problem(response, 422, "unknown-reference")["detail"]


def test_a_provider_not_accepting_new_clients_refuses_a_new_one(http, provider, customer):
    patched = http.patch(f"/providers/{provider['id']}", json={"accepts_new_clients": False})
    assert patched.status_code == 200
    response = http.post(
        "/appointments", json=booking(customer["id"], provider["id"], "09:00", "09:30")
    )
    assert "new clients" in assert_problem(response, 422, "booking-refused")["detail"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("client_id", "1"),
        ("client_id", True),
        ("client_id", 1.0),
        ("client_id", 0),
        ("client_id", -3),
        ("provider_id", 2**63),
        ("provider_id", None),
        ("starts_at", "2026-11-30T09:00:00"),
        ("starts_at", "2026-11-30 09:00"),
        ("starts_at", 1764493200),
        ("ends_at", "9999-12-31T23:00:00-05:00"),
    ],
)
def test_invalid_fields_are_422_with_errors_for_the_field(http, provider, customer, field, value):
    payload = booking(customer["id"], provider["id"], "09:00", "09:30") | {field: value}
    body = assert_problem(http.post("/appointments", json=payload), 422, "validation-error")
    assert list(body["errors"]) == [field]


def test_missing_fields_unknown_fields_and_reversed_times_are_named(http, provider, customer):
    payload = booking(customer["id"], provider["id"], "10:00", "09:30")
    del payload["client_id"]
    payload["notes"] = "hi"
    body = assert_problem(http.post("/appointments", json=payload), 422, "validation-error")
    assert set(body["errors"]) == {"client_id", "notes"}
    del payload["notes"]
    payload["client_id"] = customer["id"]
    body = assert_problem(http.post("/appointments", json=payload), 422, "validation-error")
    assert set(body["errors"]) == {"ends_at"}


def test_a_body_that_is_not_an_object_is_a_422_about_the_body(http):
    body = assert_problem(http.post("/appointments", json=[1, 2]), 422, "validation-error")
    assert list(body["errors"]) == ["body"]


class TestIdempotencyKey:
    def test_the_same_key_and_body_answer_the_first_appointment_again(
        self, http, provider, customer
    ):
        payload = booking(customer["id"], provider["id"], "09:00", "09:30")
        headers = {"Idempotency-Key": "retry-me-1"}
        first = created(http.post("/appointments", json=payload, headers=headers))
        again = http.post("/appointments", json=payload, headers=headers)
        assert created(again) == first
        assert again.headers["Location"] == f"/appointments/{first['id']}"
        listed = http.get("/appointments", query_string={"client_id": customer["id"]})
        assert [a["id"] for a in listed.get_json()] == [first["id"]]

    def test_the_same_key_with_another_body_is_a_422(self, http, provider, customer):
        headers = {"Idempotency-Key": "retry-me-2"}
        payload = booking(customer["id"], provider["id"], "09:00", "09:30")
        created(http.post("/appointments", json=payload, headers=headers))
        other = booking(customer["id"], provider["id"], "10:00", "10:30")
        response = http.post("/appointments", json=other, headers=headers)
        assert_problem(response, 422, "idempotency-key-reused")

    def test_a_booking_without_a_key_is_not_deduplicated(self, http, provider, customer):
        payload = booking(customer["id"], provider["id"], "09:00", "09:30")
        created(http.post("/appointments", json=payload))
        assert_problem(http.post("/appointments", json=payload), 409, "conflict")

    @pytest.mark.parametrize("key", ["k" * 256, "tab\tinside", " leading"])
    def test_a_malformed_key_is_a_422_naming_the_header(self, http, provider, customer, key):
        payload = booking(customer["id"], provider["id"], "09:00", "09:30")
        response = http.post("/appointments", json=payload, headers={"Idempotency-Key": key})
        body = assert_problem(response, 422, "validation-error")
        assert list(body["errors"]) == ["Idempotency-Key"]
