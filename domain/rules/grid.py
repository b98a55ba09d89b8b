"""The slot grid: which slots are offered (docs/DECISIONS.md, "Slots and steps").

A provider's candidate starts are the start of each opening plus whole steps. An opening is an
occurrence of a merged weekly window, or a span of extra availability, whole: before time
off, bookings, buffers, notice, horizon and the query range take anything away. A candidate
is offered when its slot lies wholly inside free time, which ``free_time`` has already clipped
to the range. So the slots offered do not depend on when, or from which ``from``, anyone
asks, and a cut slot is dropped, never shifted.

Times are integer microseconds since the epoch (``domain.intervals.to_us``): the roster search
runs this for every provider.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import accumulate

from domain.intervals import Interval, from_us, in_us, to_us
from domain.rules.scheduling import Schedule, bookable, free_time

Span = tuple[int, int]
Around = tuple[Span, ...]
#: Later than any instant (microseconds): an open bound.
NEVER = 1 << 62


def offered_slots(
    schedule: Schedule,
    lower: datetime,
    upper: datetime,
    now: datetime,
    duration: timedelta,
    step: timedelta | None = None,
) -> list[Interval]:
    """The slots of ``duration`` on the provider's grid, every ``step``, that lie wholly in
    its free time in ``[lower, upper)``."""
    length = in_us(duration)
    starts = offered_starts(schedule, lower, upper, now, length, in_us(step or duration))
    return [Interval(from_us(start), from_us(start + length)) for start in starts]


def offered_starts(
    schedule: Schedule, lower: datetime, upper: datetime, now: datetime, duration: int, step: int
) -> list[int]:
    """``offered_slots``' starts, in microseconds."""
    window = free_time(schedule, lower, upper, now)
    if not window:
        return []
    openings = schedule.openings(*bookable(schedule.provider, lower, upper, now))
    free = [(to_us(w.start), to_us(w.end)) for w in window]
    around = openings_around(free, [(to_us(o.start), to_us(o.end)) for o in openings])
    return grid_starts(free, around, duration, step)


def openings_around(free: Sequence[Span], openings: Sequence[Span]) -> list[Around]:
    """For each free span, the openings (sorted by start) that overlap it."""
    starts = [start for start, _ in openings]
    reach = list(accumulate((end for _, end in openings), max))
    return [
        tuple(o for o in openings[bisect_right(reach, s) : bisect_left(starts, e)] if o[1] > s)
        for s, e in free
    ]


def grid_starts(
    free: Sequence[Span],
    around: Sequence[Around],
    duration: int,
    step: int,
    bounds: tuple[int, int, int] = (-NEVER, NEVER, NEVER),
    first: int = 0,
) -> list[int]:
    """The offered starts of slots of ``duration`` inside the sorted, disjoint ``free`` spans
    (from index ``first``), each of whose ``around`` openings' grid runs every ``step``; in
    order, each once. ``bounds`` (after, before, ceiling): only starts in ``[after, before)``
    of slots that end by ``ceiling``."""
    found: list[int] = []
    after, before, ceiling = bounds
    top = min(ceiling, before - 1 + duration)
    for index in range(first, len(free)):
        start, end = free[index]
        if start < after:
            start = after
        if start >= before:
            break
        last = (end if end < top else top) - duration
        if start <= last:
            openings = around[index]
            if len(openings) == 1:
                found += _steps(openings[0], start, last, step)
            else:
                found += sorted({s for o in openings for s in _steps(o, start, last, step)})
    return found


def _steps(opening: Span, first: int, last: int, step: int) -> range:
    """The starts of ``opening``'s grid from ``first`` to ``last``, both included."""
    origin, end = opening
    start = origin + -(-(first - origin) // step) * step if first > origin else origin
    return range(start, min(end - 1, last) + 1, step)
