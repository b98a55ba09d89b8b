"""Hot statements compiled once by SQLAlchemy and run on the driver's own cursor.

SQLAlchemy's ``Connection.execute`` costs ~75 µs of CPU per statement on SQLite and ~150 µs
on PostgreSQL beyond the driver's own work (cache key, execution context, result wrapping),
more than the index range scan it runs. For the statements on every request, a ``Prepared``
keeps what SQLAlchemy compiles and the column types' own bind and result processors, and
``Gateway.fetch`` runs it on the unit's DBAPI connection (docs/DECISIONS.md, "Hot reads on the
driver's cursor"). Errors are wrapped and disconnects invalidated as SQLAlchemy does, and the
engine's ``before_cursor_execute``/``after_cursor_execute`` listeners are called (their return
values are not used: such a statement cannot be rewritten by a listener).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Connection, Dialect, Insert, Select
from sqlalchemy import exc as sa_exc

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    compiled: Any  # sqlalchemy.sql.compiler.SQLCompiler
    positions: Sequence[str] | None  # parameter order for positional paramstyles
    binds: Mapping[str, Processor]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, processor), if it has one

    def arguments(self, params: Mapping[str, Any]) -> Any:
        values = self.compiled.construct_params(params)
        for name, process in self.binds.items():
            if process is not None:
                values[name] = process(values[name])
        if self.positions is None:
            return values
        return tuple(values[name] for name in self.positions)

    def processed(self, raw: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        """Rows with each value its type processes (NULLs, the most of a union's, skipped)."""
        if not self.results:
            return list(raw)
        rows: list[Sequence[Any]] = []
        for found in raw:
            row = list(found)
            for i, process in self.results:
                if row[i] is not None:
                    row[i] = process(row[i])
            rows.append(row)
        return rows


class Prepared:
    """A SELECT whose rows come back as tuples processed by its columns' types; ``index``
    names the columns' positions, and ``named(row)`` gives one row attribute access. An
    INSERT without RETURNING is run by ``execute``."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any] | Insert) -> None:
        self.statement = statement
        keys = [str(column.key) for column in statement.exported_columns]
        self.index = {key: i for i, key in enumerate(keys)}
        self._row: Any = namedtuple("Row", keys)  # type: ignore[misc]
        self._by_dialect: dict[str, _Compiled] = {}

    def named(self, row: Sequence[Any]) -> Any:
        return self._row._make(row)

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled: Any = self.statement.compile(dialect=dialect)
        binds = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self.statement.exported_columns
        )
        results = tuple((i, p) for i, p in enumerate(processors) if p is not None)
        return _Compiled(compiled.string, compiled, compiled.positiontup, binds, results)


def fetch(connection: Connection, prepared: Prepared, params: Mapping[str, Any]) -> list[Any]:
    """``prepared``'s rows with ``params``, on ``connection``'s current transaction, if any."""
    rows: list[Any] = _run(connection, prepared, params, rows=True)
    return rows


def execute(connection: Connection, prepared: Prepared, params: Mapping[str, Any]) -> None:
    """Run ``prepared`` (a write without RETURNING) with ``params``, on ``connection``'s
    current transaction, if any; else the driver's own (autocommit on these engines)."""
    _run(connection, prepared, params, rows=False)


def _run(connection: Connection, prepared: Prepared, params: Mapping[str, Any], rows: bool) -> Any:
    dialect = connection.dialect
    compiled = prepared.compiled(dialect)
    arguments = compiled.arguments(params)
    dbapi_connection: Any = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    events = connection.dispatch  # statement listeners (tracing, tests) see these reads too
    try:
        events.before_cursor_execute(connection, cursor, compiled.sql, arguments, None, False)
        cursor.execute(compiled.sql, arguments)
        raw = cursor.fetchall() if rows else ()
        events.after_cursor_execute(connection, cursor, compiled.sql, arguments, None, False)
    except dialect.loaded_dbapi.Error as exc:
        invalidated = dialect.is_disconnect(exc, dbapi_connection, cursor)
        if invalidated:
            connection.invalidate(exc)
        raise sa_exc.DBAPIError.instance(
            compiled.sql,
            arguments,
            exc,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=invalidated,
            dialect=dialect,
        ) from exc
    finally:
        cursor.close()
    return compiled.processed(raw)
