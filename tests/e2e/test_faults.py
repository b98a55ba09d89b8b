"""Faults during booking: a worker killed with SIGKILL, database connections terminated.

Bookings fly from a thread pool while the fault strikes. Afterwards every 201 a client got
is in the database, no appointment is partial (each has the idempotency key it was booked
under, and no key lacks its appointment), the service answers again within seconds, and a
retry with the same Idempotency-Key completes every booking exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from tests.e2e.load import (
    ONLY_POSTGRES,
    Outcome,
    appointment_rows,
    attempt,
    booking,
    booking_day,
    instant,
    new_clients,
    open_providers,
    orphan_keys,
    sql,
)
from tests.e2e.servers import WORKERS, Server
from tests.e2e.support import PROBLEM

BOOKINGS, THREADS, CLIENTS = 120, 12, 12
SLOTS_PER_DAY = 40  # quarter hours from 09:00
RECOVERY_S = 10.0
FAULT_BUDGET_S = 30.0
TERMINATE_EVERY_S = 0.15
#: A client retrying a 503 (see _retried).
RETRIES = 5
RETRY_PAUSE_S = 0.2


class Bookings:
    """BOOKINGS distinct, non-overlapping bookings, each under its own Idempotency-Key."""

    def __init__(self, live: Server) -> None:
        (provider,) = open_providers(live, live.feed)
        clients = new_clients(live, CLIENTS)
        self.live = live
        self.requests: dict[str, dict[str, Any]] = {}
        first = booking_day()
        for n in range(BOOKINGS):
            day = first + timedelta(days=n // SLOTS_PER_DAY)
            minute = (n % SLOTS_PER_DAY) * 15
            body = booking(
                clients[n % CLIENTS], provider, instant(day, minute), instant(day, minute + 15)
            )
            self.requests[f"fault-{n}"] = body
        self.lock = threading.Lock()
        self.answered = 0

    def send(self, key: str) -> Outcome:
        outcome = attempt(
            self.live, "POST", "/appointments", self.requests[key], headers={"Idempotency-Key": key}
        )
        with self.lock:
            self.answered += 1
        return outcome

    def finished(self) -> bool:
        return self.answered >= len(self.requests)

    def run(self, fault: Callable[[Bookings], None]) -> dict[str, Outcome]:
        """Send every booking from THREADS threads while ``fault`` runs on this thread."""
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            outcomes = pool.map(self.send, self.requests)
            fault(self)
            return dict(zip(self.requests, outcomes, strict=True))

    def wait_for(self, answered: int) -> None:
        deadline = time.monotonic() + FAULT_BUDGET_S
        while self.answered < answered and time.monotonic() < deadline:
            time.sleep(0.01)


def assert_nothing_partial(database_url: str, bookings: Bookings, outcomes: dict[str, Outcome]):
    """Every 201 is stored; every stored appointment is whole and has its key, and vice versa."""
    with sql(database_url) as engine:
        rows = {row.id: row for row in appointment_rows(engine)}
        assert orphan_keys(engine) == []
    for row in rows.values():
        assert row.key in bookings.requests, f"appointment {row.id} has no idempotency key"
        assert as_request(row) == bookings.requests[row.key]
        assert (row.status, row.canceled_at) == ("scheduled", None)
        assert row.created_at is not None
    for key, outcome in outcomes.items():
        if outcome.status == 201:
            assert outcome.reply is not None
            assert rows[outcome.reply.body["id"]].key == key


def as_request(row: Any) -> dict[str, Any]:
    return booking(
        row.client_id,
        row.provider_id,
        row.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        row.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _retried(bookings: Bookings, key: str) -> int | None:
    """Send again as a client would after a 503: a few times, a moment apart.

    A worker may hold a pooled connection that died a moment before it was last used; its
    first request after that is a 503, after which its pool reconnects
    (docs/DECISIONS.md, "Reconnecting").
    """
    status = None
    for _attempt in range(RETRIES):
        status = bookings.send(key).status
        if status != 503:
            return status
        time.sleep(RETRY_PAUSE_S)
    return status


def assert_retries_complete_every_booking_once(
    database_url: str, bookings: Bookings, outcomes: dict[str, Outcome]
) -> None:
    for key, outcome in outcomes.items():
        if outcome.status != 201:
            assert _retried(bookings, key) == 201, key
    with sql(database_url) as engine:
        keys = [row.key for row in appointment_rows(engine)]
    assert sorted(keys) == sorted(bookings.requests)


def test_killing_a_worker_mid_booking_loses_no_201_and_leaves_nothing_partial(live, database_url):
    bookings = Bookings(live)
    killed: list[int] = []

    def kill_workers(run: Bookings) -> None:
        for progress in (BOOKINGS // 8, BOOKINGS // 2):
            run.wait_for(progress)
            victim = random.choice(sorted(live.worker_pids()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    outcomes = bookings.run(kill_workers)

    assert len(killed) == 2
    statuses = Counter(outcome.status for outcome in outcomes.values())
    assert set(statuses) <= {201, "network error"}, statuses
    # A sync worker serves one request at a time: each kill drops at most one, and no
    # request hangs until its timeout.
    assert statuses["network error"] <= len(killed), [o.error for o in outcomes.values()]
    assert_nothing_partial(database_url, bookings, outcomes)
    assert_respawned(live, killed)
    assert_retries_complete_every_booking_once(database_url, bookings, outcomes)


def assert_respawned(live: Server, killed: list[int]) -> None:
    """gunicorn replaces the killed workers and the service answers within seconds."""
    deadline = time.monotonic() + RECOVERY_S
    while time.monotonic() < deadline:
        workers = live.worker_pids()
        if len(workers) == WORKERS and not workers & set(killed):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"workers not replaced in {RECOVERY_S}s:\n{live.log_tail()}")
    live.wait_until_healthy(timeout=RECOVERY_S)


TERMINATE = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend'"
)


@ONLY_POSTGRES
def test_terminated_database_connections_give_503s_lose_no_201_and_recover(live, database_url):
    bookings = Bookings(live)
    terminated = 0

    def terminate_backends(run: Bookings) -> None:
        nonlocal terminated
        deadline = time.monotonic() + FAULT_BUDGET_S
        with sql(database_url) as engine, engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            while not run.finished() and time.monotonic() < deadline:
                terminated += connection.execute(TERMINATE).scalar_one()
                time.sleep(TERMINATE_EVERY_S)

    outcomes = bookings.run(terminate_backends)

    statuses = Counter(outcome.status for outcome in outcomes.values())
    assert terminated >= 5, terminated
    assert set(statuses) <= {201, 503}, statuses
    assert statuses[503] >= 1, statuses
    for outcome in outcomes.values():
        if outcome.reply is not None and outcome.reply.status == 503:
            assert outcome.reply.content_type == PROBLEM
            assert outcome.reply.body["type"].endswith("/problems/service-unavailable")
            assert int(outcome.reply.headers["retry-after"]) > 0
    assert_nothing_partial(database_url, bookings, outcomes)
    live.wait_until_healthy(timeout=RECOVERY_S)
    assert_retries_complete_every_booking_once(database_url, bookings, outcomes)
