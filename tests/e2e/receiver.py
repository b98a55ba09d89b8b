"""A real webhook receiver on 127.0.0.1 for the tests: verifies, records, answers as told.

``Receiver(secret)`` serves on a free port in a thread; every POST is verified with the
``standardwebhooks`` verifier against the receiver's secrets and recorded with its time
span. ``answers`` scripts the replies in order (a status, ``SILENT`` to say nothing for
``silence`` seconds, or ``(status, headers)``); once used up, every POST gets 200. Each
answer waits ``pause`` seconds first.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

SILENT = "silent"


def offline_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
    """``socket.getaddrinfo`` for address literals and localhost only: tests never use DNS."""
    literal = "127.0.0.1" if host == "localhost" else host
    return socket.getaddrinfo(literal, port, *args, flags=socket.AI_NUMERICHOST, **kwargs)


@dataclass
class Delivery:
    headers: dict[str, str]
    body: dict[str, Any]
    started: float
    ended: float = 0.0
    verified_by: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    def __init__(
        self, *secrets: str, answers: list[Any] | None = None, silence: float = 0, pause: float = 0
    ):
        self.secrets = list(secrets)
        self.answers = list(answers or [])
        self.silence = silence
        self.pause = pause
        self.deliveries: list[Delivery] = []
        self.unverified: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                receiver._receive(self)

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler

    def _receive(self, request: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        raw = request.rfile.read(int(request.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in request.headers.items()}
        delivery = Delivery(headers, json.loads(raw), started)
        for secret in self.secrets:
            try:
                Webhook(secret).verify(raw, headers)
            except WebhookVerificationError:
                continue
            delivery.verified_by.append(secret)
        with self._lock:
            if not delivery.verified_by:
                self.unverified.append(headers.get("webhook-id", "?"))
            answer = self.answers.pop(0) if self.answers else 200
            self.deliveries.append(delivery)
        if answer == SILENT:
            time.sleep(self.silence)
            delivery.ended = time.monotonic()
            return
        status, extra = answer if isinstance(answer, tuple) else (answer, {})
        time.sleep(self.pause)
        request.send_response(status)
        for name, value in extra.items():
            request.send_header(name, value)
        request.send_header("Content-Length", "0")
        request.end_headers()
        delivery.ended = time.monotonic()

    def received(self) -> list[Delivery]:
        """Every delivery recorded so far, whatever it was answered."""
        with self._lock:
            return list(self.deliveries)

    def wait_for(self, count: int, timeout: float = 20) -> list[Delivery]:
        """Wait until ``count`` deliveries were recorded; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received()) >= count:
                return self.received()
            time.sleep(0.02)
        raise AssertionError(f"{len(self.received())} deliveries within {timeout}s, wanted {count}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.close()
