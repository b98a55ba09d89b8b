"""The domain's repositories over SQLAlchemy Core, sharing one unit's connection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy import Row, Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy import queries, rows
from adapters.sqlalchemy.cache import RowMemo, VersionedCache
from adapters.sqlalchemy.gateway import Gateway
from adapters.sqlalchemy.prepared import Prepared
from adapters.sqlalchemy.tables import (
    appointments,
    clients,
    date_overrides,
    idempotency_keys,
    providers,
    weekly_windows,
)
from domain import errors
from domain.model import (
    MAX_APPOINTMENT_LENGTH,
    Appointment,
    BookedTime,
    Client,
    DateOverride,
    IdempotencyRecord,
    Provider,
)
from domain.ports import appointments as appointment_port
from domain.ports import repositories as port
from domain.windows import WeeklyWindow

T = TypeVar("T")
#: Ids are 32-bit integers; anything else names no row (and must not reach the driver).
MAX_ID = 2**31 - 1


def storable(entity_id: int) -> bool:
    return 1 <= entity_id <= MAX_ID


class _Repository:
    table: Table
    #: Built once per table (see __init_subclass__), executed with bound parameters.
    _by_id: Any
    _insert_returning_id: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "table" in cls.__dict__ and "id" in cls.table.c:
            cls._by_id = select(cls.table).where(cls.table.c.id == bindparam("id"))
            cls._insert_returning_id = insert(cls.table).returning(cls.table.c.id)

    def __init__(self, gateway: Gateway) -> None:
        self._db = gateway

    def _get(self, entity_id: int, translate: Callable[[Row[Any]], T]) -> T | None:
        if not storable(entity_id):
            return None
        row = self._db.first(queries.Query(self._by_id, {"id": entity_id}))
        return None if row is None else translate(row)

    def _page(
        self, offset: int, limit: int, translate: Callable[[Row[Any]], T]
    ) -> tuple[list[T], int]:
        page = select(self.table).order_by(self.table.c.id).offset(offset).limit(limit)
        total = self._db.scalar(select(func.count()).select_from(self.table))
        return [translate(row) for row in self._db.all(page)], int(total)

    def _insert(self, values: rows.Values, entity_id: int | None) -> int:
        """Insert a row, with ``entity_id`` if given, and return its id."""
        if entity_id is None:
            new_id = int(self._db.scalar(queries.Query(self._insert_returning_id, values)))
            self._db.inserted(self.table.name, new_id)
            return new_id
        if not storable(entity_id):
            raise errors.InvalidRequest(f"id {entity_id} is out of range")
        self._db.run(insert(self.table).values(id=entity_id, **values))
        self._advance_sequence()
        self._db.inserted(self.table.name, entity_id)
        return entity_id

    def _advance_sequence(self) -> None:
        """After an explicit id on PostgreSQL, move the id sequence past it."""
        if self._db.dialect != "postgresql":
            return
        sequence = func.pg_get_serial_sequence(self.table.name, "id")
        highest = select(func.max(self.table.c.id)).scalar_subquery()
        self._db.scalar(select(func.setval(sequence, highest)))

    def _update(self, entity_id: int | None, values: rows.Values) -> bool:
        """Update the row with ``entity_id``; whether it existed."""
        if entity_id is None or not storable(entity_id):
            return False
        result = self._db.run(update(self.table).where(self.table.c.id == entity_id).values(values))
        return result.rowcount == 1


def _seen_provider(gateway: Gateway, statement: Prepared, row: Sequence[Any]) -> Provider:
    """The provider in ``row`` of a prepared read; its schedule version noted for the cache."""
    provider = rows.provider(statement.named(row))
    assert provider.id is not None
    gateway.saw_version(provider.id, provider.schedule_version)
    return provider


class ProviderRepository(_Repository, port.ProviderRepository):
    table = providers

    def __init__(self, gateway: Gateway, memo: RowMemo[Provider] | None = None) -> None:
        super().__init__(gateway)
        self._memo: RowMemo[Provider] = memo or RowMemo()

    def get(self, provider_id: int) -> Provider | None:
        """The provider; its schedule version is noted for the unit's cache lookups."""
        if not storable(provider_id):
            return None
        query = queries.provider(provider_id)
        found = self._db.fetch(query.statement, query.params)
        return _seen_provider(self._db, query.statement, found[0]) if found else None

    def add(self, provider: Provider) -> Provider:
        new_id = self._insert(rows.provider_values(provider), provider.id)
        return replace(provider, id=new_id)

    def update(self, provider: Provider) -> Provider:
        if not self._update(provider.id, rows.provider_values(provider)):
            raise errors.ProviderNotFound(provider.id or 0)
        return provider

    def many(self, provider_ids: Sequence[int] | None) -> list[Provider]:
        """The providers, in one read; their schedule versions are noted like ``get``'s."""
        if provider_ids is not None:
            provider_ids = [i for i in provider_ids if storable(i)]
            if not provider_ids:
                return []
        return self.mapped(self._db.all(queries.providers_by_id(provider_ids)))

    def mapped(self, found: Sequence[Row[Any]]) -> list[Provider]:
        """Providers from their rows, noting their schedule versions like ``get``."""
        many = []
        for row in found:
            self._db.saw_version(row.id, row.schedule_version)
            many.append(self._memo.get(row.id, tuple(row), partial(rows.provider, row)))
        return many

    def list(self, offset: int, limit: int) -> tuple[list[Provider], int]:
        return self._page(offset, limit, rows.provider)


class ClientRepository(_Repository, port.ClientRepository):
    table = clients

    def get(self, client_id: int) -> Client | None:
        return self._get(client_id, rows.client)

    def get_by_email(self, email: str) -> Client | None:
        # lower() on both sides matches the unique index uq_clients_lower_email.
        row = self._db.first(
            select(clients).where(func.lower(clients.c.email) == func.lower(email))
        )
        return None if row is None else rows.client(row)

    def add(self, client: Client) -> Client:
        new_id = self._insert(rows.client_values(client), client.id)
        return replace(client, id=new_id)

    def list(
        self, offset: int, limit: int, provider_id: int | None = None
    ) -> tuple[list[Client], int]:
        if provider_id is None:
            return self._page(offset, limit, rows.client)
        if not storable(provider_id):
            return [], 0
        theirs = (
            select(appointments.c.id)
            .where(appointments.c.client_id == clients.c.id)
            .where(appointments.c.provider_id == provider_id)
            .exists()
        )
        page = select(clients).where(theirs).order_by(clients.c.id).offset(offset).limit(limit)
        total = self._db.scalar(select(func.count()).select_from(clients).where(theirs))
        return [rows.client(row) for row in self._db.all(page)], int(total)


class _ScheduleRepository(_Repository):
    """A repository of schedule parts cached per provider under its schedule version."""

    def __init__(self, gateway: Gateway, cache: VersionedCache[Any]) -> None:
        super().__init__(gateway)
        self._cache = cache

    def _cached(self, provider_id: int, load: Callable[[], list[T]]) -> list[T]:
        """``load()``, or what it returned under the schedule version this unit read."""
        version = self._db.known_version(provider_id)
        if version is not None:
            cached = self._cache.get(provider_id, version)
            if cached is not None:
                return list(cached)
        loaded = load()
        if version is not None:
            self._cache.put(provider_id, version, tuple(loaded))
        return loaded

    def _cached_many(
        self, provider_ids: Sequence[int], load: Callable[[list[int]], dict[int, list[T]]]
    ) -> dict[int, list[T]]:
        """``_cached`` for many providers: the misses are loaded in one ``load(misses)``."""
        found: dict[int, list[T]] = {}
        misses = []
        for provider_id in provider_ids:
            version = self._db.known_version(provider_id)
            cached = None if version is None else self._cache.get(provider_id, version)
            if cached is None:
                misses.append(provider_id)
            else:
                found[provider_id] = list(cached)
        if misses:
            loaded = load(misses)
            for provider_id in misses:
                items = found[provider_id] = loaded.get(provider_id, [])
                version = self._db.known_version(provider_id)
                if version is not None:
                    self._cache.put(provider_id, version, tuple(items))
        return found

    def _changed(self, provider_id: int) -> None:
        """Bump the provider's schedule version, in this unit's transaction."""
        self._db.changed_schedule()
        self._db.run(queries.bump_schedule(provider_id))


class WeeklyWindowRepository(_ScheduleRepository, port.WeeklyWindowRepository):
    table = weekly_windows

    def for_provider(self, provider_id: int) -> list[WeeklyWindow]:
        if not storable(provider_id):
            return []
        return self._cached(provider_id, lambda: self._load(provider_id))

    def _load(self, provider_id: int) -> list[WeeklyWindow]:
        return [rows.window(row) for row in self._db.all(queries.provider_windows(provider_id))]

    def for_providers(self, provider_ids: Sequence[int]) -> dict[int, list[WeeklyWindow]]:
        wanted = [i for i in provider_ids if storable(i)]
        return self._cached_many(wanted, self._load_many)

    def _load_many(self, provider_ids: list[int]) -> dict[int, list[WeeklyWindow]]:
        return _by_provider(
            rows.window(row) for row in self._db.all(queries.providers_windows(provider_ids))
        )

    def add(self, window: WeeklyWindow) -> WeeklyWindow:
        new_id = self._insert(rows.window_values(window), window.id)
        self._changed(window.provider_id)
        return replace(window, id=new_id)

    def update(self, window: WeeklyWindow) -> WeeklyWindow:
        if not self._update(window.id, rows.window_values(window)):
            raise errors.NotFound(window.id or 0)
        self._changed(window.provider_id)
        return window

    def delete(self, window: WeeklyWindow) -> None:
        if window.id is not None:
            self._db.run(weekly_windows.delete().where(weekly_windows.c.id == window.id))
            self._changed(window.provider_id)


class AppointmentRepository(_Repository, appointment_port.AppointmentRepository):
    table = appointments

    def get(self, appointment_id: int) -> Appointment | None:
        return self._get(appointment_id, rows.appointment)

    def add(self, appointment: Appointment) -> Appointment:
        _require_bounded(appointment)
        new_id = self._insert(rows.appointment_values(appointment), appointment.id)
        self._db.run(queries.booked(appointment.provider_id, appointment.created_at))
        return rows.in_utc(replace(appointment, id=new_id))

    def update(self, appointment: Appointment) -> Appointment:
        _require_bounded(appointment)
        if not self._update(appointment.id, rows.appointment_values(appointment)):
            raise errors.AppointmentNotFound(appointment.id or 0)
        self._db.run(queries.booking_changed(appointment.provider_id))
        return rows.in_utc(appointment)

    def scheduled_for_provider(
        self, provider_id: int, lower: datetime, upper: datetime
    ) -> list[Appointment]:
        if not storable(provider_id):
            return []
        found = self._db.all(queries.provider_appointments(provider_id, lower, upper))
        return [rows.appointment(row) for row in found]

    def provider_with_booked(
        self, provider_id: int, lower: datetime, upper: datetime
    ) -> tuple[Provider, list[BookedTime]] | None:
        if not storable(provider_id):
            return None
        query = queries.provider_with_booked(provider_id, lower, upper)
        statement = query.statement
        found = self._db.fetch(statement, query.params)
        key, start, end = (statement.index[k] for k in ("id", "booked_from", "booked_to"))
        head = next((row for row in found if row[key] is not None), None)
        if head is None:
            return None
        booked = [BookedTime(row[start], row[end]) for row in found if row[key] is None]
        return _seen_provider(self._db, statement, head), booked

    def client_with_booked(
        self, client_id: int, lower: datetime, upper: datetime
    ) -> list[BookedTime] | None:
        if not storable(client_id):
            return None
        query = queries.client_with_booked(client_id, lower, upper)
        found = self._db.fetch(query.statement, query.params)
        if not any(row[0] is not None for row in found):
            return None
        return [BookedTime(row[1], row[2]) for row in found if row[0] is None]

    def scheduled_for_client(
        self, client_id: int, lower: datetime, upper: datetime
    ) -> list[Appointment]:
        if not storable(client_id):
            return []
        found = self._db.all(queries.client_appointments(client_id, lower, upper))
        return [rows.appointment(row) for row in found]

    def booked_times(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, list[BookedTime]]:
        wanted = [i for i in provider_ids if storable(i)]
        if not wanted:
            return {}
        booked: dict[int, list[BookedTime]] = {}
        for row in self._db.all(queries.providers_appointments(wanted, lower, upper)):
            booked.setdefault(row.provider_id, []).append(BookedTime(row.starts_at, row.ends_at))
        return booked

    def scheduled_counts(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, int]:
        wanted = [i for i in provider_ids if storable(i)]
        if not wanted:
            return {}
        found = self._db.all(queries.week_counts(wanted, lower, upper))
        return {row.provider_id: int(row.booked) for row in found}

    def active_with(self, client_id: int, provider_ids: Sequence[int]) -> set[int]:
        wanted = [i for i in provider_ids if storable(i)]
        if not (wanted and storable(client_id)):
            return set()
        return {row[0] for row in self._db.all(queries.active_with(client_id, wanted))}

    def has_active(self, client_id: int, provider_id: int) -> bool:
        if not (storable(client_id) and storable(provider_id)):
            return False
        statement = (
            select(appointments.c.id)
            .where(
                appointments.c.client_id == client_id,
                appointments.c.provider_id == provider_id,
                appointments.c.status == queries.SCHEDULED,
            )
            .limit(1)
        )
        return self._db.first(statement) is not None

    def search(
        self, criteria: appointment_port.AppointmentSearch, offset: int, limit: int
    ) -> tuple[list[Appointment], int]:
        owners = (criteria.provider_id, criteria.client_id)
        if any(owner is not None and not storable(owner) for owner in owners):
            return [], 0
        found = self._db.all(queries.search_page(criteria, offset, limit))
        total = self._db.scalar(queries.search_count(criteria))
        return [rows.appointment(row) for row in found], int(total)


class _Owned(Protocol):
    @property
    def provider_id(self) -> int: ...


OwnedT = TypeVar("OwnedT", bound=_Owned)


def _by_provider(items: Iterable[OwnedT]) -> dict[int, list[OwnedT]]:
    """Items grouped by provider, each group in the order read."""
    grouped: dict[int, list[OwnedT]] = {}
    for item in items:
        grouped.setdefault(item.provider_id, []).append(item)
    return grouped


def _require_bounded(appointment: Appointment) -> None:
    """Overlap queries rely on this bound (docs/DECISIONS.md, "Overlap query bound")."""
    if appointment.ends_at - appointment.starts_at > MAX_APPOINTMENT_LENGTH:
        raise errors.TooLong(f"an appointment may last at most {MAX_APPOINTMENT_LENGTH}")


class DateOverrideRepository(_ScheduleRepository, port.DateOverrideRepository):
    table = date_overrides

    def get(self, override_id: int) -> DateOverride | None:
        return self._get(override_id, rows.date_override)

    def add(self, override: DateOverride) -> DateOverride:
        new_id = self._insert(rows.date_override_values(override), override.id)
        self._changed(override.provider_id)
        return rows.override_in_utc(replace(override, id=new_id))

    def delete(self, override: DateOverride) -> None:
        if override.id is not None and storable(override.id):
            self._db.run(date_overrides.delete().where(date_overrides.c.id == override.id))
            self._changed(override.provider_id)

    def for_provider(
        self, provider_id: int, lower: datetime | None = None, upper: datetime | None = None
    ) -> list[DateOverride]:
        """Overlapping ``[lower, upper)``: from the cache when this unit knows the version.

        The cache holds all of the provider's overrides (a few a month) and filters them here.
        """
        if not storable(provider_id):
            return []
        if self._db.known_version(provider_id) is None:
            return self._load(provider_id, lower, upper)
        every = self._cached(provider_id, lambda: self._load(provider_id, None, None))
        return [
            o
            for o in every
            if (upper is None or o.starts_at < upper) and (lower is None or o.ends_at > lower)
        ]

    def _load(
        self, provider_id: int, lower: datetime | None, upper: datetime | None
    ) -> list[DateOverride]:
        found = self._db.all(queries.provider_overrides(provider_id, lower, upper))
        return [rows.date_override(row) for row in found]

    def for_providers(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, list[DateOverride]]:
        """Each provider's overrides overlapping ``[lower, upper)``, through the cache."""
        wanted = [i for i in provider_ids if storable(i)]
        every = self._cached_many(wanted, self._load_many)
        return {
            pid: [o for o in found if o.starts_at < upper and o.ends_at > lower]
            for pid, found in every.items()
        }

    def _load_many(self, provider_ids: list[int]) -> dict[int, list[DateOverride]]:
        found = self._db.all(queries.providers_overrides(provider_ids))
        return _by_provider(rows.date_override(row) for row in found)


class IdempotencyRepository(_Repository, port.IdempotencyRepository):
    table = idempotency_keys

    def get(self, key: str) -> IdempotencyRecord | None:
        row = self._db.first(select(idempotency_keys).where(idempotency_keys.c.key == key))
        return None if row is None else rows.idempotency_record(row)

    def put(self, record: IdempotencyRecord) -> None:
        """Insert, or replace the record under the same key (an upsert on both databases)."""
        dialect_insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
        values = rows.idempotency_values(record)
        statement = dialect_insert(idempotency_keys).values(values)
        replaced = {name: statement.excluded[name] for name in values if name != "key"}
        self._db.run(statement.on_conflict_do_update(index_elements=["key"], set_=replaced))
