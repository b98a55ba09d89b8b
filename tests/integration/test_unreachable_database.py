"""A database that cannot be reached is reported quickly as StoreUnavailable, never a hang."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.sqlalchemy import Database
from adapters.sqlalchemy import database as database_module
from adapters.sqlalchemy.database import make_engine
from domain.errors import StoreUnavailable
from domain.model import Provider
from domain.use_cases import booking
from tests.integration.support import FixedClock, at

UNREACHABLE = [
    pytest.param("postgresql://postgres@127.0.0.1:1/x", id="postgresql-dead-port"),
    pytest.param("sqlite:////nonexistent-directory/scheduling.sqlite3", id="sqlite-no-directory"),
]
QUICKLY_S = 5


@pytest.fixture(params=UNREACHABLE)
def unreachable(request: pytest.FixtureRequest) -> Iterator[Database]:
    database = Database(request.param)
    yield database
    database.dispose()


def test_ping_answers_false_quickly(unreachable: Database) -> None:
    started = time.monotonic()
    assert unreachable.ping() is False
    assert time.monotonic() - started < QUICKLY_S


def test_a_unit_of_work_raises_store_unavailable_quickly(unreachable: Database) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        booking.book(unreachable.unit_of_work(), FixedClock(), 1, 1, at(7, 10), at(7, 11))
    assert time.monotonic() - started < QUICKLY_S
    assert "unavailable" in str(raised.value)
    assert "127.0.0.1" not in str(raised.value) and "sqlite" not in str(raised.value)


ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url",
    [pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


def _kill_other_backends(database_url: str) -> int:
    """Terminate every other session on the test database, as a crash would; how many."""
    killer = make_engine(database_url)
    others = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    try:
        with killer.connect() as connection:
            return int(connection.execute(text(others)).scalar_one())
    finally:
        killer.dispose()


@ONLY_POSTGRES
def test_a_pooled_connection_that_died_while_idle_is_replaced_unnoticed(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "IDLE_BEFORE_PING_S", 0.0)  # idle long enough
    with database.unit_of_work() as uow:
        uow.providers.add(Provider("Before"))
        uow.commit()
    assert _kill_other_backends(database_url) >= 1
    with database.unit_of_work() as uow:
        assert [p.name for p in uow.providers.list(0, 10)[0]] == ["Before"]


@ONLY_POSTGRES
def test_a_connection_in_steady_use_that_died_fails_once_then_the_pool_reconnects(
    database: Database, database_url: str
) -> None:
    with database.unit_of_work() as uow:
        uow.providers.add(Provider("Before"))
        uow.commit()
    assert _kill_other_backends(database_url) >= 1
    with pytest.raises(StoreUnavailable), database.unit_of_work() as uow:
        uow.providers.list(0, 10)
    with database.unit_of_work() as uow:
        assert [p.name for p in uow.providers.list(0, 10)[0]] == ["Before"]


@ONLY_POSTGRES
def test_a_hot_read_on_a_dead_connection_fails_once_then_the_pool_reconnects(
    database: Database, database_url: str
) -> None:
    """The listing's read runs on the driver's cursor (adapters/sqlalchemy/prepared.py): a
    dead connection is still a StoreUnavailable, and invalidated so the pool replaces it."""
    with database.unit_of_work() as uow:
        provider = uow.providers.add(Provider("Before"))
        uow.commit()
    assert provider.id is not None
    week = (datetime(2030, 1, 7, tzinfo=UTC), datetime(2030, 1, 14, tzinfo=UTC))
    assert _kill_other_backends(database_url) >= 1
    with pytest.raises(StoreUnavailable), database.unit_of_work() as uow:
        uow.appointments.provider_with_booked(provider.id, *week)
    with database.unit_of_work() as uow:
        found = uow.appointments.provider_with_booked(provider.id, *week)
    assert found is not None and found[0].name == "Before" and found[1] == []


@ONLY_POSTGRES
def test_a_connection_lost_mid_unit_is_store_unavailable_and_leaves_nothing(
    database: Database, database_url: str
) -> None:
    with pytest.raises(StoreUnavailable), database.unit_of_work() as uow:
        uow.providers.add(Provider("Half-written"))
        assert _kill_other_backends(database_url) >= 1
        uow.providers.add(Provider("Never written"))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.providers.list(0, 10) == ([], 0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_sqlite_file_that_appears_is_used_from_then_on(database_url: str, tmp_path: Path) -> None:
    later = tmp_path / "later" / "scheduling.sqlite3"
    database = Database(f"sqlite:///{later}")
    try:
        assert database.ping() is False
        later.parent.mkdir()
        shutil.copyfile(database_url.removeprefix("sqlite:///"), later)
        with database.unit_of_work() as uow:
            assert uow.providers.list(0, 1) == ([], 0)
    finally:
        database.dispose()
