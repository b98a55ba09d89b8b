"""The slot grid: which slots are offered (docs/DECISIONS.md, "Slots and steps").

A provider's candidate starts are the start of each opening plus whole steps. An opening is an
occurrence of a merged weekly window, or a span of extra availability, whole: before time
off, bookings, buffers, notice, horizon and the query range take anything away. A candidate
is offered when its slot lies wholly inside free time, which ``free_time`` has already clipped
to the range. So the slots offered do not depend on when, or from which ``from``, anyone
asks, and a cut slot is dropped, never shifted.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import accumulate

from domain.intervals import Interval


def grid_starts(
    free: Sequence[Interval],
    openings: Sequence[Interval],
    duration: timedelta,
    step: timedelta,
) -> Iterator[datetime]:
    """The offered starts of slots of ``duration``, in order, each once.

    ``free``: sorted, disjoint free windows; ``openings``: sorted by start, each free window
    lying inside the union of those that overlap it.
    """
    starts = [o.start for o in openings]
    reach = list(accumulate((o.end for o in openings), max))
    for window in free:
        first = bisect_right(reach, window.start)
        last = bisect_left(starts, window.end)
        around = [o for o in openings[first:last] if o.end > window.start]
        if len(around) == 1:
            yield from _starts(window, around[0], duration, step)
        else:
            yield from sorted({s for o in around for s in _starts(window, o, duration, step)})


def _starts(
    window: Interval, opening: Interval, duration: timedelta, step: timedelta
) -> Iterator[datetime]:
    """The starts of ``opening``'s grid whose slots lie inside free ``window``."""
    behind = window.start - opening.start
    start = opening.start + -(-behind // step) * step if behind > _ZERO else opening.start
    stop = min(opening.end, window.end - duration + _TICK)
    while start < stop:
        yield start
        start += step


_ZERO = timedelta(0)
#: A free window's end is exclusive; the smallest step of time closes it.
_TICK = timedelta(microseconds=1)
