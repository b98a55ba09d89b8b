"""The audit trail in the database (docs/DECISIONS.md, "Audit trail").

A change's event is written by its unit of work, in its transaction (``change_values``). The
events of the HTTP edge (reads, denials, refusals) go through ``SqlAuditLog.append``: on
PostgreSQL into the same table, on SQLite into the same table in a second file beside the
database, so that a read never waits for, nor takes, the database's write lock.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, Select, bindparam, func, insert, select, true
from sqlalchemy.schema import CreateIndex, CreateTable

from adapters.sqlalchemy import prepared
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.held import HeldConnection
from adapters.sqlalchemy.queries import Query
from adapters.sqlalchemy.tables import audit_events
from domain import audit
from domain.audit import AuditEvent, AuditQuery
from domain.ports.audit import AuditLog

INSERT_EVENT = insert(audit_events)
_COLUMNS = [c.name for c in audit_events.columns if c.name != "id"]
#: The edge's append, compiled once, run on the driver's cursor (adapters/sqlalchemy/prepared.py).
APPEND = prepared.Prepared(INSERT_EVENT.values({name: bindparam(name) for name in _COLUMNS}))
#: The table whose inserted rows a change's event names, by resource.
RESOURCE_TABLES = {
    audit.APPOINTMENT: "appointments",
    audit.CLIENT: "clients",
    audit.PROVIDER: "providers",
    audit.TIME_OFF: "date_overrides",
    audit.API_KEY: "api_keys",
    audit.WEBHOOK: "webhook_endpoints",
}
_NEWEST_FIRST = (audit_events.c.occurred_at.desc(), audit_events.c.id.desc())


def side_url(url: str) -> str | None:
    """SQLite: the audit file beside the database file (``x.sqlite3`` -> ``x-audit.sqlite3``)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url:
        return None
    path = url[len(prefix) :]
    stem, dot, extension = path.rpartition(".")
    if not dot or "/" in extension:
        return f"{url}-audit"
    return f"{prefix}{stem}-audit.{extension}"


def event_query(event: AuditEvent) -> Query:
    return Query(INSERT_EVENT, _values(event))


def _values(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at,
        "key_id": event.key_id,
        "request_id": event.request_id,
        "operation_id": event.operation_id,
        "resource": event.resource,
        "resource_ids": " ".join(str(i) for i in event.resource_ids),
        "outcome": event.outcome,
        "status": event.status,
    }


def _event(row: Row[Any]) -> AuditEvent:
    return AuditEvent(
        occurred_at=row.occurred_at,
        key_id=row.key_id,
        request_id=row.request_id,
        operation_id=row.operation_id,
        resource=row.resource,
        resource_ids=tuple(int(i) for i in row.resource_ids.split()),
        outcome=row.outcome,
        status=row.status,
    )


def _matching(query: AuditQuery) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = true()
    c = audit_events.c
    if query.key_id is not None:
        condition &= c.key_id == query.key_id
    if query.resource is not None:
        condition &= c.resource == query.resource
    if query.since is not None:
        condition &= c.occurred_at >= query.since
    if query.until is not None:
        condition &= c.occurred_at < query.until
    return condition


class SqlAuditLog(AuditLog):
    """Appends to ``writer`` (one statement, its own transaction); lists ``sources`` merged."""

    def __init__(self, writer: Engine, sources: Sequence[Engine], ready: bool) -> None:
        self._writer = writer
        self._sources = list(sources)
        self._ready = ready  # the main database's table: Alembic made it
        self._held = HeldConnection(writer)

    def append(self, event: AuditEvent) -> None:
        """One autocommitted INSERT (the writer's engine commits each statement), on a
        connection each thread keeps: a checkout from the pool would cost a third as much
        again as the INSERT (docs/DECISIONS.md, "Audit trail")."""
        self._ensure_table()
        with translated():
            prepared.execute(self._held.get(), APPEND, _values(event))

    def page(self, query: AuditQuery, offset: int, limit: int) -> tuple[list[AuditEvent], int]:
        self._ensure_table()
        condition = _matching(query)
        listed = select(audit_events).where(condition).order_by(*_NEWEST_FIRST)
        counted = select(func.count()).select_from(audit_events).where(condition)
        if len(self._sources) == 1:
            rows, total = self._read(self._sources[0], listed.offset(offset).limit(limit), counted)
            return [_event(row) for row in rows], total
        return self._merged(listed, counted, offset, limit)

    def _merged(
        self, listed: Select[Any], counted: Select[Any], offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        """Each file's first ``offset + limit`` events, merged newest first."""
        found = [
            self._read(engine, listed.limit(offset + limit), counted) for engine in self._sources
        ]
        newest = heapq.merge(
            *([_event(row) for row in rows] for rows, _ in found),
            key=lambda event: event.occurred_at,
            reverse=True,
        )
        events = list(newest)[offset : offset + limit]
        return events, sum(total for _, total in found)

    def _read(
        self, engine: Engine, listed: Select[Any], counted: Select[Any]
    ) -> tuple[Sequence[Row[Any]], int]:
        with translated(), engine.connect() as connection:
            return connection.execute(listed).all(), int(connection.execute(counted).scalar_one())

    def dispose(self) -> None:
        """Close this thread's kept connection and the pooled ones of every engine."""
        self._held.close()
        for engine in {id(e): e for e in (self._writer, *self._sources)}.values():
            engine.dispose()

    def _ensure_table(self) -> None:
        """The SQLite audit file's one table, made on first use (docs/DECISIONS.md); ``IF NOT
        EXISTS``, as several workers may make it at once."""
        if self._ready:
            return
        with translated(), self._writer.begin() as connection:
            connection.execute(CreateTable(audit_events, if_not_exists=True))
            for index in audit_events.indexes:
                connection.execute(CreateIndex(index, if_not_exists=True))
        self._ready = True
