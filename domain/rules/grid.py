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


def offered_slots(
    schedule: Schedule,
    lower: datetime,
    upper: datetime,
    now: datetime,
    duration: timedelta,
    step: timedelta | None = None,
) -> list[Interval]:
    """The slots of ``duration`` on the provider's grid, every ``step``, that lie wholly in
    its free time in ``[lower, upper)`` (domain/rules/grid.py)."""
    free = free_time(schedule, lower, upper, now)
    if not free:
        return []
    openings = schedule.openings(*bookable(schedule.provider, lower, upper, now))
    grid = Grid([(to_us(o.start), to_us(o.end)) for o in openings])
    length = in_us(duration)
    starts = grid.starts(
        [(to_us(w.start), to_us(w.end)) for w in free], length, in_us(step or duration)
    )
    return [Interval(from_us(start), from_us(start + length)) for start in starts]


class Grid:
    """The grid of one provider's ``openings`` (sorted by start)."""

    __slots__ = ("_openings", "_reach", "_starts")

    def __init__(self, openings: Sequence[Span]) -> None:
        self._openings = openings
        self._starts = [start for start, _ in openings]
        self._reach = list(accumulate((end for _, end in openings), max))

    def starts(
        self,
        free: Sequence[Span],
        duration: int,
        step: int,
        bounds: tuple[int, int, int] | None = None,
        first: int = 0,
    ) -> list[int]:
        """The offered starts of slots of ``duration`` inside the sorted, disjoint ``free``
        spans (from index ``first``), in order, each once. With ``bounds`` (after, before,
        ceiling): only starts in ``[after, before)`` of slots ending by ``ceiling``."""
        found: list[int] = []
        after, before, ceiling = bounds or (-_NEVER, _NEVER, _NEVER)
        for index in range(first, len(free)):
            start, end = free[index]
            start = max(start, after)
            if start >= before:
                break
            last = min(end, ceiling, before - 1 + duration) - duration
            if start <= last:
                found += self._within(start, end, last, step)
        return found

    def first(
        self, free: Sequence[Span], duration: int, step: int, bounds: tuple[int, int, int]
    ) -> int | None:
        """The earliest of ``starts``, found without the rest."""
        after, before, ceiling = bounds
        for start, end in free:
            start = max(start, after)
            if start >= before:
                return None
            last = min(end, ceiling, before - 1 + duration) - duration
            if start <= last:
                within = self._within(start, end, last, step)
                if within:
                    return within[0]
        return None

    def _within(self, start: int, end: int, last: int, step: int) -> Sequence[int]:
        """The starts from ``start`` to ``last`` of the openings around free ``[start, end)``."""
        around = self._around(start, end)
        if len(around) == 1:
            return _steps(around[0], start, last, step)
        return sorted({s for o in around for s in _steps(o, start, last, step)})

    def _around(self, start: int, end: int) -> list[Span]:
        first = bisect_right(self._reach, start)
        last = bisect_left(self._starts, end)
        return [o for o in self._openings[first:last] if o[1] > start]


_NEVER = 1 << 62


def _steps(opening: Span, first: int, last: int, step: int) -> range:
    """The starts of ``opening``'s grid from ``first`` to ``last``, both included."""
    origin, end = opening
    start = origin + -(-(first - origin) // step) * step if first > origin else origin
    return range(start, min(end - 1, last) + 1, step)
