"""POST /appointments with provider_ids: booking any provider of a pool, on both databases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import (
    MONDAY,
    TUESDAY,
    assert_problem,
    at,
    book,
    created,
    new_client,
    new_provider,
    working_week,
    write_feed,
)


@pytest.fixture
def pool(http: FlaskClient, feed_path: Path) -> list[int]:
    """Three UTC providers with the working week, and a fourth with no windows at all."""
    ids = [new_provider(http, name=f"Dr. {n}")["id"] for n in range(4)]
    write_feed(feed_path, {pid: working_week(pid) for pid in ids[:3]})
    for pid in ids[:3]:
        assert http.post(f"/providers/{pid}/availability-sync").status_code == 200
    return ids


def pool_booking(client_id: int, ids: list[int], start: str, end: str, day: str = MONDAY):
    return {
        "client_id": client_id,
        "provider_ids": ids,
        "starts_at": at(day, start),
        "ends_at": at(day, end),
    }


def test_a_run_of_pool_bookings_is_spread_evenly(http, pool):
    clients = [new_client(http, email=f"c{n}@example.com")["id"] for n in range(6)]
    chosen = []
    for n, client in enumerate(clients):
        start = f"{13 + n // 2}:{30 * (n % 2):02d}"
        end = f"{13 + (n + 1) // 2}:{30 * ((n + 1) % 2):02d}"
        reply = created(http.post("/appointments", json=pool_booking(client, pool, start, end)))
        assert reply["client_id"] == client and reply["starts_at"] == at(MONDAY, start)
        chosen.append(reply["provider_id"])
    assert Counter(chosen) == {pid: 2 for pid in pool[:3]}
    assert chosen[:3] == pool[:3]  # never booked, then by id


def test_the_provider_with_fewest_bookings_that_week_is_chosen(http, pool):
    client = new_client(http)["id"]
    book(http, client, pool[0], "09:00", "09:30")
    book(http, client, pool[1], "09:30", "10:00")
    book(http, client, pool[0], "10:00", "10:30", "2026-12-02")
    other = new_client(http, email="other@example.com")["id"]
    reply = created(http.post("/appointments", json=pool_booking(other, pool, "14:00", "15:00")))
    assert reply["provider_id"] == pool[2]
    again = created(
        http.post("/appointments", json=pool_booking(client, pool[:2], "15:00", "16:00"))
    )
    assert again["provider_id"] == pool[1]


def test_a_pool_whose_available_providers_are_taken_is_a_409(http, pool):
    client, other = new_client(http)["id"], new_client(http, email="o@example.com")["id"]
    book(http, client, pool[0], "09:00", "10:00")
    response = http.post(
        "/appointments", json=pool_booking(other, [pool[0], pool[3]], "09:00", "09:30")
    )
    body = assert_problem(response, 409, "conflict")
    assert "1 of 2: the provider has another appointment at that time" in body["detail"]


def test_a_pool_with_nobody_available_is_a_422(http, pool):
    client = new_client(http)["id"]
    response = http.post(
        "/appointments", json=pool_booking(client, pool, "09:00", "09:30", TUESDAY)
    )
    body = assert_problem(response, 422, "booking-refused")
    assert "4 of 4: the requested time is not inside the provider's availability" in body["detail"]


def test_unknown_providers_in_a_pool_are_a_422_naming_them(http, pool):
    client = new_client(http)["id"]
    response = http.post(
        "/appointments", json=pool_booking(client, [pool[0], 4242], "09:00", "09:30")
    )
    assert "4242" in assert_problem(response, 422, "unknown-reference")["detail"]


@pytest.mark.parametrize(
    "change",
    [
        {"provider_id": 1},
        {"provider_ids": None},
        {"provider_ids": []},
        {"provider_ids": list(range(1, 1002))},
        {"provider_ids": ["1"]},
    ],
)
def test_exactly_one_of_provider_id_and_a_valid_pool_is_required(http, pool, change):
    body: dict[str, Any] = {**pool_booking(1, pool, "09:00", "09:30"), **change}
    body = {k: v for k, v in body.items() if v is not None}
    assert_problem(http.post("/appointments", json=body), 422, "validation-error")


def test_a_retried_pool_booking_answers_the_same_appointment(http, pool):
    client = new_client(http)["id"]
    headers = {"Idempotency-Key": "pool-1"}
    request = pool_booking(client, pool, "09:00", "09:30")
    first = created(http.post("/appointments", json=request, headers=headers))
    again = created(http.post("/appointments", json=request, headers=headers))
    assert again == first
    listed = http.get("/appointments", query_string={"client_id": client}).get_json()
    assert [a["id"] for a in listed] == [first["id"]]
    other = {**request, "provider_ids": pool[1:]}
    assert_problem(
        http.post("/appointments", json=other, headers=headers), 422, "idempotency-key-reused"
    )
