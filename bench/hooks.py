"""Pieces of the webhook benchmark: a counting receiver, the worker process, paced bookings."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.servers import REPO

FLASK = Path(sys.executable).parent / "flask"
#: The app and the worker accept the receiver on 127.0.0.1.
WEBHOOK_ENV = {"WEBHOOK_ALLOW_PRIVATE_HOSTS": "true"}


class Receiver:
    """Answers every POST 204 at once and notes when each event arrived and occurred."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str, str]] = []  # (arrival, webhook-id, occurred_at)
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                arrived = time.time()
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                occurred = json.loads(body)["occurred_at"]
                with receiver._lock:
                    receiver.arrivals.append((arrived, self.headers["webhook-id"], occurred))

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def count(self) -> int:
        with self._lock:
            return len({webhook_id for _, webhook_id, _ in self.arrivals})

    def received(self) -> int:
        """Deliveries received so far, duplicates included."""
        with self._lock:
            return len(self.arrivals)

    def lags_ms(self, since: int = 0) -> list[float]:
        """Arrival minus occurrence of each event first delivered after the ``since``-th
        delivery, in milliseconds, sorted."""
        first: dict[str, tuple[float, str]] = {}
        with self._lock:
            for arrived, webhook_id, occurred in self.arrivals[since:]:
                first.setdefault(webhook_id, (arrived, occurred))
        return sorted(
            1000 * (arrived - datetime.fromisoformat(occurred.replace("Z", "+00:00")).timestamp())
            for arrived, occurred in first.values()
        )

    def wait_for(self, count: int, timeout: float) -> float:
        """Wait until ``count`` distinct events arrived; the time of the last, or raise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                with self._lock:
                    return max(arrived for arrived, _, _ in self.arrivals)
            time.sleep(0.05)
        raise RuntimeError(f"{self.count()} of {count} events arrived within {timeout:.0f} s")

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def delivery_worker(database_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``flask --app wsgi deliver-webhooks`` on ``database_url``, stopped (SIGTERM) on exit."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": database_url, **WEBHOOK_ENV}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(FLASK), "--app", "wsgi", "deliver-webhooks"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One JSON request; (status, parsed body or None)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        payload = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        connection.close()


def paced_bookings(base: str, bodies: Sequence[str], rate: float) -> dict[int, int]:
    """POST ``bodies`` to /appointments at ``rate`` per second, steadily; statuses counted."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def post(body: str) -> None:
        status, _ = call(base, "POST", "/appointments", json.loads(body))
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    began = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        for index, body in enumerate(bodies):
            delay = began + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, body)
    return statuses
