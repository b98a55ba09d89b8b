"""Booking "any available provider" of a pool (docs/DECISIONS.md, "Choosing from a pool")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from domain import errors
from domain.events import EventType
from domain.intervals import Interval, week_of
from domain.model import Appointment, Provider
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import MAX_PROVIDERS, require_aware
from domain.rules.roster import ranked
from domain.rules.scheduling import Booked, check_booking
from domain.use_cases.common import (
    appointment_changed,
    client_bookings,
    named_providers,
    remember,
    replay,
    schedules_of,
)


def book_any(
    uow: UnitOfWork,
    clock: Clock,
    client_id: int,
    provider_ids: Sequence[int],
    starts_at: datetime,
    ends_at: datetime,
    idempotency_key: str | None = None,
) -> Appointment:
    """Book ``[starts_at, ends_at)`` with one provider of the pool for whom it is bookable.

    Every booking rule applies per provider (domain.rules.scheduling.check_booking); among those
    that pass, the first by ``ranked`` wins, so providers are checked in that order until one
    passes. Locks the whole pool first, in ascending id order.
    """
    require_aware(starts_at, ends_at)
    pool = _pool(provider_ids)
    request = Interval(starts_at, ends_at)
    fingerprint = _fingerprint(client_id, pool, request)
    with uow:
        uow.lock_pool(pool, client_id)
        now = clock.now()
        if idempotency_key is not None:
            replayed = replay(uow, idempotency_key, fingerprint, now)
            if replayed is not None:
                return replayed
        providers = named_providers(uow, pool)
        client_booked = client_bookings(uow, client_id, request)
        counts = uow.appointments.scheduled_counts(pool, *week_of(starts_at))
        client = _Client(client_id, client_booked)
        chosen = _first_bookable(uow, ranked(providers, counts), client, request, now)
        assert chosen.id is not None
        appointment = uow.appointments.add(
            Appointment(client_id, chosen.id, starts_at, ends_at, created_at=now)
        )
        if idempotency_key is not None:
            remember(uow, idempotency_key, fingerprint, appointment, now)
        appointment_changed(uow, EventType.APPOINTMENT_BOOKED, appointment, now)
        uow.commit()
    return appointment


def _pool(provider_ids: Sequence[int]) -> list[int]:
    pool = sorted(set(provider_ids))
    if not 1 <= len(pool) <= MAX_PROVIDERS:
        raise errors.InvalidRequest(f"name between 1 and {MAX_PROVIDERS} providers")
    return pool


def _fingerprint(client_id: int, pool: Sequence[int], request: Interval) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in request)
    return f"{client_id}|pool:{','.join(map(str, pool))}|{start}|{end}"


class _Client(NamedTuple):
    """The client booking, and the times it is already booked around the request."""

    id: int
    booked: Sequence[Booked]


def _first_bookable(
    uow: UnitOfWork,
    providers: Sequence[Provider],
    client: _Client,
    request: Interval,
    now: datetime,
) -> Provider:
    """The first of ``providers`` who may take ``request`` now; if none, the refusal that
    says why."""
    schedules = schedules_of(uow, providers, *request)
    closed = [p.id for p in providers if p.id is not None and not p.accepts_new_clients]
    returning = uow.appointments.active_with(client.id, closed) if closed else set()
    refusals: list[errors.DomainError] = []
    for provider in providers:
        assert provider.id is not None
        try:
            check_booking(
                schedules[provider.id], request, now, client.booked, provider.id in returning
            )
        except errors.DomainError as refusal:
            refusals.append(refusal)
        else:
            return provider
    raise _refusal(refusals)


def _refusal(refusals: Sequence[errors.DomainError]) -> errors.DomainError:
    """409 if some provider is available but taken (or the client is busy), else 422.

    A refusal about the request itself is the same for every provider: it is passed on.
    """
    for refusal in refusals:
        if isinstance(refusal, errors.InvalidRequest | errors.TooLong | errors.ClientConflict):
            return refusal
    total = len(refusals)
    counts = Counter(refusal.reason for refusal in refusals)
    summary = "; ".join(f"{count} of {total}: {reason}" for reason, count in counts.items())
    detail = f"no listed provider can take this time ({summary})"
    if any(isinstance(refusal, errors.Conflict) for refusal in refusals):
        return errors.PoolTaken(detail)
    return errors.PoolRefused(detail)
