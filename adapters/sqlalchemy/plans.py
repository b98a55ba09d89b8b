"""A per-process cache of providers' week plans (the roster search's inner data).

Each plan is valid for one ``plan_version`` of its provider (zone, buffers, schedule and
booking versions), all read from the provider's row, which every change to windows, time off,
policies or bookings moves in the same transaction; so a plan is never served after a change
made through any worker (docs/DECISIONS.md, "Roster search").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime

from domain.ports.plans import PlanCache
from domain.rules.plans import WeekPlan

#: Plans kept per process: a 10,000-provider roster's three weeks ahead, with room; memory
#: grows only with what is kept (docs/DECISIONS.md, "Cache sizes").
DEFAULT_CAPACITY = 32_768


class PlanMemo(PlanCache):
    """Least recently used plans dropped past ``capacity``; a plan is admitted on its second
    miss among the last ``4 × capacity`` (a doorkeeper, as TinyLFU admits); safe across
    threads."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._plans: OrderedDict[tuple[int, datetime], tuple[Hashable, WeekPlan]] = OrderedDict()
        self._lock = threading.Lock()
        self._missed: OrderedDict[tuple[int, datetime], None] = OrderedDict()

    def get(self, provider_id: int, week: datetime, version: Hashable) -> WeekPlan | None:
        key = (provider_id, week)
        with self._lock:
            found = self._plans.get(key)
            if found is None or found[0] != version:
                return None
            self._plans.move_to_end(key)
            return found[1]

    def put(self, provider_id: int, week: datetime, version: Hashable, plan: WeekPlan) -> None:
        with self._lock:
            self._plans[provider_id, week] = (version, plan)
            self._plans.move_to_end((provider_id, week))
            while len(self._plans) > self._capacity:
                self._plans.popitem(last=False)

    def admit(self, provider_id: int, week: datetime) -> bool:
        key = (provider_id, week)
        with self._lock:
            if key in self._missed:
                del self._missed[key]
                return True
            self._missed[key] = None
            while len(self._missed) > 4 * self._capacity:
                self._missed.popitem(last=False)
            return False

    def __len__(self) -> int:
        return len(self._plans)
