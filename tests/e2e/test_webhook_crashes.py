"""Never lost, never doubled at once: worker crashes (kill -9) and two workers on one database.

A receiver may see an event twice after a crash (at-least-once); every copy carries the same
``webhook-id`` and body. Bounded: 200 bookings, a few seconds of leases.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.receiver import Delivery, Receiver
from tests.e2e.servers import delivery_worker
from tests.e2e.support import created, new_client, new_provider, write_feed
from tests.e2e.webhooks import subscribe

BOOKINGS = 200
FIRST_MONDAY = datetime.fromisoformat("2026-11-30T00:00:00+00:00")


#: Receivers listen on 127.0.0.1: the app accepts their URLs (tests/e2e/conftest.py).
pytestmark = pytest.mark.webhooks_to_loopback


def _open_all_week(http: FlaskClient, feed_path: Path) -> tuple[int, int]:
    """A provider available all week long, and a client."""
    provider = new_provider(http)
    write_feed(
        feed_path,
        {
            provider["id"]: [
                {
                    "id": "week",
                    "provider_id": provider["id"],
                    "starts_at": {"day_of_week": "monday", "time": "00:00"},
                    "ends_at": {"day_of_week": "sunday", "time": "23:30"},
                }
            ]
        },
    )
    assert http.post(f"/providers/{provider['id']}/availability-sync").status_code == 200
    return provider["id"], new_client(http)["id"]


def _book(http: FlaskClient, provider_id: int, client_id: int, index: int) -> int:
    start = FIRST_MONDAY + timedelta(minutes=30 * index)
    body = {
        "client_id": client_id,
        "provider_id": provider_id,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=30)).isoformat(),
    }
    appointment: dict[str, Any] = created(http.post("/appointments", json=body))
    return int(appointment["id"])


def _by_event(deliveries: list[Delivery]) -> dict[str, list[Delivery]]:
    found: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        found[delivery.id].append(delivery)
    return found


def _wait_for_events(
    receiver: Receiver, count: int, timeout: float = 60
) -> dict[str, list[Delivery]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _by_event(receiver.received())
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{len(_by_event(receiver.received()))} events delivered, wanted {count}")


def test_every_booking_is_delivered_though_the_worker_is_killed_twice(
    http: FlaskClient, feed_path: Path, database_url: str, tmp_path: Path
) -> None:
    provider_id, client_id = _open_all_week(http, feed_path)
    with Receiver().running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        receiver.secrets.append(hook["secret"])
        with delivery_worker(database_url, tmp_path / "worker.log") as worker:
            booked = []
            for index in range(BOOKINGS):
                booked.append(_book(http, provider_id, client_id, index))
                if index in (60, 130):
                    worker.kill()
                if index in (75, 145):
                    worker.start()
            events = _wait_for_events(receiver, BOOKINGS)
    assert receiver.unverified == []
    delivered = {copies[0].body["data"]["id"] for copies in events.values()}
    assert delivered == set(booked)
    for copies in events.values():  # duplicates, if any, are the same event
        assert all(c.body == copies[0].body for c in copies)


@pytest.mark.parametrize(
    "database_url",
    [pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_two_workers_on_one_postgresql_database_never_make_an_attempt_twice_at_once(
    http: FlaskClient, feed_path: Path, database_url: str, tmp_path: Path
) -> None:
    provider_id, client_id = _open_all_week(http, feed_path)
    with Receiver(pause=0.01).running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        receiver.secrets.append(hook["secret"])
        with (
            delivery_worker(database_url, tmp_path / "one.log"),
            delivery_worker(database_url, tmp_path / "two.log"),
        ):
            booked = [_book(http, provider_id, client_id, index) for index in range(BOOKINGS)]
            events = _wait_for_events(receiver, BOOKINGS)
    assert receiver.unverified == []
    assert {copies[0].body["data"]["id"] for copies in events.values()} == set(booked)
    for copies in events.values():
        spans = sorted((c.started, c.ended) for c in copies)
        assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:], strict=False))
