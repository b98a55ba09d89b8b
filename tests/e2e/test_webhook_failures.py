"""Failing receivers: retries with backoff, Retry-After, 410 Gone, silence, redirects; the
delivery log; secret rotation. A real worker process (tests/e2e/servers.py) with a retry
schedule 1,000 times shorter and a 2 s attempt deadline."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.receiver import SILENT, Receiver
from tests.e2e.servers import WorkerProcess
from tests.e2e.support import FixedClock, book
from tests.e2e.webhooks import attempts, subscribe

#: Receivers listen on 127.0.0.1: the app accepts their URLs (tests/e2e/conftest.py).
pytestmark = pytest.mark.webhooks_to_loopback


def _wait_for_log(http: FlaskClient, hook_id: int, count: int, timeout: float = 15) -> list[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = attempts(http, hook_id)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"the log has {attempts(http, hook_id)}, wanted {count} attempts")


def test_a_500_is_retried_until_a_200_and_the_log_shows_both_attempts(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    with Receiver(answers=[500, 200]).running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        receiver.secrets.append(hook["secret"])
        book(http, customer["id"], provider["id"], "09:00", "09:30")
        first, second = receiver.wait_for(2)
    assert first.id == second.id  # the same webhook-id on every retry
    assert receiver.unverified == []
    newest, oldest = _wait_for_log(http, hook["id"], 2)
    assert (oldest["attempt"], oldest["status"]) == (1, 500)
    assert oldest["next_attempt_at"] is not None
    assert (newest["attempt"], newest["status"], newest["next_attempt_at"]) == (2, 200, None)
    assert newest["event_type"] == "appointment.booked" and newest["event_id"] == first.id


def test_retry_after_on_a_503_is_honoured(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    with Receiver(answers=[(503, {"Retry-After": "1"}), 200]).running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        receiver.secrets.append(hook["secret"])
        book(http, customer["id"], provider["id"], "09:00", "09:30")
        first, second = receiver.wait_for(2)
    # The scaled schedule alone would retry after about 5 ms.
    assert second.started - first.started >= 0.95


def test_a_410_disables_the_endpoint_at_once_and_says_why(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    with Receiver(answers=[410]).running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        book(http, customer["id"], provider["id"], "09:00", "09:30")
        receiver.wait_for(1)
        _wait_for_log(http, hook["id"], 1)
        book(http, customer["id"], provider["id"], "10:00", "10:30")
        state = http.get(f"/webhooks/{hook['id']}").get_json()
        assert state["enabled"] is False
        assert "410" in state["disabled_reason"]
        time.sleep(0.5)
        assert len(receiver.received()) == 1  # nothing more goes to a disabled endpoint
    assert "secret" not in state


def test_a_silent_receiver_times_out_within_the_deadline_and_is_retried(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    with Receiver(answers=[SILENT, 200], silence=4).running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        book(http, customer["id"], provider["id"], "09:00", "09:30")
        newest, oldest = _wait_for_log(http, hook["id"], 2, timeout=20)
    assert oldest["status"] is None and "deadline" in oldest["error"]
    assert 1900 <= oldest["duration_ms"] <= 3000  # the test deadline is 2 s
    assert newest["status"] == 200


def test_a_redirect_is_a_failure_and_is_not_followed(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    with Receiver().running() as elsewhere:
        answers = [(307, {"Location": elsewhere.url}), 200]
        with Receiver(answers=answers).running() as receiver:
            hook = subscribe(http, receiver.url, ["appointment.booked"])
            book(http, customer["id"], provider["id"], "09:00", "09:30")
            receiver.wait_for(2)
            newest, oldest = _wait_for_log(http, hook["id"], 2)
        assert elsewhere.received() == []
    assert oldest["status"] == 307 and "redirect" in oldest["error"]
    assert newest["status"] == 200


def test_after_a_rotation_deliveries_are_signed_with_the_old_and_the_new_secret(
    http: FlaskClient,
    clock: FixedClock,
    provider: dict[str, Any],
    customer: dict[str, Any],
    worker: WorkerProcess,
) -> None:
    clock.current = datetime.now(UTC)  # the worker compares the overlap with the real time
    with Receiver().running() as receiver:
        hook = subscribe(http, receiver.url, ["appointment.booked"])
        rotated = http.post(f"/webhooks/{hook['id']}/rotate-secret")
        assert rotated.status_code == 200
        new_secret = rotated.get_json()["secret"]
        assert new_secret != hook["secret"] and new_secret.startswith("whsec_")
        receiver.secrets.extend([hook["secret"], new_secret])
        clock.current = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
        book(http, customer["id"], provider["id"], "09:00", "09:30")
        (delivery,) = receiver.wait_for(1)
    assert len(delivery.headers["webhook-signature"].split(" ")) == 2
    assert delivery.verified_by == [hook["secret"], new_secret]


def test_a_silent_endpoint_does_not_hold_up_the_others(
    http: FlaskClient, provider: dict[str, Any], customer: dict[str, Any], worker: WorkerProcess
) -> None:
    stuck = Receiver(answers=[SILENT] * 20, silence=4)
    with stuck.running(), Receiver().running() as healthy:
        subscribe(http, stuck.url, ["appointment.booked"])
        subscribe(http, healthy.url, ["appointment.booked"])
        for hour in ("09", "10", "11", "13", "14", "15"):
            book(http, customer["id"], provider["id"], f"{hour}:00", f"{hour}:30")
        healthy.wait_for(6, timeout=15)
        # Every healthy delivery arrived while the silent endpoint's attempts still hung.
        assert stuck.received() and all(d.ended == 0.0 for d in stuck.received())
