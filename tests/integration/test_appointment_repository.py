"""Appointments round-trip in UTC and are found by overlap and by search, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from adapters.sqlalchemy import Database
from domain.errors import AppointmentNotFound, InvalidRequest, TooLong
from domain.model import Appointment, AppointmentStatus, CanceledBy
from domain.ports.appointments import AppointmentSearch
from tests.integration.support import NOW, Practice, at, open_practice

HOUR = timedelta(hours=1)


def _store(database: Database, *appointments: Appointment) -> list[Appointment]:
    with database.unit_of_work() as uow:
        stored = [uow.appointments.add(a) for a in appointments]
        uow.commit()
    return stored


def _booking(practice: Practice, start_day: int, start_hour: int, hours: int = 1) -> Appointment:
    start = at(start_day, start_hour)
    return Appointment(practice.client_id, practice.provider_id, start, start + hours * HOUR, NOW)


def test_an_appointment_comes_back_in_utc_with_aware_datetimes(database: Database) -> None:
    practice = open_practice(database)
    india = timezone(timedelta(hours=5, minutes=30))
    starts = at(7, 10, 15).astimezone(india)
    [stored] = _store(
        database,
        Appointment(practice.client_id, practice.provider_id, starts, starts + HOUR, NOW),
    )
    with database.unit_of_work() as uow:
        found = uow.appointments.get(stored.id or 0)
    assert found == stored
    assert found is not None
    assert found.starts_at == at(7, 10, 15) and found.ends_at == at(7, 11, 15)
    for moment in (found.starts_at, found.ends_at, found.created_at):
        assert moment.tzinfo is UTC
    assert found.status is AppointmentStatus.SCHEDULED and found.canceled_at is None


def test_a_naive_datetime_is_refused(database: Database) -> None:
    practice = open_practice(database)
    naive = at(7, 10).replace(tzinfo=None)
    appointment = _booking(practice, 7, 10)
    with database.unit_of_work() as uow, pytest.raises(StatementError, match="naive"):
        uow.appointments.add(replace(appointment, created_at=naive))


def test_a_canceled_appointment_keeps_its_cancel_time(database: Database) -> None:
    practice = open_practice(database)
    [stored] = _store(database, _booking(practice, 7, 10))
    with database.unit_of_work() as uow:
        uow.appointments.update(stored.canceled(NOW + HOUR))
        with pytest.raises(AppointmentNotFound):
            uow.appointments.update(replace(stored, id=999))
        uow.commit()
    with database.unit_of_work() as uow:
        found = uow.appointments.get(stored.id or 0)
    assert found == replace(stored, status=AppointmentStatus.CANCELED, canceled_at=NOW + HOUR)


@pytest.mark.parametrize("by", [CanceledBy.CLIENT, CanceledBy.PROVIDER, None])
def test_a_cancellations_reason_and_canceler_are_stored(
    database: Database, by: CanceledBy | None
) -> None:
    practice = open_practice(database)
    [stored] = _store(database, _booking(practice, 7, 10))
    words = "Feeling better: thanks! \N{GRINNING FACE}"  # 4 bytes, but one character
    reason = words + "x" * (500 - len(words))
    with database.unit_of_work() as uow:
        canceled = uow.appointments.update(stored.canceled(NOW, reason, by))
        uow.commit()
    with database.unit_of_work() as uow:
        found = uow.appointments.get(stored.id or 0)
    assert found == canceled
    assert found is not None
    assert (found.cancel_reason, found.canceled_by) == (reason, by)


def test_a_reason_longer_than_500_characters_is_invalid(database: Database) -> None:
    practice = open_practice(database)
    [stored] = _store(database, _booking(practice, 7, 10))
    with database.unit_of_work() as uow, pytest.raises(InvalidRequest, match="500"):
        uow.appointments.update(stored.canceled(NOW, "x" * 501))


def test_an_appointment_longer_than_the_maximum_is_not_stored(database: Database) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow, pytest.raises(TooLong):
        uow.appointments.add(_booking(practice, 7, 9, hours=25))


def test_appointments_touching_a_range_do_not_overlap_it(database: Database) -> None:
    practice = open_practice(database)
    canceled = replace(
        _booking(practice, 7, 10), status=AppointmentStatus.CANCELED, canceled_at=NOW
    )
    before, inside, after, _ = _store(
        database,
        _booking(practice, 7, 9),  # ends as the range starts
        _booking(practice, 7, 10, hours=2),
        _booking(practice, 7, 12),  # starts as the range ends
        canceled,
    )
    with database.unit_of_work() as uow:
        for_provider = uow.appointments.scheduled_for_provider(
            practice.provider_id, at(7, 10), at(7, 12)
        )
        for_client = uow.appointments.scheduled_for_client(practice.client_id, at(7, 10), at(7, 12))
        elsewhere = uow.appointments.scheduled_for_client(
            practice.other_client_id, at(1, 0), at(31, 0)
        )
    assert for_provider == for_client == [inside]
    assert elsewhere == []


def test_an_appointment_that_began_a_day_before_a_range_is_found(database: Database) -> None:
    practice = open_practice(database)
    _, overnight, later = _store(
        database,
        _booking(practice, 6, 8),  # over before the range starts
        _booking(practice, 6, 11, hours=24),  # the longest allowed, ends inside the range
        _booking(practice, 7, 11),
    )
    with database.unit_of_work() as uow:
        found = uow.appointments.scheduled_for_provider(practice.provider_id, at(7, 10), at(7, 12))
    assert found == [overnight, later]


def test_the_listings_one_read_gives_the_provider_row_and_the_same_times_as_two_reads(
    database: Database,
) -> None:
    practice = open_practice(database)
    canceled = replace(
        _booking(practice, 7, 13), status=AppointmentStatus.CANCELED, canceled_at=NOW
    )
    _store(
        database,
        _booking(practice, 6, 13, hours=24),  # began the day before, ends inside
        _booking(practice, 7, 14, hours=2),
        canceled,
        _booking(practice, 7, 16),  # starts as the range ends: not overlapping
    )
    with database.unit_of_work() as uow:
        found = uow.appointments.provider_with_booked(practice.provider_id, at(7, 12), at(7, 16))
        provider = uow.providers.get(practice.provider_id)
        expected = uow.appointments.scheduled_for_provider(
            practice.provider_id, at(7, 12), at(7, 16)
        )
        unknown = practice.provider_id + 99
        missing = uow.appointments.provider_with_booked(unknown, at(1, 0), at(9, 0))
    assert found is not None and missing is None
    row, booked = found
    assert row == provider and row.booking_version == provider.booking_version == 4
    assert sorted(booked) == [(a.starts_at, a.ends_at, True) for a in expected]
    assert len(booked) == 2 and all(t.starts_at.tzinfo is UTC for t in booked)


def test_a_bookings_one_read_of_its_client_gives_the_same_times_as_scheduled_for_client(
    database: Database,
) -> None:
    practice = open_practice(database)
    canceled = replace(
        _booking(practice, 7, 13), status=AppointmentStatus.CANCELED, canceled_at=NOW
    )
    _store(database, _booking(practice, 6, 13, hours=24), canceled, _booking(practice, 7, 16))
    with database.unit_of_work() as uow:
        found = uow.appointments.client_with_booked(practice.client_id, at(7, 12), at(7, 16))
        expected = uow.appointments.scheduled_for_client(practice.client_id, at(7, 12), at(7, 16))
        idle = uow.appointments.client_with_booked(practice.other_client_id, at(7, 12), at(7, 16))
        missing = uow.appointments.client_with_booked(practice.client_id + 99, at(1, 0), at(9, 0))
    assert found == [(a.starts_at, a.ends_at, True) for a in expected] and len(found) == 1
    assert idle == [] and missing is None


def test_has_active_sees_only_scheduled_appointments_with_that_provider(database: Database) -> None:
    practice = open_practice(database)
    [stored] = _store(database, _booking(practice, 7, 10))
    with database.unit_of_work() as uow:
        assert uow.appointments.has_active(practice.client_id, practice.provider_id)
        assert not uow.appointments.has_active(practice.other_client_id, practice.provider_id)
        uow.appointments.update(stored.canceled(NOW))
        assert not uow.appointments.has_active(practice.client_id, practice.provider_id)


def test_search_filters_and_pages_by_start_with_the_total(database: Database) -> None:
    practice = open_practice(database)
    other = replace(_booking(practice, 8, 9), client_id=practice.other_client_id)
    first, second, third, other = _store(
        database,
        _booking(practice, 7, 9),
        _booking(practice, 7, 11),
        _booking(practice, 8, 14),
        other,
    )
    with database.unit_of_work() as uow:
        uow.appointments.update(second.canceled(NOW))
        uow.commit()
    mine = AppointmentSearch(client_id=practice.client_id)
    scheduled = AppointmentSearch(
        provider_id=practice.provider_id, status=AppointmentStatus.SCHEDULED
    )
    monday = AppointmentSearch(lower=at(7, 9, 30), upper=at(8, 0))
    with database.unit_of_work() as uow:
        assert uow.appointments.search(mine, 0, 2) == ([first, second.canceled(NOW)], 3)
        assert uow.appointments.search(mine, 2, 2) == ([third], 3)
        assert [a.id for a in uow.appointments.search(scheduled, 0, 10)[0]] == [
            first.id,
            other.id,
            third.id,
        ]
        assert [a.id for a in uow.appointments.search(monday, 0, 10)[0]] == [first.id, second.id]
        assert uow.appointments.search(AppointmentSearch(provider_id=2**40), 0, 10) == ([], 0)
