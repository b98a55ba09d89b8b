"""The roster search and the first available slots: free slots of many providers at once.

Each reads what it needs in a number of queries that does not grow with the providers
(docs/DECISIONS.md, "Roster search"), through ``common.schedules_of`` as pool booking does,
and computes the range's beginning first, widening only while the page is not full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain import errors
from domain.intervals import Interval
from domain.model import Provider
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import MAX_LIMIT, MAX_ROSTER_RANGE, check_range, check_slot_length
from domain.rules.roster import RosterPage, first_slots, page
from domain.rules.scheduling import offered_slots
from domain.use_cases.common import named_providers, schedules_of

#: The first span computed (docs/DECISIONS.md, "Roster search"); each next one is 4× longer.
FIRST_SPAN = timedelta(days=1)
_WIDEN = 4


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
    _check(lower, upper, duration, step, limit)
    with uow:
        providers = named_providers(uow, provider_ids, accepts_new_clients)
        now = clock.now()
        for until in _spans(lower, upper, duration):
            offered = _offered(uow, providers, now, lower, until, duration, step)
            found = page(offered, limit, None if until == upper else until - duration)
            if found is not None:
                break
    assert found is not None  # the last span is the whole range, which is always answered
    return found


def first_free_slots(
    uow: UnitOfWork,
    clock: Clock,
    lower: datetime,
    upper: datetime,
    duration: timedelta,
    step: timedelta | None = None,
    provider_ids: Sequence[int] | None = None,
    accepts_new_clients: bool | None = None,
    limit: int = 100,
) -> list[tuple[int, Interval]]:
    """Each searched provider's earliest slot in ``[lower, upper)``, by start then provider
    id, at most ``limit``; providers with none are left out."""
    _check(lower, upper, duration, step, limit)
    found: list[tuple[int, Interval]] = []
    with uow:
        remaining = named_providers(uow, provider_ids, accepts_new_clients)
        now = clock.now()
        for until in _spans(lower, upper, duration):
            offered = _offered(uow, remaining, now, lower, until, duration, step)
            found += first_slots(offered, limit)
            if len(found) >= limit or until == upper:
                break
            done = {provider_id for provider_id, _ in found}
            remaining = [p for p in remaining if p.id not in done]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0]))[:limit]


def _check(
    lower: datetime, upper: datetime, duration: timedelta, step: timedelta | None, limit: int
) -> None:
    check_range(lower, upper, MAX_ROSTER_RANGE)
    check_slot_length("duration", duration)
    check_slot_length("step", step)
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}")


def _spans(lower: datetime, upper: datetime, duration: timedelta) -> list[datetime]:
    """The ends of the spans computed in turn: a day (or twice the duration), then each 4×
    longer, the last the whole range."""
    span, ends = max(FIRST_SPAN, 2 * duration), []
    while lower + span < upper:
        ends.append(lower + span)
        span *= _WIDEN
    return [*ends, upper]


def _offered(
    uow: UnitOfWork,
    providers: Sequence[Provider],
    now: datetime,
    lower: datetime,
    upper: datetime,
    duration: timedelta,
    step: timedelta | None,
) -> dict[int, list[Interval]]:
    """Each provider's offered slots, from free time over ``[lower, upper)`` only.

    Cut at ``upper``, free time loses only what lies after it and the grid does not move, so
    every slot ending by ``upper`` is exactly as over the whole range.
    """
    schedules = schedules_of(uow, providers, lower, upper)
    return {
        provider_id: offered_slots(schedule, lower, upper, now, duration, step)
        for provider_id, schedule in schedules.items()
    }
