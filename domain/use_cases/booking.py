"""Booking one provider's time, idempotently (docs/DECISIONS.md, "Idempotent booking")."""

from __future__ import annotations

from datetime import UTC, datetime

from domain import errors
from domain.events import EventType
from domain.intervals import Interval
from domain.model import Appointment
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import require_aware
from domain.use_cases.common import (
    appointment_changed,
    check_bookable,
    client_bookings,
    provider_with_booked,
    remember,
    replay,
)


def book(
    uow: UnitOfWork,
    clock: Clock,
    client_id: int,
    provider_id: int,
    starts_at: datetime,
    ends_at: datetime,
    idempotency_key: str | None = None,
) -> Appointment:
    """Book ``[starts_at, ends_at)`` if the booking rules allow it (domain.rules.scheduling).

    With ``idempotency_key``, repeating the same request returns the first appointment and
    books nothing; reusing the key for a different request is refused.
    """
    require_aware(starts_at, ends_at)
    request = Interval(starts_at, ends_at)
    fingerprint = _fingerprint(client_id, provider_id, request)
    with uow:
        uow.lock_schedules(provider_id, client_id)
        now = clock.now()
        if idempotency_key is not None:
            replayed = replay(uow, idempotency_key, fingerprint, now)
            if replayed is not None:
                return replayed
        found = provider_with_booked(uow, provider_id, *request)
        if found is None:
            raise errors.UnknownReference(f"provider {provider_id} does not exist")
        provider, booked = found
        client_booked = client_bookings(uow, client_id, request)
        check_bookable(uow, provider, client_id, request, now, booked=(booked, client_booked))
        appointment = uow.appointments.add(
            Appointment(client_id, provider_id, starts_at, ends_at, created_at=now)
        )
        if idempotency_key is not None:
            remember(uow, idempotency_key, fingerprint, appointment, now)
        appointment_changed(uow, EventType.APPOINTMENT_BOOKED, appointment, now)
        uow.commit()
    return appointment


def _fingerprint(client_id: int, provider_id: int, request: Interval) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in request)
    return f"{client_id}|{provider_id}|{start}|{end}"
