"""Real gunicorn (several workers) on a free port: booking through it, and /docs in Chromium."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.sqlalchemy.migrate import upgrade
from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import working_week, write_feed
from tests.keys import bearer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn -w 4 with the shipped gunicorn.conf.py on a migrated SQLite file."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    database_url = f"sqlite:///{tmp / 'scheduling.sqlite3'}"
    upgrade(database_url)
    feed = tmp / "calendly_slots.json"
    write_feed(feed, {1: working_week(1)})
    with gunicorn(database_url, feed) as running:
        yield running


def call(server: Server, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    reply = server.call(method, path, body)
    return reply.status, reply.body


def test_booking_through_real_gunicorn_gives_201_then_409_and_moving_and_canceling_work(server):
    assert call(server, "POST", "/providers", {"name": "Dr. Real", "timezone": "UTC"})[0] == 201
    clients = [
        call(server, "POST", "/clients", {"name": n, "email": f"{n}@example.com"})
        for n in ("ada", "grace")
    ]
    assert [status for status, _ in clients] == [201, 201]
    assert call(server, "POST", "/providers/1/availability-sync")[0] == 200
    slot = {
        "provider_id": 1,
        "starts_at": "2030-01-07T09:00:00Z",
        "ends_at": "2030-01-07T09:30:00Z",
    }
    status, appointment = call(server, "POST", "/appointments", {"client_id": 1, **slot})
    assert status == 201 and appointment["status"] == "scheduled"
    status, problem = call(server, "POST", "/appointments", {"client_id": 2, **slot})
    assert (status, problem["type"].rsplit("/", 1)[1]) == (409, "conflict")
    assert call(server, "GET", f"/appointments/{appointment['id']}") == (200, appointment)
    later = {"starts_at": "2030-01-07T10:00:00Z", "ends_at": "2030-01-07T10:30:00Z"}
    status, moved = call(server, "PATCH", f"/appointments/{appointment['id']}", later)
    assert (status, moved["starts_at"]) == (200, later["starts_at"])
    details = {"reason": "Feeling better", "canceled_by": "client"}
    status, canceled = call(server, "DELETE", f"/appointments/{appointment['id']}", details)
    assert status == 200
    assert (canceled["status"], canceled["cancel_reason"], canceled["canceled_by"]) == (
        "canceled",
        "Feeling better",
        "client",
    )


def test_a_chunked_body_over_the_limit_is_a_413_through_gunicorn(server):
    """Without Content-Length, the body limit still holds (docs/DECISIONS.md, "Request size
    limit"): the first 64 KiB alone are a valid request, yet the whole body is refused."""
    valid = json.dumps({"name": "Chunky", "email": "chunky@example.com"}).encode()
    body = valid + b" " * (64 * 1024 + 1 - len(valid))
    connection = http.client.HTTPConnection(server.base.removeprefix("http://"), timeout=10)
    try:
        connection.request(
            "POST",
            "/clients",
            body=(body[i : i + 8192] for i in range(0, len(body), 8192)),
            headers={
                "Content-Type": "application/json",
                "Transfer-Encoding": "chunked",
                **bearer(server.key),
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        problem = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 413, problem
    assert response.getheader("Content-Type") == "application/problem+json"
    assert problem["status"] == 413


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return found


def test_swagger_ui_renders_the_operations_in_headless_chromium(server, tmp_path):
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        f"{server.base}/docs",
    ]
    result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    dom = result.stdout.decode("utf-8", "replace").replace("\u200b", "")
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert "/providers/{provider_id}/availabilities" in dom
    assert "List a provider's free windows in a time range." in dom
    assert "Book an appointment." in dom
    assert "/providers/{provider_id}/time-off" in dom
