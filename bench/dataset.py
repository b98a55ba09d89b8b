"""A realistic scheduling database for the HTTP benchmark (bench/http.py), built fast.

Providers work weekdays, in a mix of IANA time zones, with 10-20 weekly windows each.
Client ``p`` books only provider ``p``, so appointments never overlap per provider nor per
client (PostgreSQL's exclusion constraints check both while loading). Each provider's weekly
working time is cut into one-hour cells; an appointment of 30-60 minutes sits inside a cell
chosen at random over two years centred on ``now``, so appointments lie in the provider's
availability and never overlap. Every 20th appointment is canceled.

Rows go in with SQLAlchemy Core executemany on SQLite and PostgreSQL's COPY on PostgreSQL, into
a schema built by the project's own Alembic migrations.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from psycopg import sql
from sqlalchemy import Connection, Table, create_engine, func, insert, select, text
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.database import normalize_url
from adapters.sqlalchemy.migrate import upgrade
from adapters.sqlalchemy.tables import appointments, clients, providers, weekly_windows

#: Zones whose clocks change at night, if at all, so working hours never fall in a DST gap.
ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)
WORKDAYS = 5  # Monday to Friday
DAY_MINUTES = 600  # the working day's span, split into the day's windows
BREAK_MINUTES = 15  # between two windows of a day
CELL_MINUTES = 60  # one appointment at most per cell
WEEKS = 104  # two years, centred on now
CANCELED_EVERY = 20
BATCH = 50_000


@dataclass(frozen=True)
class Spec:
    """How big the dataset is, and where "now" is."""

    providers: int = 1000
    per_provider: int = 1000
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    seed: int = 5

    @property
    def appointments(self) -> int:
        return self.providers * self.per_provider

    @property
    def first_monday(self) -> date:
        """Monday of the week one year (52 weeks) before now: the data's first day."""
        today = self.now.date()
        return today - timedelta(days=today.weekday(), weeks=WEEKS // 2)


@dataclass(frozen=True)
class Window:
    """A weekly window in the provider's wall time: weekday, start and end minute."""

    day: int
    start: int
    end: int


def provider_windows(spec: Spec, provider_id: int) -> list[Window]:
    """10-20 weekday windows in a 10-hour working day starting at 07:00, 08:00 or 09:00."""
    rng = random.Random(f"{spec.seed}-windows-{provider_id}")
    total = rng.randint(10, 20)
    first_minute = 60 * rng.choice((7, 8, 9))
    windows = []
    for day in range(WORKDAYS):
        count = total // WORKDAYS + (1 if day < total % WORKDAYS else 0)
        length = DAY_MINUTES // count
        for index in range(count):
            start = first_minute + index * length
            windows.append(Window(day, start, start + length - BREAK_MINUTES))
    return windows


def zone_of(provider_id: int) -> str:
    return ZONES[provider_id % len(ZONES)]


def _cells(windows: list[Window]) -> list[tuple[int, int]]:
    """The (weekday, start minute) of each whole one-hour cell of the windows."""
    return [
        (w.day, start)
        for w in windows
        for start in range(w.start, w.end - CELL_MINUTES + 1, CELL_MINUTES)
    ]


def provider_appointments(spec: Spec, provider_id: int) -> Iterator[tuple[Any, ...]]:
    """(client_id, provider_id, starts_at, ends_at, status, created_at, canceled_at) rows."""
    rng = random.Random(f"{spec.seed}-appointments-{provider_id}")
    cells = _cells(provider_windows(spec, provider_id))
    zone = ZoneInfo(zone_of(provider_id))
    chosen = sorted(rng.sample(range(WEEKS * len(cells)), spec.per_provider))
    first_monday = spec.first_monday
    for number, index in enumerate(chosen):
        week, cell = divmod(index, len(cells))
        day, minute = cells[cell]
        length = rng.choice((30, 45, 60))
        offset = rng.randrange(0, CELL_MINUTES - length + 1, 15)
        local_day = first_monday + timedelta(weeks=week, days=day)
        wall = datetime(local_day.year, local_day.month, local_day.day, tzinfo=zone)
        starts_at = (wall + timedelta(minutes=minute + offset)).astimezone(UTC)
        created_at = min(starts_at, spec.now) - timedelta(days=rng.randint(1, 30))
        ordinal = (provider_id - 1) * spec.per_provider + number  # over the whole dataset
        canceled = ordinal % CANCELED_EVERY == CANCELED_EVERY - 1
        yield (
            provider_id,
            provider_id,
            starts_at,
            starts_at + timedelta(minutes=length),
            "canceled" if canceled else "scheduled",
            created_at,
            created_at + timedelta(hours=1) if canceled else None,
        )


def numbered(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    return ((number, *row) for number, row in enumerate(rows, start=1))


#: The columns each table's rows fill, in order; the others keep their defaults.
COLUMNS = {
    "providers": ("id", "name", "email", "timezone", "accepts_new_clients"),
    "clients": ("id", "name", "email"),
    "weekly_windows": (
        "id",
        "provider_id",
        "source",
        "external_id",
        "start_day",
        "start_minute",
        "end_day",
        "end_minute",
    ),
    "appointments": (
        "id",
        "client_id",
        "provider_id",
        "starts_at",
        "ends_at",
        "status",
        "created_at",
        "canceled_at",
    ),
}


def table_rows(spec: Spec) -> Iterator[tuple[Table, Iterable[tuple[Any, ...]]]]:
    """Each table with its rows, in the order of ``COLUMNS[table]``, ids from 1."""
    ids = range(1, spec.providers + 1)
    return roster_rows(
        spec.providers,
        zone_of,
        lambda p: provider_windows(spec, p),
        (row for p in ids for row in provider_appointments(spec, p)),
    )


def roster_rows(
    count: int,
    zone: Callable[[int], str],
    windows: Callable[[int], Iterable[Window]],
    appointment_rows: Iterable[tuple[Any, ...]],
) -> Iterator[tuple[Table, Iterable[tuple[Any, ...]]]]:
    """Providers 1 to ``count``, one client each, their ``windows`` and the appointment rows
    (numbered here), in the order of ``COLUMNS[table]``: the load of every dataset shape."""
    ids = range(1, count + 1)
    yield (
        providers,
        ((p, f"Provider {p}", f"provider{p}@bench.example", zone(p), True) for p in ids),
    )
    yield clients, ((p, f"Client {p}", f"client{p}@bench.example") for p in ids)
    yield (
        weekly_windows,
        numbered(
            (p, "calendly", f"d{w.day}-m{w.start}", w.day, w.start, w.day, w.end)
            for p in ids
            for w in windows(p)
        ),
    )
    yield appointments, numbered(appointment_rows)


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _executemany(connection: Connection, table: Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """Parameterised executemany through Core, so the column types format the values."""
    names = COLUMNS[table.name]
    for batch in _batches(rows, BATCH):
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in batch])


def _copy(connection: Connection, table: Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL COPY ... FROM STDIN through psycopg, then move the id sequence past the rows."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name),
        sql.SQL(", ").join(sql.Identifier(name) for name in COLUMNS[table.name]),
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    last_id = select(func.max(table.c.id)).scalar_subquery()
    connection.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), last_id)))


def load(url: str, spec: Spec) -> dict[str, float]:
    """Fill the migrated, empty database at ``url``; seconds taken per table and for ANALYZE."""
    return fill(url, table_rows(spec))


def fill(url: str, tables: Iterable[tuple[Table, Iterable[tuple[Any, ...]]]]) -> dict[str, float]:
    """Load ``tables`` (each table with its rows, in the order of ``COLUMNS``) into the
    migrated, empty database at ``url`` (COPY or executemany), then ANALYZE; the seconds of each
    step. bench/shapes.py loads its datasets through it too."""
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    postgres = engine.dialect.name == "postgresql"
    timings: dict[str, float] = {}
    try:
        with engine.begin() as connection:
            for table, rows in tables:
                began = time.perf_counter()
                (_copy if postgres else _executemany)(connection, table, rows)
                timings[table.name] = time.perf_counter() - began
        began = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
        timings["analyze"] = time.perf_counter() - began
    finally:
        engine.dispose()
    return timings


def build(url: str, spec: Spec) -> dict[str, float]:
    """Migrate the empty database at ``url`` to head (Alembic), then ``load`` it."""
    return migrate_and_fill(url, table_rows(spec))


def migrate_and_fill(
    url: str, tables: Iterable[tuple[Table, Iterable[tuple[Any, ...]]]]
) -> dict[str, float]:
    """Migrate the empty database at ``url`` to head (Alembic), then ``fill`` it."""
    began = time.perf_counter()
    upgrade(url)
    return {"schema": time.perf_counter() - began, **fill(url, tables)}
