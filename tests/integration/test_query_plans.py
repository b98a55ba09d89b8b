"""The hot queries are bounded index range scans (docs/QUERY_PLANS.md).

Appointment searches are bounded on both sides; overrides, which have no maximum length,
by the provider and the range's end.

The statements explained are the repositories' own (adapters/sqlalchemy/queries.py), run
with EXPLAIN in front, over a few thousand analyzed rows so the planner chooses freely.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, event, insert, text

from adapters.sqlalchemy import Database, queries
from adapters.sqlalchemy.deliveries import due_query
from adapters.sqlalchemy.prepared import Prepared
from adapters.sqlalchemy.tables import (
    appointments,
    clients,
    date_overrides,
    providers,
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
    weekly_windows,
)
from tests.integration.support import NOW, at

HALF_HOUR = timedelta(minutes=30)
PROVIDERS, WINDOWS, APPOINTMENTS, OVERRIDES = 1000, 10, 4000, 5
#: Appointments of every provider, one a fortnight, so a week holds about 1% of the table.
SPREAD = 30
#: Providers named in the explained roster search (the benchmark's second roster search).
ROSTER = 100


def _populate(connection: Connection) -> None:
    """1,000 providers with 10 windows, 5 days off and a client each; 4,000 appointments
    among 20 of them, and 30 of each provider's, a fortnight apart."""
    people = [{"id": n, "name": f"P{n}"} for n in range(1, PROVIDERS + 1)]
    connection.execute(
        insert(providers), [{**p, "timezone": "UTC", "accepts_new_clients": True} for p in people]
    )
    connection.execute(insert(clients), [{**p, "email": f"c{p['id']}@example.com"} for p in people])
    connection.execute(
        insert(weekly_windows), [_window(p, n) for p in people for n in range(WINDOWS)]
    )
    connection.execute(
        insert(date_overrides), [_day_off(p, n) for p in people for n in range(OVERRIDES)]
    )
    busy = people[:20]
    connection.execute(
        insert(appointments),
        [_appointment(p, n) for p in busy for n in range(APPOINTMENTS // len(busy))],
    )
    connection.execute(insert(appointments), [_spread(p, n) for p in people for n in range(SPREAD)])
    connection.execute(text("ANALYZE"))


def _window(person: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "provider_id": person["id"],
        "source": "calendly",
        "external_id": f"w{n}",
        "start_day": n % 7,
        "start_minute": 60 * n,
        "end_day": n % 7,
        "end_minute": 60 * n + 30,
    }


def _day_off(person: dict[str, Any], n: int) -> dict[str, Any]:
    starts_at = at(1, 0) + timedelta(weeks=n)
    return {
        "provider_id": person["id"],
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(days=1),
        "kind": "unavailable",
    }


def _appointment(person: dict[str, Any], n: int) -> dict[str, Any]:
    starts_at = at(1, 0) + timedelta(hours=3 * n)
    return {
        "client_id": person["id"],
        "provider_id": person["id"],
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "status": "scheduled",
        "created_at": NOW,
    }


def _spread(person: dict[str, Any], n: int) -> dict[str, Any]:
    """Half an hour every other week, at hours the busy providers' appointments leave free."""
    starts_at = at(1, 1 + 3 * (person["id"] % 8), 7) + timedelta(weeks=2 * n)
    return {**_appointment(person, 0), "starts_at": starts_at, "ends_at": starts_at + HALF_HOUR}


@contextmanager
def _explaining(connection: Connection, prefix: str) -> Iterator[None]:
    """Run every statement on ``connection`` as ``prefix`` + the statement."""

    def explain(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> Any:
        return prefix + statement, parameters

    event.listen(connection, "before_cursor_execute", explain, retval=True)
    try:
        yield
    finally:
        event.remove(connection, "before_cursor_execute", explain)


def _plan(connection: Connection, query: queries.Query) -> str:
    sqlite = connection.dialect.name == "sqlite"
    with _explaining(connection, "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "):
        statement = query.statement
        if isinstance(statement, Prepared):  # run on the driver's cursor when served
            statement = statement.statement
        rows = connection.execute(statement, query.params).all()
    return "\n".join(str(row[-1]) for row in rows)


WINDOWS_INDEX = "uq_weekly_windows_provider_id_source_external_id"
#: Query name -> (statement, index it must search, conditions that bound the search).
HOT_QUERIES = {
    "a provider's appointments overlapping a week": (
        queries.provider_appointments(7, at(20, 0), at(27, 0)),
        "ix_appointments_provider_id_starts_at",
        ("provider_id", "starts_at >", "starts_at <"),
    ),
    # The free-time listing's one read: the provider's row, then its appointments' times.
    "a provider's row and its appointments' times overlapping a week": (
        queries.provider_with_booked(7, at(20, 0), at(27, 0)),
        "ix_appointments_provider_id_starts_at",
        ("provider_id", "starts_at >", "starts_at <"),
    ),
    "a client's row and its appointments' times (a booking's one read of its client)": (
        queries.client_with_booked(7, at(20, 0), at(27, 0)),
        "ix_appointments_client_id_starts_at",
        ("client_id", "starts_at >", "starts_at <"),
    ),
    "a client's appointments overlapping a week": (
        queries.client_appointments(7, at(20, 0), at(27, 0)),
        "ix_appointments_client_id_starts_at",
        ("client_id", "starts_at >", "starts_at <"),
    ),
    "a provider's windows": (queries.provider_windows(7), WINDOWS_INDEX, ("provider_id",)),
    # The roster search: every searched provider's appointments in one statement.
    "the roster's appointments overlapping a week": (
        queries.providers_appointments(list(range(1, ROSTER + 1)), at(20, 0), at(27, 0)),
        "ix_appointments_provider_id_starts_at",
        ("provider_id", "starts_at >", "starts_at <"),
    ),
    # The pool choice: bookings of the pool's providers in the slot's week.
    "a pool's bookings in a week": (
        queries.week_counts([3, 5, 7, 11, 13], at(20, 0), at(27, 0)),
        "ix_appointments_provider_id_starts_at",
        ("provider_id", "starts_at >", "starts_at <"),
    ),
    # Overrides have no maximum length: the search is bounded above only.
    "a provider's overrides overlapping a week": (
        queries.provider_overrides(7, at(20, 0), at(27, 0)),
        "ix_date_overrides_provider_id_starts_at",
        ("provider_id", "starts_at <"),
    ),
}
#: SQLite names the index behind a UNIQUE constraint itself.
SQLITE_INDEX_NAMES = {WINDOWS_INDEX: "sqlite_autoindex_weekly_windows_1"}


def _uses_index(plan: str, dialect: str, index: str) -> bool:
    if dialect == "sqlite":
        return f"USING INDEX {SQLITE_INDEX_NAMES.get(index, index)} (" in plan
    return f"Index Scan using {index} " in plan or f"Bitmap Index Scan on {index} " in plan


def test_the_hot_queries_are_index_range_scans(database: Database) -> None:
    dialect = database.engine.dialect.name
    with database.engine.connect() as connection:
        _populate(connection)
        plans = {name: _plan(connection, query[0]) for name, query in HOT_QUERIES.items()}
        connection.rollback()
    for name, (_, index, bounds) in HOT_QUERIES.items():
        plan = plans[name]
        assert _uses_index(plan, dialect, index), f"{name}:\n{plan}"
        assert "Seq Scan" not in plan and "SCAN " not in plan, f"{name}:\n{plan}"
        index_condition = _index_condition(plan, dialect)
        assert all(bound in index_condition for bound in bounds), f"{name}:\n{plan}"


def _index_condition(plan: str, dialect: str) -> str:
    """The conditions the index search itself applies, spaced like PostgreSQL's."""
    if dialect == "sqlite":
        return plan[plan.index(" (") :].replace(">", " >").replace("<", " <")
    return "\n".join(line for line in plan.splitlines() if "Index Cond" in line)


PENDING_DELIVERIES = 2000


def _populate_deliveries(connection: Connection) -> None:
    """One endpoint, and 2,000 pending deliveries all due at the same instant (a backlog)."""
    connection.execute(
        insert(webhook_endpoints),
        {"id": 1, "url": "https://93.184.215.14/h", "events": "[]", "secret": "whsec_x"}
        | {"enabled": True, "created_at": NOW},
    )
    numbers = range(1, PENDING_DELIVERIES + 1)
    connection.execute(
        insert(webhook_events),
        [
            {"id": f"evt_{n}", "type": "appointment.booked", "provider_id": 1, "body": "{}"}
            | {"occurred_at": NOW}
            for n in numbers
        ],
    )
    connection.execute(
        insert(webhook_deliveries),
        [
            {"id": n, "event_id": f"evt_{n}", "endpoint_id": 1, "status": "pending"}
            | {"attempts": 0, "next_attempt_at": NOW}
            for n in numbers
        ],
    )
    connection.execute(text("ANALYZE"))


def test_the_delivery_claim_reads_due_deliveries_in_index_order_without_sorting_them(
    database: Database,
) -> None:
    dialect = database.engine.dialect.name
    with database.engine.connect() as connection:
        _populate_deliveries(connection)
        plan = _plan(connection, due_query(dialect, NOW + timedelta(minutes=1), 32))
        connection.rollback()
    claim_index = "ix_webhook_deliveries_status_next_attempt_at_id"
    assert _uses_index(plan, dialect, claim_index), plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    assert "Seq Scan on webhook_deliveries" not in plan, plan
