"""The roster search and the first available slots: free slots of many providers at once.

Each reads the searched providers' rows, takes their week plans from the worker's plan cache,
and computes and stores only the plans it misses, reading what they need in a number of
queries that does not grow with the providers (docs/DECISIONS.md, "Roster search").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain import errors
from domain.intervals import Interval, in_us, to_us
from domain.model import Provider
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import Matched
from domain.rules.limits import MAX_LIMIT, MAX_ROSTER_RANGE, check_range, check_slot_length
from domain.rules.offers import Offering, ScheduleOffer, offer_of
from domain.rules.plans import REACH, WEEK, WeekPlan, plan_version, week_plan, weeks
from domain.rules.roster import RosterPage, first_slots, page
from domain.rules.types import with_type_policies
from domain.use_cases.common import named_providers, schedules_of

#: Plans are kept only for the weeks that start within this of now, where searches gather
#: (docs/DECISIONS.md, "Roster search"); farther weeks are computed straight.
KEPT_AHEAD = timedelta(weeks=6)


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
    matched: Matched | None = None,
) -> RosterPage:
    """The roster slots of the searched providers in ``[lower, upper)``, one page of them;
    with ``matched``, of the matched providers instead, under the type's policies."""
    _check(lower, upper, duration, step, limit)
    offers = _offers(uow, clock, lower, upper, provider_ids, accepts_new_clients, matched)
    length, every = in_us(duration), in_us(step or duration)
    return page(offers, length, every, to_us(lower), to_us(upper), limit)


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
    matched: Matched | None = None,
) -> list[tuple[int, Interval]]:
    """Each searched provider's earliest slot in ``[lower, upper)``, by start then provider
    id, at most ``limit``; providers with none are left out. ``matched`` as in
    ``search_free_slots``."""
    _check(lower, upper, duration, step, limit)
    offers = _offers(uow, clock, lower, upper, provider_ids, accepts_new_clients, matched)
    return first_slots(offers, in_us(duration), in_us(step or duration), limit)


def _check(
    lower: datetime, upper: datetime, duration: timedelta, step: timedelta | None, limit: int
) -> None:
    check_range(lower, upper, MAX_ROSTER_RANGE)
    check_slot_length("duration", duration)
    check_slot_length("step", step)
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}")


def _offers(
    uow: UnitOfWork,
    clock: Clock,
    lower: datetime,
    upper: datetime,
    provider_ids: Sequence[int] | None,
    accepts_new_clients: bool | None,
    matched: Matched | None = None,
) -> list[Offering]:
    """Each searched provider's offer: from its kept plans, from plans computed now and kept
    (on their second miss, ``PlanCache.admit``), or straight from its schedule."""
    wanted = list(weeks(lower, upper))
    with uow:
        providers = _searched(uow, provider_ids, accepts_new_clients, matched)
        now = clock.now()
        near = wanted[-1] < now + KEPT_AHEAD
        kept, admitted, direct = _sorted(uow, providers, wanted, near)
        schedules = schedules_of(uow, admitted, wanted[0], wanted[-1] + WEEK + REACH)
        straight = schedules_of(uow, direct, lower, upper)
    for provider in admitted:
        assert provider.id is not None
        kept[provider.id] = [week_plan(schedules[provider.id], week) for week in wanted]
        for week, plan in zip(wanted, kept[provider.id], strict=True):
            uow.plans.put(provider.id, week, plan_version(provider), plan)
    offers: list[Offering] = [
        offer_of(p, kept[p.id], lower, upper, now) for p in providers if p.id in kept
    ]
    offers += [ScheduleOffer(pid, s, lower, upper, now) for pid, s in straight.items()]
    return offers


def _searched(
    uow: UnitOfWork,
    provider_ids: Sequence[int] | None,
    accepts_new_clients: bool | None,
    matched: Matched | None,
) -> list[Provider]:
    """The providers named, or those matched (docs/DECISIONS.md, "Provider matching")."""
    if matched is None:
        return named_providers(uow, provider_ids, accepts_new_clients)
    found = uow.providers.many(matched.provider_ids) if matched.provider_ids else []
    kind = matched.appointment_type
    return found if kind is None else [with_type_policies(p, kind) for p in found]


def _sorted(
    uow: UnitOfWork, providers: Sequence[Provider], wanted: list[datetime], near: bool
) -> tuple[dict[int, list[WeekPlan]], list[Provider], list[Provider]]:
    """The providers whose plans for the ``wanted`` weeks are kept (with them), those whose
    missed plans are to be computed and kept (only ``near`` weeks are), and those to compute
    straight."""
    kept: dict[int, list[WeekPlan]] = {}
    admitted, direct = [], []
    for provider in providers:
        assert provider.id is not None
        version = plan_version(provider)
        cached = [uow.plans.get(provider.id, week, version) for week in wanted]
        plans = [plan for plan in cached if plan is not None]
        if len(plans) == len(wanted):
            kept[provider.id] = plans
        elif near and all([uow.plans.admit(provider.id, week) for week in wanted]):
            admitted.append(provider)
        else:
            direct.append(provider)
    return kept, admitted, direct
