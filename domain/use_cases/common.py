"""Helpers every use case shares: loading, reading what decides free time, replays, events.

Each runs inside the caller's open unit of work; none opens or commits one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain import errors
from domain.events import Event, EventType, ScheduleChange
from domain.intervals import Interval
from domain.model import IDEMPOTENCY_KEY_RETENTION, Appointment, IdempotencyRecord, Provider
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import AppointmentType
from domain.rules.limits import MAX_BUFFER, MAX_PROVIDERS
from domain.rules.scheduling import Booked, Schedule, check_booking


def load_provider(uow: UnitOfWork, provider_id: int) -> Provider:
    provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    return provider


def load_type(uow: UnitOfWork, type_id: int) -> AppointmentType:
    """The appointment type a request names; an unknown one is refused."""
    found = uow.appointment_types.get(type_id)
    if found is None:
        raise errors.UnknownReference(f"no appointment type has the id {type_id}")
    return found


def provider_with_booked(
    uow: UnitOfWork, provider_id: int, lower: datetime, upper: datetime
) -> tuple[Provider, Sequence[Booked]] | None:
    """The provider and every booking its buffer can bring into ``[lower, upper)``, in one
    read widened by the largest buffer allowed (docs/DECISIONS.md, "One statement per
    listing"); a row past the domain's bounds is read again with its own buffer."""
    found = uow.appointments.provider_with_booked(
        provider_id, lower - MAX_BUFFER, upper + MAX_BUFFER
    )
    if found is None:
        return None
    provider, booked = found
    if provider.buffer > MAX_BUFFER:
        pad = provider.buffer
        wider = uow.appointments.booked_times([provider_id], lower - pad, upper + pad)
        return provider, wider.get(provider_id, [])
    return provider, booked


def schedule_of(
    uow: UnitOfWork,
    provider: Provider,
    lower: datetime,
    upper: datetime,
    ignore: int | None = None,
    booked: Sequence[Booked] | None = None,
) -> Schedule:
    """What decides the provider's free time in ``[lower, upper)``, less appointment ``ignore``;
    ``booked``: the bookings, if already read with the provider (``provider_with_booked``)."""
    assert provider.id is not None
    if booked is None:
        pad = provider.buffer
        found = uow.appointments.scheduled_for_provider(provider.id, lower - pad, upper + pad)
        booked = [a for a in found if a.id != ignore]
    return Schedule(
        provider=provider,
        windows=uow.windows.for_provider(provider.id),
        appointments=booked,
        overrides=uow.overrides.for_provider(provider.id, lower, upper),
    )


def check_bookable(
    uow: UnitOfWork,
    provider: Provider,
    client_id: int,
    request: Interval,
    now: datetime,
    moving: int | None = None,
    booked: tuple[Sequence[Booked], Sequence[Booked]] | None = None,
) -> None:
    """Apply the booking rules to ``request``, ignoring the appointment being ``moving``;
    ``booked``: the provider's and the client's bookings, if already read."""
    assert provider.id is not None
    if booked is None:
        found = uow.appointments.scheduled_for_client(client_id, *request)
        schedule = schedule_of(uow, provider, *request, ignore=moving)
        client_booked: Sequence[Booked] = [a for a in found if a.id != moving]
    else:
        schedule = schedule_of(uow, provider, *request, booked=booked[0])
        client_booked = booked[1]
    check_booking(
        schedule,
        request,
        now,
        client_booked,
        # Only a provider closed to new clients needs to know (one query saved per booking).
        is_returning_client=not provider.accepts_new_clients
        and uow.appointments.has_active(client_id, provider.id),
    )


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


def replay(uow: UnitOfWork, key: str, fingerprint: str, now: datetime) -> Appointment | None:
    """The appointment first booked under ``key``, if the key is live and the request matches."""
    record = uow.idempotency.get(key)
    if record is None or now - record.created_at > IDEMPOTENCY_KEY_RETENTION:
        return None
    if record.fingerprint != fingerprint:
        raise errors.IdempotencyKeyReused(
            "this Idempotency-Key was already used with a different request"
        )
    return uow.appointments.get(record.appointment_id)


def remember(
    uow: UnitOfWork, key: str, fingerprint: str, appointment: Appointment, now: datetime
) -> None:
    """Keep the key with the appointment it booked, so that a retry answers it again."""
    assert appointment.id is not None
    uow.idempotency.put(IdempotencyRecord(key, fingerprint, appointment.id, now))


def client_bookings(uow: UnitOfWork, client_id: int, request: Interval) -> Sequence[Booked]:
    """The client's bookings around ``request``, read with its row; an unknown client is
    refused."""
    found = uow.appointments.client_with_booked(client_id, *request)
    if found is None:
        raise errors.UnknownReference(f"client {client_id} does not exist")
    return found


def appointment_changed(
    uow: UnitOfWork, kind: EventType, appointment: Appointment, now: datetime
) -> None:
    """Record that ``appointment`` was booked, moved or canceled, in ``uow``'s transaction."""
    uow.outbox.add(Event(kind, appointment.provider_id, appointment, occurred_at=now))


def schedule_changed(
    uow: UnitOfWork, provider_id: int, *changes: ScheduleChange, now: datetime | None = None
) -> None:
    """Record that the provider's free time may have changed, in ``uow``'s transaction.

    Every use case that changes windows, time off, extra time or a policy that shapes free
    time calls this once, after the change and before committing.
    """
    uow.outbox.add(
        Event(EventType.SCHEDULE_CHANGED, provider_id, changes=tuple(changes), occurred_at=now)
    )
