"""Free windows of one provider: the listing, and its version for conditional requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import errors
from domain.intervals import Interval
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.conditional import AvailabilityVersion, availability_version
from domain.rules.grid import offered_slots
from domain.rules.limits import MAX_QUERY_RANGE, check_range, check_slot_length
from domain.rules.scheduling import free_time
from domain.use_cases.common import load_provider, provider_with_booked, schedule_of


def free_windows(
    uow: UnitOfWork,
    clock: Clock,
    provider_id: int,
    lower: datetime,
    upper: datetime,
    duration: timedelta | None = None,
    step: timedelta | None = None,
) -> list[Interval]:
    """The provider's free windows in ``[lower, upper)``, optionally cut into slots."""
    windows = tagged_free_windows(uow, clock, provider_id, lower, upper, duration, step).windows
    assert windows is not None  # nothing is known without a ``known``
    return windows


@dataclass(frozen=True, slots=True)
class TaggedFreeWindows:
    """Free windows and the version of all that decided them; ``windows`` is None when the
    caller already knew that version."""

    version: AvailabilityVersion
    windows: list[Interval] | None


def tagged_free_windows(
    uow: UnitOfWork,
    clock: Clock,
    provider_id: int,
    lower: datetime,
    upper: datetime,
    duration: timedelta | None = None,
    step: timedelta | None = None,
    known: Callable[[AvailabilityVersion], bool] | None = None,
) -> TaggedFreeWindows:
    """``free_windows``, tagged; computed only if ``known`` does not know its version.

    The version comes from the provider's row alone (domain/rules/conditional.py): with ``known``
    (a revalidation) the row is read first and a known version costs that one read; without,
    the row and the bookings are one read (docs/DECISIONS.md, "One statement per listing").
    """
    check_range(lower, upper, MAX_QUERY_RANGE)
    check_slot_length("duration", duration)
    check_slot_length("step", step)
    if step is not None and duration is None:
        raise errors.InvalidRequest("step needs a duration")
    with uow:
        found = (
            provider_with_booked(uow, provider_id, lower, upper)
            if known is None
            else (load_provider(uow, provider_id), None)
        )
        if found is None:
            raise errors.ProviderNotFound(provider_id)
        provider, booked = found
        now = clock.now()
        version = availability_version(provider, lower, upper, duration, step, now)
        if known is not None and known(version):
            return TaggedFreeWindows(version, None)
        schedule = schedule_of(uow, provider, lower, upper, booked=booked)
    if duration is None:
        return TaggedFreeWindows(version, free_time(schedule, lower, upper, now))
    return TaggedFreeWindows(version, offered_slots(schedule, lower, upper, now, duration, step))
