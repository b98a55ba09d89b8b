"""The one connection a unit of work holds, through which its repositories run SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable, Row
from sqlalchemy.sql.dml import UpdateBase

from adapters.sqlalchemy import prepared
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.queries import Query

Statement = Executable | Query
#: Connection execution option read by the SQLite "begin" hook (adapters/sqlalchemy/database.py):
#: ``DEFERRED`` (the default) or ``IMMEDIATE`` for the BEGIN it emits, ``NONE`` for none.
BEGIN_OPTION = "scheduling_sqlite_begin"


class Gateway:
    """Runs statements on the unit's open connection, translating database errors.

    Results are fetched in full inside the translation, so a failure while reading rows
    surfaces as a domain error too.
    """

    def __init__(self) -> None:
        self._connection: Connection | None = None
        self._versions: dict[int, int] = {}
        self._changed_schedules = False
        self._autocommit_reads = False
        self._read_outside = False  # a Prepared read ran in autocommit since the last end
        self.wrote = False  # a write ran since the last end (the audit trail's cue)
        self._inserted: dict[str, list[int]] = {}

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._connection

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    def attach(self, connection: Connection) -> None:
        """Use ``connection``; its statements autocommit until the unit's first write.

        Reads made before a unit's first write lose nothing by running outside a transaction
        (PostgreSQL's READ COMMITTED gives each statement its own snapshot anyway; on SQLite
        each statement is its own transaction), and a read-only unit saves its BEGIN and
        ROLLBACK (docs/DECISIONS.md, "Read-only units without a transaction").
        """
        self._connection = connection
        self._read_outside = False
        self._versions.clear()
        self._changed_schedules = False
        self._autocommit_reads = True
        self.ended_transaction()
        if connection.dialect.name == "sqlite":
            connection.execution_options(**{BEGIN_OPTION: "NONE"})
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT")

    def begin_transaction(self) -> None:
        """From here on, the unit's statements run in one transaction."""
        if not self._autocommit_reads:
            return
        connection = self.connection
        connection.rollback()  # ends SQLAlchemy's marker; autocommit reads left nothing open
        if connection.dialect.name == "sqlite":
            connection.execution_options(**{BEGIN_OPTION: "DEFERRED"})
        else:
            connection.execution_options(isolation_level=connection.default_isolation_level)
        self._autocommit_reads = False

    def detach(self) -> Connection | None:
        connection, self._connection = self._connection, None
        return connection

    def saw_version(self, provider_id: int, version: int) -> None:
        """Record the schedule version this unit read with the provider's row."""
        self._versions[provider_id] = version

    def changed_schedule(self) -> None:
        """This unit changed a schedule: from now on it neither trusts nor fills the cache."""
        self._changed_schedules = True

    def known_version(self, provider_id: int) -> int | None:
        """The provider's schedule version as this unit read it, if the cache may use it."""
        if self._changed_schedules:
            return None
        return self._versions.get(provider_id)

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def _execute(self, statement: Statement) -> CursorResult[Any]:
        executable = statement.statement if isinstance(statement, Query) else statement
        if isinstance(executable, UpdateBase):
            self.begin_transaction()
            self.wrote = True
        if isinstance(statement, Query):
            return self.connection.execute(statement.statement, statement.params)
        return self.connection.execute(statement)

    def all(self, statement: Statement) -> Sequence[Row[Any]]:
        with translated():
            return self._execute(statement).all()

    def fetch(self, statement: prepared.Prepared, params: Any) -> list[Any]:
        """A hot read's rows as tuples, on the driver's cursor (adapters/sqlalchemy/prepared.py),
        inside the unit's transaction once it has one."""
        connection = self.connection
        with translated():
            if not self._autocommit_reads and not connection.in_transaction():
                connection.begin()  # SQLite's BEGIN, as Connection.execute would emit it
            self._read_outside = self._read_outside or not connection.in_transaction()
            return prepared.fetch(connection, statement, params)

    def has_queried(self) -> bool:
        """Whether a statement ran since the unit's last commit or rollback."""
        return self._read_outside or self.connection.in_transaction()

    def ended_transaction(self) -> None:
        self._read_outside = False
        self.wrote = False
        self._inserted.clear()

    def inserted(self, table: str, entity_id: int) -> None:
        """Note a row this transaction inserted, for its audit event."""
        self._inserted.setdefault(table, []).append(entity_id)

    def inserted_ids(self, table: str) -> tuple[int, ...]:
        return tuple(self._inserted.get(table, ()))

    def first(self, statement: Statement) -> Row[Any] | None:
        with translated():
            return self._execute(statement).first()

    def scalar(self, statement: Statement) -> Any:
        with translated():
            return self._execute(statement).scalar_one()

    def run(self, statement: Statement) -> CursorResult[Any]:
        """Run a write; its result carries ``rowcount``."""
        with translated():
            return self._execute(statement)
