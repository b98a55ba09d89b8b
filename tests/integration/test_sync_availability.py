"""Syncing availability from a feed into the database: idempotent, exact, all or nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.sqlalchemy import Database
from domain import errors
from domain.model import Provider
from domain.use_cases.weekly_availability import sync_availability
from domain.windows import SyncReport, WeeklyWindow
from tests.integration.support import StaticFeed, slot, window


def _provider(database: Database) -> int:
    with database.unit_of_work() as uow:
        provider = uow.providers.add(Provider("Dr. Sync"))
        uow.commit()
    assert provider.id is not None
    return provider.id


def _windows(database: Database, provider_id: int) -> list[WeeklyWindow]:
    with database.unit_of_work() as uow:
        found = uow.windows.for_provider(provider_id)
    return sorted(found, key=lambda w: (w.source, w.external_id))


def _schedules(database: Database, provider_id: int) -> list[tuple[str, str, object, object]]:
    return [(w.source, w.external_id, w.start, w.end) for w in _windows(database, provider_id)]


def _feed(provider_id: int) -> StaticFeed:
    return StaticFeed(
        {
            provider_id: [
                slot("morning", provider_id, "monday 09:00", "monday 12:00"),
                slot("overnight", provider_id, "friday 22:00", "saturday 02:00"),
                slot("wrap", provider_id, "sunday 23:00", "monday 01:00"),
            ]
        }
    )


def test_a_first_sync_creates_every_window_and_a_second_changes_nothing(
    database: Database,
) -> None:
    provider_id = _provider(database)
    feed = _feed(provider_id)
    first = sync_availability(database.unit_of_work(), feed, provider_id)
    stored = _windows(database, provider_id)
    second = sync_availability(database.unit_of_work(), feed, provider_id)
    assert first == SyncReport(provider_id, created=3)
    assert second == SyncReport(provider_id, unchanged=3)
    assert not second.changed
    assert _windows(database, provider_id) == stored
    assert [w.external_id for w in stored] == ["morning", "overnight", "wrap"]


def test_a_sync_updates_moved_windows_and_deletes_vanished_ones(database: Database) -> None:
    provider_id = _provider(database)
    feed = _feed(provider_id)
    sync_availability(database.unit_of_work(), feed, provider_id)
    ids_before = {w.external_id: w.id for w in _windows(database, provider_id)}
    feed.slots[provider_id] = [
        slot("morning", provider_id, "monday 08:00", "monday 12:00"),
        slot("wrap", provider_id, "sunday 23:00", "monday 01:00"),
        slot("new", provider_id, "wednesday 14:00", "wednesday 15:00"),
    ]
    report = sync_availability(database.unit_of_work(), feed, provider_id)
    assert report == SyncReport(provider_id, created=1, updated=1, deleted=1, unchanged=1)
    after = {w.external_id: w for w in _windows(database, provider_id)}
    assert sorted(after) == ["morning", "new", "wrap"]
    assert after["morning"].id == ids_before["morning"]
    assert after["morning"].start.minute == 8 * 60


def test_a_bad_feed_changes_nothing(database: Database) -> None:
    provider_id = _provider(database)
    feed = _feed(provider_id)
    sync_availability(database.unit_of_work(), feed, provider_id)
    before = _schedules(database, provider_id)
    feed.slots[provider_id] = [
        slot("morning", provider_id, "monday 10:00", "monday 12:00"),
        slot("broken", provider_id, "someday 10:00", "monday 25:00"),
    ]
    with pytest.raises(errors.FeedError) as raised:
        sync_availability(database.unit_of_work(), feed, provider_id)
    assert len(raised.value.problems) == 2
    assert _schedules(database, provider_id) == before


def test_windows_from_another_source_are_left_alone(database: Database) -> None:
    provider_id = _provider(database)
    manual = replace(window(provider_id, "desk", "tuesday 09:00", "tuesday 10:00"), source="manual")
    with database.unit_of_work() as uow:
        kept = uow.windows.add(manual)
        uow.commit()
    report = sync_availability(database.unit_of_work(), StaticFeed({provider_id: []}), provider_id)
    assert report == SyncReport(provider_id)
    assert _windows(database, provider_id) == [kept]


def test_syncing_an_unknown_provider_is_not_found(database: Database) -> None:
    feed = StaticFeed({404: [slot("a", 404, "monday 09:00", "monday 10:00")]})
    with pytest.raises(errors.ProviderNotFound):
        sync_availability(database.unit_of_work(), feed, 404)
