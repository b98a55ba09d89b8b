"""The roster search: free slots of many providers at once.

It reads what it needs in a number of queries that does not grow with the providers
(docs/DECISIONS.md, "Roster search"); ``schedules_of`` serves pool booking too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain import errors
from domain.model import Provider
from domain.ports import Clock, UnitOfWork
from domain.roster import RosterPage, page
from domain.scheduling import Schedule, free_time
from domain.services import check_range, check_slot_length

#: Longest range one roster search may cover.
MAX_ROSTER_RANGE = timedelta(days=31)
#: Most providers one search or one pool may name.
MAX_PROVIDERS = 1000
MAX_LIMIT = 1000
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


def named_providers(
    uow: UnitOfWork, provider_ids: Sequence[int] | None, accepts_new_clients: bool | None = None
) -> list[Provider]:
    """The providers named (all if None); unknown ids are refused, all of them named."""
    if provider_ids is not None and not 1 <= len(set(provider_ids)) <= MAX_PROVIDERS:
        raise errors.InvalidRequest(f"name between 1 and {MAX_PROVIDERS} providers")
    wanted = None if provider_ids is None else sorted(set(provider_ids))
    found = uow.providers.many(wanted)
    if wanted is not None:
        missing = sorted(set(wanted) - {p.id for p in found})
        if missing:
            names = ", ".join(str(pid) for pid in missing)
            raise errors.UnknownReference(f"no provider has the id(s) {names}")
    if accepts_new_clients is None:
        return found
    return [p for p in found if p.accepts_new_clients is accepts_new_clients]


def schedules_of(
    uow: UnitOfWork, providers: Sequence[Provider], lower: datetime, upper: datetime
) -> dict[int, Schedule]:
    """What decides each provider's free time in ``[lower, upper)``, in three batched reads."""
    ids = [p.id for p in providers if p.id is not None]
    if not ids:
        return {}
    pad = max(p.buffer for p in providers)
    booked = uow.appointments.booked_times(ids, lower - pad, upper + pad)
    windows = uow.windows.for_providers(ids)
    overrides = uow.overrides.for_providers(ids, lower, upper)
    return {
        pid: Schedule(p, windows.get(pid, []), booked.get(pid, []), overrides.get(pid, []))
        for p in providers
        if (pid := p.id) is not None
    }
