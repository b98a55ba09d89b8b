"""Real gunicorn (several workers) on a free port: booking through it, and /docs in Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.sqlalchemy.migrate import upgrade
from tests.e2e.support import working_week, write_feed

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def wait_for_health(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited early"
        try:
            if call(base, "GET", "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer /health within {START_TIMEOUT_S}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn -w 3 with the shipped gunicorn.conf.py on a migrated SQLite file."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    database_url = f"sqlite:///{tmp / 'scheduling.sqlite3'}"
    upgrade(database_url)
    feed = tmp / "calendly_slots.json"
    write_feed(feed, {1: working_week(1)})
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CALENDLY_FIXTURE_PATH": str(feed),
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--config", "gunicorn.conf.py", "-w", "3", "wsgi:app"]
    log = (tmp / "gunicorn.log").open("wb")
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


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
        f"{server}/docs",
    ]
    result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    dom = result.stdout.decode("utf-8", "replace").replace("\u200b", "")
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert "/providers/{provider_id}/availabilities" in dom
    assert "List a provider's free windows in a time range." in dom
    assert "Book an appointment." in dom
    assert "/providers/{provider_id}/time-off" in dom
