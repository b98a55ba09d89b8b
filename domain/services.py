"""Use cases, written against the ports. Each runs in one unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain import errors
from domain.feed import parse_slots
from domain.intervals import Interval
from domain.model import (
    IDEMPOTENCY_KEY_RETENTION,
    Appointment,
    IdempotencyRecord,
    Provider,
    SyncReport,
)
from domain.ports import AppointmentSearch, AvailabilityFeed, Clock, UnitOfWork
from domain.scheduling import Schedule, check_booking, free_time, slots

#: Longest range one availability query may cover (docs/DECISIONS.md, "Query limits").
MAX_QUERY_RANGE = timedelta(days=92)
MIN_SLOT = timedelta(minutes=5)
MAX_SLOT = timedelta(minutes=1440)


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise errors.InvalidRequest("timestamps must carry a UTC offset")


def _schedule(uow: UnitOfWork, provider: Provider, lower: datetime, upper: datetime) -> Schedule:
    assert provider.id is not None
    return Schedule(
        provider=provider,
        windows=uow.windows.for_provider(provider.id),
        appointments=uow.appointments.scheduled_for_provider(provider.id, lower, upper),
    )


def _provider(uow: UnitOfWork, provider_id: int) -> Provider:
    provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    return provider


def free_windows(
    uow: UnitOfWork,
    clock: Clock,
    provider_id: int,
    lower: datetime,
    upper: datetime,
    duration: timedelta | None = None,
) -> list[Interval]:
    """The provider's free windows in ``[lower, upper)``, optionally cut into slots."""
    _require_aware(lower, upper)
    if upper <= lower:
        raise errors.InvalidRequest("'to' must be after 'from'")
    if upper - lower > MAX_QUERY_RANGE:
        raise errors.InvalidRequest(f"the range may span at most {MAX_QUERY_RANGE.days} days")
    if duration is not None and not MIN_SLOT <= duration <= MAX_SLOT:
        raise errors.InvalidRequest("duration must be between 5 and 1440 minutes")
    with uow:
        schedule = _schedule(uow, _provider(uow, provider_id), lower, upper)
    return slots(free_time(schedule, lower, upper, clock.now()), duration)


def book(
    uow: UnitOfWork,
    clock: Clock,
    client_id: int,
    provider_id: int,
    starts_at: datetime,
    ends_at: datetime,
    idempotency_key: str | None = None,
) -> Appointment:
    """Book ``[starts_at, ends_at)`` if the booking rules allow it (domain.scheduling).

    With ``idempotency_key``, repeating the same request returns the first appointment and
    books nothing; reusing the key for a different request is refused.
    """
    _require_aware(starts_at, ends_at)
    request = Interval(starts_at, ends_at)
    fingerprint = _fingerprint(client_id, provider_id, request)
    with uow:
        uow.lock_schedules(provider_id, client_id)
        now = clock.now()
        if idempotency_key is not None:
            replayed = _replay(uow, idempotency_key, fingerprint, now)
            if replayed is not None:
                return replayed
        provider = uow.providers.get(provider_id)
        if provider is None:
            raise errors.UnknownReference(f"provider {provider_id} does not exist")
        if uow.clients.get(client_id) is None:
            raise errors.UnknownReference(f"client {client_id} does not exist")
        check_booking(
            _schedule(uow, provider, starts_at, ends_at),
            request,
            now,
            uow.appointments.scheduled_for_client(client_id, starts_at, ends_at),
            is_returning_client=uow.appointments.has_active(client_id, provider_id),
        )
        appointment = uow.appointments.add(
            Appointment(client_id, provider_id, starts_at, ends_at, created_at=now)
        )
        if idempotency_key is not None:
            assert appointment.id is not None
            uow.idempotency.put(
                IdempotencyRecord(idempotency_key, fingerprint, appointment.id, now)
            )
        uow.commit()
    return appointment


def _fingerprint(client_id: int, provider_id: int, request: Interval) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in request)
    return f"{client_id}|{provider_id}|{start}|{end}"


def _replay(uow: UnitOfWork, key: str, fingerprint: str, now: datetime) -> Appointment | None:
    """The appointment first booked under ``key``, if the key is live and the request matches."""
    record = uow.idempotency.get(key)
    if record is None or now - record.created_at > IDEMPOTENCY_KEY_RETENTION:
        return None
    if record.fingerprint != fingerprint:
        raise errors.IdempotencyKeyReused(
            "this Idempotency-Key was already used with a different request"
        )
    return uow.appointments.get(record.appointment_id)


def cancel(uow: UnitOfWork, clock: Clock, appointment_id: int) -> Appointment:
    """Soft-cancel; canceling twice keeps the first ``canceled_at``."""
    with uow:
        appointment = uow.appointments.get(appointment_id)
        if appointment is None:
            raise errors.AppointmentNotFound(appointment_id)
        if not appointment.is_scheduled:
            return appointment
        appointment = uow.appointments.update(appointment.canceled(clock.now()))
        uow.commit()
    return appointment


def sync_availability(uow: UnitOfWork, feed: AvailabilityFeed, provider_id: int) -> SyncReport:
    """Upsert the provider's windows from the feed by (source, external id); drop vanished ones.

    All or nothing: an invalid feed raises FeedError listing every problem and changes nothing.
    """
    created = updated = deleted = unchanged = 0
    with uow:
        _provider(uow, provider_id)
        raw = feed.fetch(provider_id)
        incoming = {w.external_id: w for w in parse_slots(provider_id, raw, feed.source)}
        stored = {
            w.external_id: w
            for w in uow.windows.for_provider(provider_id)
            if w.source == feed.source
        }
        for external_id, window in incoming.items():
            current = stored.get(external_id)
            if current is None:
                uow.windows.add(window)
                created += 1
            elif current.same_schedule(window):
                unchanged += 1
            else:
                uow.windows.update(replace(window, id=current.id))
                updated += 1
        for external_id, window in stored.items():
            if external_id not in incoming:
                uow.windows.delete(window)
                deleted += 1
        uow.commit()
    return SyncReport(provider_id, created, updated, deleted, unchanged)


def get_appointment(uow: UnitOfWork, appointment_id: int) -> Appointment:
    with uow:
        appointment = uow.appointments.get(appointment_id)
    if appointment is None:
        raise errors.AppointmentNotFound(appointment_id)
    return appointment


def list_appointments(
    uow: UnitOfWork, criteria: AppointmentSearch, offset: int, limit: int
) -> tuple[list[Appointment], int]:
    """A page of appointments matching ``criteria``, ordered by start, and the total."""
    with uow:
        return uow.appointments.search(criteria, offset, limit)
