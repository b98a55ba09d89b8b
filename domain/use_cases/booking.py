"""Booking one provider's time, idempotently (docs/DECISIONS.md, "Idempotent booking"), with
or without an appointment type (docs/DECISIONS.md, "Provider matching")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from domain import errors
from domain.events import EventType
from domain.intervals import Interval
from domain.model import Appointment, Provider
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import AppointmentType
from domain.rules.limits import require_aware
from domain.rules.scheduling import Booked
from domain.rules.types import check_client, check_offered, typed_end, with_type_policies
from domain.use_cases.common import (
    appointment_changed,
    check_bookable,
    client_bookings,
    load_type,
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
    ends_at: datetime | None = None,
    idempotency_key: str | None = None,
    appointment_type_id: int | None = None,
) -> Appointment:
    """Book ``[starts_at, ends_at)`` if the booking rules allow it (domain.rules.scheduling).

    With ``appointment_type_id``, the provider must offer the type, the type must be for this
    client, ``ends_at`` (default: the type's length) must fit the type, and the type's
    policies replace the provider's. With ``idempotency_key``, repeating the same request
    returns the first appointment and books nothing; reusing the key for a different request
    is refused.
    """
    with uow:
        uow.lock_schedules(provider_id, client_id)
        kind = None if appointment_type_id is None else load_type(uow, appointment_type_id)
        request = _request(kind, starts_at, ends_at)
        fingerprint = _fingerprint(client_id, provider_id, request, appointment_type_id)
        now = clock.now()
        if idempotency_key is not None:
            replayed = replay(uow, idempotency_key, fingerprint, now)
            if replayed is not None:
                return replayed
        provider, booked = _provider(uow, provider_id, request)
        client_booked = client_bookings(uow, client_id, request)
        if kind is not None:
            provider = _typed(uow, provider, client_id, kind)
        check_bookable(uow, provider, client_id, request, now, booked=(booked, client_booked))
        appointment = uow.appointments.add(_appointment(client_id, provider_id, request, now, kind))
        if idempotency_key is not None:
            remember(uow, idempotency_key, fingerprint, appointment, now)
        appointment_changed(uow, EventType.APPOINTMENT_BOOKED, appointment, now)
        uow.commit()
    return appointment


def _request(
    kind: AppointmentType | None, starts_at: datetime, ends_at: datetime | None
) -> Interval:
    if kind is not None:
        ends_at = typed_end(kind, starts_at, ends_at)
    if ends_at is None:
        raise errors.InvalidRequest("ends_at is required without an appointment type")
    require_aware(starts_at, ends_at)
    return Interval(starts_at, ends_at)


def _provider(
    uow: UnitOfWork, provider_id: int, request: Interval
) -> tuple[Provider, Sequence[Booked]]:
    found = provider_with_booked(uow, provider_id, *request)
    if found is None:
        raise errors.UnknownReference(f"provider {provider_id} does not exist")
    return found


def _typed(uow: UnitOfWork, provider: Provider, client_id: int, kind: AppointmentType) -> Provider:
    """The provider under the type's policies, once it is known to take the type for this
    client."""
    assert provider.id is not None
    profile = uow.profiles.for_providers([provider.id])[provider.id]
    check_offered(kind, uow.appointment_types.offered_by(provider.id), profile.modalities)
    check_client(kind, uow.appointments.has_active(client_id, provider.id))
    return with_type_policies(provider, kind)


def _appointment(
    client_id: int, provider_id: int, request: Interval, now: datetime, kind: AppointmentType | None
) -> Appointment:
    return Appointment(
        client_id,
        provider_id,
        request.start,
        request.end,
        created_at=now,
        appointment_type_id=None if kind is None else kind.id,
        modality=None if kind is None else kind.modality.value,
    )


def _fingerprint(
    client_id: int, provider_id: int, request: Interval, type_id: int | None = None
) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in request)
    typed = "" if type_id is None else f"|type:{type_id}"
    return f"{client_id}|{provider_id}|{start}|{end}{typed}"
