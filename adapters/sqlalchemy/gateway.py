"""The one connection a unit of work holds, through which its repositories run SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable, Row

from adapters.sqlalchemy.errors import translated


class Gateway:
    """Runs statements on the unit's open connection, translating database errors.

    Results are fetched in full inside the translation, so a failure while reading rows
    surfaces as a domain error too.
    """

    def __init__(self) -> None:
        self._connection: Connection | None = None

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

    def detach(self) -> Connection | None:
        connection, self._connection = self._connection, None
        return connection

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def all(self, statement: Executable) -> Sequence[Row[Any]]:
        with translated():
            return self.connection.execute(statement).all()

    def first(self, statement: Executable) -> Row[Any] | None:
        with translated():
            return self.connection.execute(statement).first()

    def scalar(self, statement: Executable) -> Any:
        with translated():
            return self.connection.execute(statement).scalar_one()

    def run(self, statement: Executable) -> CursorResult[Any]:
        """Run a write; its result carries ``rowcount``."""
        with translated():
            return self.connection.execute(statement)
