"""Half-open ``[start, end)`` intervals of aware UTC datetimes, and their algebra.

Every function takes and returns lists sorted by start. ``merge`` makes them disjoint;
the others keep disjoint input disjoint. Costs are linear after a sort.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import NamedTuple


class Interval(NamedTuple):
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        """True when they share time; touching ends (back-to-back) do not overlap."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and join overlapping or touching intervals; a gap, however small, is kept.

    Empty intervals are dropped (docs/DECISIONS.md, "How windows merge").
    """
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i.start < i.end):
        if merged and start <= merged[-1].end:
            if end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, end)
        else:
            merged.append(Interval(start, end))
    return merged


def clip(intervals: Iterable[Interval], lower: datetime, upper: datetime) -> list[Interval]:
    """Cut intervals to ``[lower, upper)``, dropping what falls outside."""
    clipped = []
    for start, end in intervals:
        start, end = max(start, lower), min(end, upper)
        if start < end:
            clipped.append(Interval(start, end))
    return clipped


def subtract(base: list[Interval], holes: list[Interval]) -> list[Interval]:
    """Remove ``holes`` (sorted by start, may overlap) from disjoint sorted ``base``."""
    result: list[Interval] = []
    pending = iter(holes)
    hole = next(pending, None)
    for start, end in base:
        while hole is not None and hole.end <= start:
            hole = next(pending, None)
        cursor = start
        while hole is not None and hole.start < end:
            if hole.start > cursor:
                result.append(Interval(cursor, hole.start))
            cursor = max(cursor, hole.end)
            if hole.end > end:
                break  # the hole reaches into the next base interval: keep it
            hole = next(pending, None)
        if cursor < end:
            result.append(Interval(cursor, end))
    return result


def split(
    intervals: Iterable[Interval], length: timedelta, step: timedelta | None = None
) -> Iterator[Interval]:
    """Pieces of ``length`` starting every ``step`` (default: ``length``) from each start.

    With the default step the pieces are consecutive; a remainder shorter than ``length``
    is dropped.
    """
    step = step or length
    for start, end in intervals:
        cursor = start
        while cursor + length <= end:
            yield Interval(cursor, cursor + length)
            cursor += step


def find_containing(disjoint: list[Interval], target: Interval) -> Interval | None:
    """The interval of ``disjoint`` (sorted) that wholly contains ``target``, if any."""
    index = bisect_right(disjoint, target.start, key=lambda i: i.start) - 1
    if index >= 0 and disjoint[index].contains(target):
        return disjoint[index]
    return None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """``moment`` as whole microseconds since the Unix epoch: the inner loops' time."""
    return (moment - EPOCH) // _MICROSECOND


def from_us(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


def in_us(length: timedelta) -> int:
    return length // _MICROSECOND


def week_of(moment: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar week holding ``moment``: Monday 00:00 to the next Monday 00:00."""
    utc = moment.astimezone(UTC)
    monday = datetime(utc.year, utc.month, utc.day, tzinfo=UTC) - timedelta(days=utc.weekday())
    return monday, monday + timedelta(days=7)
