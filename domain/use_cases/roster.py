"""The roster search: free slots of many providers at once.

It reads what it needs in a number of queries that does not grow with the providers
(docs/DECISIONS.md, "Roster search"), through ``common.schedules_of`` as pool booking does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain import errors
from domain.model import Provider
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import MAX_LIMIT, MAX_ROSTER_RANGE, check_range, check_slot_length
from domain.rules.roster import RosterPage, page
from domain.rules.scheduling import free_time
from domain.use_cases.common import named_providers, schedules_of

#: Free time is first computed over this much of the range (docs/DECISIONS.md, "Roster search").
FIRST_SPAN = timedelta(days=1)


def search_free_slots(
    uow: UnitOfWork,
    clock: Clock,
    lower: datetime,
    upper: datetime,
    duration: timedelta,
    step: timedelta | None = None,
    provider_ids: Sequence[int] | None = None,
    accepts_new_clients: bool | None = None,
    limit: int = 100,
) -> RosterPage:
    """The roster slots of the searched providers in ``[lower, upper)``, one page of them."""
    check_range(lower, upper, MAX_ROSTER_RANGE)
    check_slot_length("duration", duration)
    check_slot_length("step", step)
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}")
    with uow:
        providers = named_providers(uow, provider_ids, accepts_new_clients)
        now = clock.now()
        first = lower + max(FIRST_SPAN, 2 * duration)
        if first < upper:  # most pages end early in the range: try its beginning first
            found = _page(uow, providers, now, lower, first, duration, step, limit, partial=True)
            if found is not None:
                return found
        found = _page(uow, providers, now, lower, upper, duration, step, limit, partial=False)
    assert found is not None
    return found


def _page(
    uow: UnitOfWork,
    providers: Sequence[Provider],
    now: datetime,
    lower: datetime,
    upper: datetime,
    duration: timedelta,
    step: timedelta | None,
    limit: int,
    *,
    partial: bool,
) -> RosterPage | None:
    """The page, from free time computed over ``[lower, upper)`` only.

    Cut at ``upper``, a provider's free windows lose only what lies after it, so every slot
    starting by ``upper - duration`` is exactly as over the whole range; the page is None if it
    would need a later one (docs/DECISIONS.md, "Roster search").
    """
    schedules = schedules_of(uow, providers, lower, upper)
    free = {pid: free_time(schedule, lower, upper, now) for pid, schedule in schedules.items()}
    return page(free, lower, duration, step, limit, upper - duration if partial else None)
