"""An app per test on a fresh database (SQLite, then PostgreSQL), with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import Config, RateLimitConfig, WebhookConfig
from app.services import services
from tests.e2e.receiver import offline_getaddrinfo
from tests.e2e.servers import (
    TEST_RATELIMIT_ENV,
    Server,
    WorkerProcess,
    delivery_worker,
    gunicorn,
)
from tests.e2e.support import FixedClock, new_client, new_provider, working_week, write_feed
from tests.keys import keyed


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def feed_path(tmp_path: Path) -> Path:
    path = tmp_path / "calendly_slots.json"
    write_feed(path, {})
    return path


def build_app(database_url: str, feed_path: Path, clock: FixedClock, **config: Any) -> Flask:
    """The app on ``database_url``; host names resolve offline (tests never use DNS); rate
    limits no ordinary test reaches unless ``rate_limits`` is given."""
    config.setdefault("rate_limits", RateLimitConfig.from_env(TEST_RATELIMIT_ENV))
    settings = Config(database_url=database_url, calendly_fixture_path=str(feed_path), **config)
    return keyed(create_app(settings, clock=clock, resolver=offline_getaddrinfo))


@pytest.fixture
def app(
    request: pytest.FixtureRequest, database_url: str, feed_path: Path, clock: FixedClock
) -> Iterator[Flask]:
    """The app; under ``webhooks_to_loopback`` it accepts webhook URLs on 127.0.0.1."""
    config: dict[str, Any] = {}
    if request.node.get_closest_marker("webhooks_to_loopback"):
        config["webhooks"] = WebhookConfig(allow_private_hosts=True)
    app = build_app(database_url, feed_path, clock, **config)
    yield app
    with app.app_context():
        services().database.dispose()


@pytest.fixture
def http(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def provider(http: FlaskClient, feed_path: Path) -> dict[str, Any]:
    """A provider in UTC with the working week of tests/e2e/support.py, synced."""
    created = new_provider(http)
    write_feed(feed_path, {created["id"]: working_week(created["id"])})
    response = http.post(f"/providers/{created['id']}/availability-sync")
    assert response.status_code == 200
    return created


@pytest.fixture
def customer(http: FlaskClient) -> dict[str, Any]:
    return new_client(http)


@pytest.fixture
def worker(database_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A real delivery worker process (``flask --app wsgi deliver-webhooks``) on the database."""
    with delivery_worker(database_url, tmp_path / "worker.log") as process:
        yield process


@pytest.fixture
def live(database_url: str, feed_path: Path) -> Iterator[Server]:
    """Real gunicorn (``-w 4``, the shipped gunicorn.conf.py) on the test's fresh database."""
    with gunicorn(database_url, feed_path) as server:
        yield server
