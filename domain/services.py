"""Use cases of scheduling, written against the ports. Each runs in one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from domain import errors
from domain.conditional import AvailabilityVersion, availability_version
from domain.events import EventType, ScheduleChange, appointment_changed, schedule_changed
from domain.feed import parse_slots
from domain.intervals import Interval
from domain.model import (
    IDEMPOTENCY_KEY_RETENTION,
    Appointment,
    CanceledBy,
    IdempotencyRecord,
    Provider,
    SyncReport,
    WeeklyWindow,
)
from domain.ports import AppointmentSearch, AvailabilityFeed, Clock, UnitOfWork
from domain.registry import POLICY_BOUNDS
from domain.scheduling import Booked, Schedule, check_booking, free_time, slots

#: Longest range one availability query may cover (docs/DECISIONS.md, "Query limits").
MAX_QUERY_RANGE = timedelta(days=92)
MIN_SLOT = timedelta(minutes=5)
#: The largest buffer a provider may have (domain.registry.POLICY_BOUNDS).
MAX_BUFFER = timedelta(
    minutes=max(POLICY_BOUNDS["buffer_before"][1], POLICY_BOUNDS["buffer_after"][1])
)
MAX_SLOT = timedelta(minutes=1440)


def require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise errors.InvalidRequest("timestamps must carry a UTC offset")


def _schedule(
    uow: UnitOfWork,
    provider: Provider,
    lower: datetime,
    upper: datetime,
    ignore: int | None = None,
    booked: Sequence[Booked] | None = None,
) -> Schedule:
    """What decides the provider's free time in ``[lower, upper)``, less appointment ``ignore``;
    ``booked``: the bookings, if already read with the provider (``_provider_with_booked``)."""
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


def _provider_with_booked(
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


def _provider(uow: UnitOfWork, provider_id: int) -> Provider:
    provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    return provider


def check_range(lower: datetime, upper: datetime, longest: timedelta) -> None:
    """Refuse a query range that is naive, empty or reversed, or longer than ``longest``."""
    require_aware(lower, upper)
    if upper <= lower:
        raise errors.InvalidRequest("'to' must be after 'from'")
    if upper - lower > longest:
        raise errors.InvalidRequest(f"the range may span at most {longest.days} days")


def check_slot_length(name: str, length: timedelta | None) -> None:
    if length is not None and not MIN_SLOT <= length <= MAX_SLOT:
        raise errors.InvalidRequest(f"{name} must be between 5 and 1440 minutes")


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

    The version comes from the provider's row alone (domain/conditional.py): with ``known``
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
            _provider_with_booked(uow, provider_id, lower, upper)
            if known is None
            else (_provider(uow, provider_id), None)
        )
        if found is None:
            raise errors.ProviderNotFound(provider_id)
        provider, booked = found
        now = clock.now()
        version = availability_version(provider, lower, upper, duration, step, now)
        if known is not None and known(version):
            return TaggedFreeWindows(version, None)
        schedule = _schedule(uow, provider, lower, upper, booked=booked)
    return TaggedFreeWindows(version, slots(free_time(schedule, lower, upper, now), duration, step))


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
        found = _provider_with_booked(uow, provider_id, *request)
        if found is None:
            raise errors.UnknownReference(f"provider {provider_id} does not exist")
        provider, booked = found
        client_booked = uow.appointments.client_with_booked(client_id, *request)
        if client_booked is None:
            raise errors.UnknownReference(f"client {client_id} does not exist")
        _check(uow, provider, client_id, request, now, booked=(booked, client_booked))
        appointment = uow.appointments.add(
            Appointment(client_id, provider_id, starts_at, ends_at, created_at=now)
        )
        if idempotency_key is not None:
            assert appointment.id is not None
            uow.idempotency.put(
                IdempotencyRecord(idempotency_key, fingerprint, appointment.id, now)
            )
        appointment_changed(uow, EventType.APPOINTMENT_BOOKED, appointment, now)
        uow.commit()
    return appointment


def _check(
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
        schedule = _schedule(uow, provider, *request, ignore=moving)
        client_booked: Sequence[Booked] = [a for a in found if a.id != moving]
    else:
        schedule = _schedule(uow, provider, *request, booked=booked[0])
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


def _fingerprint(client_id: int, provider_id: int, request: Interval) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in request)
    return f"{client_id}|{provider_id}|{start}|{end}"


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


def _locked_appointment(uow: UnitOfWork, appointment_id: int) -> Appointment:
    """The appointment, read again after locking its provider's and client's schedules."""
    uow.lock_for_writing()
    appointment = uow.appointments.get(appointment_id)
    if appointment is None:
        raise errors.AppointmentNotFound(appointment_id)
    uow.lock_schedules(appointment.provider_id, appointment.client_id)
    fresh = uow.appointments.get(appointment_id)
    assert fresh is not None  # appointments are never deleted
    return fresh


def reschedule(
    uow: UnitOfWork,
    clock: Clock,
    appointment_id: int,
    starts_at: datetime,
    ends_at: datetime,
    expected: Callable[[Appointment], bool] | None = None,
) -> Appointment:
    """Move a scheduled appointment, checked like a new booking but ignoring its own time.

    With ``expected``, the appointment must satisfy it (If-Match), checked under the lock.
    """
    require_aware(starts_at, ends_at)
    request = Interval(starts_at, ends_at)
    with uow:
        current = _locked_appointment(uow, appointment_id)
        if expected is not None and not expected(current):
            raise errors.PreconditionFailed("the appointment changed since you read it")
        if not current.is_scheduled:
            raise errors.AppointmentCanceled("a canceled appointment cannot be moved")
        provider = _provider(uow, current.provider_id)
        now = clock.now()
        _check(uow, provider, current.client_id, request, now, moving=appointment_id)
        moved = uow.appointments.update(current.moved(starts_at, ends_at))
        appointment_changed(uow, EventType.APPOINTMENT_RESCHEDULED, moved, now)
        uow.commit()
    return moved


def cancel(
    uow: UnitOfWork,
    clock: Clock,
    appointment_id: int,
    reason: str | None = None,
    canceled_by: CanceledBy | None = None,
) -> Appointment:
    """Soft-cancel; canceling twice keeps the first ``canceled_at``, reason and canceler.

    A provider's minimum cancellation notice refuses later cancellations
    (docs/DECISIONS.md, "Cancellation notice").
    """
    with uow:
        appointment = _locked_appointment(uow, appointment_id)
        if not appointment.is_scheduled:
            return appointment
        now = clock.now()
        notice = timedelta(
            minutes=_provider(uow, appointment.provider_id).min_cancel_notice_minutes
        )
        if notice and now > appointment.starts_at - notice:
            raise errors.CancellationTooLate(
                f"cancellations must come at least {notice.total_seconds() / 60:.0f} minutes "
                "before the appointment starts"
            )
        appointment = uow.appointments.update(appointment.canceled(now, reason, canceled_by))
        appointment_changed(uow, EventType.APPOINTMENT_CANCELED, appointment, now)
        uow.commit()
    return appointment


def sync_availability(uow: UnitOfWork, feed: AvailabilityFeed, provider_id: int) -> SyncReport:
    """Upsert the provider's windows from the feed by (source, external id); drop vanished ones.

    All or nothing: an invalid feed raises FeedError listing every problem and changes nothing.
    """
    with uow:
        uow.lock_schedules(provider_id)  # serialized with PUT weekly-availability's If-Match
        _provider(uow, provider_id)
        raw = feed.fetch(provider_id)
        report = replace_windows(
            uow, provider_id, feed.source, parse_slots(provider_id, raw, feed.source)
        )
        if report.changed:
            schedule_changed(uow, provider_id, ScheduleChange.WEEKLY_AVAILABILITY)
        uow.commit()
    return report


def replace_windows(
    uow: UnitOfWork, provider_id: int, source: str, windows: Sequence[WeeklyWindow]
) -> SyncReport:
    """Make the provider's windows from ``source`` be ``windows``, matched by external id.

    Windows of other sources are never touched. Runs in the caller's open, locked unit.
    """
    created = updated = deleted = unchanged = 0
    incoming = {w.external_id: w for w in windows}
    stored = {w.external_id: w for w in uow.windows.for_provider(provider_id) if w.source == source}
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
