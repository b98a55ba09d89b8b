"""What one provider offers in a search: its week plans, cut to the range and to now.

The plans' open time cut to ``[lower, upper)`` and to the span the provider lets clients book
now (notice and horizon) is exactly ``free_time``'s answer for the range, and their grids are
its listing's (domain/rules/grid.py), so each provider's slots are those of its own listing
with the same query. Each start is looked up in the plan of the week that holds it. Times are
integer microseconds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.intervals import from_us, in_us, to_us
from domain.model import Provider
from domain.rules.grid import grid_starts, offered_starts
from domain.rules.plans import WEEK, WeekPlan
from domain.rules.scheduling import Schedule, bookable

_WEEK = in_us(WEEK)
_DAY = in_us(timedelta(days=1))


class Offering(Protocol):
    """What the roster's pages need of one provider."""

    @property
    def provider_id(self) -> int: ...

    def starts(self, duration: int, step: int, after: int, before: int) -> list[int]: ...

    def first(self, duration: int, step: int) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Offer:
    provider_id: int
    plans: Sequence[WeekPlan]
    low: int
    high: int

    def starts(self, duration: int, step: int, after: int, before: int) -> list[int]:
        """The offered starts in ``[after, before)``, in order: each week's from its plan."""
        low, high = self.low, self.high
        after, before = max(after, low), min(before, high)
        found: list[int] = []
        for plan in self.plans:
            week = plan.week
            if week >= before:
                break
            if week + _WEEK > after:
                bounds = (max(after, week), min(before, week + _WEEK), high)
                first = bisect_right(plan.ends, bounds[0])
                found += grid_starts(plan, duration, step, bounds, first)
        return found

    def first(self, duration: int, step: int) -> int | None:
        """The earliest offered start: the first week's that has one."""
        for plan in self.plans:
            bounds = self._bounds(plan, self.low, self.high)
            if bounds is None:
                continue
            for index in range(bisect_right(plan.ends, bounds[0]), len(plan.starts)):
                found = grid_starts(plan, duration, step, bounds, index, index + 1)
                if found:
                    return found[0]
        return None

    def _bounds(self, plan: WeekPlan, after: int, before: int) -> tuple[int, int, int] | None:
        after = max(after, plan.week, self.low)
        before = min(before, plan.week + _WEEK, self.high)
        return (after, before, self.high) if after < before else None


def offer_of(
    provider: Provider,
    plans: Sequence[WeekPlan],
    lower: datetime,
    upper: datetime,
    now: datetime,
) -> Offer:
    """``provider``'s offer in ``[lower, upper)``, from its plans of the weeks it overlaps."""
    assert provider.id is not None
    low, high = (to_us(moment) for moment in bookable(provider, lower, upper, now))
    return Offer(provider.id, plans, low, high)


@dataclass(frozen=True, slots=True)
class ScheduleOffer:
    """An offer computed straight from a provider's schedule, span by span, for a provider
    whose plans are not kept: the same slots, from ``offered_slots``."""

    provider_id: int
    schedule: Schedule
    lower: datetime
    upper: datetime
    now: datetime

    def starts(self, duration: int, step: int, after: int, before: int) -> list[int]:
        """The offered starts in ``[after, before)``, in order."""
        low, high = max(from_us(after), self.lower), min(from_us(before + duration), self.upper)
        if low >= high:
            return []
        found = offered_starts(self.schedule, low, high, self.now, duration, step)
        return [start for start in found if start < before]

    def first(self, duration: int, step: int) -> int | None:
        """The earliest offered start, from spans of a day, then each 4× longer."""
        low, high, span = to_us(self.lower), to_us(self.upper), _DAY
        while low < high:
            found = self.starts(duration, step, low, min(high, low + span))
            if found:
                return found[0]
            low, span = low + span, 4 * span
        return None
