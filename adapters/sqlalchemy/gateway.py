"""The one connection a unit of work holds, through which its repositories run SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable, Row

from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.queries import Query

Statement = Executable | Query


class Gateway:
    """Runs statements on the unit's open connection, translating database errors.

    Results are fetched in full inside the translation, so a failure while reading rows
    surfaces as a domain error too.
    """

    def __init__(self) -> None:
        self._connection: Connection | None = None
        self._versions: dict[int, int] = {}
        self._changed_schedules = False

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._connection

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    def attach(self, connection: Connection) -> None:
        self._connection = connection
        self._versions.clear()
        self._changed_schedules = False

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
        if isinstance(statement, Query):
            return self.connection.execute(statement.statement, statement.params)
        return self.connection.execute(statement)

    def all(self, statement: Statement) -> Sequence[Row[Any]]:
        with translated():
            return self._execute(statement).all()

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
