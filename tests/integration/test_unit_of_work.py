"""The unit of work: one transaction, rolled back unless committed; bookings serialize."""

from __future__ import annotations

import threading
import time

import pytest

from adapters.sqlalchemy import Database
from adapters.sqlalchemy import database as database_module
from domain.errors import StoreUnavailable
from domain.model import Client, Provider
from tests.integration.support import open_practice


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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_writer_kept_waiting_too_long_gets_store_unavailable(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    holder, waiter = Database(database_url), Database(database_url)
    try:
        with holder.unit_of_work() as first:
            first.lock_schedules(1, 1)
            started = time.monotonic()
            with pytest.raises(StoreUnavailable), waiter.unit_of_work() as second:
                second.lock_schedules(1, 1)
            assert 0.15 < time.monotonic() - started < 5
        with waiter.unit_of_work() as second:
            second.lock_schedules(1, 1)
            assert second.providers.list(0, 1) == ([], 0)
    finally:
        holder.dispose()
        waiter.dispose()
