"""PATCH /appointments/{appointment_id}: moving an appointment to another time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import (
    MONDAY,
    assert_problem,
    at,
    book,
    free_times,
    moment,
    new_client,
    new_provider,
    working_week,
    write_feed,
)


def move(start: str, end: str, day: str = MONDAY) -> dict[str, Any]:
    return {"starts_at": at(day, start), "ends_at": at(day, end)}


def patch(http, appointment: dict[str, Any], start: str, end: str) -> Any:
    return http.patch(f"/appointments/{appointment['id']}", json=move(start, end))


@pytest.fixture
def appointment(http, provider, customer):
    return book(http, customer["id"], provider["id"], "09:00", "09:30")


def test_moving_answers_200_the_moved_appointment_and_frees_the_old_time(
    http, provider, appointment
):
    response = patch(http, appointment, "10:00", "10:30")
    assert response.status_code == 200, response.get_data(as_text=True)
    moved = appointment | move("10:00", "10:30") | {"sequence": 2}
    assert response.get_json() == moved
    assert http.get(f"/appointments/{appointment['id']}").get_json() == moved
    assert free_times(http, provider["id"])[:2] == [("09:00", "10:00"), ("10:30", "12:00")]
    other = new_client(http, "grace@example.com")
    book(http, other["id"], provider["id"], "09:00", "09:30")


def test_an_appointment_may_move_into_its_own_time_and_buffers(http, provider, customer):
    patched = http.patch(f"/providers/{provider['id']}", json={"buffer_after": 30})
    assert patched.status_code == 200
    appointment = book(http, customer["id"], provider["id"], "09:00", "10:00")
    response = patch(http, appointment, "09:15", "10:15")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["starts_at"] == at(MONDAY, "09:15")


def test_a_move_onto_another_appointment_is_a_409_and_changes_nothing(http, provider, appointment):
    other = new_client(http, "grace@example.com")
    book(http, other["id"], provider["id"], "10:00", "11:00")
    response = patch(http, appointment, "10:30", "11:00")
    assert "provider" in assert_problem(response, 409, "conflict")["detail"]
    assert http.get(f"/appointments/{appointment['id']}").get_json() == appointment


def test_a_move_onto_the_clients_appointment_with_another_provider_is_a_409(
    http, provider, customer, appointment, feed_path
):
    second = new_provider(http, name="Dr. Barbara Liskov")
    write_feed(
        feed_path,
        {provider["id"]: working_week(provider["id"]), second["id"]: working_week(second["id"])},
    )
    assert http.post(f"/providers/{second['id']}/availability-sync").status_code == 200
    book(http, customer["id"], second["id"], "13:00", "14:00")
    response = patch(http, appointment, "13:30", "14:00")
    assert "client" in assert_problem(response, 409, "conflict")["detail"]
    assert http.get(f"/appointments/{appointment['id']}").get_json() == appointment


def test_a_canceled_appointment_cannot_be_moved(http, appointment):
    canceled = http.delete(f"/appointments/{appointment['id']}").get_json()
    response = patch(http, appointment, "10:00", "10:30")
    assert "canceled" in assert_problem(response, 409, "conflict")["detail"]
    assert http.get(f"/appointments/{appointment['id']}").get_json() == canceled


def test_a_move_refused_by_a_booking_rule_is_a_422_naming_it(http, provider, appointment, clock):
    response = patch(http, appointment, "12:00", "12:30")
    assert "availability" in assert_problem(response, 422, "booking-refused")["detail"]
    policies = {"min_notice_minutes": 90, "horizon_days": 6}
    assert http.patch(f"/providers/{provider['id']}", json=policies).status_code == 200
    clock.current = moment(at(MONDAY, "08:00"))
    response = patch(http, appointment, "09:00", "09:30")
    assert "notice" in assert_problem(response, 422, "booking-refused")["detail"]
    clock.current = moment("2026-11-24T12:00:00Z")
    response = patch(http, appointment, "13:00", "13:30")
    assert "days ahead" in assert_problem(response, 422, "booking-refused")["detail"]
    assert http.get(f"/appointments/{appointment['id']}").get_json() == appointment


def test_moving_an_unknown_appointment_is_a_404(http):
    response = http.patch("/appointments/4242", json=move("10:00", "10:30"))
    assert "appointment 4242" in assert_problem(response, 404, "not-found")["detail"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"starts_at": "2026-11-30T10:00:00"}, {"starts_at"}),
        ({"ends_at": at(MONDAY, "09:00")}, {"ends_at"}),
        ({"ends_at": None}, {"ends_at"}),
        ({"provider_id": 2}, {"provider_id"}),
        ({"status": "canceled"}, {"status"}),
    ],
)
def test_an_invalid_move_is_a_422_naming_the_field(http, appointment, body, named):
    response = http.patch(f"/appointments/{appointment['id']}", json=move("10:00", "10:30") | body)
    assert set(assert_problem(response, 422, "validation-error")["errors"]) == named
    assert http.get(f"/appointments/{appointment['id']}").get_json() == appointment


def test_a_move_needs_both_times(http, appointment):
    response = http.patch(f"/appointments/{appointment['id']}", json={})
    errors = assert_problem(response, 422, "validation-error")["errors"]
    assert set(errors) == {"starts_at", "ends_at"}
