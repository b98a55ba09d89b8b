"""Signed delivery attempts over HTTP (docs/DECISIONS.md, "Webhook delivery").

Signatures by the Standard Webhooks specification through the ``standardwebhooks``
package. Each attempt: 5 s to connect, 15 s in all (every read and write is cut to what is
left), redirects never followed, the response body never read, the connection to an
address the guard checked.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import httpcore
from standardwebhooks import Webhook

from adapters.webhooks.guard import AddressGuard, RefusedAddress
from domain.webhooks import Claim, Outcome

CONNECT_TIMEOUT_S = 5.0
DEADLINE_S = 15.0
USER_AGENT = "scheduling-webhooks/1"
_RETRY_AFTER_STATUSES = (429, 503)


def signature(claim: Claim, now: datetime) -> str:
    """``v1,<base64>`` per current secret, space-separated (two during a rotation)."""
    return " ".join(
        Webhook(secret).sign(claim.event_id, now, claim.body)
        for secret in claim.endpoint.signing_secrets(now)
    )


def headers(claim: Claim, now: datetime) -> list[tuple[str, str]]:
    found = [
        ("content-type", "application/json"),
        ("user-agent", USER_AGENT),
        ("webhook-id", claim.event_id),
        ("webhook-timestamp", str(int(now.timestamp()))),
        ("webhook-signature", signature(claim, now)),
    ]
    if claim.request_id:
        found.append(("x-request-id", claim.request_id))
    return found


class HttpSender:
    """The WebhookSender port over httpcore; one fresh connection per attempt."""

    def __init__(
        self,
        guard: AddressGuard,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        deadline: float = DEADLINE_S,
    ) -> None:
        self._guard = guard
        self._connect_timeout = connect_timeout
        self._deadline = deadline

    def send(self, claim: Claim, now: datetime) -> Outcome:
        started = time.monotonic()
        backend = _GuardedBackend(self._guard, started + self._deadline)
        timeouts = {
            "connect": self._connect_timeout,
            "read": self._deadline,
            "write": self._deadline,
            "pool": self._deadline,
        }
        try:
            with (
                httpcore.ConnectionPool(network_backend=backend, max_connections=1) as pool,
                pool.stream(
                    "POST",
                    claim.endpoint.url,
                    headers=headers(claim, now),
                    content=claim.body.encode(),
                    extensions={"timeout": timeouts},
                ) as response,
            ):
                status = response.status
                retry_after = _retry_after(status, response.headers)
        except RefusedAddress as refused:
            return _failed(refused.reason, started, "refused_address")
        except httpcore.TimeoutException:
            return _failed(
                f"no answer within the deadline ({self._deadline:g} s)", started, "timeout"
            )
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol):
            return _failed("the connection failed", started, "connection")
        except (OSError, ValueError):  # e.g. TLS refused, a URL httpcore cannot send to
            return _failed("the request could not be made", started, "request")
        redirect = 300 <= status < 400
        error = f"redirect ({status}) not followed" if redirect else None
        kind = "redirect" if redirect else None
        return Outcome(status, error, retry_after, _elapsed_ms(started), kind)


def _failed(error: str, started: float, kind: str) -> Outcome:
    return Outcome(None, error, None, _elapsed_ms(started), kind)


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _retry_after(status: int, found: list[tuple[bytes, bytes]]) -> timedelta | None:
    """``Retry-After`` in seconds on a 429 or 503 (an HTTP date is not honoured)."""
    if status not in _RETRY_AFTER_STATUSES:
        return None
    for name, value in found:
        if name.lower() == b"retry-after" and value.strip().isdigit():
            return timedelta(seconds=int(value.strip()))
    return None


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to an address the guard checked, and cuts every I/O to the deadline."""

    def __init__(self, guard: AddressGuard, deadline: float) -> None:
        self._guard = guard
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = self._guard.resolve(host, port)
        stream = super().connect_tcp(
            address, port, _cut(timeout, self._deadline), local_address, socket_options
        )
        return _DeadlineStream(stream, self._deadline)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _cut(timeout, self._deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _cut(timeout, self._deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        cut = _cut(timeout, self._deadline, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, cut), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _cut(
    timeout: float | None,
    deadline: float,
    expired: type[httpcore.TimeoutException] = httpcore.ConnectTimeout,
) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the attempt's deadline passed")
    return left if timeout is None else min(timeout, left)
