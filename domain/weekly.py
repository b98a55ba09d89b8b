"""Expand weekly wall-clock windows into concrete UTC intervals, correctly across DST.

The DST rule (docs/DECISIONS.md, "Wall times across DST"): a wall time that occurs twice
(clocks fall back) means its first occurrence; a wall time that does not exist (clocks
spring forward) means the instant the clocks jump, so a window never starts or ends inside
a gap and a window lying wholly inside a gap is empty and dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import InvalidRequest
from domain.intervals import Interval
from domain.model import WeeklyWindow

_DAY = timedelta(days=1)


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; raises InvalidRequest for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidRequest(f"unknown time zone: {name!r}") from exc


def is_known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone name (docs/DECISIONS.md, "Time zone names")."""
    if name not in _iana_names():
        return False
    try:
        zone(name)
    except InvalidRequest:
        return False
    return True


@lru_cache(maxsize=1)
def known_zone_names() -> tuple[str, ...]:
    """Every name ``is_known_zone`` accepts, sorted (the OpenAPI document's enum)."""
    return tuple(sorted(name for name in _iana_names() if is_known_zone(name)))


@lru_cache(maxsize=1)
def _iana_names() -> frozenset[str]:
    # The catalogue leaves out the host's own files (posix/, right/, posixrules); Debian's
    # "localtime" (a link to the server's /etc/localtime) it lists, so it is removed here.
    return frozenset(available_timezones() - {"localtime"})


def wall_to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of naive wall-clock ``wall`` in ``tz`` under the module's DST rule."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first  # exists; fold=0 picks the first occurrence when it is ambiguous
    return _gap_end(wall, tz)


def _gap_end(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jump over the gap that swallows ``wall``."""
    # fold=1 reads the wall time with the offset after the jump, fold=0 with the one
    # before; the jump lies between the two readings. Bisect on whole seconds.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    before = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def expand(
    windows: Iterable[WeeklyWindow], timezone: str, lower: datetime, upper: datetime
) -> list[Interval]:
    """Every occurrence of ``windows`` that overlaps ``[lower, upper)``, unclipped and unsorted.

    Occurrences that began before ``lower`` are included; callers clip.
    """
    tz = zone(timezone)
    by_day: dict[int, list[tuple[time, timedelta]]] = {}
    longest = timedelta(0)
    for window in windows:
        length = timedelta(minutes=window.length_minutes)
        start = time(window.start.minute // 60, window.start.minute % 60)
        by_day.setdefault(int(window.start.day), []).append((start, length))
        longest = max(longest, length)
    if not by_day:
        return []
    # A day earlier and later than the UTC range covers every offset on Earth (max ±14h).
    first_day = (lower - longest).astimezone(tz).date() - _DAY
    last_day = upper.astimezone(tz).date() + _DAY
    to_utc = _converter(tz, first_day, last_day + longest + _DAY)
    occurrences = []
    for day in _days(first_day, last_day):
        for start, length in by_day.get(day.weekday(), ()):
            wall_start = datetime.combine(day, start)
            interval = Interval(to_utc(wall_start), to_utc(wall_start + length))
            if interval.start < upper and interval.end > lower and interval.start < interval.end:
                occurrences.append(interval)
    return occurrences


def _converter(tz: ZoneInfo, first: date, last: date) -> Callable[[datetime], datetime]:
    """``wall_to_utc`` for ``tz``, with a fast path for days the clocks do not change.

    A day whose offset at midnight equals the next day's has no transition (no zone changes
    its clocks twice within a day), so its wall times convert by one subtraction.
    """
    steady: dict[date, timedelta] = {}
    offset = _midnight_offset(first, tz)
    for day in _days(first, last):
        following = _midnight_offset(day + _DAY, tz)
        if offset is not None and offset == following:
            steady[day] = offset
        offset = following

    def to_utc(wall: datetime) -> datetime:
        day_offset = steady.get(wall.date())
        if day_offset is None:
            return wall_to_utc(wall, tz)
        return wall.replace(tzinfo=UTC) - day_offset

    return to_utc


def _midnight_offset(day: date, tz: ZoneInfo) -> timedelta | None:
    return datetime.combine(day, time(), tzinfo=tz).utcoffset()


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += _DAY
