"""Practice-shaped data for the roster benchmark (issue 18), loaded as bench/dataset.py loads.

Both shapes share providers and windows. Providers sit in 8 IANA zones, from London to
Auckland, so at Saturday 00:00 UTC it is already the weekend, or Friday night after the last
window, everywhere. Each provider has three windows every weekday (Monday to Friday) that start
and end on the hour or the half hour, e.g. 08:00-12:00, 13:00-17:00, 18:30-20:00, and has
weekends off. The zones' offsets are whole half hours, so a local half-hour grid is the UTC one.

- ``CLINIC`` (half-hour clinic): 10 bookings of 30 or 60 minutes per provider, starting on the
  half-hour grid inside a window of the next 14 days.
- ``SOLID`` (booked solid): every window that meets the next 21 days is filled with
  back-to-back 30-minute appointments; after that the providers are free.

Client ``p`` books only provider ``p``, so no two appointments overlap per provider or per client
(PostgreSQL's exclusion constraints check both while loading).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table

from bench.dataset import WORKDAYS, Window, fill, migrate_and_fill, roster_rows

#: Zones whose clocks change at night, if at all, so no window falls in a DST gap.
ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
CLINIC, SOLID = "clinic", "solid"
HALF_HOUR = timedelta(minutes=30)
BOOKINGS = 10  # per provider, in the clinic
BOOKED_SPAN = timedelta(days=14)  # where the clinic's bookings lie, from now
SOLID_SPAN = timedelta(days=21)  # how long the booked-solid providers are full, from now


@dataclass(frozen=True)
class Shape:
    """Which shape, how many providers, and where "now" is."""

    kind: str  # CLINIC or SOLID
    providers: int = 1000
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    seed: int = 18


def zone_of(provider_id: int) -> str:
    return ZONES[(provider_id - 1) % len(ZONES)]


def provider_windows(shape: Shape, provider_id: int) -> list[Window]:
    """Morning, afternoon and evening, the same each weekday, in half-hour steps: the morning
    starts 07:00-09:00 and lasts 3-4 h, then 30-90 minutes off, an afternoon of 3-4 h, 60-90
    minutes off, an evening of 1-2 h (ending by 22:00)."""
    rng = random.Random(f"{shape.seed}-windows-{provider_id}")
    steps = (14, 6, 1, 6, 2, 2)  # the least half hours of: start, morning, break, ...
    extra = (4, 2, 2, 2, 1, 2)  # ... and how many more each may have
    edges, minute = [], 0
    for least, more in zip(steps, extra, strict=True):
        minute += 30 * (least + rng.randint(0, more))
        edges.append(minute)
    spans = [(edges[0], edges[1]), (edges[2], edges[3]), (edges[4], edges[5])]
    return [Window(day, start, end) for day in range(WORKDAYS) for start, end in spans]


def _wall(day: date, minute: int, zone: ZoneInfo) -> datetime:
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)


def occurrences(
    shape: Shape, provider_id: int, lower: datetime, upper: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The provider's windows as UTC (start, end) that meet ``[lower, upper)``, by start."""
    zone = ZoneInfo(zone_of(provider_id))
    windows = provider_windows(shape, provider_id)
    day = lower.astimezone(zone).date() - timedelta(days=1)
    while day <= upper.astimezone(zone).date():
        for w in windows:
            start, end = _wall(day, w.start, zone), _wall(day, w.end, zone)
            if w.day == day.weekday() and start < upper and lower < end:
                yield start, end
        day += timedelta(days=1)


def clinic_bookings(shape: Shape, provider_id: int) -> list[tuple[datetime, datetime]]:
    """``BOOKINGS`` non-overlapping bookings of 30 or 60 minutes, starting on the half-hour
    grid at or after now, inside one window of the next ``BOOKED_SPAN``, by start."""
    rng = random.Random(f"{shape.seed}-bookings-{provider_id}")
    upper = shape.now + BOOKED_SPAN
    starts = [
        (start + k * HALF_HOUR, end)
        for start, end in occurrences(shape, provider_id, shape.now, upper)
        for k in range((end - start) // HALF_HOUR)
        if shape.now <= start + k * HALF_HOUR < upper
    ]
    rng.shuffle(starts)
    chosen: list[tuple[datetime, datetime]] = []
    for start, window_end in starts:
        end = start + rng.choice((1, 2)) * HALF_HOUR
        if end <= window_end and all(end <= s or e <= start for s, e in chosen):
            chosen.append((start, end))
            if len(chosen) == BOOKINGS:
                break
    return sorted(chosen)


def solid_bookings(shape: Shape, provider_id: int) -> Iterator[tuple[datetime, datetime]]:
    """Back-to-back 30-minute appointments over every window meeting the next ``SOLID_SPAN``."""
    for start, end in occurrences(shape, provider_id, shape.now, shape.now + SOLID_SPAN):
        for k in range((end - start) // HALF_HOUR):
            yield start + k * HALF_HOUR, start + (k + 1) * HALF_HOUR


def bookings(shape: Shape, provider_id: int) -> Iterable[tuple[datetime, datetime]]:
    """The provider's appointments in this shape, as UTC (start, end), by start."""
    if shape.kind == CLINIC:
        return clinic_bookings(shape, provider_id)
    return solid_bookings(shape, provider_id)


def _appointment_rows(shape: Shape) -> Iterator[tuple[Any, ...]]:
    """(client_id, provider_id, starts_at, ends_at, status, created_at, canceled_at) rows."""
    for p in range(1, shape.providers + 1):
        for start, end in bookings(shape, p):
            yield p, p, start, end, "scheduled", min(start, shape.now) - timedelta(days=1), None


def table_rows(shape: Shape) -> Iterator[tuple[Table, Iterable[tuple[Any, ...]]]]:
    """Each table with its rows, in the order of ``dataset.COLUMNS[table]``, ids from 1."""
    windows = lambda p: provider_windows(shape, p)  # noqa: E731
    return roster_rows(shape.providers, zone_of, windows, _appointment_rows(shape))


def load(url: str, shape: Shape) -> dict[str, float]:
    """Fill the migrated, empty database at ``url`` with ``shape``; seconds per step."""
    return fill(url, table_rows(shape))


def build(url: str, shape: Shape) -> dict[str, float]:
    """Migrate the empty database at ``url`` to head (Alembic), then ``load`` ``shape``."""
    return migrate_and_fill(url, table_rows(shape))
