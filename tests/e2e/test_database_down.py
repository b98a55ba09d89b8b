"""With the database unreachable, /health and every endpoint answer 503 problem details."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import build_app
from tests.e2e.support import MONDAY, FixedClock, assert_problem, at, booking

DEAD = "postgresql://postgres@127.0.0.1:1/nothing_listens_here"
MOVE = {"starts_at": at(MONDAY, "10:00"), "ends_at": at(MONDAY, "10:30")}


@pytest.fixture(scope="module")
def down(tmp_path_factory):
    feed = tmp_path_factory.mktemp("feed") / "feed.json"
    feed.write_text("{}")
    return build_app(DEAD, feed, FixedClock()).test_client()


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/health", None),
        ("get", "/providers", None),
        ("post", "/providers", {"name": "Dr. X"}),
        ("get", "/providers/1", None),
        ("patch", "/providers/1", {"name": "Dr. Y"}),
        ("get", "/clients", None),
        ("post", "/clients", {"name": "A", "email": "a@example.com"}),
        ("get", "/clients/1", None),
        (
            "get",
            f"/providers/1/availabilities?from={at(MONDAY, '00:00')}&to={at(MONDAY, '23:00')}",
            None,
        ),
        ("post", "/appointments", booking(1, 1, "09:00", "09:30")),
        ("get", "/appointments", None),
        ("get", "/appointments/1", None),
        ("patch", "/appointments/1", MOVE),
        ("delete", "/appointments/1", None),
        ("delete", "/appointments/1?reason=ill", {"canceled_by": "client"}),
        ("get", "/providers/1/time-off", None),
        ("post", "/providers/1/time-off", MOVE),
        ("delete", "/providers/1/time-off/1", None),
        ("post", "/providers/1/availability-sync", None),
    ],
)
def test_every_endpoint_answers_503_with_retry_after(down, method, path, payload):
    response = getattr(down, method)(path, json=payload)
    body = assert_problem(response, 503, "service-unavailable")
    assert int(response.headers["Retry-After"]) > 0
    assert "127.0.0.1" not in body["detail"]
