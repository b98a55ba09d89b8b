"""Webhooks end to end: the API changes things, a real worker process delivers them to a real
receiver on 127.0.0.1, which verifies every signature with the standardwebhooks verifier."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.receiver import Receiver
from tests.e2e.servers import WorkerProcess
from tests.e2e.support import at, book, booking, slot, working_week, write_feed
from tests.e2e.webhooks import subscribe

#: Receivers listen on 127.0.0.1: the app accepts their URLs (tests/e2e/conftest.py).
pytestmark = pytest.mark.webhooks_to_loopback


def test_the_receiver_gets_exactly_the_events_of_booking_moving_canceling_and_syncing(
    http: FlaskClient,
    provider: dict[str, Any],
    customer: dict[str, Any],
    feed_path: Path,
    worker: WorkerProcess,
) -> None:
    with Receiver(answers=[]).running() as receiver:
        hook = subscribe(http, receiver.url)
        receiver.secrets.append(hook["secret"])
        booked = book(http, customer["id"], provider["id"], "09:00", "09:30")
        # Refused and replayed requests emit nothing.
        assert (
            http.post(
                "/appointments", json=booking(customer["id"], provider["id"], "09:00", "09:30")
            ).status_code
            == 409
        )
        moved = http.patch(
            f"/appointments/{booked['id']}",
            json={"starts_at": at("2026-11-30", "10:00"), "ends_at": at("2026-11-30", "10:30")},
        ).get_json()
        canceled = http.delete(f"/appointments/{booked['id']}").get_json()
        assert http.delete(f"/appointments/{booked['id']}").status_code == 200  # again: no event
        slots = [
            *working_week(provider["id"]),
            slot(provider["id"], "fri", "friday", "09:00", "12:00"),
        ]
        write_feed(feed_path, {provider["id"]: slots})
        assert http.post(f"/providers/{provider['id']}/availability-sync").status_code == 200
        assert http.post(f"/providers/{provider['id']}/availability-sync").status_code == 200

        received = receiver.wait_for(4)
        time.sleep(0.5)  # anything extra would arrive by now
        received = receiver.received()

    assert receiver.unverified == [], worker.log_tail()
    by_type = {d.body["type"]: d for d in received}
    assert sorted(by_type) == sorted(
        [
            "appointment.booked",
            "appointment.rescheduled",
            "appointment.canceled",
            "provider.schedule_changed",
        ]
    )
    assert len(received) == 4
    assert by_type["appointment.booked"].body["data"] == booked
    assert by_type["appointment.rescheduled"].body["data"] == moved
    assert by_type["appointment.canceled"].body["data"] == canceled
    assert canceled == http.get(f"/appointments/{booked['id']}").get_json()
    schedule = by_type["provider.schedule_changed"].body["data"]
    assert schedule["provider_id"] == provider["id"]
    assert schedule["changes"] == ["weekly_availability"]
    assert isinstance(schedule["sequence"], int)
    for delivery in received:
        assert delivery.id == delivery.body["id"] and delivery.id.startswith("evt_")
        assert delivery.body["occurred_at"].endswith("Z")
        assert delivery.headers["content-type"] == "application/json"


def test_a_delivery_carries_the_request_id_of_the_change(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    with Receiver().running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        receiver.secrets.append(hook["secret"])
        body = booking(customer["id"], provider["id"], "09:00", "09:30")
        response = http.post("/appointments", json=body, headers={"X-Request-ID": "desk-7.42"})
        assert response.status_code == 201
        (delivery,) = receiver.wait_for(1)
    assert delivery.headers["x-request-id"] == "desk-7.42"
    assert delivery.verified_by == [hook["secret"]]
