"""The plan cache: providers' week plans kept between units of work in one process."""

from __future__ import annotations

import abc
from collections.abc import Hashable
from datetime import datetime

from domain.rules.plans import WeekPlan


class PlanCache(abc.ABC):
    """Week plans by provider and week, each served only under the version it was stored
    with (``domain.rules.plans.plan_version``), so a change made through any worker is seen by
    the next request on every other."""

    @abc.abstractmethod
    def get(self, provider_id: int, week: datetime, version: Hashable) -> WeekPlan | None: ...

    @abc.abstractmethod
    def put(self, provider_id: int, week: datetime, version: Hashable, plan: WeekPlan) -> None:
        """Keep ``plan``; the least recently used plans may be dropped to bound memory."""

    @abc.abstractmethod
    def admit(self, provider_id: int, week: datetime) -> bool:
        """Whether to compute and keep a missed plan now: on its second miss in a while, so a
        plan asked once (a search of a far week) costs no more than computing it once."""
