"""Real gunicorn for the tests: the one way a test starts the shipped server.

``gunicorn(database_url, feed)`` runs ``gunicorn --config gunicorn.conf.py -w 4 wsgi:app``
from this checkout on a free 127.0.0.1 port, waits for ``/health``, yields a ``Server``
and stops it (SIGTERM, then SIGKILL to its process group after a timeout). ``call`` is a
small urllib client that never raises for an HTTP status.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from domain import errors
from tests.keys import UNKNOWN_KEY, issue_key

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15
REQUEST_TIMEOUT_S = 10
WORKERS = 4
#: Rate limits no ordinary test reaches (some send thousands of requests with one key, or
#: hundreds of 401s); tests/e2e/test_rate_limits.py sets small ones of its own.
UNREACHED_LIMIT = "1000000/minute"
TEST_RATELIMIT_ENV = {
    "RATELIMIT_PER_KEY": UNREACHED_LIMIT,
    "RATELIMIT_PER_ADDRESS": UNREACHED_LIMIT,
    "RATELIMIT_AUTH_FAILURES": UNREACHED_LIMIT,
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer: status, headers (lower-case names), content type and JSON body."""

    status: int
    headers: Mapping[str, str]
    body: Any

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def call(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = REQUEST_TIMEOUT_S,
) -> Reply:
    """Send one request; ``body`` is sent as JSON. Network errors propagate (OSError)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return _reply(error.code, error.headers, error.read())


def _reply(status: int, headers: Any, raw: bytes) -> Reply:
    names = {name.lower(): value for name, value in headers.items()}
    return Reply(status, names, json.loads(raw) if raw else None)


@dataclass(frozen=True, slots=True)
class Server:
    """A running gunicorn: its base URL, master process, log file and feed file."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path
    feed: Path
    #: An all-scope API key, sent by ``call`` unless its ``headers`` name another.
    key: str = ""

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        sent = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        return call(self.base, method, path, body, headers=sent, **kwargs)

    def worker_pids(self) -> set[int]:
        """The master's child processes, i.e. its workers (from /proc)."""
        children: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            children.update(int(pid) for pid in task.read_text().split())
        return children

    def wait_for_workers(self, count: int, timeout: float = START_TIMEOUT_S) -> set[int]:
        """The workers once ``count`` are forked: ``/health`` answers as soon as the first one
        is up, and on a busy machine the master may still be forking the others."""
        deadline = time.monotonic() + timeout
        while len(workers := self.worker_pids()) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{len(workers)} of {count} workers after {timeout}s")
            time.sleep(0.05)
        return workers

    def log_tail(self, size: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def wait_until_healthy(self, timeout: float = START_TIMEOUT_S) -> float:
        """Wait for ``/health`` to answer 200; return the seconds it took."""
        return self._wait(lambda status: status == 200, timeout, "answer /health with 200")

    def wait_until_answering(self, timeout: float = START_TIMEOUT_S) -> float:
        """Wait for ``/health`` to answer anything over HTTP (e.g. a 503)."""
        return self._wait(lambda _status: True, timeout, "answer HTTP")

    def _wait(self, good: Any, timeout: float, what: str) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                if good(self.call("GET", "/health", timeout=2).status):
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not {what} within {timeout}s:\n{self.log_tail()}")


@contextmanager
def gunicorn(
    database_url: str,
    feed: Path,
    *,
    workers: int = WORKERS,
    log: Path | None = None,
    healthy: bool = True,
    env: Mapping[str, str] | None = None,
    key: str | None = None,
) -> Iterator[Server]:
    """Serve this checkout with the shipped gunicorn.conf.py and ``-w workers``.

    Waits until ``/health`` answers 200, or (``healthy=False``) answers at all. ``env``
    adds to the environment (e.g. PROMETHEUS_MULTIPROC_DIR, or rate limits other than
    TEST_RATELIMIT_ENV's). ``key``: the server's key, when the test issued one itself
    (default: a new all-scope key on the database).
    """
    port = free_port()
    log = log or feed.with_name(f"gunicorn-{port}.log")
    env = {
        **os.environ,
        # The venv may hold an editable install of another checkout: run this one.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": database_url,
        "CALENDLY_FIXTURE_PATH": str(feed),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **TEST_RATELIMIT_ENV,
        **(env or {}),
    }
    command = [str(GUNICORN), "--config", "gunicorn.conf.py", "-w", str(workers), "wsgi:app"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a stuck stop can kill it all
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, feed, key or _key_for(database_url))
    try:
        if healthy:
            server.wait_until_healthy()
        else:
            server.wait_until_answering()
        yield server
    finally:
        _stop(process)


def _key_for(database_url: str) -> str:
    """An all-scope key on the database, or one never issued if it cannot be reached."""
    try:
        return issue_key(database_url)
    except errors.StoreUnavailable:
        return UNKNOWN_KEY


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


#: Worker settings for tests: a retry schedule 1,000 times shorter, quick polls and short
#: deadlines and leases, private hosts allowed (receivers run on 127.0.0.1).
TEST_WORKER_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_HOSTS": "true",
    "WEBHOOK_RETRY_SCALE": "0.001",
    "WEBHOOK_POLL_SECONDS": "0.05",
    "WEBHOOK_ATTEMPT_TIMEOUT": "2",
    "WEBHOOK_LEASE_SECONDS": "4",
}
FLASK = Path(sys.executable).parent / "flask"


@dataclass
class WorkerProcess:
    """``flask --app wsgi deliver-webhooks`` from this checkout, restartable."""

    database_url: str
    log: Path
    env: Mapping[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "DATABASE_URL": self.database_url,
            **TEST_WORKER_ENV,
            **self.env,
        }
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(FLASK), "--app", "wsgi", "deliver-webhooks"],
                cwd=REPO,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """``kill -9``: no chance to finish anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _stop(self.process)

    def log_tail(self, size: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-size:]


@contextmanager
def delivery_worker(
    database_url: str, log: Path, env: Mapping[str, str] | None = None
) -> Iterator[WorkerProcess]:
    """A running delivery worker on ``database_url``, stopped (SIGTERM) at the end."""
    worker = WorkerProcess(database_url, log, env or {})
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
