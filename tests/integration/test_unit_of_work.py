"""The unit of work: one transaction, rolled back unless committed; writers serialize."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from adapters.sqlalchemy import Database
from adapters.sqlalchemy import database as database_module
from domain.errors import StoreUnavailable
from domain.model import Client, Provider
from tests.integration.support import at, open_practice


def _providers(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        return [p.name for p in uow.providers.list(0, 100)[0]]


def test_changes_not_committed_are_rolled_back(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.providers.add(Provider("Forgotten"))
    assert _providers(database) == []


def test_changes_are_rolled_back_when_the_block_raises(database: Database) -> None:
    with pytest.raises(LookupError), database.unit_of_work() as uow:
        uow.providers.add(Provider("Doomed"))
        raise LookupError("something went wrong before the commit")
    assert _providers(database) == []


def test_committed_changes_stay_and_later_ones_roll_back(database: Database) -> None:
    with pytest.raises(LookupError), database.unit_of_work() as uow:
        uow.providers.add(Provider("Kept"))
        uow.commit()
        uow.providers.add(Provider("Dropped"))
        raise LookupError("after the commit")
    assert _providers(database) == ["Kept"]


def test_an_explicit_rollback_discards_and_the_unit_goes_on(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.clients.add(Client("Gone", "gone@example.com"))
        uow.rollback()
        uow.clients.add(Client("Here", "here@example.com"))
        uow.commit()
    with database.unit_of_work() as uow:
        assert [c.name for c in uow.clients.list(0, 10)[0]] == ["Here"]


def test_a_unit_can_be_entered_again_once_closed(database: Database) -> None:
    uow = database.unit_of_work()
    for name in ("One", "Two"):
        with uow:
            uow.providers.add(Provider(name))
            uow.commit()
    assert _providers(database) == ["One", "Two"]


def test_repositories_refuse_to_run_outside_their_unit(database: Database) -> None:
    uow = database.unit_of_work()
    with pytest.raises(RuntimeError, match="not open"):
        uow.providers.get(1)
    with uow, pytest.raises(RuntimeError, match="already open"), uow:
        pass


def test_a_second_unit_locking_the_same_schedules_waits_for_the_first(
    database: Database,
) -> None:
    practice = open_practice(database)
    events: list[str] = []

    def second_booking() -> None:
        with database.unit_of_work() as uow:
            uow.lock_schedules(practice.provider_id, practice.client_id)
            events.append("second locked")

    with database.unit_of_work() as first:
        first.lock_schedules(practice.provider_id, practice.client_id)
        thread = threading.Thread(target=second_booking)
        thread.start()
        time.sleep(0.3)
        events.append("first done")
    thread.join(timeout=10)
    assert events == ["first done", "second locked"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_the_schedules_must_be_locked_before_any_query(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.providers.get(1)
        with pytest.raises(RuntimeError, match="before any query"):
            uow.lock_schedules(1, 1)


def test_the_write_lock_must_be_taken_before_any_query(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.providers.get(1)
        with pytest.raises(RuntimeError, match="before any query"):
            uow.lock_for_writing()


def test_schedules_can_be_locked_after_reads_made_under_the_write_lock(
    database: Database,
) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        uow.lock_for_writing()
        uow.lock_for_writing()  # a no-op the second time
        assert uow.providers.get(practice.provider_id) is not None
        uow.lock_schedules(practice.provider_id, practice.client_id)
        uow.providers.add(Provider("Locked in"))
        uow.commit()
    assert _providers(database) == ["Dr. Ada", "Locked in"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_unit_locked_for_writing_makes_another_writer_wait(
    database: Database,
) -> None:
    events: list[str] = []

    def second_writer() -> None:
        with database.unit_of_work() as uow:
            uow.lock_for_writing()
            events.append("second locked")
            uow.providers.add(Provider("Second"))
            uow.commit()

    with database.unit_of_work() as first:
        first.lock_for_writing()
        assert first.providers.list(0, 10) == ([], 0)
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.3)
        first.providers.add(Provider("First"))
        first.commit()
        events.append("first done")
    thread.join(timeout=10)
    assert events == ["first done", "second locked"]
    assert _providers(database) == ["First", "Second"]


def test_reads_before_the_first_write_hold_no_snapshot_so_the_write_still_goes_through(
    database: Database,
) -> None:
    """Reads before a unit's first write autocommit (docs/DECISIONS.md, "Read-only units
    without a transaction"): a writer committing in between neither fails nor blocks it."""
    with database.unit_of_work() as reader:
        assert reader.providers.list(0, 10) == ([], 0)
        with database.unit_of_work() as writer:
            writer.providers.add(Provider("Meanwhile"))
            writer.commit()
        assert reader.providers.list(0, 10)[1] == 1  # a fresh read sees the commit
        reader.providers.add(Provider("Later"))
        reader.commit()
    assert _providers(database) == ["Meanwhile", "Later"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_read_only_unit_sends_no_begin_and_a_writing_one_does(
    database: Database,
) -> None:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with database.unit_of_work() as uow:
            uow.providers.list(0, 10)
            uow.providers.get(1)
        read_only, statements[:] = list(statements), []
        with database.unit_of_work() as uow:
            uow.providers.get(1)
            uow.providers.add(Provider("Written"))
            uow.commit()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert read_only and not any(s.startswith("BEGIN") for s in read_only)
    begins = [i for i, s in enumerate(statements) if s.startswith("BEGIN")]
    inserts = [i for i, s in enumerate(statements) if s.startswith("INSERT")]
    assert len(begins) == 1 and begins[0] < inserts[0]  # the write, not the read, began it
    assert _providers(database) == ["Written"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_the_write_lock_ends_with_its_transaction(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    first, second = Database(database_url), Database(database_url)
    try:
        with first.unit_of_work() as uow:
            uow.lock_for_writing()
            uow.providers.add(Provider("Committed"))
            uow.commit()
            assert uow.providers.list(0, 10)[1] == 1  # a new, read-only transaction
            with second.unit_of_work() as other:
                other.lock_for_writing()  # would time out if the first still held the lock
                other.providers.add(Provider("Not kept waiting"))
                other.commit()
        assert _providers(first) == ["Committed", "Not kept waiting"]
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("lock", "arguments"), [("lock_for_writing", ()), ("lock_schedules", (1, 1))]
)
def test_on_sqlite_a_writer_kept_waiting_too_long_gets_store_unavailable(
    database_url: str, monkeypatch: pytest.MonkeyPatch, lock: str, arguments: tuple[int, ...]
) -> None:
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    holder, waiter = Database(database_url), Database(database_url)
    try:
        with holder.unit_of_work() as first:
            first.lock_for_writing()
            started = time.monotonic()
            with pytest.raises(StoreUnavailable), waiter.unit_of_work() as second:
                getattr(second, lock)(*arguments)
            assert 0.15 < time.monotonic() - started < 5
        with waiter.unit_of_work() as second:
            getattr(second, lock)(*arguments)
            assert second.providers.list(0, 1) == ([], 0)
    finally:
        holder.dispose()
        waiter.dispose()


def test_reads_before_a_write_do_not_stop_the_write_from_rolling_back(
    database: Database,
) -> None:
    with database.unit_of_work() as uow:
        assert uow.providers.get(1) is None  # on PostgreSQL this read autocommits
        uow.providers.add(Provider("Written, never committed"))
        assert uow.providers.list(0, 10)[1] == 1
    with database.unit_of_work() as uow:
        assert uow.providers.list(0, 10) == ([], 0)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgres_reads_run_outside_a_transaction_until_the_unit_writes(
    database: Database,
) -> None:
    def server_transaction_open(uow: Any) -> bool:
        driver = uow._gateway.connection.connection.driver_connection
        return bool(driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    with database.unit_of_work() as uow:
        uow.providers.get(1)
        uow.appointments.scheduled_for_provider(1, at(7, 0), at(8, 0))
        assert not server_transaction_open(uow)  # no BEGIN sent, so no ROLLBACK needed
        uow.providers.add(Provider("Writes begin a transaction"))
        assert server_transaction_open(uow)
    with database.unit_of_work() as uow:
        uow.lock_for_writing()
        uow.providers.get(1)
        assert server_transaction_open(uow)
