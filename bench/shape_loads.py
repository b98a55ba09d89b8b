"""What the HTTP benchmark asks of the dataset shapes (bench/shapes.py), as wrk loads.

Every load runs through bench/wrk/search.lua with one wrk connection per gunicorn worker, in
the same rounds as the rest of bench/http.py, so ratios between loads are taken within a round.
A load names the dataset that serves it, the path and query asked, how long each request's
range is and where it starts; ``baseline`` is the single-provider GET on the same dataset that
its p50 is divided by.

The first-available searches are ``FIRST_AVAILABLE_LOADS``; bench/shape_report.py's
``FIRST_AVAILABLE_GOALS`` judges them, and bench/shape_runs.py serves and drives them with the
rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.shapes import CLINIC, SOLID

#: Where each request's range starts: a random whole hour of the next 14 days, the next
#: Saturday 00:00 UTC, or the moment the round starts.
HOURLY, SATURDAY, NOW = "hourly", "saturday", "now"
HOURS = 14 * 24
SINGLE, ROSTER = "/providers/{id}/availabilities", "/availabilities"
PAGE = "duration=30&limit=100"
WEEK_DAYS, MONTH_DAYS = 7, 31

CLINIC_GET, SOLID_GET = "clinic GET", "solid GET"
CLINIC_WEEK, SATURDAY_WEEK = "clinic roster week", "Saturday roster week"
CLINIC_MONTH, SATURDAY_MONTH = "clinic roster 31 days", "Saturday roster 31 days"
SOLID_MONTH = "solid roster 31 days"
#: The first-available searches' target names.
CLINIC_FIRST, SATURDAY_FIRST = "clinic first available", "Saturday first available"
SOLID_FIRST = "solid first available"


@dataclass(frozen=True)
class ShapeLoad:
    """One wrk load on a dataset shape: ``path`` may hold ``{id}`` (a random provider)."""

    target: str
    shape: str  # CLINIC or SOLID: the dataset served
    label: str
    path: str
    query: str  # after from and to; "" for none
    days: int  # each request's range
    start: str  # HOURLY, SATURDAY or NOW
    baseline: str | None = None


def _roster(
    target: str,
    label: str,
    days: int,
    start: str,
    shape: str = CLINIC,
    baseline: str = CLINIC_GET,
) -> ShapeLoad:
    """A roster search's load, ``duration=30&limit=100``."""
    return ShapeLoad(target, shape, f"roster, {label}", ROSTER, PAGE, days, start, baseline)


LOADS = (
    ShapeLoad(CLINIC_GET, CLINIC, "one provider, a week from a random hour", SINGLE, "", 7, HOURLY),
    _roster(CLINIC_WEEK, "a week from a random hour", WEEK_DAYS, HOURLY),
    _roster(SATURDAY_WEEK, "a week from Saturday", WEEK_DAYS, SATURDAY),
    _roster(CLINIC_MONTH, "31 days from a random hour", MONTH_DAYS, HOURLY),
    _roster(SATURDAY_MONTH, "31 days from Saturday", MONTH_DAYS, SATURDAY),
    ShapeLoad(SOLID_GET, SOLID, "one provider, 31 days from now", SINGLE, "", 31, NOW),
    _roster(SOLID_MONTH, "31 days from now", MONTH_DAYS, NOW, SOLID, SOLID_GET),
)

#: ``GET /availabilities/first?from&to&duration&limit`` (each provider's first free slot) over
#: 31 days on each shape.
FIRST = "/availabilities/first"
FIRST_AVAILABLE_LOADS: tuple[ShapeLoad, ...] = (
    ShapeLoad(
        CLINIC_FIRST,
        CLINIC,
        "first available, 31 days from a random hour",
        FIRST,
        PAGE,
        MONTH_DAYS,
        HOURLY,
        CLINIC_GET,
    ),
    ShapeLoad(
        SATURDAY_FIRST,
        CLINIC,
        "first available, 31 days from Saturday",
        FIRST,
        PAGE,
        MONTH_DAYS,
        SATURDAY,
        CLINIC_GET,
    ),
    ShapeLoad(
        SOLID_FIRST,
        SOLID,
        "first available, 31 days from now",
        FIRST,
        PAGE,
        MONTH_DAYS,
        NOW,
        SOLID_GET,
    ),
)


def all_loads() -> tuple[ShapeLoad, ...]:
    """Every shape load bench/http.py drives, in the order of each round."""
    return LOADS + FIRST_AVAILABLE_LOADS


def starts(load: ShapeLoad, now: datetime) -> tuple[int, int, int]:
    """Where ``load``'s ranges start, for a round starting at ``now``: the first start (Unix
    time), how many to choose from, and the seconds between two of them."""
    if load.start == HOURLY:
        hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return int(hour.timestamp()), HOURS, 3600
    if load.start == SATURDAY:
        today = datetime(now.year, now.month, now.day, tzinfo=UTC)
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        return int(saturday.timestamp()), 1, 0
    return int(now.replace(second=0, microsecond=0).timestamp()), 1, 0


def script_args(load: ShapeLoad, providers: int, now: datetime, seed: int) -> list[str]:
    """bench/wrk/search.lua's arguments for ``load`` in a round starting at ``now``."""
    first, choices, step = starts(load, now)
    numbers = (providers, first, choices, step, load.days * 86400, seed)
    return [load.path, load.query or "-", *map(str, numbers)]


def shape_name(load: ShapeLoad) -> str:
    """The issue's name of the shape ``load`` measures."""
    if load.shape == SOLID:
        return "booked solid"
    return "Saturday start" if load.start == SATURDAY else "half-hour clinic"
