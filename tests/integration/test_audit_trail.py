"""A change and its audit event commit together or not at all (docs/DECISIONS.md,
"Audit trail"); the edge's events are appended apart, on SQLite in the audit file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from adapters.sqlalchemy import Database
from adapters.sqlalchemy import unit_of_work as unit_module
from adapters.sqlalchemy.audit import side_url
from adapters.sqlalchemy.queries import Query
from adapters.sqlalchemy.tables import appointments, audit_events, clients
from domain.audit import AuditContext, AuditEvent, AuditQuery
from domain.errors import StoreUnavailable
from domain.model import Client
from domain.use_cases import booking, directory
from tests.integration.support import FixedClock, at, open_practice


def context(operation: str = "createClient", resource: str = "client") -> AuditContext:
    return AuditContext(7, "req-1", operation, resource, (), 201)


def _count(database: Database, table: Any) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _events(database: Database) -> list[AuditEvent]:
    return database.audit_log().page(AuditQuery(), 0, 1000)[0]


def test_a_committed_change_carries_its_event_with_the_ids_it_inserted(
    database: Database,
) -> None:
    audit = context()
    created = directory.create_client(
        database.unit_of_work(audit=audit), Client("Ada", "ada@example.com")
    )
    (event,) = _events(database)
    assert (event.operation_id, event.resource, event.resource_ids) == (
        "createClient",
        "client",
        (created.id,),
    )
    assert (event.key_id, event.request_id, event.outcome, event.status) == (7, "req-1", "ok", 201)
    assert audit.recorded


def test_a_change_whose_event_cannot_be_written_is_not_committed(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Query(unit_module.event_query(_an_event()).statement, {"operation_id": None})
    monkeypatch.setattr(unit_module, "event_query", lambda _event: broken)
    audit = context()
    with pytest.raises(Exception):  # noqa: B017 (the NOT NULL violation, whichever class)
        directory.create_client(database.unit_of_work(audit=audit), Client("Bo", "bo@example.com"))
    assert (_count(database, clients), _count(database, audit_events)) == (0, 0)
    assert not audit.recorded


def test_a_commit_that_fails_leaves_neither_the_change_nor_its_event(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_self: Connection) -> None:
        raise StoreUnavailable("the commit was lost")

    audit = context()
    monkeypatch.setattr(Connection, "commit", refuse)
    with pytest.raises(StoreUnavailable):
        directory.create_client(database.unit_of_work(audit=audit), Client("Cy", "cy@example.com"))
    monkeypatch.undo()
    assert (_count(database, clients), _count(database, audit_events)) == (0, 0)
    assert not audit.recorded


def test_every_committed_booking_has_exactly_one_event_naming_it(database: Database) -> None:
    practice = open_practice(database)
    clock = FixedClock()
    for hour in range(9, 17):
        audit = context("bookAppointment", "appointment")
        booking.book(
            database.unit_of_work(audit=audit),
            clock,
            practice.client_id,
            practice.provider_id,
            at(8, hour),
            at(8, hour, 30),
        )
    with database.engine.connect() as connection:
        booked = {row.id for row in connection.execute(select(appointments.c.id))}
    named = [event.resource_ids for event in _events(database)]
    assert len(booked) == 8 and sorted(named) == sorted((i,) for i in booked)


def test_a_unit_that_only_reads_writes_no_event(database: Database) -> None:
    practice = open_practice(database)
    audit = context("getClient")
    directory.get_client(database.unit_of_work(audit=audit), practice.client_id)
    assert _events(database) == [] and not audit.recorded


def test_a_request_whose_change_was_recorded_gets_no_second_event_from_another_unit(
    database: Database,
) -> None:
    audit = context()
    directory.create_client(database.unit_of_work(audit=audit), Client("Di", "di@example.com"))
    directory.create_client(database.unit_of_work(audit=audit), Client("Ed", "ed@example.com"))
    assert len(_events(database)) == 1


def _an_event(at_: datetime | None = None, **fields: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "occurred_at": at_ or datetime.now(UTC),
        "key_id": 3,
        "request_id": "r",
        "operation_id": "getClient",
        "resource": "client",
        "resource_ids": (4,),
        "outcome": "ok",
        "status": 200,
        **fields,
    }
    return AuditEvent(**values)


def test_appended_events_list_newest_first_merged_with_the_changes_events(
    database: Database,
) -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    for minutes in (0, 20, 40):
        database.audit_log().append(_an_event(start + timedelta(minutes=minutes)))
    directory.create_client(database.unit_of_work(audit=context()), Client("Fa", "fa@x.org"))
    log = database.audit_log()
    events, total = log.page(AuditQuery(), 0, 10)
    assert total == 4 and events[0].operation_id == "createClient"
    assert [e.occurred_at for e in events[1:]] == [
        start + timedelta(minutes=m) for m in (40, 20, 0)
    ]
    window = AuditQuery(since=start + timedelta(minutes=10), until=start + timedelta(minutes=40))
    assert [e.occurred_at for e in log.page(window, 0, 10)[0]] == [start + timedelta(minutes=20)]
    assert log.page(AuditQuery(), 1, 2) == (events[1:3], 4)
    assert log.page(AuditQuery(key_id=7), 0, 10)[1] == 1
    assert log.page(AuditQuery(resource="appointment"), 0, 10) == ([], 0)


@pytest.mark.only_on("sqlite")
def test_on_sqlite_the_edge_writes_to_the_audit_file_beside_the_database(
    database: Database,
) -> None:
    database.audit_log().append(_an_event())
    assert _count(database, audit_events) == 0
    assert database.audit_engine is not None
    with database.audit_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit_events)).scalar_one() == 1
    assert side_url("sqlite:////srv/db/scheduling.sqlite3") == (
        "sqlite:////srv/db/scheduling-audit.sqlite3"
    )
