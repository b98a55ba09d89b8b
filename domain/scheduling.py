"""Free time, and the booking rules derived from it.

``free_time`` is the one function that decides what is free: listing availability calls it
over the requested range, and a booking is accepted only if it calls it over the booking's
own span and gets that whole span back. Listing and booking cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import errors
from domain.intervals import Interval, clip, find_containing, merge, split, subtract
from domain.model import (
    MAX_APPOINTMENT_LENGTH,
    Appointment,
    AppointmentStatus,
    Provider,
    WeeklyWindow,
)
from domain.weekly import expand


@dataclass(frozen=True, slots=True)
class Schedule:
    """What is known of one provider's time: its weekly windows and its appointments.

    ``appointments`` must include every appointment overlapping the range asked about;
    canceled ones are ignored.
    """

    provider: Provider
    windows: Sequence[WeeklyWindow]
    appointments: Sequence[Appointment]

    def availability(self, lower: datetime, upper: datetime) -> list[Interval]:
        """The provider's merged weekly availability, clipped to ``[lower, upper)``."""
        expanded = expand(self.windows, self.provider.timezone, lower, upper)
        return clip(merge(expanded), lower, upper)

    def booked(self) -> list[Interval]:
        scheduled = AppointmentStatus.SCHEDULED
        booked = [
            Interval(a.starts_at, a.ends_at) for a in self.appointments if a.status is scheduled
        ]
        booked.sort()
        return booked


def free_time(
    schedule: Schedule, lower: datetime, upper: datetime, now: datetime
) -> list[Interval]:
    """Free windows in ``[lower, upper)``: merged availability minus booked time, never before now.

    Sorted, disjoint, and gap-preserving; see docs/DECISIONS.md ("How windows merge",
    "What is clipped").
    """
    lower = max(lower, now)
    if lower >= upper:
        return []
    return subtract(schedule.availability(lower, upper), schedule.booked())


def slots(free: Iterable[Interval], duration: timedelta | None) -> list[Interval]:
    """Free windows as they are, or cut into consecutive slots of ``duration``."""
    return list(free) if duration is None else list(split(free, duration))


def check_booking(
    schedule: Schedule,
    request: Interval,
    now: datetime,
    client_appointments: Iterable[Appointment],
    is_returning_client: bool,
) -> None:
    """Raise the domain error that refuses ``request``, or return if it may be booked.

    ``client_appointments`` must include the client's appointments overlapping ``request``.
    """
    if request.end <= request.start:
        raise errors.InvalidRequest("ends_at must be after starts_at")
    if request.duration > MAX_APPOINTMENT_LENGTH:
        raise errors.TooLong(f"an appointment may last at most {MAX_APPOINTMENT_LENGTH}")
    if request.start <= now:
        raise errors.InThePast("the appointment must start in the future")
    if not (schedule.provider.accepts_new_clients or is_returning_client):
        raise errors.NotAcceptingNewClients("the provider is not accepting new clients")
    free = free_time(schedule, request.start, request.end, now)
    if find_containing(free, request) is None:
        raise _why_not_free(schedule, request)
    for appointment in client_appointments:
        if appointment.is_scheduled and request.overlaps(
            Interval(appointment.starts_at, appointment.ends_at)
        ):
            raise errors.ClientConflict("the client has another appointment at that time")


def _why_not_free(schedule: Schedule, request: Interval) -> errors.DomainError:
    available = schedule.availability(request.start, request.end)
    if find_containing(available, request) is None:
        return errors.OutsideAvailability(
            "the requested time is not inside the provider's availability"
        )
    return errors.ProviderConflict("the provider has another appointment at that time")
