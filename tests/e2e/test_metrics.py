"""Prometheus metrics summed over real gunicorn workers, and the liveness and readiness checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from adapters.sqlalchemy.database import MIGRATIONS, head_revision
from adapters.sqlalchemy.migrate import upgrade
from app import create_app
from app.config import Config
from app.services import services
from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import FixedClock, slot, working_week, write_feed
from tests.keys import keyed

AVAILABILITY = "/providers/{provider_id}/availabilities"
#: A Monday far enough ahead for the real clock of a gunicorn server.
DAY = "2030-01-07"
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nothing"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


STALE = (
    "from prometheus_client import Counter\n"
    "Counter('bookings', 'stale', ['outcome']).labels('booked').inc(100)\n"
)


@pytest.fixture
def metered(database_url: str, feed_path: Path, tmp_path: Path) -> Iterator[Server]:
    """gunicorn -w 4 as shipped, its multiprocess directory where the test can look.

    The directory holds an earlier run's counter (100 bookings), which gunicorn must drop
    when it starts.
    """
    directory = tmp_path / "metrics"
    directory.mkdir()
    stale_env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    subprocess.run([sys.executable, "-c", STALE], env=stale_env, check=True, timeout=60)
    assert list(directory.glob("counter_*.db"))
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "METRICS_ENABLED": "true",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "info",
    }
    with gunicorn(database_url, feed_path, env=env) as server:
        yield server


def scrape(server: Server) -> Samples:
    with urllib.request.urlopen(server.base + "/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return samples(response.read().decode())


def in_parallel(server: Server, requests: list[tuple[str, str, Any]]) -> list[int]:
    """Send the requests from 8 threads, so that several workers serve them."""
    with ThreadPoolExecutor(8) as pool:
        replies = pool.map(lambda r: server.call(r[0], r[1], r[2]).status, requests)
        return list(replies)


def week_query(provider_id: int, bad: bool = False) -> str:
    to = "2030-01-06T00:00:00Z" if bad else "2030-01-14T00:00:00Z"
    return f"/providers/{provider_id}/availabilities?from={DAY}T00:00:00Z&to={to}"


def at(clock: str) -> str:
    return f"{DAY}T{clock}:00Z"


def test_counters_equal_what_was_sent_summed_over_four_workers(metered: Server, tmp_path: Path):
    server = metered
    pid = server.call("POST", "/providers", {"name": "Dr. Count", "timezone": "UTC"}).body["id"]
    ada = server.call("POST", "/clients", {"name": "Ada", "email": "ada@example.com"}).body["id"]
    bob = server.call("POST", "/clients", {"name": "Bob", "email": "bob@example.com"}).body["id"]
    write_feed(server.feed, {pid: working_week(pid)})
    assert server.call("POST", f"/providers/{pid}/availability-sync").status == 200
    assert server.call("POST", "/providers/999/availability-sync").status == 404
    write_feed(server.feed, {pid: [{**slot(pid, "bad", "monday", "09:00", "10:00"), "id": ""}]})
    assert server.call("POST", f"/providers/{pid}/availability-sync").status == 502

    starts = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    booked = [
        ("POST", "/appointments", _booking(ada, pid, start, _plus_30(start))) for start in starts
    ]
    assert in_parallel(server, booked) == [201] * 6
    conflicts = [
        ("POST", "/appointments", _booking(bob, pid, start, _plus_30(start)))
        for start in starts[:4]
    ]
    rejected = [
        ("POST", "/appointments", _booking(bob, pid, "07:00", "07:30")),  # outside availability
        ("POST", "/appointments", _booking(999, pid, "13:00", "13:30")),  # unknown client
        ("POST", "/appointments", {"client_id": bob}),  # invalid body
    ]
    assert in_parallel(server, conflicts + rejected) == [409] * 4 + [422] * 3
    cancels = [("DELETE", "/appointments/1", {"reason": "r"}), ("DELETE", "/appointments/2", None)]
    assert in_parallel(server, cancels) == [200, 200]
    gets = [("GET", week_query(pid), None)] * 40 + [("GET", week_query(pid, bad=True), None)] * 3
    assert in_parallel(server, gets) == [200] * 40 + [422] * 3

    expected = {
        ("http_requests_total", ("GET", AVAILABILITY, "200")): 40,
        ("http_requests_total", ("GET", AVAILABILITY, "422")): 3,
        ("http_requests_total", ("POST", "/appointments", "201")): 6,
        ("http_requests_total", ("POST", "/appointments", "409")): 4,
        ("http_requests_total", ("POST", "/appointments", "422")): 3,
        ("http_request_duration_seconds_count", ("GET", AVAILABILITY)): 43,
    }
    for found in (scrape(server), _after_killing_a_worker(server)):
        for (name, labels), count in expected.items():
            keys = ("method", "route", "status")[: len(labels)]
            assert value(found, name, **dict(zip(keys, labels, strict=True))) == count, name
        assert value(found, "bookings_total", outcome="booked") == 6
        assert value(found, "bookings_total", outcome="conflict") == 4
        assert value(found, "bookings_total", outcome="rejected") == 3
        assert value(found, "cancellations_total") == 2
        assert value(found, "availability_syncs_total", outcome="ok") == 1
        assert value(found, "availability_syncs_total", outcome="not_found") == 1
        assert value(found, "availability_syncs_total", outcome="feed_error") == 1
        assert value(found, "database_errors_total") == 0
        assert value(found, "app_info", version=_version(found)) == 1
    writers = {path.stem.rsplit("_", 1)[1] for path in (tmp_path / "metrics").glob("counter_*")}
    assert len(writers) >= 2, "the requests should have been served by several workers"
    _every_line_is_json(server.log)


def _booking(client_id: int, provider_id: int, start: str, end: str) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "provider_id": provider_id,
        "starts_at": at(start),
        "ends_at": at(end),
    }


def _plus_30(clock: str) -> str:
    hours, minutes = divmod(int(clock[:2]) * 60 + int(clock[3:]) + 30, 60)
    return f"{hours:02d}:{minutes:02d}"


def _after_killing_a_worker(server: Server) -> Samples:
    """kill -9 one worker, wait for its replacement: the dead worker's counts remain."""
    victim = min(server.worker_pids())
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if victim not in pids and len(pids) == 4:
            break
        time.sleep(0.1)
    return scrape(server)


def _version(found: Samples) -> str:
    (labels,) = [dict(labels) for name, labels in found if name == "app_info"]
    assert labels["version"]
    return labels["version"]


def _every_line_is_json(log: Path) -> None:
    """gunicorn's own lines and the app's alike (the server's stdout and stderr)."""
    lines = log.read_text().splitlines()
    assert any(json.loads(line)["logger"] == "gunicorn.error" for line in lines)
    for line in lines:
        assert {"ts", "level", "event", "logger"} <= set(json.loads(line)), line


@pytest.fixture
def unreachable_app(tmp_path: Path) -> Iterator[Flask]:
    config = Config(database_url=UNREACHABLE, calendly_fixture_path=str(tmp_path / "f.json"))
    app = keyed(create_app(config, clock=FixedClock()))
    yield app
    with app.app_context():
        services().database.dispose()


def test_liveness_answers_without_the_database_while_readiness_does_not(unreachable_app):
    http = unreachable_app.test_client()
    live = http.get("/health/live")
    assert (live.status_code, live.get_json()) == (200, {"status": "ok"})
    assert http.get("/health").status_code == 503
    assert http.get("/providers").status_code == 503
    found = samples(http.get("/metrics").get_data(as_text=True))
    # Two requests, and the scrape's own reading of the webhook figures.
    assert value(found, "database_errors_total") == 3
    assert not any(name.startswith("webhook_") for name, _labels in found)
    assert value(found, "http_requests_total", method="GET", route="/providers", status="503") == 1


def test_metrics_can_be_turned_off(database_url, feed_path):
    config = Config(database_url=database_url, calendly_fixture_path=str(feed_path))
    app = create_app(replace(config, metrics_enabled=False), clock=FixedClock())
    try:
        response = app.test_client().get("/metrics")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    finally:
        with app.app_context():
            services().database.dispose()


def test_readiness_is_503_when_the_database_is_behind_the_codes_head(tmp_path: Path):
    head = head_revision()
    previous = ScriptDirectory(str(MIGRATIONS)).get_revision(head).down_revision
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    upgrade(url, previous)
    config = Config(database_url=url, calendly_fixture_path=str(tmp_path / "f.json"))
    app = keyed(create_app(config, clock=FixedClock()))
    try:
        http = app.test_client()
        response = http.get("/health")
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        detail = response.get_json()["detail"]
        assert previous in detail and head in detail and "migrations" in detail
        assert http.get("/health/live").status_code == 200
        upgrade(url)
        assert http.get("/health").status_code == 200
    finally:
        with app.app_context():
            services().database.dispose()
