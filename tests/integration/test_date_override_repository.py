"""Dated overrides (time off, extra time) round-trip and are found by overlap, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from adapters.sqlalchemy import Database
from domain.errors import InvalidRequest
from domain.model import DateOverride, OverrideKind, Provider
from tests.integration.support import at, open_practice


def _store(database: Database, *overrides: DateOverride) -> list[DateOverride]:
    with database.unit_of_work() as uow:
        stored = [uow.overrides.add(o) for o in overrides]
        uow.commit()
    return stored


def _day_off(provider_id: int, day: int, start: int = 0, end: int = 24) -> DateOverride:
    ends_at = at(day, 0) + timedelta(hours=end)
    return DateOverride(provider_id, at(day, start), ends_at, reason=f"day {day}")


def test_an_override_comes_back_in_utc_as_it_was_stored(database: Database) -> None:
    practice = open_practice(database)
    tokyo = timezone(timedelta(hours=9))
    extra = DateOverride(
        practice.provider_id,
        at(12, 10).astimezone(tokyo),
        at(12, 14).astimezone(tokyo),
        OverrideKind.AVAILABLE,
        reason="Saturday clinic",
    )
    [stored] = _store(database, extra)
    with database.unit_of_work() as uow:
        found = uow.overrides.get(stored.id or 0)
    assert found == stored
    assert found is not None and found.id is not None
    assert (found.starts_at, found.ends_at) == (at(12, 10), at(12, 14))
    assert found.starts_at.tzinfo is UTC and found.ends_at.tzinfo is UTC
    assert (found.kind, found.reason) == (OverrideKind.AVAILABLE, "Saturday clinic")


def test_an_override_without_a_reason_is_time_off(database: Database) -> None:
    practice = open_practice(database)
    [stored] = _store(database, DateOverride(practice.provider_id, at(8, 9), at(8, 12)))
    with database.unit_of_work() as uow:
        found = uow.overrides.get(stored.id or 0)
    assert found is not None
    assert (found.kind, found.reason) == (OverrideKind.UNAVAILABLE, None)


def test_a_deleted_override_is_gone_and_others_stay(database: Database) -> None:
    practice = open_practice(database)
    gone, kept = _store(
        database, _day_off(practice.provider_id, 8), _day_off(practice.provider_id, 9)
    )
    with database.unit_of_work() as uow:
        uow.overrides.delete(gone)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.overrides.get(gone.id or 0) is None
        assert uow.overrides.for_provider(practice.provider_id) == [kept]


def test_overrides_touching_a_range_do_not_overlap_it(database: Database) -> None:
    practice = open_practice(database)
    pid = practice.provider_id
    before, inside, after = _store(
        database,
        _day_off(pid, 8, 6, 10),  # ends as the range starts
        _day_off(pid, 8, 11, 12),
        _day_off(pid, 8, 14, 16),  # starts as the range ends
    )
    with database.unit_of_work() as uow:
        assert uow.overrides.for_provider(pid, at(8, 10), at(8, 14)) == [inside]
        assert uow.overrides.for_provider(pid, at(8, 9, 59), at(8, 14, 1)) == [
            before,
            inside,
            after,
        ]


def test_a_long_override_that_began_long_before_a_range_is_found(database: Database) -> None:
    """Overrides have no maximum length, unlike appointments: a month off still counts."""
    practice = open_practice(database)
    [month_off] = _store(database, DateOverride(practice.provider_id, at(1, 0), at(31, 0)))
    with database.unit_of_work() as uow:
        assert uow.overrides.for_provider(practice.provider_id, at(20, 9), at(20, 10)) == [
            month_off
        ]


def test_missing_bounds_leave_that_side_open(database: Database) -> None:
    practice = open_practice(database)
    pid = practice.provider_id
    early, middle, late = _store(database, _day_off(pid, 3), _day_off(pid, 10), _day_off(pid, 20))
    with database.unit_of_work() as uow:
        assert uow.overrides.for_provider(pid) == [early, middle, late]
        assert uow.overrides.for_provider(pid, lower=at(10, 12)) == [middle, late]
        assert uow.overrides.for_provider(pid, upper=at(10, 12)) == [early, middle]
        assert uow.overrides.for_provider(pid, lower=at(4, 0), upper=at(10, 0)) == []


def test_overrides_are_ordered_by_start_then_id_and_kept_to_their_provider(
    database: Database,
) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        other = uow.providers.add(Provider("Dr. Other"))
        uow.commit()
    pid = practice.provider_id
    late, other_s, early, same_start = _store(
        database,
        _day_off(pid, 9, 12, 13),
        _day_off(other.id or 0, 9, 8, 18),
        _day_off(pid, 9, 9, 10),
        DateOverride(pid, at(9, 12), at(9, 18), OverrideKind.AVAILABLE),
    )
    with database.unit_of_work() as uow:
        assert uow.overrides.for_provider(pid, at(9, 0), at(10, 0)) == [early, late, same_start]
        assert uow.overrides.for_provider(other.id or 0) == [other_s]


def test_a_time_off_reason_longer_than_500_characters_never_reaches_the_store(
    database: Database,
) -> None:
    practice = open_practice(database)
    with pytest.raises(InvalidRequest, match="500"):
        DateOverride(practice.provider_id, at(8, 9), at(8, 10), reason="x" * 501)
    with database.unit_of_work() as uow:
        assert uow.overrides.for_provider(practice.provider_id) == []


def test_overrides_far_from_now_are_stored(database: Database) -> None:
    practice = open_practice(database)
    first = datetime(1970, 1, 1, tzinfo=UTC)
    last = datetime(9998, 12, 31, tzinfo=UTC)
    [ancient, distant] = _store(
        database,
        DateOverride(practice.provider_id, first, first + timedelta(days=1)),
        DateOverride(practice.provider_id, last, last + timedelta(hours=1)),
    )
    with database.unit_of_work() as uow:
        assert uow.overrides.for_provider(practice.provider_id) == [ancient, distant]
