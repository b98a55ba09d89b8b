"""The HTTP benchmark's dataset builder (bench/dataset.py) writes valid data the app reads.

A tiny dataset (5 providers, 50 appointments) goes through the same bulk load as the
benchmark's million rows: executemany on SQLite, COPY on PostgreSQL (whose exclusion
constraints refuse overlaps while loading).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, Table, and_, func, select

from adapters.sqlalchemy import Database
from adapters.sqlalchemy.tables import appointments, clients, providers, weekly_windows
from bench import dataset
from domain.intervals import Interval
from domain.use_cases import availability, booking
from tests.integration.support import NOW, FixedClock

SPEC = dataset.Spec(providers=5, per_provider=10, now=NOW)
CLOCK = FixedClock()


@pytest.fixture
def loaded(database: Database) -> Database:
    dataset.load(database.url, SPEC)
    return database


def _count(connection: Connection, table: Table) -> int:
    count: int = connection.execute(select(func.count()).select_from(table)).scalar_one()
    return count


def _overlapping_pairs(connection: Connection, owner: str) -> int:
    """Pairs of scheduled appointments of one provider (or client) that overlap."""
    a, b = appointments.alias("a"), appointments.alias("b")
    statement = select(func.count()).where(
        a.c[owner] == b.c[owner],
        a.c.id < b.c.id,
        a.c.status == "scheduled",
        b.c.status == "scheduled",
        and_(a.c.starts_at < b.c.ends_at, b.c.starts_at < a.c.ends_at),
    )
    pairs: int = connection.execute(statement).scalar_one()
    return pairs


def test_the_bench_dataset_has_the_promised_size_and_no_overlaps(loaded: Database) -> None:
    with loaded.engine.connect() as connection:
        sizes = [_count(connection, t) for t in (providers, clients, appointments)]
        overlaps = [_overlapping_pairs(connection, o) for o in ("provider_id", "client_id")]
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert sizes == [5, 5, 50]
    assert overlaps == [0, 0]


def test_every_provider_has_10_to_20_weekday_working_hours_windows(loaded: Database) -> None:
    with loaded.engine.connect() as connection:
        rows = connection.execute(select(weekly_windows)).all()
    per_provider = {p: sum(r.provider_id == p for r in rows) for p in range(1, 6)}
    assert all(10 <= count <= 20 for count in per_provider.values()), per_provider
    assert all(r.start_day == r.end_day and 0 <= r.start_day <= 4 for r in rows)
    assert all(7 * 60 <= r.start_minute < r.end_minute <= 19 * 60 for r in rows)


def test_appointments_last_30_to_60_minutes_over_two_years_around_now(loaded: Database) -> None:
    with loaded.engine.connect() as connection:
        rows = connection.execute(select(appointments)).all()
    lengths = {r.ends_at - r.starts_at for r in rows}
    assert lengths <= {timedelta(minutes=m) for m in (30, 45, 60)}
    assert all(abs(r.starts_at - NOW) < timedelta(weeks=53) for r in rows)
    assert any(r.starts_at < NOW for r in rows) and any(r.starts_at > NOW for r in rows)
    canceled = [r for r in rows if r.status == "canceled"]
    assert len(canceled) == 50 // dataset.CANCELED_EVERY
    assert all(r.canceled_at is not None for r in canceled)
    assert all(r.client_id == r.provider_id for r in rows)


def test_the_app_reads_back_each_scheduled_appointment_where_it_was_written(
    loaded: Database,
) -> None:
    written = [
        (row[2], row[3]) for row in dataset.provider_appointments(SPEC, 3) if row[4] == "scheduled"
    ]
    lower, upper = NOW - timedelta(weeks=60), NOW + timedelta(weeks=60)
    with loaded.unit_of_work() as uow:
        read = uow.appointments.scheduled_for_provider(3, lower, upper)
    assert [(a.starts_at, a.ends_at) for a in read] == sorted(written)


def test_a_free_slot_found_in_the_bench_dataset_can_be_booked(loaded: Database) -> None:
    week = (NOW + timedelta(days=7), NOW + timedelta(days=14))
    free = availability.free_windows(loaded.unit_of_work(), CLOCK, 2, *week)
    booked = [
        Interval(row[2], row[3])
        for row in dataset.provider_appointments(SPEC, 2)
        if row[4] == "scheduled"
    ]
    assert free and not any(w.overlaps(b) for w in free for b in booked)
    start = free[0].start
    appointment = booking.book(
        loaded.unit_of_work(), CLOCK, 2, 2, start, start + timedelta(minutes=30)
    )
    assert appointment.id == 51  # the id sequence continues after the loaded rows
