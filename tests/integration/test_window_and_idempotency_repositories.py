"""Weekly windows and idempotency records round-trip, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.sqlalchemy import Database
from domain.errors import Conflict
from domain.model import Appointment, IdempotencyRecord, Provider
from tests.integration.support import NOW, at, open_practice, window


def _two_providers(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as uow:
        first = uow.providers.add(Provider("First"))
        second = uow.providers.add(Provider("Second"))
        uow.commit()
    assert first.id is not None and second.id is not None
    return first.id, second.id


def test_windows_come_back_for_their_provider_only(database: Database) -> None:
    first, second = _two_providers(database)
    wrapping = window(first, "weekend", "sunday 22:00", "monday 02:00")
    with database.unit_of_work() as uow:
        stored = [
            uow.windows.add(wrapping),
            uow.windows.add(window(first, "late", "monday 23:30", "tuesday 00:15")),
        ]
        uow.windows.add(window(second, "late", "friday 09:00", "friday 10:00"))
        uow.commit()
    with database.unit_of_work() as uow:
        found = uow.windows.for_provider(first)
    assert sorted(found, key=lambda w: w.external_id) == sorted(stored, key=lambda w: w.external_id)
    assert next(w for w in found if w.external_id == "weekend").length_minutes == 240


def test_an_updated_window_is_stored_and_a_deleted_one_is_gone(database: Database) -> None:
    provider_id, _ = _two_providers(database)
    with database.unit_of_work() as uow:
        kept = uow.windows.add(window(provider_id, "a", "monday 09:00", "monday 10:00"))
        dropped = uow.windows.add(window(provider_id, "b", "tuesday 09:00", "tuesday 10:00"))
        uow.commit()
    moved = replace(window(provider_id, "a", "wednesday 13:00", "wednesday 15:30"), id=kept.id)
    with database.unit_of_work() as uow:
        uow.windows.update(moved)
        uow.windows.delete(dropped)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.windows.for_provider(provider_id) == [moved]


def test_a_second_window_with_the_same_source_and_id_is_a_conflict(database: Database) -> None:
    provider_id, other_id = _two_providers(database)
    with database.unit_of_work() as uow:
        uow.windows.add(window(provider_id, "a", "monday 09:00", "monday 10:00"))
        uow.windows.add(window(other_id, "a", "monday 09:00", "monday 10:00"))
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(Conflict):
        uow.windows.add(window(provider_id, "a", "friday 09:00", "friday 10:00"))


def test_an_idempotency_record_comes_back_and_a_later_put_replaces_it(database: Database) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        first, second = (
            uow.appointments.add(
                Appointment(
                    practice.client_id, practice.provider_id, start, start + timedelta(hours=1), NOW
                )
            )
            for start in (at(7, 9), at(7, 10))
        )
        uow.idempotency.put(IdempotencyRecord("key-1", "print-1", first.id or 0, NOW))
        uow.commit()
    replacement = IdempotencyRecord("key-1", "print-2", second.id or 0, NOW + timedelta(hours=25))
    with database.unit_of_work() as uow:
        assert uow.idempotency.get("key-1") == IdempotencyRecord(
            "key-1", "print-1", first.id or 0, NOW
        )
        uow.idempotency.put(replacement)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.idempotency.get("key-1") == replacement
        assert uow.idempotency.get("key-2") is None
