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
from datetime import datetime

from domain.intervals import in_us, to_us
from domain.model import Provider
from domain.rules.plans import WEEK, WeekPlan
from domain.rules.scheduling import bookable

_WEEK = in_us(WEEK)


@dataclass(frozen=True, slots=True)
class Offer:
    provider_id: int
    plans: Sequence[WeekPlan]
    low: int
    high: int

    def starts(self, duration: int, step: int, after: int, before: int) -> list[int]:
        """The offered starts in ``[after, before)``, in order."""
        found: list[int] = []
        for plan in self.plans:
            bounds = self._bounds(plan, after, before)
            if bounds is not None:
                first = bisect_right(plan.ends, bounds[0])
                found += plan.grid.starts(plan.free, duration, step, bounds, first)
        return found

    def first(self, duration: int, step: int) -> int | None:
        """The earliest offered start."""
        for plan in self.plans:
            bounds = self._bounds(plan, self.low, self.high)
            if bounds is not None:
                first = bisect_right(plan.ends, bounds[0])
                found = plan.grid.first(plan.free[first:], duration, step, bounds)
                if found is not None:
                    return found
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
