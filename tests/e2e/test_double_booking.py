"""Double booking is impossible: real gunicorn (4 workers) under concurrent bookings,
on SQLite and on PostgreSQL, checked through the API and by SQL on the database."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from functools import partial

from tests.e2e.load import (
    Outcome,
    all_at_once,
    appointment_rows,
    attempt,
    booking,
    booking_day,
    instant,
    new_clients,
    open_providers,
    overlapping_scheduled,
    sql,
)
from tests.e2e.servers import Server
from tests.e2e.support import PROBLEM

RIVALS = 50


def race(live: Server, bookings: list[dict[str, object]]) -> list[Outcome]:
    """Send every booking at once, one thread each."""
    return all_at_once([partial(attempt, live, "POST", "/appointments", b) for b in bookings])


def assert_one_winner(outcomes: list[Outcome], database_url: str) -> None:
    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {201: 1, 409: RIVALS - 1}, statuses
    for outcome in outcomes:
        assert outcome.reply is not None
        if outcome.reply.status == 409:
            assert outcome.reply.content_type == PROBLEM
            assert outcome.reply.body["type"].endswith("/problems/conflict")
    (winner,) = (o for o in outcomes if o.status == 201)
    assert winner.reply is not None
    with sql(database_url) as engine:
        rows = appointment_rows(engine)
    assert [(row.id, row.status) for row in rows] == [(winner.reply.body["id"], "scheduled")]
    assert rows[0].client_id == winner.request["client_id"]


def test_fifty_clients_racing_for_one_slot_get_one_201_and_forty_nine_409s(live, database_url):
    (provider,) = open_providers(live, live.feed)
    day = booking_day()
    start, end = instant(day, 0), instant(day, 30)
    bookings = [booking(client, provider, start, end) for client in new_clients(live, RIVALS)]
    assert_one_winner(race(live, bookings), database_url)


def test_fifty_overlapping_but_different_slots_have_exactly_one_winner(live, database_url):
    (provider,) = open_providers(live, live.feed)
    day = booking_day()
    # Starts one minute apart, an hour long: every slot overlaps every other one.
    bookings = [
        booking(client, provider, instant(day, shift), instant(day, shift + 60))
        for shift, client in enumerate(new_clients(live, RIVALS))
    ]
    assert_one_winner(race(live, bookings), database_url)


#: Minutes after 09:00 (start, end) of the contested slots; most pairs overlap.
SHAPES = ((0, 30), (15, 45), (30, 60), (45, 75), (20, 40))
THREADS, ROUNDS, BUDGET_S = 16, 12, 20.0


class MixedRun:
    """Books and cancels of the same few slots, by several threads at once."""

    def __init__(self, live: Server, providers: list[int], clients: list[int]) -> None:
        self.live, self.providers, self.clients = live, providers, clients
        self.day = booking_day()
        self.deadline = time.monotonic() + BUDGET_S
        self.lock = threading.Lock()
        self.booked: list[int] = []
        self.results: list[tuple[str, int | str, int | None]] = []

    def worker(self, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(ROUNDS):
            if time.monotonic() > self.deadline:
                return
            with self.lock:
                victim = rng.choice(self.booked) if self.booked and rng.random() < 0.35 else None
            if victim is None:
                self.book(rng)
            else:
                self.cancel(victim)

    def book(self, rng: random.Random) -> None:
        start, end = rng.choice(SHAPES)
        body = booking(
            rng.choice(self.clients),
            rng.choice(self.providers),
            instant(self.day, start),
            instant(self.day, end),
        )
        outcome = attempt(self.live, "POST", "/appointments", body)
        new_id = outcome.reply.body["id"] if outcome.status == 201 and outcome.reply else None
        with self.lock:
            self.results.append(("book", outcome.status, new_id))
            if new_id is not None:
                self.booked.append(new_id)

    def cancel(self, appointment_id: int) -> None:
        outcome = attempt(self.live, "DELETE", f"/appointments/{appointment_id}")
        with self.lock:
            self.results.append(("cancel", outcome.status, appointment_id))


def test_concurrent_books_and_cancels_never_leave_overlapping_appointments(live, database_url):
    run = MixedRun(live, open_providers(live, live.feed, 2), new_clients(live, 8))
    all_at_once([partial(run.worker, seed) for seed in range(THREADS)])

    statuses = Counter((kind, status) for kind, status, _ in run.results)
    assert set(statuses) <= {("book", 201), ("book", 409), ("cancel", 200)}, statuses
    # The run really contended: bookings won and lost, and some were canceled.
    assert statuses["book", 201] >= 2 and statuses["book", 409] >= 1, statuses
    assert statuses["cancel", 200] >= 1, statuses
    with sql(database_url) as engine:
        assert overlapping_scheduled(engine, "provider_id") == []
        assert overlapping_scheduled(engine, "client_id") == []
        status_by_id = {row.id: row.status for row in appointment_rows(engine)}
    assert set(run.booked) == set(status_by_id)
    canceled = {i for kind, _, i in run.results if kind == "cancel"}
    assert {i for i, s in status_by_id.items() if s == "canceled"} == canceled
