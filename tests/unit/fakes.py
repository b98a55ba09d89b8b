"""In-memory implementations of the domain's ports, for unit tests."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from domain import errors
from domain.access import ApiKey
from domain.audit import AuditEvent, AuditQuery
from domain.events import Event
from domain.model import Appointment, BookedTime, Client, DateOverride, IdempotencyRecord, Provider
from domain.ports.appointments import AppointmentRepository, AppointmentSearch
from domain.ports.audit import AuditLog
from domain.ports.delivery import EventOutbox
from domain.ports.keys import ApiKeyRepository
from domain.ports.matching import AppointmentTypeRepository, ProfileRepository
from domain.ports.plans import PlanCache
from domain.ports.repositories import (
    ClientRepository,
    DateOverrideRepository,
    IdempotencyRepository,
    ProviderRepository,
    WebhookEndpointRepository,
    WeeklyWindowRepository,
)
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import AppointmentType, Filters, Profile
from domain.rules.feed import RawSlot
from domain.rules.plans import WeekPlan
from domain.webhooks import Attempt, Endpoint
from domain.windows import WeeklyWindow


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class FakeFeed:
    source = "calendly"

    def __init__(self, slots: dict[int, list[RawSlot]] | None = None) -> None:
        self.slots = slots or {}

    def fetch(self, provider_id: int) -> Sequence[RawSlot]:
        return self.slots.get(provider_id, [])

    def provider_ids(self) -> Sequence[int]:
        return sorted(self.slots)


T = TypeVar("T")


class _Table(Generic[T]):
    """Rows keyed by id, with ids handed out in order."""

    def __init__(self) -> None:
        self.rows: dict[int, T] = {}
        self._ids = itertools.count(1)

    def insert(self, row: T) -> T:
        row = replace(row, id=next(self._ids))  # type: ignore[type-var]
        self.rows[row.id] = row  # type: ignore[attr-defined]
        return row

    def page(self, offset: int, limit: int) -> tuple[list[T], int]:
        ordered = [self.rows[key] for key in sorted(self.rows)]
        return ordered[offset : offset + limit], len(ordered)


class FakeProviders(ProviderRepository):
    def __init__(self) -> None:
        self.table: _Table[Provider] = _Table()

    def get(self, provider_id: int) -> Provider | None:
        return self.table.rows.get(provider_id)

    def add(self, provider: Provider) -> Provider:
        return self.table.insert(provider)

    def update(self, provider: Provider) -> Provider:
        assert provider.id is not None
        self.table.rows[provider.id] = provider
        return provider

    def list(self, offset: int, limit: int) -> tuple[list[Provider], int]:
        return self.table.page(offset, limit)

    def many(self, provider_ids: Sequence[int] | None) -> list[Provider]:
        wanted = self.table.rows if provider_ids is None else set(provider_ids)
        return [self.table.rows[i] for i in sorted(self.table.rows) if i in wanted]


class FakeClients(ClientRepository):
    def __init__(self) -> None:
        self.table: _Table[Client] = _Table()
        #: Set by FakeUnitOfWork: the appointments that tie clients to providers.
        self.appointments: FakeAppointments | None = None

    def get(self, client_id: int) -> Client | None:
        return self.table.rows.get(client_id)

    def get_by_email(self, email: str) -> Client | None:
        matches = (c for c in self.table.rows.values() if c.email.lower() == email.lower())
        return next(matches, None)

    def add(self, client: Client) -> Client:
        if self.get_by_email(client.email) is not None:
            raise errors.DuplicateEmail(client.email)
        return self.table.insert(client)

    def list(
        self, offset: int, limit: int, provider_id: int | None = None
    ) -> tuple[list[Client], int]:
        if provider_id is None:
            return self.table.page(offset, limit)
        assert self.appointments is not None
        booked = self.appointments.table.rows.values()
        theirs = {a.client_id for a in booked if a.provider_id == provider_id}
        ordered = [self.table.rows[key] for key in sorted(self.table.rows) if key in theirs]
        return ordered[offset : offset + limit], len(ordered)


def _bump_schedule(providers: FakeProviders, provider_id: int) -> None:
    """Windows and overrides move the provider's ``schedule_version``, as the adapter's do."""
    provider = providers.table.rows.get(provider_id)
    if provider is not None:
        bumped = replace(provider, schedule_version=provider.schedule_version + 1)
        providers.table.rows[provider_id] = bumped


class FakeWindows(WeeklyWindowRepository):
    def __init__(self, providers: FakeProviders) -> None:
        self.table: _Table[WeeklyWindow] = _Table()
        self._providers = providers

    def for_provider(self, provider_id: int) -> list[WeeklyWindow]:
        return [w for w in self.table.rows.values() if w.provider_id == provider_id]

    def for_providers(self, provider_ids: Sequence[int]) -> dict[int, list[WeeklyWindow]]:
        return {pid: self.for_provider(pid) for pid in provider_ids}

    def add(self, window: WeeklyWindow) -> WeeklyWindow:
        _bump_schedule(self._providers, window.provider_id)
        return self.table.insert(window)

    def update(self, window: WeeklyWindow) -> WeeklyWindow:
        assert window.id is not None
        self.table.rows[window.id] = window
        _bump_schedule(self._providers, window.provider_id)
        return window

    def delete(self, window: WeeklyWindow) -> None:
        assert window.id is not None
        del self.table.rows[window.id]
        _bump_schedule(self._providers, window.provider_id)


def _overlaps(appointment: Appointment, lower: datetime, upper: datetime) -> bool:
    return appointment.starts_at < upper and appointment.ends_at > lower


class FakeAppointments(AppointmentRepository):
    def __init__(self, providers: FakeProviders, clients: FakeClients) -> None:
        self.table: _Table[Appointment] = _Table()
        self._providers = providers
        self._clients = clients

    def get(self, appointment_id: int) -> Appointment | None:
        return self.table.rows.get(appointment_id)

    def add(self, appointment: Appointment) -> Appointment:
        self._stamp(appointment.provider_id, appointment.created_at)
        return self.table.insert(appointment)

    def update(self, appointment: Appointment) -> Appointment:
        assert appointment.id is not None
        self.table.rows[appointment.id] = appointment
        self._stamp(appointment.provider_id)
        return appointment

    def _stamp(self, provider_id: int, booked_at: datetime | None = None) -> None:
        """Keep the provider's change stamps as the port promises."""
        provider = self._providers.table.rows.get(provider_id)
        if provider is not None:
            last = booked_at or provider.last_booked_at
            version = provider.booking_version + 1
            stamped = replace(provider, booking_version=version, last_booked_at=last)
            self._providers.table.rows[provider_id] = stamped

    def _scheduled(self, lower: datetime, upper: datetime) -> list[Appointment]:
        found = (
            a for a in self.table.rows.values() if a.is_scheduled and _overlaps(a, lower, upper)
        )
        return sorted(found, key=lambda a: a.starts_at)

    def scheduled_for_provider(
        self, provider_id: int, lower: datetime, upper: datetime
    ) -> list[Appointment]:
        return [a for a in self._scheduled(lower, upper) if a.provider_id == provider_id]

    def scheduled_for_client(
        self, client_id: int, lower: datetime, upper: datetime
    ) -> list[Appointment]:
        return [a for a in self._scheduled(lower, upper) if a.client_id == client_id]

    def provider_with_booked(
        self, provider_id: int, lower: datetime, upper: datetime
    ) -> tuple[Provider, list[BookedTime]] | None:
        provider = self._providers.get(provider_id)
        if provider is None:
            return None
        scheduled = self._scheduled(lower, upper)
        return provider, [
            BookedTime(a.starts_at, a.ends_at) for a in scheduled if a.provider_id == provider_id
        ]

    def client_with_booked(
        self, client_id: int, lower: datetime, upper: datetime
    ) -> list[BookedTime] | None:
        if client_id not in self._clients.table.rows:
            return None
        found = self.scheduled_for_client(client_id, lower, upper)
        return [BookedTime(a.starts_at, a.ends_at) for a in found]

    def booked_times(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, list[BookedTime]]:
        found: dict[int, list[BookedTime]] = {}
        for a in self._scheduled(lower, upper):
            if a.provider_id in provider_ids:
                found.setdefault(a.provider_id, []).append(BookedTime(a.starts_at, a.ends_at))
        return found

    def scheduled_counts(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, int]:
        counts: dict[int, int] = {}
        for a in self.table.rows.values():
            if a.is_scheduled and a.provider_id in provider_ids and lower <= a.starts_at < upper:
                counts[a.provider_id] = counts.get(a.provider_id, 0) + 1
        return counts

    def active_with(self, client_id: int, provider_ids: Sequence[int]) -> set[int]:
        return {pid for pid in provider_ids if self.has_active(client_id, pid)}

    def has_active(self, client_id: int, provider_id: int) -> bool:
        return any(
            a.is_scheduled and a.client_id == client_id and a.provider_id == provider_id
            for a in self.table.rows.values()
        )

    def search(
        self, criteria: AppointmentSearch, offset: int, limit: int
    ) -> tuple[list[Appointment], int]:
        lower = criteria.lower or datetime.min.replace(tzinfo=UTC)
        upper = criteria.upper or datetime.max.replace(tzinfo=UTC)
        found = sorted(
            (
                a
                for a in self.table.rows.values()
                if criteria.provider_id in (None, a.provider_id)
                and criteria.client_id in (None, a.client_id)
                and criteria.status in (None, a.status)
                and _overlaps(a, lower, upper)
            ),
            key=lambda a: (a.starts_at, a.id),
        )
        return found[offset : offset + limit], len(found)


class FakeIdempotency(IdempotencyRepository):
    def __init__(self) -> None:
        self.records: dict[str, IdempotencyRecord] = {}

    def get(self, key: str) -> IdempotencyRecord | None:
        return self.records.get(key)

    def put(self, record: IdempotencyRecord) -> None:
        self.records[record.key] = record


class FakeOverrides(DateOverrideRepository):
    def __init__(self, providers: FakeProviders) -> None:
        self.table: _Table[DateOverride] = _Table()
        self._providers = providers

    def get(self, override_id: int) -> DateOverride | None:
        return self.table.rows.get(override_id)

    def add(self, override: DateOverride) -> DateOverride:
        _bump_schedule(self._providers, override.provider_id)
        return self.table.insert(override)

    def delete(self, override: DateOverride) -> None:
        assert override.id is not None
        del self.table.rows[override.id]
        _bump_schedule(self._providers, override.provider_id)

    def for_provider(
        self, provider_id: int, lower: datetime | None = None, upper: datetime | None = None
    ) -> list[DateOverride]:
        lower = lower or datetime.min.replace(tzinfo=UTC)
        upper = upper or datetime.max.replace(tzinfo=UTC)
        found = (
            o
            for o in self.table.rows.values()
            if o.provider_id == provider_id and o.starts_at < upper and o.ends_at > lower
        )
        return sorted(found, key=lambda o: (o.starts_at, o.id))

    def for_providers(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, list[DateOverride]]:
        return {pid: self.for_provider(pid, lower, upper) for pid in provider_ids}


class FakeWebhooks(WebhookEndpointRepository):
    def __init__(self) -> None:
        self.table: _Table[Endpoint] = _Table()

    def get(self, endpoint_id: int) -> Endpoint | None:
        return self.table.rows.get(endpoint_id)

    def add(self, endpoint: Endpoint) -> Endpoint:
        return self.table.insert(endpoint)

    def update(self, endpoint: Endpoint) -> Endpoint:
        assert endpoint.id in self.table.rows
        self.table.rows[endpoint.id] = endpoint
        return endpoint

    def delete(self, endpoint_id: int) -> None:
        self.table.rows.pop(endpoint_id, None)

    def attempts(self, endpoint_id: int, offset: int, limit: int) -> tuple[list[Attempt], int]:
        return [], 0

    def list(self, offset: int, limit: int) -> tuple[list[Endpoint], int]:
        return self.table.page(offset, limit)


class FakeKeys(ApiKeyRepository):
    def __init__(self) -> None:
        self.table: _Table[ApiKey] = _Table()

    def add(self, key: ApiKey) -> ApiKey:
        return self.table.insert(key)

    def get(self, key_id: int) -> ApiKey | None:
        return self.table.rows.get(key_id)

    def by_digest(self, digest: str) -> ApiKey | None:
        return next((k for k in self.table.rows.values() if k.digest == digest), None)

    def list(self, offset: int, limit: int) -> tuple[list[ApiKey], int]:
        return self.table.page(offset, limit)

    def revoke(self, key_id: int, at: datetime) -> None:
        key = self.table.rows[key_id]
        if key.revoked_at is None:
            self.table.rows[key_id] = replace(key, revoked_at=at)

    def touch(self, key_id: int, at: datetime) -> None:
        self.table.rows[key_id] = replace(self.table.rows[key_id], last_used_at=at)


class FakeOutbox(EventOutbox):
    """Recorded events by id, in the order they were added."""

    def __init__(self) -> None:
        self.recorded: dict[str, Event] = {}

    def add(self, event: Event) -> None:
        self.recorded[event.id] = event

    @property
    def events(self) -> list[Event]:
        return list(self.recorded.values())


class FakeAuditLog(AuditLog):
    """Appended events in order; listed newest first, filtered like the adapter."""

    def __init__(self) -> None:
        self.appended: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self.appended.append(event)

    def page(self, query: AuditQuery, offset: int, limit: int) -> tuple[list[AuditEvent], int]:
        found = [e for e in reversed(self.appended) if _matches(query, e)]
        return found[offset : offset + limit], len(found)


def _matches(query: AuditQuery, event: AuditEvent) -> bool:
    return (
        query.key_id in (None, event.key_id)
        and query.resource in (None, event.resource)
        and (query.since is None or event.occurred_at >= query.since)
        and (query.until is None or event.occurred_at < query.until)
    )


class FakePlans(PlanCache):
    """Every plan kept, under its version; ``admitting`` False keeps none (the direct path)."""

    def __init__(self, admitting: bool = True) -> None:
        self.kept: dict[tuple[int, datetime], tuple[Hashable, WeekPlan]] = {}
        self.admitting = admitting

    def get(self, provider_id: int, week: datetime, version: Hashable) -> WeekPlan | None:
        found = self.kept.get((provider_id, week))
        return found[1] if found is not None and found[0] == version else None

    def put(self, provider_id: int, week: datetime, version: Hashable, plan: WeekPlan) -> None:
        self.kept[provider_id, week] = (version, plan)

    def admit(self, provider_id: int, week: datetime) -> bool:
        return self.admitting


class FakeProfiles(ProfileRepository):
    def __init__(self, providers: FakeProviders) -> None:
        self.providers = providers
        self.rows: dict[int, Profile] = {}
        self.offers: dict[int, tuple[int, ...]] = {}

    def for_providers(self, provider_ids: Sequence[int]) -> dict[int, Profile]:
        return {i: self.rows.get(i, Profile()) for i in sorted(set(provider_ids))}

    def replace(self, provider_id: int, profile: Profile) -> None:
        self.rows[provider_id] = profile

    def matching(self, filters: Filters, provider_ids: Sequence[int] | None) -> list[Provider]:
        wanted = set(self.providers.table.rows if provider_ids is None else provider_ids)
        return [
            p
            for p in self.providers.many(sorted(wanted))
            if p.id is not None
            and filters.matches(self.rows.get(p.id, Profile()), self.offers.get(p.id, ()))
            and filters.accepts_new_clients in (None, p.accepts_new_clients)
        ]


class FakeAppointmentTypes(AppointmentTypeRepository):
    def __init__(self, profiles: FakeProfiles) -> None:
        self.table: _Table[AppointmentType] = _Table()
        self.offers = profiles.offers

    def get(self, type_id: int) -> AppointmentType | None:
        return self.table.rows.get(type_id)

    def add(self, appointment_type: AppointmentType) -> AppointmentType:
        return self.table.insert(appointment_type)

    def update(self, appointment_type: AppointmentType) -> AppointmentType:
        assert appointment_type.id is not None
        self.table.rows[appointment_type.id] = appointment_type
        return appointment_type

    def many(self, type_ids: Sequence[int]) -> list[AppointmentType]:
        return [self.table.rows[i] for i in sorted(set(type_ids)) if i in self.table.rows]

    def offered_by(self, provider_id: int) -> list[int]:
        return sorted(self.offers.get(provider_id, ()))

    def offer(self, provider_id: int, type_ids: Sequence[int]) -> None:
        self.offers[provider_id] = tuple(sorted(set(type_ids)))

    def list(self, offset: int, limit: int) -> tuple[list[AppointmentType], int]:
        return self.table.page(offset, limit)


class FakeUnitOfWork(UnitOfWork):
    """Writes go straight to the fakes; ``committed`` and ``locks`` record what happened.

    Rollback restores a snapshot taken on entry, so "rolls back unless committed" is real.
    """

    def __init__(self) -> None:
        self.providers = FakeProviders()
        self.clients = FakeClients()
        self.windows = FakeWindows(self.providers)
        self.appointments = FakeAppointments(self.providers, self.clients)
        self.clients.appointments = self.appointments
        self.idempotency = FakeIdempotency()
        self.overrides = FakeOverrides(self.providers)
        self.outbox = FakeOutbox()
        self.webhooks = FakeWebhooks()
        self.plans = FakePlans()
        self.keys = FakeKeys()
        self.profiles = FakeProfiles(self.providers)
        self.appointment_types = FakeAppointmentTypes(self.profiles)
        self.committed = 0
        self.write_locked = False
        self.locks: list[tuple[int, int | None]] = []
        self._snapshot: list[dict[Any, Any]] = []

    def _stores(self) -> list[dict[Any, Any]]:
        return [
            self.providers.table.rows,
            self.clients.table.rows,
            self.windows.table.rows,
            self.appointments.table.rows,
            self.idempotency.records,
            self.overrides.table.rows,
            self.outbox.recorded,
            self.webhooks.table.rows,
            self.keys.table.rows,
            self.profiles.rows,
            self.profiles.offers,
            self.appointment_types.table.rows,
        ]

    def __enter__(self) -> FakeUnitOfWork:
        self.write_locked = False
        self._snapshot = [dict(store) for store in self._stores()]
        return self

    def commit(self) -> None:
        self.committed += 1
        self._snapshot = [dict(store) for store in self._stores()]

    def rollback(self) -> None:
        for store, saved in zip(self._stores(), self._snapshot, strict=True):
            store.clear()
            store.update(saved)

    def lock_for_writing(self) -> None:
        self.write_locked = True

    def lock_schedules(self, provider_id: int, client_id: int | None = None) -> None:
        self.write_locked = True
        self.locks.append((provider_id, client_id))

    def lock_pool(self, provider_ids: Sequence[int], client_id: int) -> None:
        self.write_locked = True
        self.locks.extend((provider_id, client_id) for provider_id in provider_ids)
