"""The unit of work: one connection and one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, func, select
from sqlalchemy import exc as sa_exc

from adapters.sqlalchemy import repositories
from adapters.sqlalchemy.audit import RESOURCE_TABLES, event_query
from adapters.sqlalchemy.cache import RowMemo, VersionedCache
from adapters.sqlalchemy.errors import is_unavailable, translated
from adapters.sqlalchemy.gateway import BEGIN_OPTION, Gateway
from adapters.sqlalchemy.keys import ApiKeyRepository
from adapters.sqlalchemy.matching import AppointmentTypeRepository, ProfileRepository
from adapters.sqlalchemy.plans import PlanMemo
from adapters.sqlalchemy.webhooks import (
    AppointmentRenderer,
    Outbox,
    WebhookEndpointRepository,
    plain_appointment,
)
from domain.audit import AuditContext
from domain.model import DateOverride, Provider
from domain.ports.unit_of_work import UnitOfWork
from domain.windows import WeeklyWindow

#: First keys of the PostgreSQL advisory locks taken by ``lock_schedules``.
PROVIDER_LOCK, CLIENT_LOCK = 1, 2


@dataclass(frozen=True, slots=True)
class ScheduleCaches:
    """The per-process caches a Database shares with its units (adapters/sqlalchemy/cache.py)."""

    windows: VersionedCache[WeeklyWindow] = field(default_factory=VersionedCache)
    overrides: VersionedCache[DateOverride] = field(default_factory=VersionedCache)
    providers: RowMemo[Provider] = field(default_factory=RowMemo)
    plans: PlanMemo = field(default_factory=PlanMemo)


class SqlAlchemyUnitOfWork(UnitOfWork):
    """A unit of work over ``engine``; each ``with`` block is one transaction.

    Units of one Database share its ``caches``; a unit made alone gets caches of its own.
    ``render`` writes appointments into events as the API answers them; ``request_id``
    is stored with the unit's events and sent as ``X-Request-ID`` with their deliveries.
    With ``audit``, a commit that writes appends the request's audit event in the same
    transaction (docs/DECISIONS.md, "Audit trail").
    """

    def __init__(
        self,
        engine: Engine,
        caches: ScheduleCaches | None = None,
        *,
        render: AppointmentRenderer = plain_appointment,
        request_id: str | None = None,
        audit: AuditContext | None = None,
    ) -> None:
        self._engine = engine
        self._audit = audit
        self._gateway = Gateway()
        caches = caches or ScheduleCaches()
        self.providers = repositories.ProviderRepository(self._gateway, caches.providers)
        self.clients = repositories.ClientRepository(self._gateway)
        self.windows = repositories.WeeklyWindowRepository(self._gateway, caches.windows)
        self.appointments = repositories.AppointmentRepository(self._gateway)
        self.idempotency = repositories.IdempotencyRepository(self._gateway)
        self.overrides = repositories.DateOverrideRepository(self._gateway, caches.overrides)
        self.outbox = Outbox(self._gateway, render, request_id)
        self.webhooks = WebhookEndpointRepository(self._gateway)
        self.plans = caches.plans
        self.keys = ApiKeyRepository(self._gateway)
        self.profiles = ProfileRepository(self._gateway, self.providers)
        self.appointment_types = AppointmentTypeRepository(self._gateway)

    def __enter__(self) -> Self:
        if self._gateway.is_open:
            raise RuntimeError("this unit of work is already open")
        with translated():
            self._gateway.attach(self._engine.connect())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            connection = self._gateway.detach()
            if connection is not None:
                connection.close()

    def commit(self) -> None:
        audited = self._audit_change()
        with translated():
            self._gateway.connection.commit()
        if audited and self._audit is not None:
            self._audit.recorded = True
        self._begin_next_deferred()

    def _audit_change(self) -> bool:
        """The request's event, with the rows this unit inserted, if it changed anything."""
        audit = self._audit
        if audit is None or audit.recorded or not self._gateway.wrote:
            return False
        table = RESOURCE_TABLES.get(audit.resource)
        written = self._gateway.inserted_ids(table) if table else ()
        self._gateway.run(event_query(audit.change(datetime.now(UTC), written)))
        return True

    def rollback(self) -> None:
        """Discard uncommitted changes; a connection that already died has none to discard."""
        if not self._gateway.is_open:
            return
        try:
            self._gateway.connection.rollback()
        except sa_exc.DBAPIError as exc:
            if not is_unavailable(exc):
                raise
        self._begin_next_deferred()

    def lock_for_writing(self) -> None:
        """Take SQLite's write lock now: the transaction begins with BEGIN IMMEDIATE.

        A concurrent writer then makes this unit wait (up to the busy timeout) rather than
        fail later (docs/DECISIONS.md, "Write locks in units that read then write").
        PostgreSQL needs no lock (a writer there waits for row locks instead of failing); the
        unit just becomes one transaction from here on. On both databases it must come before
        the transaction's first query, except that after BEGIN IMMEDIATE it is a no-op.
        """
        connection = self._gateway.connection
        if self._gateway.has_queried():
            if not connection.in_transaction() or not self._began_immediate():
                raise RuntimeError("the write lock must be taken before any query in the unit")
            return
        self._gateway.begin_transaction()
        if self._gateway.dialect != "sqlite":
            return
        connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        with translated():
            connection.begin()

    def lock_schedules(self, provider_id: int, client_id: int | None = None) -> None:
        """Serialize bookings of this provider or client (docs/DECISIONS.md, "No double booking").

        SQLite: ``lock_for_writing``, taking the database's write lock (waiting up to the busy
        timeout); so it too must come first, unless the unit already locked for writing.
        PostgreSQL: transaction-scoped advisory locks on the provider, then the client, always
        in that order so two bookings cannot deadlock; they may come after reads.
        """
        dialect = self._gateway.dialect
        if dialect == "sqlite":
            self.lock_for_writing()
        elif dialect == "postgresql":
            self._gateway.begin_transaction()  # transaction-scoped locks need a transaction
            self._advisory_locks([provider_id], client_id)

    def lock_pool(self, provider_ids: Sequence[int], client_id: int) -> None:
        """``lock_schedules`` for a pool: on PostgreSQL the providers' advisory locks by
        ascending id, then the client's, so pools sharing providers cannot deadlock
        (docs/DECISIONS.md, "Locking a pool")."""
        dialect = self._gateway.dialect
        if dialect == "sqlite":
            self.lock_for_writing()
        elif dialect == "postgresql":
            self._gateway.begin_transaction()
            self._advisory_locks(sorted(set(provider_ids)), client_id)

    def _began_immediate(self) -> bool:
        connection = self._gateway.connection
        return connection.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE"

    def _begin_next_deferred(self) -> None:
        """The write lock was for the transaction that just ended, not the next one."""
        if self._gateway.is_open:
            self._gateway.ended_transaction()
            self._gateway.connection.execution_options(**{BEGIN_OPTION: "DEFERRED"})

    def _advisory_locks(self, provider_ids: Sequence[int], client_id: int | None) -> None:
        """Every lock in one round trip; PostgreSQL evaluates the select list in order."""
        keys = [(PROVIDER_LOCK, p) for p in provider_ids] + [(CLIENT_LOCK, client_id)]
        locks = [
            func.pg_advisory_xact_lock(kind, entity_id)
            for kind, entity_id in keys
            # No row has another id: nothing to serialize.
            if entity_id is not None and repositories.storable(entity_id)
        ]
        if locks:
            self._gateway.first(select(*locks))
