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
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Protocol

from domain.intervals import Interval, from_us, in_us, to_us
from domain.rules.scheduling import Schedule, bookable, free_time

Span = tuple[int, int]
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
    spans = grid_of(free, [(to_us(o.start), to_us(o.end)) for o in openings])
    return grid_starts(spans, duration, step)


class Grid(Protocol):
    """Sorted, disjoint free spans ``[starts[i], ends[i])``; span ``i`` offers the grids of the
    openings ``opened[2j], opened[2j + 1]`` (by start) for ``j`` in ``range(around[2i],
    around[2i + 1])``, which hold every opening overlapping it (one that ends before it offers
    nothing in it). Flat sequences of integers, so a kept plan can hold them as arrays."""

    @property
    def starts(self) -> Sequence[int]: ...

    @property
    def ends(self) -> Sequence[int]: ...

    @property
    def around(self) -> Sequence[int]: ...

    @property
    def opened(self) -> Sequence[int]: ...


@dataclass(frozen=True, slots=True)
class Spans:
    """A ``Grid`` in lists."""

    starts: list[int]
    ends: list[int]
    around: list[int]
    opened: list[int]


def grid_of(free: Sequence[Span], openings: Sequence[Span]) -> Spans:
    """The grid of the sorted, disjoint ``free`` spans and the ``openings`` (sorted by start)."""
    origins = [start for start, _ in openings]
    reach = list(accumulate((end for _, end in openings), max))
    around: list[int] = []
    for start, end in free:
        around += (bisect_right(reach, start), bisect_left(origins, end))
    opened = [edge for opening in openings for edge in opening]
    return Spans([start for start, _ in free], [end for _, end in free], around, opened)


def grid_starts(
    grid: Grid,
    duration: int,
    step: int,
    bounds: tuple[int, int, int] = (-NEVER, NEVER, NEVER),
    first: int = 0,
    stop: int | None = None,
) -> list[int]:
    """The offered starts of slots of ``duration`` inside ``grid``'s free spans (from index
    ``first`` to ``stop``), on their openings' grids every ``step``; in order, each once.
    ``bounds`` (after, before, ceiling): only starts in ``[after, before)`` of slots that end
    by ``ceiling``."""
    found: list[int] = []
    after, before, ceiling = bounds
    top = min(ceiling, before - 1 + duration)
    starts, ends, around, opened = grid.starts, grid.ends, grid.around, grid.opened
    for index in range(first, len(starts) if stop is None else stop):
        start = starts[index]
        if start < after:
            start = after
        if start >= before:
            break
        end = ends[index]
        last = (end if end < top else top) - duration
        if start <= last:
            low, high = around[2 * index], around[2 * index + 1]
            if high - low == 1:
                found += _steps(opened[2 * low], opened[2 * low + 1], start, last, step)
            else:
                edges = [(opened[2 * j], opened[2 * j + 1]) for j in range(low, high)]
                found += sorted({s for o in edges for s in _steps(*o, start, last, step)})
    return found


def _steps(origin: int, end: int, first: int, last: int, step: int) -> range:
    """The starts of the grid of the opening ``[origin, end)`` from ``first`` to ``last``,
    both included."""
    start = origin + -(-(first - origin) // step) * step if first > origin else origin
    return range(start, min(end - 1, last) + 1, step)
