"""What the benchmark reports about a database: durability settings and query plans.

Both go through the app's own engine (``create_app`` wires it), so they show what the served
app runs with, pragmas set on connect included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event

from adapters.sqlalchemy import Database, queries
from app import create_app
from app.config import Config
from app.services import services

SQLITE_FULL = 2


@dataclass(frozen=True)
class Plan:
    """A statement the endpoints run, its SQL and parameters, and the database's plan."""

    title: str
    sql: str
    parameters: str
    plan: str


@contextmanager
def app_engine(url: str) -> Iterator[Engine]:
    """The engine of an app built by ``create_app`` for ``url``, disposed afterwards."""
    app = create_app(Config(database_url=url))
    with app.app_context():
        database = services().database
        assert isinstance(database, Database)
        try:
            yield database.engine
        finally:
            database.dispose()


def durability(url: str) -> dict[str, str]:
    """SQLite: synchronous (2 = FULL) and journal_mode; PostgreSQL: synchronous_commit, fsync."""
    with app_engine(url) as engine, engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
            level = "FULL" if synchronous == SQLITE_FULL else "not FULL"
            return {
                "PRAGMA synchronous": f"{synchronous} ({level})",
                "PRAGMA journal_mode": str(journal),
            }
        return {
            name: str(connection.exec_driver_sql(f"SHOW {name}").scalar_one())
            for name in ("synchronous_commit", "fsync")
        }


@contextmanager
def _explaining(connection: Connection, prefix: str) -> Iterator[list[tuple[str, Any]]]:
    """Run statements on ``connection`` as ``prefix`` + the statement; record what was sent."""
    sent: list[tuple[str, Any]] = []

    def explain(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> Any:
        sent.append((statement, parameters))
        return prefix + statement, parameters

    event.listen(connection, "before_cursor_execute", explain, retval=True)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", explain)


def _plan(connection: Connection, title: str, query: queries.Query) -> Plan:
    sqlite = connection.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    with _explaining(connection, prefix) as sent:
        rows = connection.execute(query.statement, query.params).all()
    sql, parameters = sent[-1]
    sql = "\n".join(_shortened(line.rstrip()) for line in sql.splitlines())
    plan = "\n".join(_shortened(str(row[-1])) for row in rows)
    return Plan(title, sql, _shortened(repr(parameters)), plan)


def _shortened(text: str, longest: int = 600) -> str:
    """Long lines (a thousand ids) cut in the middle."""
    if len(text) <= longest:
        return text
    return f"{text[: longest // 2]} ... {text[-longest // 2 :]}"


def overlap_plans(
    url: str, owner_id: int, lower: datetime, upper: datetime, providers: int
) -> list[Plan]:
    """Plans of the provider, client and roster overlap queries (adapters/sqlalchemy/queries.py).

    The roster's names every provider, as ``GET /availabilities`` does; its parameters are
    shortened in the report.
    """
    statements = {
        "provider's appointments overlapping the range (GET and POST)": (
            queries.provider_appointments(owner_id, lower, upper)
        ),
        "client's appointments overlapping the range (POST)": (
            queries.client_appointments(owner_id, lower, upper)
        ),
        "every provider's appointments overlapping the range (GET /availabilities)": (
            queries.providers_appointments(range(1, providers + 1), lower, upper)
        ),
    }
    with app_engine(url) as engine, engine.connect() as connection:
        return [_plan(connection, title, query) for title, query in statements.items()]
