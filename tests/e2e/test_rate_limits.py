"""Rate limits in one process (``memory://``): the 429 problem, its fields, and who is counted.

Per key for requests with a valid key, per address without one, stricter per address for
failed authentication; health and metrics never. The same limits across gunicorn's workers
on Redis: tests/e2e/test_rate_limits_redis.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.config import RateLimitConfig
from app.services import services
from tests.e2e.conftest import build_app
from tests.e2e.servers import free_port
from tests.e2e.support import FixedClock, assert_problem
from tests.keys import UNKNOWN_KEY, bearer, issue_key

SMALL = RateLimitConfig(per_key="3/minute", per_address="2/minute", auth_failures="2/minute")
FIELD = re.compile(r'^"(?P<name>[a-z-]+)";r=(?P<r>\d+);t=(?P<t>\d+)$')


@pytest.fixture
def limited(database_url: str, feed_path: Path, clock: FixedClock) -> Iterator[Flask]:
    """The app with SMALL limits."""
    with limited_app(database_url, feed_path, clock, SMALL) as app:
        yield app


@contextmanager
def limited_app(
    url: str, feed: Path, clock: FixedClock, limits: RateLimitConfig
) -> Iterator[Flask]:
    app = build_app(url, feed, clock, rate_limits=limits)
    try:
        yield app
    finally:
        with app.app_context():
            services().database.dispose()


def remaining(response: Any, policy: str) -> tuple[int, int]:
    """The ``RateLimit`` field's ``r`` and ``t`` for ``policy``."""
    found = FIELD.match(response.headers["RateLimit"])
    assert found is not None and found["name"] == policy, response.headers["RateLimit"]
    return int(found["r"]), int(found["t"])


def test_a_key_over_its_limit_gets_a_429_problem_with_retry_after_and_the_draft_fields(
    limited: Flask,
) -> None:
    http = limited.test_client()
    for left in (2, 1, 0):
        response = http.get("/timezones")
        assert response.status_code == 200
        assert response.headers["RateLimit-Policy"] == '"key";q=3;w=60'
        assert remaining(response, "key")[0] == left
    refused = http.get("/timezones")
    body = assert_problem(refused, 429, "rate-limited")
    assert body["title"] == "Too many requests"
    assert "3 per 60 s" in body["detail"]
    assert refused.headers["RateLimit-Policy"] == '"key";q=3;w=60'
    left, reset = remaining(refused, "key")
    assert left == 0 and 1 <= reset <= 60
    assert refused.headers["Retry-After"] == str(reset)
    secret = limited.config["TEST_API_KEY"]
    assert secret not in refused.get_data(as_text=True) + str(refused.headers)


def test_each_key_has_a_limit_of_its_own(limited: Flask, database_url: str) -> None:
    http = limited.test_client()
    for _ in range(4):
        http.get("/timezones")
    assert http.get("/timezones").status_code == 429
    other = http.get("/timezones", headers=bearer(issue_key(database_url)))
    assert other.status_code == 200
    assert remaining(other, "key")[0] == 2


def test_failed_authentication_is_limited_per_address_and_more_strictly(limited: Flask) -> None:
    http = limited.test_client()
    first = http.get("/timezones", headers={"Authorization": ""})
    second = http.get("/timezones", headers=bearer(UNKNOWN_KEY))
    for response, left in ((first, 1), (second, 0)):
        assert_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.headers["RateLimit-Policy"] == '"auth-failures";q=2;w=60'
        assert remaining(response, "auth-failures")[0] == left
    third = http.get("/appointments", headers=bearer("sk_not_even_well_formed"))
    assert "failed authentication" in assert_problem(third, 429, "rate-limited")["detail"]
    assert "WWW-Authenticate" not in third.headers
    elsewhere = {"REMOTE_ADDR": "127.0.0.2"}
    answer = http.get("/timezones", headers=bearer(UNKNOWN_KEY), environ_overrides=elsewhere)
    assert answer.status_code == 401


def test_a_key_this_worker_knows_still_passes_from_an_address_whose_failures_are_spent(
    limited: Flask, database_url: str
) -> None:
    http = limited.test_client()
    assert http.get("/timezones").status_code == 200  # the key is known from now on
    for _ in range(2):
        assert http.get("/timezones", headers=bearer(UNKNOWN_KEY)).status_code == 401
    assert http.get("/timezones").status_code == 200
    unread = http.get("/timezones", headers=bearer(issue_key(database_url)))
    assert_problem(unread, 429, "rate-limited")  # an unknown key: refused before the lookup
    assert remaining(unread, "auth-failures")[0] == 0


def test_requests_without_a_key_are_limited_per_address_but_never_health_or_metrics(
    limited: Flask,
) -> None:
    http = FlaskClient(limited)  # no key at all
    for left in (1, 0):
        response = http.get("/openapi.json")
        assert response.status_code == 200
        assert remaining(response, "address")[0] == left
    assert_problem(http.get("/docs"), 429, "rate-limited")
    assert_problem(http.get("/no-such-page"), 429, "rate-limited")
    for path in ("/health", "/health/live", "/metrics") * 3:
        response = http.get(path)
        assert response.status_code == 200, path
        assert "RateLimit" not in response.headers


def test_x_forwarded_for_is_believed_only_behind_the_configured_proxies(
    database_url: str, feed_path: Path, clock: FixedClock
) -> None:
    for proxies, second_status in ((0, 429), (1, 401)):
        limits = RateLimitConfig(auth_failures="1/minute", trusted_proxies=proxies)
        with limited_app(database_url, feed_path, clock, limits) as app:
            http = FlaskClient(app)
            statuses = [
                http.get("/timezones", headers={"X-Forwarded-For": address}).status_code
                for address in ("203.0.113.7", "203.0.113.8")
            ]
            assert statuses == [401, second_status], proxies


def test_a_spent_limit_is_whole_again_when_its_window_ends(
    database_url: str, feed_path: Path, clock: FixedClock
) -> None:
    with limited_app(database_url, feed_path, clock, RateLimitConfig(per_key="2/second")) as app:
        http = app.test_client()
        statuses = [http.get("/timezones").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        time.sleep(1.1)
        again = http.get("/timezones")
        assert again.status_code == 200
        assert remaining(again, "key") == (1, 1)


def test_requests_are_served_unlimited_while_the_rate_limit_storage_is_down(
    database_url: str, feed_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    down = RateLimitConfig(storage_uri=f"redis://127.0.0.1:{free_port()}/0", per_key="1/minute")
    with limited_app(database_url, feed_path, clock, down) as app:
        http = app.test_client()
        for _ in range(3):
            response = http.get("/timezones")
            assert response.status_code == 200
            assert "RateLimit" not in response.headers
        assert http.get("/timezones", headers=bearer(UNKNOWN_KEY)).status_code == 401
    assert "rate_limit_storage_unavailable" in capsys.readouterr().out


def test_every_protected_operation_documents_its_429_and_the_fields_on_its_answers(
    limited: Flask,
) -> None:
    document = FlaskClient(limited).get("/openapi.json").get_json()
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if not operation.get("security"):
                assert "429" not in responses, f"{method} {path}"
                continue
            headers = responses["429"]["headers"]
            assert {"Retry-After", "RateLimit-Policy", "RateLimit"} <= set(headers)
            assert {"RateLimit-Policy", "RateLimit"} <= set(responses["401"]["headers"])
            for status in (s for s in responses if s.startswith("2")):
                assert {"RateLimit-Policy", "RateLimit"} <= set(responses[status]["headers"])
            example = responses["429"]["content"]["application/problem+json"]["example"]
            assert example["status"] == 429 and example["type"].endswith("/rate-limited")
            checked += 1
    assert checked >= 30
