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
from domain.rules.scheduling import Schedule
from domain.rules.types import with_type_policies
from domain.use_cases.common import named_providers, schedules_of

#: Plans are kept only for the weeks that start within this of now, where searches gather
#: (docs/DECISIONS.md, "Roster search"); farther weeks are computed straight.
KEPT_AHEAD = timedelta(weeks=6)
#: What is read first of the providers whose slots are computed straight: a page usually ends
#: in it (docs/DECISIONS.md, "Roster search").
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
    matched: Matched | None = None,
) -> RosterPage:
    """The roster slots of the searched providers in ``[lower, upper)``, one page of them;
    with ``matched``, of the matched providers instead, under the type's policies.

    Providers without plans are read over the range's first day first, and over the whole
    range only if that day's slots do not fill the page (docs/DECISIONS.md, "Roster search").
    """
    _check(lower, upper, duration, step, limit)
    length, every = in_us(duration), in_us(step or duration)
    with uow:
        now = clock.now()
        planned, direct = _planned(
            uow, now, lower, upper, provider_ids, accepts_new_clients, matched
        )
        for until in _reads(lower, upper, duration, bool(direct)):
            straight = schedules_of(uow, direct, lower, until)
            offers = planned + [ScheduleOffer(i, s, lower, until, now) for i, s in straight.items()]
            cut = upper if until == upper else until - duration
            found = page(offers, length, every, to_us(lower), to_us(cut), limit)
            if found.next_from is not None:
                break
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
    matched: Matched | None = None,
) -> list[tuple[int, Interval]]:
    """Each searched provider's earliest slot in ``[lower, upper)``, by start then provider
    id, at most ``limit``; providers with none are left out. ``matched`` as in
    ``search_free_slots``."""
    _check(lower, upper, duration, step, limit)
    with uow:
        now = clock.now()
        offers, direct = _planned(
            uow, now, lower, upper, provider_ids, accepts_new_clients, matched
        )
        straight = schedules_of(uow, direct, lower, upper)
    offers += [ScheduleOffer(pid, s, lower, upper, now) for pid, s in straight.items()]
    return first_slots(offers, in_us(duration), in_us(step or duration), limit)


def _check(
    lower: datetime, upper: datetime, duration: timedelta, step: timedelta | None, limit: int
) -> None:
    check_range(lower, upper, MAX_ROSTER_RANGE)
    check_slot_length("duration", duration)
    check_slot_length("step", step)
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}")


def _reads(lower: datetime, upper: datetime, duration: timedelta, direct: bool) -> list[datetime]:
    """Where the reads of the providers without plans end: the first day (or twice the
    duration), then the whole range; the whole range at once when there are none."""
    first = lower + max(FIRST_SPAN, 2 * duration)
    return [first, upper] if direct and first < upper else [upper]


def _planned(
    uow: UnitOfWork,
    now: datetime,
    lower: datetime,
    upper: datetime,
    provider_ids: Sequence[int] | None,
    accepts_new_clients: bool | None,
    matched: Matched | None = None,
) -> tuple[list[Offering], list[Provider]]:
    """The offers of the searched providers whose plans are kept, or computed now and kept
    (on their second miss, ``PlanCache.admit``), and the providers to compute straight."""
    wanted = list(weeks(lower, upper))
    providers = _searched(uow, provider_ids, accepts_new_clients, matched)
    near = wanted[-1] < now + KEPT_AHEAD
    kept, direct = _sorted(uow, providers, wanted, near)
    missed = {week for plans in kept.values() for week, plan in plans.items() if plan is None}
    if missed:
        admitted = [p for p in providers if p.id in kept and None in kept[p.id].values()]
        schedules = schedules_of(uow, admitted, min(missed), max(missed) + WEEK + REACH)
        for provider in admitted:
            assert provider.id is not None
            _compute(uow, provider, schedules[provider.id], kept[provider.id])
    offers: list[Offering] = [
        offer_of(p, [plan for plan in kept[p.id].values() if plan is not None], lower, upper, now)
        for p in providers
        if p.id in kept
    ]
    return offers, direct


def _compute(
    uow: UnitOfWork, provider: Provider, schedule: Schedule, plans: dict[datetime, WeekPlan | None]
) -> None:
    """Compute and keep the missed ``plans`` of ``provider``."""
    assert provider.id is not None
    for week, plan in plans.items():
        if plan is None:
            plans[week] = computed = week_plan(schedule, week)
            uow.plans.put(provider.id, week, plan_version(provider), computed)


def _searched(
    uow: UnitOfWork,
    provider_ids: Sequence[int] | None,
    accepts_new_clients: bool | None,
    matched: Matched | None,
) -> list[Provider]:
    """The providers named, or those matched (docs/DECISIONS.md, "Provider matching")."""
    if matched is None:
        return named_providers(uow, provider_ids, accepts_new_clients)
    found = uow.profiles.matching(matched.filters, matched.provider_ids)
    kind = matched.appointment_type
    return found if kind is None else [with_type_policies(p, kind) for p in found]


def _sorted(
    uow: UnitOfWork, providers: Sequence[Provider], wanted: list[datetime], near: bool
) -> tuple[dict[int, dict[datetime, WeekPlan | None]], list[Provider]]:
    """The providers whose plans for the ``wanted`` weeks are kept or are to be computed and
    kept (None for those; only ``near`` weeks are, each on its second miss), and those to
    compute straight."""
    kept: dict[int, dict[datetime, WeekPlan | None]] = {}
    direct = []
    for provider in providers:
        assert provider.id is not None
        version = plan_version(provider)
        plans = {week: uow.plans.get(provider.id, week, version) for week in wanted}
        missed = [week for week, plan in plans.items() if plan is None]
        if not missed or (near and all([uow.plans.admit(provider.id, w) for w in missed])):
            kept[provider.id] = plans
        else:
            direct.append(provider)
    return kept, direct
