"""GET /appointments/{id}, DELETE /appointments/{id} and GET /appointments."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.e2e.support import MONDAY, assert_problem, at, booking, created, new_client


def book(http, client_id, provider_id, start, end):
    return created(http.post("/appointments", json=booking(client_id, provider_id, start, end)))


def test_an_appointment_is_read_by_id(http, provider, customer):
    appointment = book(http, customer["id"], provider["id"], "09:00", "09:30")
    response = http.get(f"/appointments/{appointment['id']}")
    assert response.status_code == 200
    assert response.get_json() == appointment


@pytest.mark.parametrize("method", ["get", "delete"])
def test_an_unknown_appointment_is_a_404(http, method):
    response = getattr(http, method)("/appointments/12345")
    assert "appointment 12345" in assert_problem(response, 404, "not-found")["detail"]


def test_canceling_keeps_the_record_and_repeating_keeps_canceled_at(
    http, provider, customer, clock
):
    appointment = book(http, customer["id"], provider["id"], "09:00", "09:30")
    clock.current = datetime.fromisoformat("2026-11-25T08:00:00+00:00")
    first = http.delete(f"/appointments/{appointment['id']}")
    assert first.status_code == 200
    assert first.get_json() == appointment | {
        "status": "canceled",
        "canceled_at": "2026-11-25T08:00:00Z",
        "sequence": 2,
    }
    clock.current = datetime.fromisoformat("2026-11-26T08:00:00+00:00")
    again = http.delete(f"/appointments/{appointment['id']}")
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert http.get(f"/appointments/{appointment['id']}").get_json() == first.get_json()


def test_a_canceled_slot_can_be_booked_again(http, provider, customer):
    appointment = book(http, customer["id"], provider["id"], "09:00", "09:30")
    http.delete(f"/appointments/{appointment['id']}")
    other = new_client(http, "grace@example.com")
    assert book(http, other["id"], provider["id"], "09:00", "09:30")["id"] != appointment["id"]


@pytest.fixture
def three(http, provider, customer):
    """Three appointments booked out of order; the middle one canceled."""
    other = new_client(http, "grace@example.com")
    late = book(http, customer["id"], provider["id"], "15:00", "15:30")
    early = book(http, other["id"], provider["id"], "09:00", "09:30")
    middle = book(http, customer["id"], provider["id"], "11:00", "11:30")
    http.delete(f"/appointments/{middle['id']}")
    return early, middle, late


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [a["id"] for a in response.get_json()]


def test_the_list_is_ordered_by_start_and_filtered(http, customer, three):
    early, middle, late = three
    assert ids(http.get("/appointments")) == [early["id"], middle["id"], late["id"]]
    by_client = http.get("/appointments", query_string={"client_id": customer["id"]})
    assert ids(by_client) == [middle["id"], late["id"]]
    scheduled = http.get("/appointments", query_string={"status": "scheduled"})
    assert ids(scheduled) == [early["id"], late["id"]]
    in_range = {"from": at(MONDAY, "09:15"), "to": at(MONDAY, "11:00")}
    assert ids(http.get("/appointments", query_string=in_range)) == [early["id"]]
    by_provider = http.get("/appointments", query_string={"provider_id": early["provider_id"]})
    assert len(ids(by_provider)) == 3
    assert ids(http.get("/appointments", query_string={"provider_id": 999})) == []


def test_the_list_is_paginated_with_an_x_pagination_header(http, three):
    early, middle, late = three
    first = http.get("/appointments", query_string={"page_size": 2})
    assert ids(first) == [early["id"], middle["id"]]
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 3,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }
    second = http.get("/appointments", query_string={"page_size": 2, "page": 2})
    assert ids(second) == [late["id"]]
    assert json.loads(second.headers["X-Pagination"])["previous_page"] == 1
    beyond = http.get("/appointments", query_string={"page": 10**30})
    assert ids(beyond) == []


@pytest.mark.parametrize(
    "query",
    [
        {"page_size": 101},
        {"page": 0},
        {"status": "done"},
        {"client_id": "x"},
        {"client_id": 2**63},
        {"from": "2026-11-30T09:00:00"},
        {"from": at(MONDAY, "10:00"), "to": at(MONDAY, "09:00")},
        {"sort": "starts_at"},
    ],
)
def test_invalid_or_unknown_list_parameters_are_422(http, query):
    body = assert_problem(http.get("/appointments", query_string=query), 422, "validation-error")
    assert set(body["errors"]) <= set(query) | {"to"}
    assert body["errors"]
