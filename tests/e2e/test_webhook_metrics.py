"""``webhook_deliveries_total{outcome}`` and ``webhook_outbox_pending`` on ``GET /metrics``
equal what a real worker process did against 127.0.0.1 receivers, and the worker logs one
JSON line per attempt without URLs, secrets or bodies."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.receiver import Receiver
from tests.e2e.servers import delivery_worker
from tests.e2e.support import book, booking, created
from tests.e2e.test_metrics import samples, value
from tests.e2e.webhooks import subscribe

BOOKED = ["appointment.booked"]


#: Receivers listen on 127.0.0.1: the app accepts their URLs (tests/e2e/conftest.py).
pytestmark = pytest.mark.webhooks_to_loopback


def _figures(http: FlaskClient) -> dict[str, float]:
    found = samples(http.get("/metrics").get_data(as_text=True))
    figures = {
        outcome: value(found, "webhook_deliveries_total", outcome=outcome)
        for outcome in ("delivered", "retrying", "failed")
    }
    return {**figures, "pending": value(found, "webhook_outbox_pending")}


def _wait_until(http: FlaskClient, wanted: dict[str, float], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while _figures(http) != wanted:
        assert time.monotonic() < deadline, f"{_figures(http)} never became {wanted}"
        time.sleep(0.05)


def test_the_counters_and_the_pending_gauge_follow_a_real_worker_run(
    http: FlaskClient,
    provider: dict[str, Any],
    customer: dict[str, Any],
    database_url: str,
    tmp_path: Path,
) -> None:
    pid, cid = provider["id"], customer["id"]
    with (
        Receiver().running() as healthy,
        Receiver(answers=[500, 410]).running() as leaving,
    ):
        kept = subscribe(http, healthy.url, BOOKED)
        book(http, cid, pid, "09:00", "09:30")
        book(http, cid, pid, "10:00", "10:30")
        gone = subscribe(http, leaving.url, BOOKED)
        traced = http.post(
            "/appointments",
            json=booking(cid, pid, "11:00", "11:30"),
            headers={"X-Request-ID": "desk-7.42"},
        )
        created(traced)
        # Three deliveries to the healthy receiver, one to the leaving one: none made yet.
        assert _figures(http) == {"delivered": 0, "retrying": 0, "failed": 0, "pending": 4}
        log = tmp_path / "worker.log"
        with delivery_worker(database_url, log):
            _wait_until(http, {"delivered": 3, "retrying": 1, "failed": 1, "pending": 0})
    assert len(healthy.received()) == 3 and len(leaving.received()) == 2
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    attempts = [line for line in lines if line["event"] == "webhook_attempt"]
    assert sorted((a["webhook_id"], a["outcome"], a["status"]) for a in attempts) == sorted(
        [(kept["id"], "delivered", 200)] * 3
        + [(gone["id"], "retrying", 500), (gone["id"], "failed", 410)]
    )
    for line in attempts:
        assert line["event_type"] == "appointment.booked" and line["attempt"] in (1, 2)
        assert line["duration_ms"] >= 0 and line["error_type"] is None
        assert {"ts", "level", "logger", "event_id", "request_id"} <= set(line)
    assert sum(a["request_id"] == "desk-7.42" for a in attempts) == 3
    text = log.read_text()
    for secret in (kept["secret"], gone["secret"], healthy.url, leaving.url, '"data"'):
        assert secret not in text
