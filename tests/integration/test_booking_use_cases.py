"""The booking use cases (domain/use_cases/) end to end on the real databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from adapters.sqlalchemy import Database
from domain import errors
from domain.intervals import Interval
from domain.model import Appointment, AppointmentStatus, Provider
from domain.ports.appointments import AppointmentSearch
from domain.use_cases import appointments, availability, booking, directory, moves
from tests.integration.support import NOW, FixedClock, Practice, at, open_practice, window

CLOCK = FixedClock()


def _book(
    database: Database,
    practice: Practice,
    start: datetime,
    *,
    client_id: int | None = None,
    key: str | None = None,
) -> Appointment:
    return booking.book(
        database.unit_of_work(),
        CLOCK,
        client_id=practice.client_id if client_id is None else client_id,
        provider_id=practice.provider_id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        idempotency_key=key,
    )


def _count(database: Database) -> int:
    return appointments.list_appointments(database.unit_of_work(), AppointmentSearch(), 0, 1)[1]


def test_a_booking_inside_availability_is_stored(database: Database) -> None:
    practice = open_practice(database)
    booked = _book(database, practice, at(7, 10))
    assert booked == appointments.get_appointment(database.unit_of_work(), booked.id or 0)
    assert (booked.starts_at, booked.ends_at, booked.created_at) == (at(7, 10), at(7, 11), NOW)
    assert booked.status is AppointmentStatus.SCHEDULED


def test_a_booking_over_the_providers_appointment_is_a_provider_conflict(
    database: Database,
) -> None:
    practice = open_practice(database)
    _book(database, practice, at(7, 10))
    with pytest.raises(errors.ProviderConflict):
        _book(database, practice, at(7, 10, 30), client_id=practice.other_client_id)
    assert _count(database) == 1


def test_a_booking_over_the_clients_appointment_elsewhere_is_a_client_conflict(
    database: Database,
) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        other = uow.providers.add(Provider("Dr. Other"))
        uow.windows.add(window(other.id or 0, "mon", "monday 00:00", "tuesday 00:00"))
        uow.commit()
    _book(database, practice, at(7, 10))
    elsewhere = Practice(other.id or 0, practice.client_id, practice.other_client_id)
    with pytest.raises(errors.ClientConflict):
        _book(database, elsewhere, at(7, 10, 30))
    assert _count(database) == 1


def test_back_to_back_bookings_do_not_overlap(database: Database) -> None:
    practice = open_practice(database)
    _book(database, practice, at(7, 10))
    _book(database, practice, at(7, 11))
    _book(database, practice, at(7, 9), client_id=practice.other_client_id)
    assert _count(database) == 3


@pytest.mark.parametrize(
    ("start", "error"),
    [
        (at(7, 17), errors.OutsideAvailability),
        (at(12, 10), errors.OutsideAvailability),  # a Saturday
        (at(7, 6), errors.InThePast),
    ],
)
def test_a_booking_outside_availability_or_in_the_past_is_refused(
    database: Database, start: datetime, error: type[Exception]
) -> None:
    practice = open_practice(database)
    with pytest.raises(error):
        _book(database, practice, start)
    assert _count(database) == 0


def test_a_provider_closed_to_new_clients_still_books_returning_ones(database: Database) -> None:
    practice = open_practice(database)
    _book(database, practice, at(7, 10))
    directory.update_provider(
        database.unit_of_work(), practice.provider_id, {"accepts_new_clients": False}
    )
    with pytest.raises(errors.NotAcceptingNewClients):
        _book(database, practice, at(7, 12), client_id=practice.other_client_id)
    _book(database, practice, at(7, 12))
    assert _count(database) == 2


def test_booking_for_an_unknown_client_or_provider_is_refused(database: Database) -> None:
    practice = open_practice(database)
    with pytest.raises(errors.UnknownReference, match="client"):
        _book(database, practice, at(7, 10), client_id=404)
    with pytest.raises(errors.UnknownReference, match="provider"):
        _book(database, Practice(404, practice.client_id, 0), at(7, 10))


def test_repeating_a_booking_under_its_idempotency_key_books_once(database: Database) -> None:
    practice = open_practice(database)
    first = _book(database, practice, at(7, 10), key="abc")
    again = _book(database, practice, at(7, 10), key="abc")
    assert again == first
    with pytest.raises(errors.IdempotencyKeyReused):
        _book(database, practice, at(7, 14), key="abc")
    assert _count(database) == 1


def test_canceling_frees_the_time_and_keeps_the_first_cancel_time(database: Database) -> None:
    practice = open_practice(database)
    booked = _book(database, practice, at(7, 10))
    canceled = moves.cancel(database.unit_of_work(), CLOCK, booked.id or 0)
    later = FixedClock(NOW + timedelta(minutes=5))
    assert moves.cancel(database.unit_of_work(), later, booked.id or 0) == canceled
    assert canceled.canceled_at == NOW and canceled.status is AppointmentStatus.CANCELED
    _book(database, practice, at(7, 10), client_id=practice.other_client_id)
    with pytest.raises(errors.AppointmentNotFound):
        moves.cancel(database.unit_of_work(), CLOCK, 404)


def test_free_windows_leave_out_booked_time(database: Database) -> None:
    practice = open_practice(database)
    _book(database, practice, at(7, 10))
    free = availability.free_windows(
        database.unit_of_work(), CLOCK, practice.provider_id, at(7, 0), at(8, 0)
    )
    assert free == [Interval(at(7, 9), at(7, 10)), Interval(at(7, 11), at(7, 17))]
    cut = availability.free_windows(
        database.unit_of_work(),
        CLOCK,
        practice.provider_id,
        at(7, 11),
        at(7, 17),
        timedelta(hours=4),
    )
    assert cut == [Interval(at(7, 13), at(7, 17))]  # on the window's 4-hour grid from 09:00
