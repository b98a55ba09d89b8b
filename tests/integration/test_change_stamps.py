"""Change stamps (docs/DECISIONS.md, "Change stamps") on the real databases.

A booking, move or cancellation bumps the provider's ``booking_version`` in its own
transaction, a booking sets ``last_booked_at``; an appointment's ``sequence`` counts its changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.sqlalchemy import Database
from domain import errors
from domain.model import Provider
from domain.use_cases import appointments, booking, directory, moves
from tests.integration.support import NOW, FixedClock, Practice, at, open_practice

LATER = FixedClock(NOW + timedelta(hours=1))


def _provider(database: Database, provider_id: int) -> Provider:
    return directory.get_provider(database.unit_of_work(), provider_id)


def _book(database: Database, practice: Practice, hour: int, clock: FixedClock) -> int:
    appointment = booking.book(
        database.unit_of_work(), clock, practice.client_id, practice.provider_id, at(8, hour),
        at(8, hour + 1),
    )  # fmt: skip
    assert appointment.sequence == 1
    assert appointment.id is not None
    return appointment.id


def test_a_new_provider_has_no_bookings_stamped(database: Database) -> None:
    practice = open_practice(database)
    fresh = _provider(database, practice.provider_id)
    assert (fresh.booking_version, fresh.last_booked_at) == (0, None)


def test_each_booking_bumps_the_booking_version_and_records_when_it_was_made(
    database: Database,
) -> None:
    practice = open_practice(database)
    _book(database, practice, 9, FixedClock())
    assert _provider(database, practice.provider_id).booking_version == 1
    _book(database, practice, 11, LATER)
    stamped = _provider(database, practice.provider_id)
    assert (stamped.booking_version, stamped.last_booked_at) == (2, LATER.moment)


def test_moving_and_canceling_count_in_the_sequence_and_the_booking_version(
    database: Database,
) -> None:
    practice = open_practice(database)
    appointment_id = _book(database, practice, 9, FixedClock())
    moved = moves.reschedule(database.unit_of_work(), LATER, appointment_id, at(8, 13), at(8, 14))
    canceled = moves.cancel(database.unit_of_work(), LATER, appointment_id)
    again = moves.cancel(database.unit_of_work(), LATER, appointment_id)
    stored = appointments.get_appointment(database.unit_of_work(), appointment_id)
    assert (moved.sequence, canceled.sequence, again.sequence, stored.sequence) == (2, 3, 3, 3)
    stamped = _provider(database, practice.provider_id)
    assert stamped.booking_version == 3  # booked, moved, canceled; the repeat changed nothing
    assert stamped.last_booked_at == NOW  # moves and cancellations are not bookings


def test_a_refused_booking_leaves_the_stamps_as_they_were(database: Database) -> None:
    practice = open_practice(database)
    _book(database, practice, 9, FixedClock())
    with pytest.raises(errors.ProviderConflict):
        _book(database, practice, 9, LATER)
    stamped = _provider(database, practice.provider_id)
    assert (stamped.booking_version, stamped.last_booked_at) == (1, NOW)


def test_changing_a_provider_keeps_its_stamps(database: Database) -> None:
    practice = open_practice(database)
    _book(database, practice, 9, FixedClock())
    directory.update_provider(database.unit_of_work(), practice.provider_id, {"buffer_after": 5})
    with database.unit_of_work() as uow:
        current = uow.providers.get(practice.provider_id)
        assert current is not None
        uow.providers.update(replace(current, booking_version=0, last_booked_at=None))
        uow.commit()
    stamped = _provider(database, practice.provider_id)
    assert (stamped.booking_version, stamped.last_booked_at) == (1, NOW)
