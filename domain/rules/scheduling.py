"""Free time, and the booking rules derived from it.

``free_time`` is the one function that decides what is free: listing availability calls it
over the requested range, and a booking is accepted only if it calls it over the booking's
own span and gets that whole span back. Listing and booking cannot disagree. When a booking
is refused, ``_why_not_free`` only chooses the words of the refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from domain import errors
from domain.intervals import Interval, clip, find_containing, merge, subtract
from domain.model import MAX_APPOINTMENT_LENGTH, DateOverride, OverrideKind, Provider
from domain.rules.weekly import expand
from domain.windows import WeeklyWindow


class Booked(Protocol):
    """An appointment as free time sees it: an Appointment, or just its time (BookedTime)."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...

    @property
    def is_scheduled(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Schedule:
    """What is known of one provider's time: weekly windows, dated overrides, appointments.

    ``overrides`` and ``appointments`` must include every one overlapping the range asked
    about, widened by the provider's buffer; canceled appointments are ignored.
    """

    provider: Provider
    windows: Sequence[WeeklyWindow]
    appointments: Sequence[Booked]
    overrides: Sequence[DateOverride] = field(default=())
    _weekly: dict[tuple[datetime, datetime], list[Interval]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def availability(self, lower: datetime, upper: datetime) -> list[Interval]:
        """Weekly availability plus extra time minus time off, merged, clipped to the range.

        See docs/DECISIONS.md, "How windows merge" and "Time off and extra availability".
        """
        weekly = self.weekly(lower, upper)
        if not self.overrides:  # the common case, spared two sorts and a subtraction
            return clip(merge(weekly), lower, upper)
        extra = self._overrides(OverrideKind.AVAILABLE)
        available = merge(weekly + extra)
        return clip(subtract(available, self._overrides(OverrideKind.UNAVAILABLE)), lower, upper)

    def weekly(self, lower: datetime, upper: datetime) -> list[Interval]:
        """The occurrences of the merged weekly windows overlapping the range, whole; computed
        once per range (free time and the grid both need them)."""
        found = self._weekly.get((lower, upper))
        if found is None:
            found = expand(self.windows, self.provider.timezone, lower, upper)
            self._weekly[lower, upper] = found
        return found

    def openings(self, lower: datetime, upper: datetime) -> list[Interval]:
        """Where the slot grid starts: the weekly occurrences and extra availability spans
        overlapping the range, whole, by start (domain/rules/grid.py)."""
        return sorted(self.weekly(lower, upper) + self._overrides(OverrideKind.AVAILABLE))

    def busy(self) -> list[Interval]:
        """Scheduled appointments widened by the provider's buffer, sorted by start.

        A new booking must not overlap any of these (docs/DECISIONS.md, "Buffers").
        """
        pad = self.provider.buffer
        busy = [
            Interval(a.starts_at - pad, a.ends_at + pad)
            for a in self.appointments
            if a.is_scheduled
        ]
        busy.sort()
        return busy

    def _overrides(self, kind: OverrideKind) -> list[Interval]:
        return sorted(Interval(o.starts_at, o.ends_at) for o in self.overrides if o.kind is kind)


def free_time(
    schedule: Schedule, lower: datetime, upper: datetime, now: datetime
) -> list[Interval]:
    """Free windows in ``[lower, upper)``: availability minus busy time, within the bookable span.

    The bookable span starts at now plus the provider's minimum notice (time in the past is
    never free) and ends at now plus the booking horizon. Sorted, disjoint, gap-preserving;
    see docs/DECISIONS.md, "What is clipped".
    """
    lower, upper = bookable(schedule.provider, lower, upper, now)
    if lower >= upper:
        return []
    return open_time(schedule, lower, upper)


def open_time(schedule: Schedule, lower: datetime, upper: datetime) -> list[Interval]:
    """Availability minus busy time in ``[lower, upper)``: free time before now cuts it."""
    available = schedule.availability(lower, upper)
    if not (available and schedule.appointments):
        return available
    return subtract(available, schedule.busy())


def bookable(
    provider: Provider, lower: datetime, upper: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """The range cut to the span the provider lets clients book now (notice and horizon)."""
    earliest, latest = provider.bookable_span(now)
    return max(lower, earliest), upper if latest is None else min(upper, latest)


def check_booking(
    schedule: Schedule,
    request: Interval,
    now: datetime,
    client_appointments: Iterable[Booked],
    is_returning_client: bool,
) -> None:
    """Raise the domain error that refuses ``request``, or return if it may be booked.

    ``client_appointments`` must include the client's appointments overlapping ``request``;
    the order of the checks is in docs/DECISIONS.md, "Booking rules and their order".
    """
    if request.end <= request.start:
        raise errors.InvalidRequest("ends_at must be after starts_at")
    if request.duration > MAX_APPOINTMENT_LENGTH:
        raise errors.TooLong(f"an appointment may last at most {MAX_APPOINTMENT_LENGTH}")
    if not (schedule.provider.accepts_new_clients or is_returning_client):
        raise errors.NotAcceptingNewClients("the provider is not accepting new clients")
    if find_containing(free_time(schedule, request.start, request.end, now), request) is None:
        raise _why_not_free(schedule, request, now)
    for appointment in client_appointments:
        if appointment.is_scheduled and request.overlaps(
            Interval(appointment.starts_at, appointment.ends_at)
        ):
            raise errors.ClientConflict("the client has another appointment at that time")


def _why_not_free(schedule: Schedule, request: Interval, now: datetime) -> errors.DomainError:
    provider = schedule.provider
    earliest, latest = provider.bookable_span(now)
    if request.start <= now:
        return errors.InThePast("the appointment must start in the future")
    if request.start < earliest:
        return errors.TooShortNotice(
            f"the provider needs at least {provider.min_notice_minutes} minutes' notice"
        )
    if latest is not None and request.end > latest:
        return errors.BeyondHorizon(
            f"the provider takes bookings at most {provider.horizon_days} days ahead"
        )
    if find_containing(schedule.availability(request.start, request.end), request) is None:
        return errors.OutsideAvailability(
            "the requested time is not inside the provider's availability"
        )
    if provider.buffer and not _overlaps_any(request, _cores(schedule)):
        return errors.ProviderConflict(
            "the provider needs a buffer between appointments: another appointment is too close"
        )
    return errors.ProviderConflict("the provider has another appointment at that time")


def _cores(schedule: Schedule) -> list[Interval]:
    return [Interval(a.starts_at, a.ends_at) for a in schedule.appointments if a.is_scheduled]


def _overlaps_any(request: Interval, intervals: Iterable[Interval]) -> bool:
    return any(request.overlaps(other) for other in intervals)
