"""Cached windows and overrides are never stale, across units and across processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from adapters.sqlalchemy import Database
from domain.model import DateOverride
from domain.use_cases.availability import free_windows
from domain.use_cases.time_off import add_override, delete_override
from domain.use_cases.weekly_availability import sync_availability
from tests.integration.support import FixedClock, StaticFeed, at, open_practice, slot

MONDAY = (at(7, 0), at(8, 0))


@pytest.fixture
def other_worker(database_url: str) -> Iterator[Database]:
    """A second Database on the same store: another worker process, with its own cache."""
    other = Database(database_url)
    yield other
    other.dispose()


def free(database: Database, provider_id: int) -> list[tuple[int, int]]:
    found = free_windows(database.unit_of_work(), FixedClock(at(1, 0)), provider_id, *MONDAY)
    return [(w.start.hour, w.end.hour) for w in found]


def test_a_sync_through_one_worker_is_seen_by_the_next_request_on_another(
    database: Database, other_worker: Database
) -> None:
    practice = open_practice(database)
    assert free(other_worker, practice.provider_id) == [(9, 17)]  # now cached there
    feed = StaticFeed(
        {practice.provider_id: [slot("m", practice.provider_id, "monday 10:00", "monday 12:00")]}
    )
    sync_availability(database.unit_of_work(), feed, practice.provider_id)
    assert free(other_worker, practice.provider_id) == [(10, 12)]
    assert free(database, practice.provider_id) == [(10, 12)]


def test_time_off_added_and_removed_elsewhere_is_seen_at_once(
    database: Database, other_worker: Database
) -> None:
    practice = open_practice(database)
    assert free(other_worker, practice.provider_id) == [(9, 17)]
    block, _ = add_override(
        database.unit_of_work(), DateOverride(practice.provider_id, at(7, 12), at(7, 13))
    )
    assert free(other_worker, practice.provider_id) == [(9, 12), (13, 17)]
    assert block.id is not None
    delete_override(database.unit_of_work(), practice.provider_id, block.id)
    assert free(other_worker, practice.provider_id) == [(9, 17)]


def test_repeated_reads_are_served_from_the_cache_without_querying_windows(
    database: Database,
) -> None:
    practice = open_practice(database)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    free(database, practice.provider_id)
    event.listen(database.engine, "before_cursor_execute", record)
    try:
        assert free(database, practice.provider_id) == [(9, 17)]
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert not any("FROM weekly_windows" in s or "FROM date_overrides" in s for s in statements)
    assert any("FROM appointments" in s for s in statements)


def test_a_rolled_back_change_never_reaches_the_cache(database: Database) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        provider = uow.providers.get(practice.provider_id)
        assert provider is not None
        for window in uow.windows.for_provider(practice.provider_id):
            uow.windows.delete(window)
        assert uow.windows.for_provider(practice.provider_id) == []
        # no commit: rolled back on exit
    assert free(database, practice.provider_id) == [(9, 17)]
