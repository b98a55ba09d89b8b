"""The roster's batched reads, on SQLite and PostgreSQL: right rows, through the cache, and a
number of statements that does not grow with the providers searched or pooled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from adapters.sqlalchemy import Database
from adapters.sqlalchemy.tables import webhook_events
from domain.events import EventType
from domain.model import Appointment, Client, DateOverride, Provider
from domain.use_cases.pool_booking import book_any
from domain.use_cases.roster import search_free_slots
from domain.webhooks import Endpoint
from tests.integration.support import NOW, FixedClock, at, window

WEEK = (at(7, 0), at(14, 0))
HALF_HOUR = timedelta(minutes=30)


def roster(database: Database, size: int) -> list[int]:
    """``size`` providers open weekdays 09:00-17:00 UTC, each with one booking on Monday and a
    day off on Tuesday, and one client per provider."""
    ids = []
    with database.unit_of_work() as uow:
        for n in range(size):
            provider = uow.providers.add(Provider(f"P{n}"))
            client = uow.clients.add(Client(f"C{n}", f"c{n}@example.com"))
            assert provider.id is not None and client.id is not None
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
                uow.windows.add(window(provider.id, day, f"{day} 09:00", f"{day} 17:00"))
            start = at(7, 9) + n * HALF_HOUR
            uow.appointments.add(Appointment(client.id, provider.id, start, start + HALF_HOUR, NOW))
            uow.overrides.add(DateOverride(provider.id, at(8, 0), at(9, 0)))
            ids.append(provider.id)
        uow.commit()
    return ids


@contextmanager
def counting(database: Database) -> Iterator[list[str]]:
    """Every statement the database runs meanwhile."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def test_batched_reads_return_each_providers_rows(database: Database) -> None:
    ids = roster(database, 3)
    with database.unit_of_work() as uow:
        assert [p.id for p in uow.providers.many(None)] == ids
        assert [p.id for p in uow.providers.many([ids[2], 999, ids[0]])] == [ids[0], ids[2]]
        booked = uow.appointments.booked_times(ids[:2], *WEEK)
        windows = uow.windows.for_providers(ids)
        overrides = uow.overrides.for_providers(ids, at(8, 12), at(8, 13))
        counts = uow.appointments.scheduled_counts(ids, *WEEK)
        active = uow.appointments.active_with(1, ids)
    assert sorted(booked) == ids[:2]
    assert [a.starts_at for a in booked[ids[1]]] == [at(7, 9, 30)]
    assert all(len(found) == 5 for found in windows.values()) and sorted(windows) == ids
    assert [o.starts_at for o in overrides[ids[0]]] == [at(8, 0)]
    assert counts == dict.fromkeys(ids, 1)
    assert active == {ids[0]}


def test_counts_leave_out_canceled_appointments_and_other_weeks(database: Database) -> None:
    ids = roster(database, 2)
    with database.unit_of_work() as uow:
        booked = uow.appointments.scheduled_for_provider(ids[0], *WEEK)[0]
        uow.appointments.update(booked.canceled(NOW))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.appointments.scheduled_counts(ids, *WEEK) == {ids[1]: 1}
        assert uow.appointments.scheduled_counts(ids, at(14, 0), at(21, 0)) == {}


def search(database: Database, provider_ids: list[int] | None) -> Any:
    return search_free_slots(
        database.unit_of_work(), FixedClock(), *WEEK, HALF_HOUR, provider_ids=provider_ids
    )


def test_a_roster_search_runs_the_same_statements_for_3_or_30_providers(database: Database) -> None:
    ids = roster(database, 30)
    search(database, None)  # fills the cache
    with counting(database) as few:
        small = search(database, ids[:3])
    with counting(database) as many:
        large = search(database, None)
    assert len(few) == len(many) <= 4, many
    assert set(small.slots[0].provider_ids) < set(large.slots[0].provider_ids)


def test_a_cold_cache_loads_windows_and_overrides_in_one_statement_each_a_warm_one_none(
    database: Database,
) -> None:
    ids = roster(database, 30)
    with counting(database) as cold:
        search(database, ids)
    search(database, ids)  # a second miss: the week plans are computed and kept
    with counting(database) as warm:
        search(database, ids)
    tables = [s.split("FROM")[1].split()[0] for s in cold if "FROM" in s]
    assert tables.count("weekly_windows") == 1 and tables.count("date_overrides") == 1, cold
    warm_tables = [s.split("FROM")[1].split()[0] for s in warm if "FROM" in s]
    assert warm_tables == ["providers"], warm  # the week plans hold the rest


def test_a_pool_booking_runs_the_same_statements_for_2_or_20_providers(
    database: Database,
) -> None:
    ids = roster(database, 20)
    clock = FixedClock()
    book_any(database.unit_of_work(), clock, 1, ids, at(9, 9), at(9, 9, 30))  # warms the cache
    with counting(database) as few:
        book_any(database.unit_of_work(), clock, 2, ids[:2], at(10, 9), at(10, 9, 30))
    with counting(database) as many:
        chosen = book_any(database.unit_of_work(), clock, 3, ids, at(10, 9), at(10, 9, 30))
    assert len(few) == len(many), many
    assert chosen.provider_id not in ids[:2]


def test_a_pool_booking_writes_its_booked_event_in_its_transaction(database: Database) -> None:
    ids = roster(database, 3)
    with database.unit_of_work() as uow:
        uow.webhooks.add(
            Endpoint("http://127.0.0.1:9/hook", (EventType.APPOINTMENT_BOOKED,), "whsec_A", NOW)
        )
        uow.commit()
    chosen = book_any(database.unit_of_work(), FixedClock(), 1, ids, at(9, 9), at(9, 9, 30))
    with database.engine.connect() as connection:
        bodies = [json.loads(body) for body in connection.scalars(select(webhook_events.c.body))]
    assert [(b["type"], b["data"]["id"], b["data"]["provider_id"]) for b in bodies] == [
        ("appointment.booked", chosen.id, chosen.provider_id)
    ]
