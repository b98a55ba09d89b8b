"""The roster benchmark's dataset shapes (bench/shapes.py) hold what they promise, as the app
reads them.

Five providers of each shape go through the same bulk load as the benchmark's thousand:
executemany on SQLite, COPY on PostgreSQL (whose exclusion constraints refuse overlaps while
loading). The app's own use cases then find the bookings taken and the rest of the windows free.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, and_, func, select

from adapters.sqlalchemy import Database
from adapters.sqlalchemy.tables import appointments, providers, weekly_windows
from bench import shapes
from domain.intervals import Interval
from domain.use_cases import availability, roster
from tests.integration.support import NOW, FixedClock

CLINIC = shapes.Shape(shapes.CLINIC, providers=5, now=NOW)
SOLID = shapes.Shape(shapes.SOLID, providers=5, now=NOW)
CLOCK = FixedClock()
HALF_HOUR = timedelta(minutes=30)
SATURDAY = datetime(2030, 1, 12, tzinfo=NOW.tzinfo)  # after NOW, a Monday
IDS = range(1, 6)


@pytest.fixture
def clinic(database: Database) -> Database:
    shapes.load(database.url, CLINIC)
    return database


@pytest.fixture
def solid(database: Database) -> Database:
    shapes.load(database.url, SOLID)
    return database


def _overlapping_pairs(connection: Connection, owner: str) -> int:
    """Pairs of appointments of one provider (or client) that overlap."""
    a, b = appointments.alias("a"), appointments.alias("b")
    statement = select(func.count()).where(
        a.c[owner] == b.c[owner],
        a.c.id < b.c.id,
        and_(a.c.starts_at < b.c.ends_at, b.c.starts_at < a.c.ends_at),
    )
    pairs: int = connection.execute(statement).scalar_one()
    return pairs


def _total(intervals: list[Interval]) -> timedelta:
    return sum((i.end - i.start for i in intervals), timedelta())


def test_the_clinic_has_three_half_hour_windows_each_weekday(clinic: Database) -> None:
    with clinic.engine.connect() as connection:
        rows = connection.execute(select(weekly_windows)).all()
        overlaps = [_overlapping_pairs(connection, o) for o in ("provider_id", "client_id")]
        booked = connection.execute(select(func.count()).select_from(appointments)).scalar_one()
    for p in IDS:
        for day in range(7):
            spans = sorted(
                (r.start_minute, r.end_minute)
                for r in rows
                if (r.provider_id, r.start_day) == (p, day)
            )
            assert len(spans) == (3 if day < 5 else 0)
            assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(r.start_day == r.end_day for r in rows)
    assert all(r.start_minute % 30 == 0 and r.end_minute % 30 == 0 for r in rows)
    assert booked == 5 * shapes.BOOKINGS and overlaps == [0, 0]


def test_clinic_bookings_lie_inside_a_window_on_the_half_hour_grid(clinic: Database) -> None:
    with clinic.engine.connect() as connection:
        zones = dict(connection.execute(select(providers.c.id, providers.c.timezone)).all())
        windows = connection.execute(select(weekly_windows)).all()
        booked = connection.execute(select(appointments)).all()
    assert len(set(zones.values())) == 5
    for row in booked:
        start, end = (
            t.astimezone(ZoneInfo(zones[row.provider_id])) for t in (row.starts_at, row.ends_at)
        )
        assert NOW <= row.starts_at < NOW + shapes.BOOKED_SPAN
        assert start.minute in (0, 30) and start.second == 0 and start.date() == end.date()
        assert end - start in (HALF_HOUR, 2 * HALF_HOUR)
        minutes = (60 * start.hour + start.minute, 60 * end.hour + end.minute)
        assert any(
            (w.provider_id, w.start_day) == (row.provider_id, start.weekday())
            and w.start_minute <= minutes[0] < minutes[1] <= w.end_minute
            for w in windows
        ), row


def test_the_app_finds_the_bookings_taken_and_the_rest_of_the_windows_free(
    clinic: Database,
) -> None:
    upper = NOW + shapes.BOOKED_SPAN
    for p in IDS:
        free = availability.free_windows(clinic.unit_of_work(), CLOCK, p, NOW, upper)
        booked = [Interval(*b) for b in shapes.clinic_bookings(CLINIC, p)]
        windows = [
            Interval(max(s, NOW), min(e, upper))
            for s, e in shapes.occurrences(CLINIC, p, NOW, upper)
        ]
        assert len(booked) == shapes.BOOKINGS
        assert not any(f.overlaps(b) for f in free for b in booked)
        assert _total(free) + _total(booked) == _total(windows)


def test_a_search_from_saturday_finds_nothing_on_its_first_day(clinic: Database) -> None:
    day = (SATURDAY, SATURDAY + timedelta(days=1))
    for p in IDS:
        assert availability.free_windows(clinic.unit_of_work(), CLOCK, p, *day) == []
    week = roster.search_free_slots(
        clinic.unit_of_work(), CLOCK, SATURDAY, SATURDAY + timedelta(days=7), HALF_HOUR, limit=100
    )
    assert len(week.slots) == 100
    assert week.slots[0].starts_at >= day[1]


def test_booked_solid_providers_have_no_free_half_hour_for_21_days_then_do(
    solid: Database,
) -> None:
    full = NOW + shapes.SOLID_SPAN
    for p in IDS:
        uow = solid.unit_of_work
        assert availability.free_windows(uow(), CLOCK, p, NOW, full, HALF_HOUR) == []
        later = availability.free_windows(
            uow(), CLOCK, p, full, NOW + timedelta(days=31), HALF_HOUR
        )
        assert later and later[0].start >= full
    month = roster.search_free_slots(
        solid.unit_of_work(), CLOCK, NOW, NOW + timedelta(days=31), HALF_HOUR, limit=100
    )
    assert len(month.slots) == 100 and month.slots[0].starts_at >= full
    with solid.engine.connect() as connection:
        overlaps = [_overlapping_pairs(connection, o) for o in ("provider_id", "client_id")]
        booked = connection.execute(select(func.count()).select_from(appointments)).scalar_one()
    assert overlaps == [0, 0]
    assert booked == sum(1 for p in IDS for _ in shapes.solid_bookings(SOLID, p))
