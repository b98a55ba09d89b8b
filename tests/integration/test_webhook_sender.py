"""The HTTP sender and its address guard, against a receiver on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from adapters.webhooks.guard import AddressGuard, RefusedAddress, is_public
from adapters.webhooks.sender import HttpSender
from domain.events import EventType
from domain.webhooks import Claim, Endpoint, new_secret
from tests.e2e.receiver import Receiver, offline_getaddrinfo

SECRET = new_secret()


def _claim(url: str, request_id: str | None = None) -> Claim:
    endpoint = Endpoint(url, (EventType.APPOINTMENT_BOOKED,), SECRET, datetime.now(UTC), id=1)
    body = (
        '{"id":"evt_1","type":"appointment.booked","occurred_at":"2026-11-24T12:00:00Z","data":{}}'
    )
    return Claim(1, "lease", 1, "evt_1", EventType.APPOINTMENT_BOOKED, body, request_id, endpoint)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("239.1.1.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("fc00::1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_a_delivery_is_signed_by_the_standard_and_carries_the_request_id() -> None:
    with Receiver(SECRET).running() as receiver:
        sender = HttpSender(AddressGuard(True, offline_getaddrinfo))
        outcome = sender.send(_claim(receiver.url, "req-42"), datetime.now(UTC))
        (delivery,) = receiver.received()
    assert outcome.status == 200 and outcome.succeeded
    assert delivery.verified_by == [SECRET]
    assert delivery.headers["x-request-id"] == "req-42"
    Webhook(SECRET).verify(
        _claim(receiver.url).body, {k: delivery.headers[k] for k in delivery.headers}
    )


def test_at_send_time_a_refused_address_is_not_contacted() -> None:
    with Receiver(SECRET).running() as receiver:
        sender = HttpSender(AddressGuard(False, offline_getaddrinfo))
        outcome = sender.send(_claim(receiver.url), datetime.now(UTC))
        assert receiver.received() == []
    assert outcome.status is None and "address" in (outcome.error or "")
    assert outcome.error_type == "refused_address"


def test_a_refused_connection_is_a_failed_attempt() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sender = HttpSender(AddressGuard(True, offline_getaddrinfo))
    outcome = sender.send(_claim(f"http://127.0.0.1:{port}/h"), datetime.now(UTC))
    assert (outcome.status, outcome.error) == (None, "the connection failed")
    assert outcome.error_type == "connection"


def test_the_guard_refuses_a_name_that_resolves_to_a_private_address() -> None:
    def rebinding(host: str, port: int, *args: object, **kwargs: object) -> object:
        return offline_getaddrinfo("10.0.0.7", port, *args, **kwargs)

    with pytest.raises(RefusedAddress):
        AddressGuard(False, rebinding).check("https://innocent.example/hook")


def test_a_receiver_trickling_its_answer_cannot_hold_an_attempt_past_the_deadline() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                if stop.wait(0.2):
                    return
                connection.sendall(bytes([byte]))

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        sender = HttpSender(AddressGuard(True, offline_getaddrinfo), deadline=1.5)
        started = time.monotonic()
        outcome = sender.send(_claim(f"http://127.0.0.1:{port}/h"), datetime.now(UTC))
        took = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
    assert outcome.status is None and "deadline" in (outcome.error or "")
    assert outcome.error_type == "timeout"
    assert 1.4 <= took <= 2.5
