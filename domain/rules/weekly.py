"""Expand weekly wall-clock windows into concrete UTC intervals, correctly across DST.

The DST rule (docs/DECISIONS.md, "Wall times across DST"): a wall time that occurs twice
(clocks fall back) means its first occurrence; a wall time that does not exist (clocks
spring forward) means the instant the clocks jump, so a window never starts or ends inside
a gap and a window lying wholly inside a gap is empty and dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.intervals import Interval
from domain.rules.zones import zone
from domain.windows import MINUTES_PER_DAY, WeeklyWindow, merged_spans

_DAY = timedelta(days=1)


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
    """Every occurrence of the merged ``windows`` that overlaps ``[lower, upper)``, unclipped
    and unsorted.

    Windows that overlap or touch in the week are merged first (``merged_spans``), so each
    occurrence starts where availability starts, the grid's anchor. Occurrences that began
    before ``lower`` are included; callers clip.
    """
    tz = zone(timezone)
    by_day, longest = _shape(tuple(windows))
    if not by_day:
        return []
    # A day earlier and later than the UTC range covers every offset on Earth (max ±14h).
    first_day = (lower - longest).astimezone(tz).date() - _DAY
    last_day = upper.astimezone(tz).date() + _DAY
    days, midnights = _calendar(timezone, first_day, last_day, longest.days + 1)
    occurrences = []
    for day, weekday, midnight in days:
        for start, end, length in by_day.get(weekday, ()):
            if midnight is not None and end is not None:  # the fast path: no DST change
                interval = Interval(midnight + start, midnight + end)
            else:
                interval = _occurrence(day, start, length, midnights, tz)
            if interval.start < upper and interval.end > lower and interval.start < interval.end:
                occurrences.append(interval)
    return occurrences


Shape = tuple[timedelta, timedelta | None, timedelta]


ByDay = tuple[dict[int, list[Shape]], timedelta]
#: ``_by_weekday`` of window tuples by the identity of their windows: the schedule cache hands
#: out the same window objects until they change, and a dataclass hash of every window costs
#: more than the rest of an expansion. Each entry holds its windows, so no id is reused while
#: it lives.
_SHAPES: dict[tuple[int, ...], tuple[tuple[WeeklyWindow, ...], ByDay]] = {}
_MAX_SHAPES = 4096


def _shape(windows: tuple[WeeklyWindow, ...]) -> ByDay:
    key = tuple(map(id, windows))
    found = _SHAPES.get(key)
    if found is not None:
        return found[1]
    shape = _by_weekday(windows)
    if len(_SHAPES) >= _MAX_SHAPES:
        del _SHAPES[next(iter(_SHAPES))]
    _SHAPES[key] = (windows, shape)
    return shape


def _by_weekday(windows: tuple[WeeklyWindow, ...]) -> ByDay:
    """Each merged window by weekday as (start since midnight, end since the same midnight if
    on that day, else None, length); and the longest length."""
    by_day: dict[int, list[Shape]] = {}
    longest = timedelta(0)
    for minute_of_week, minutes in merged_spans(windows):
        day, minute = divmod(minute_of_week, MINUTES_PER_DAY)
        length = timedelta(minutes=minutes)
        start = timedelta(minutes=minute)
        end = start + length
        same_day = end if end.days == 0 else None
        by_day.setdefault(day, []).append((start, same_day, length))
        longest = max(longest, length)
    return by_day, longest


def _occurrence(
    day: date,
    start: timedelta,
    length: timedelta,
    midnights: dict[date, datetime],
    tz: ZoneInfo,
) -> Interval:
    """The window starting ``start`` after ``day``'s midnight, lasting ``length``, in UTC.

    On days the clocks do not change, a wall time is its day's UTC midnight plus the time
    since midnight; otherwise ``wall_to_utc`` decides (the DST rule).
    """
    midnight = midnights.get(day)
    if midnight is not None:
        end = start + length
        end_day = day + timedelta(days=end.days)
        end_midnight = midnights.get(end_day)
        if end_midnight is not None:
            return Interval(midnight + start, end_midnight + (end - timedelta(days=end.days)))
    wall_start = datetime.combine(day, time()) + start
    return Interval(wall_to_utc(wall_start, tz), wall_to_utc(wall_start + length, tz))


Day = tuple[date, int, datetime | None]


@lru_cache(maxsize=1024)
def _calendar(
    timezone: str, first: date, last: date, extra_days: int
) -> tuple[list[Day], dict[date, datetime]]:
    """The days ``first`` to ``last`` as (day, weekday, UTC instant of its wall midnight if
    the clocks do not change that day); and those instants up to ``extra_days`` later.

    A day whose offset at midnight equals the next day's has no transition (no zone changes
    its clocks twice within a day), so its wall times convert by one addition. Shared by every
    provider in the zone (read-only).
    """
    tz = zone(timezone)
    steady: dict[date, datetime] = {}
    offset = _midnight_offset(first, tz)
    for day in _days(first, last + timedelta(days=extra_days)):
        following = _midnight_offset(day + _DAY, tz)
        if offset is not None and offset == following:
            steady[day] = datetime.combine(day, time(), tzinfo=UTC) - offset
        offset = following
    days = [(day, day.weekday(), steady.get(day)) for day in _days(first, last)]
    return days, steady


def _midnight_offset(day: date, tz: ZoneInfo) -> timedelta | None:
    return datetime.combine(day, time(), tzinfo=tz).utcoffset()


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += _DAY
