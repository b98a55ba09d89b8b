"""The unit of work: one connection and one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine, func, select
from sqlalchemy import exc as sa_exc

from adapters.sqlalchemy import repositories
from adapters.sqlalchemy.errors import is_unavailable, translated
from adapters.sqlalchemy.gateway import Gateway
from domain.ports import UnitOfWork

#: Connection execution option read by the SQLite "begin" hook (adapters/sqlalchemy/database.py).
BEGIN_OPTION = "scheduling_sqlite_begin"
#: First keys of the PostgreSQL advisory locks taken by ``lock_schedules``.
PROVIDER_LOCK, CLIENT_LOCK = 1, 2


class SqlAlchemyUnitOfWork(UnitOfWork):
    """A unit of work over ``engine``; each ``with`` block is one transaction.

    ``immediate=True`` makes SQLite take the write lock when the transaction begins.
    """

    def __init__(self, engine: Engine, *, immediate: bool = False) -> None:
        self._engine = engine
        self._immediate = immediate
        self._gateway = Gateway()
        self.providers = repositories.ProviderRepository(self._gateway)
        self.clients = repositories.ClientRepository(self._gateway)
        self.windows = repositories.WeeklyWindowRepository(self._gateway)
        self.appointments = repositories.AppointmentRepository(self._gateway)
        self.idempotency = repositories.IdempotencyRepository(self._gateway)

    def __enter__(self) -> Self:
        if self._gateway.is_open:
            raise RuntimeError("this unit of work is already open")
        with translated():
            connection = self._engine.connect()
        if self._immediate:
            connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        self._gateway.attach(connection)
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
        with translated():
            self._gateway.connection.commit()

    def rollback(self) -> None:
        """Discard uncommitted changes; a connection that already died has none to discard."""
        if not self._gateway.is_open:
            return
        try:
            self._gateway.connection.rollback()
        except sa_exc.DBAPIError as exc:
            if not is_unavailable(exc):
                raise

    def lock_schedules(self, provider_id: int, client_id: int) -> None:
        """Serialize bookings of this provider or client (docs/DECISIONS.md, "No double booking").

        SQLite: the transaction begins with BEGIN IMMEDIATE, taking the database's write lock
        (waiting up to the busy timeout). PostgreSQL: transaction-scoped advisory locks on the
        provider, then the client, always in that order so two bookings cannot deadlock.
        """
        dialect = self._gateway.dialect
        if dialect == "sqlite":
            self._begin_immediate()
        elif dialect == "postgresql":
            self._advisory_lock(PROVIDER_LOCK, provider_id)
            self._advisory_lock(CLIENT_LOCK, client_id)

    def _begin_immediate(self) -> None:
        connection = self._gateway.connection
        if connection.in_transaction():
            if connection.get_execution_options().get(BEGIN_OPTION) != "IMMEDIATE":
                raise RuntimeError("lock_schedules() must come before any query in the unit")
            return
        connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        with translated():
            connection.begin()

    def _advisory_lock(self, kind: int, entity_id: int) -> None:
        if repositories.storable(entity_id):  # no row has another id: nothing to serialize
            self._gateway.scalar(select(func.pg_advisory_xact_lock(kind, entity_id)))
