"""Week plans: what one provider's week offers before now and the query take anything away.

A plan holds the provider's open time (availability minus buffered bookings) from the week's
start to a day past its end, since a slot starting in the week ends at most a day after it,
and the grid of the openings that overlap the week, in integer microseconds. The roster search
cuts plans to the range and to the span the provider lets clients book now, which gives
exactly ``free_time``'s answer (domain/rules/offers.py). A plan depends on the provider's
windows, time off, bookings, zone and buffers only, so it stays valid while ``plan_version``
does (docs/DECISIONS.md, "Roster search").
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.intervals import to_us, week_of
from domain.model import Provider
from domain.rules.grid import grid_of
from domain.rules.scheduling import Schedule, open_time

WEEK = timedelta(days=7)
#: How far past its week a plan's open time reaches: the longest slot.
REACH = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WeekPlan:
    """A ``Grid`` (domain/rules/grid.py) of sorted, disjoint open time in ``[week, week + 8
    days)`` and the week's openings, in arrays of integer microseconds: a kept plan costs
    about 1.4 kB, not the 7 kB of lists of tuples (docs/DECISIONS.md, "Roster
    search")."""

    week: int
    starts: array[int]
    ends: array[int]
    around: array[int]
    opened: array[int]


def plan_version(provider: Provider) -> Hashable:
    """What a provider's plans depend on, read from its row."""
    return (
        provider.timezone,
        provider.buffer_before,
        provider.buffer_after,
        provider.schedule_version,
        provider.booking_version,
    )


def weeks(lower: datetime, upper: datetime) -> Iterator[datetime]:
    """The Monday 00:00 UTC of each week that ``[lower, upper)`` overlaps."""
    week = week_of(lower)[0]
    while week < upper:
        yield week
        week += WEEK


def week_plan(schedule: Schedule, week: datetime) -> WeekPlan:
    """The provider's plan for the week starting ``week``; ``schedule`` must know what decides
    free time from ``week`` to a day past its end."""
    opened = open_time(schedule, week, week + WEEK + REACH)
    free = [(to_us(w.start), to_us(w.end)) for w in opened]
    openings = [(to_us(o.start), to_us(o.end)) for o in schedule.openings(week, week + WEEK)]
    grid = grid_of(free, openings)
    return WeekPlan(
        to_us(week),
        array("q", grid.starts),
        array("q", grid.ends),
        array("i", grid.around),
        array("q", grid.opened),
    )
