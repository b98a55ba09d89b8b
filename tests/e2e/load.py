"""Shared pieces of the race and fault tests against real gunicorn: data set-up through
the API, concurrent requests from a thread pool, and checks by SQL on the database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, Row, select

from adapters.sqlalchemy.database import make_engine
from adapters.sqlalchemy.tables import appointments, idempotency_keys
from tests.e2e.servers import Reply, Server
from tests.e2e.support import slot, write_feed

T = TypeVar("T")
#: Run a test that takes ``database_url`` on one database only.
ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
ONLY_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OPEN_FROM, OPEN_UNTIL = "08:00", "20:00"


def open_every_day(provider_id: int) -> list[dict[str, Any]]:
    """Feed slots: 08:00-20:00 (the provider's zone) on every day of the week."""
    return [slot(provider_id, f"p{provider_id}-{day}", day, OPEN_FROM, OPEN_UNTIL) for day in DAYS]


def booking_day(days_ahead: int = 7) -> date:
    """A day far enough ahead that every slot on it is in the future."""
    return (datetime.now(UTC) + timedelta(days=days_ahead)).date()


def instant(day: date, minutes_after_nine: int) -> str:
    """``day`` at 09:00 UTC plus ``minutes_after_nine`` minutes, as an RFC 3339 string."""
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return (moment + timedelta(minutes=minutes_after_nine)).strftime("%Y-%m-%dT%H:%M:%SZ")


def created(reply: Reply) -> dict[str, Any]:
    assert reply.status == 201, reply
    body: dict[str, Any] = reply.body
    return body


def open_providers(server: Server, feed: Path, count: int = 1) -> list[int]:
    """``count`` providers in UTC, open every day 08:00-20:00, synced from ``feed``."""
    ids = [
        created(server.call("POST", "/providers", {"name": f"Dr. {n}", "timezone": "UTC"}))["id"]
        for n in range(count)
    ]
    write_feed(feed, {provider_id: open_every_day(provider_id) for provider_id in ids})
    for provider_id in ids:
        assert server.call("POST", f"/providers/{provider_id}/availability-sync").status == 200
    return ids


def new_clients(server: Server, count: int) -> list[int]:
    """``count`` clients registered through the API."""
    return [
        created(
            server.call("POST", "/clients", {"name": f"Client {n}", "email": f"c{n}@example.com"})
        )["id"]
        for n in range(count)
    ]


def booking(client_id: int, provider_id: int, start: str, end: str) -> dict[str, Any]:
    return {"client_id": client_id, "provider_id": provider_id, "starts_at": start, "ends_at": end}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request got: a reply, or the network error that replaced it."""

    request: Mapping[str, Any]
    reply: Reply | None
    error: str | None = None

    @property
    def status(self) -> int | str:
        return self.reply.status if self.reply is not None else "network error"


def attempt(server: Server, method: str, path: str, body: Any = None, **kwargs: Any) -> Outcome:
    """Send a request; a dropped connection (e.g. a killed worker) is an Outcome too."""
    try:
        return Outcome(body or {}, server.call(method, path, body, **kwargs))
    except OSError as exc:
        return Outcome(body or {}, None, repr(exc))


def all_at_once(tasks: list[Callable[[], T]]) -> list[T]:
    """Run every task on its own thread, released together by a barrier; in order."""
    start = threading.Barrier(len(tasks))

    def released(task: Callable[[], T]) -> T:
        start.wait(timeout=30)
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(released, tasks))


@contextmanager
def sql(database_url: str) -> Iterator[Engine]:
    """An engine on the database under test, for checks by SQL."""
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def overlapping_scheduled(engine: Engine, owner: str) -> list[tuple[int, int]]:
    """Pairs of scheduled appointments of one ``owner`` (provider_id or client_id) that overlap."""
    a, b = appointments.alias("a"), appointments.alias("b")
    statement = select(a.c.id, b.c.id).where(
        a.c[owner] == b.c[owner],
        a.c.id < b.c.id,
        a.c.status == "scheduled",
        b.c.status == "scheduled",
        a.c.starts_at < b.c.ends_at,
        b.c.starts_at < a.c.ends_at,
    )
    with engine.connect() as connection:
        return [(row[0], row[1]) for row in connection.execute(statement)]


def appointment_rows(engine: Engine) -> list[Row[Any]]:
    """Every appointment with the key it was booked under (None when it has none)."""
    joined = appointments.outerjoin(
        idempotency_keys, idempotency_keys.c.appointment_id == appointments.c.id
    )
    statement = select(appointments, idempotency_keys.c.key).select_from(joined)
    with engine.connect() as connection:
        return list(connection.execute(statement.order_by(appointments.c.id)))


def orphan_keys(engine: Engine) -> list[str]:
    """Idempotency keys whose appointment does not exist."""
    joined = idempotency_keys.outerjoin(
        appointments, appointments.c.id == idempotency_keys.c.appointment_id
    )
    statement = (
        select(idempotency_keys.c.key).select_from(joined).where(appointments.c.id.is_(None))
    )
    with engine.connect() as connection:
        return list(connection.scalars(statement))
