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
from domain.profiles import AppointmentType, ClientRule, Filters
from domain.rules.limits import MAX_PROVIDERS, require_aware
from domain.rules.roster import ranked
from domain.rules.scheduling import Booked, check_booking
from domain.rules.types import check_client, type_filters, typed_end, with_type_policies
from domain.use_cases.common import (
    appointment_changed,
    client_bookings,
    load_type,
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
    ends_at: datetime | None = None,
    idempotency_key: str | None = None,
    appointment_type_id: int | None = None,
    filters: Filters | None = None,
) -> Appointment:
    """Book ``[starts_at, ends_at)`` with one provider of the pool for whom it is bookable.

    Only the providers matching ``filters`` (and offering the type, if one is named) are
    candidates. Every booking rule applies per provider (domain.rules.scheduling.check_booking);
    among those that pass, the first by ``ranked`` wins, so providers are checked in that
    order until one passes. Locks the whole pool first, in ascending id order.
    """
    pool, filters = _pool(provider_ids), filters or Filters()
    with uow:
        uow.lock_pool(pool, client_id)
        kind = None if appointment_type_id is None else load_type(uow, appointment_type_id)
        request = _request(kind, starts_at, ends_at)
        fingerprint = _fingerprint(client_id, pool, request, appointment_type_id, filters)
        now = clock.now()
        if idempotency_key is not None:
            replayed = replay(uow, idempotency_key, fingerprint, now)
            if replayed is not None:
                return replayed
        providers = _candidates(uow, pool, client_id, kind, filters)
        client = _Client(client_id, client_bookings(uow, client_id, request))
        counts = uow.appointments.scheduled_counts(pool, *week_of(request.start))
        chosen = _first_bookable(uow, ranked(providers, counts), client, request, now)
        appointment = uow.appointments.add(_appointment(client_id, chosen, request, now, kind))
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


def _candidates(
    uow: UnitOfWork,
    pool: Sequence[int],
    client_id: int,
    kind: AppointmentType | None,
    filters: Filters,
) -> list[Provider]:
    """The pool's providers that match the filters and may take the type for this client,
    under the type's policies; none is a refusal."""
    providers = named_providers(uow, pool)
    if kind is not None:
        filters = type_filters(filters, kind)
    if filters.asks_profile or filters.accepts_new_clients is not None:
        matching = {p.id for p in uow.profiles.matching(filters, pool)}
        providers = [p for p in providers if p.id in matching]
    if kind is not None and kind.clients is not ClientRule.ANY:
        returning = uow.appointments.active_with(client_id, [p.id for p in providers if p.id])
        providers = [p for p in providers if _for_client(kind, p.id in returning)]
    if not providers:
        raise errors.TypeNotBookable("no provider of the pool matches the filters and type")
    return [p if kind is None else with_type_policies(p, kind) for p in providers]


def _for_client(kind: AppointmentType, returning: bool) -> bool:
    try:
        check_client(kind, returning)
    except errors.TypeNotBookable:
        return False
    return True


def _appointment(
    client_id: int, chosen: Provider, request: Interval, now: datetime, kind: AppointmentType | None
) -> Appointment:
    assert chosen.id is not None
    return Appointment(
        client_id,
        chosen.id,
        request.start,
        request.end,
        created_at=now,
        appointment_type_id=None if kind is None else kind.id,
        modality=None if kind is None else kind.modality.value,
    )


def _pool(provider_ids: Sequence[int]) -> list[int]:
    pool = sorted(set(provider_ids))
    if not 1 <= len(pool) <= MAX_PROVIDERS:
        raise errors.InvalidRequest(f"name between 1 and {MAX_PROVIDERS} providers")
    return pool


def _fingerprint(
    client_id: int,
    pool: Sequence[int],
    request: Interval,
    type_id: int | None = None,
    filters: Filters | None = None,
) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in request)
    asked = "" if type_id is None else f"|type:{type_id}"
    if filters is not None and filters != Filters():
        asked += f"|{sorted((k, sorted(v)) for k, v in filters.by_kind().items())}"
        asked += f"|new:{filters.accepts_new_clients}"
    return f"{client_id}|pool:{','.join(map(str, pool))}|{start}|{end}{asked}"


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
