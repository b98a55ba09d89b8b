from datetime import timedelta

import pytest

from domain import errors
from domain.model import Appointment, AppointmentStatus
from domain.use_cases.availability import free_windows
from domain.use_cases.booking import book
from domain.use_cases.moves import cancel
from tests.unit.builders import utc, window


def book_monday(uow, clock, start, end, client_id=1, provider_id=1, key=None):
    return book(
        uow,
        clock,
        client_id,
        provider_id,
        utc(f"2026-03-02 {start}"),
        utc(f"2026-03-02 {end}"),
        idempotency_key=key,
    )


def test_a_booking_inside_free_availability_is_scheduled_and_committed(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "09:30")
    assert appointment.id is not None
    assert appointment.status is AppointmentStatus.SCHEDULED
    assert appointment.created_at == clock.now()
    assert uow.appointments.get(appointment.id) == appointment
    assert uow.committed == 1
    assert uow.locks == [(1, 1)]


def test_a_booking_may_span_the_seam_between_touching_windows(uow, clock):
    uow.windows.add(window("monday", "12:00", "monday", "12:30", ext="touching"))
    assert book_monday(uow, clock, "11:45", "12:15").id is not None


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("08:30", "09:30", errors.OutsideAvailability),
        ("11:30", "13:30", errors.OutsideAvailability),  # across the lunch gap
        ("14:00", "14:30", errors.OutsideAvailability),
        ("10:00", "10:00", errors.InvalidRequest),
        ("10:30", "10:00", errors.InvalidRequest),
    ],
)
def test_a_booking_outside_availability_or_reversed_is_refused(uow, clock, start, end, error):
    with pytest.raises(error):
        book_monday(uow, clock, start, end)
    assert uow.appointments.table.rows == {}


def test_a_booking_in_the_past_is_refused(uow, clock):
    clock.current = utc("2026-03-02 09:10")
    with pytest.raises(errors.InThePast):
        book_monday(uow, clock, "09:00", "09:30")


def test_a_booking_longer_than_a_day_is_refused(uow, clock):
    with pytest.raises(errors.TooLong):
        book(uow, clock, 1, 1, utc("2026-03-02 09:00"), utc("2026-03-03 09:01"))


def test_naive_timestamps_are_refused(uow, clock):
    with pytest.raises(errors.InvalidRequest, match="offset"):
        book(
            uow, clock, 1, 1, utc("2026-03-02 09:00").replace(tzinfo=None), utc("2026-03-02 10:00")
        )


def test_an_overlap_with_the_providers_appointment_is_a_conflict(uow, clock):
    book_monday(uow, clock, "09:00", "10:00")
    with pytest.raises(errors.ProviderConflict):
        book_monday(uow, clock, "09:30", "10:30", client_id=2)


def test_a_booking_that_touches_another_is_not_an_overlap(uow, clock):
    book_monday(uow, clock, "09:00", "10:00")
    assert book_monday(uow, clock, "10:00", "11:00", client_id=2).id is not None


def test_an_overlap_with_the_clients_own_appointment_elsewhere_is_a_conflict(uow, clock):
    book_monday(uow, clock, "10:00", "11:00", provider_id=3)
    with pytest.raises(errors.ClientConflict):
        book_monday(uow, clock, "10:30", "11:30")


def test_a_canceled_appointment_frees_its_time(uow, clock):
    first = book_monday(uow, clock, "09:00", "10:00")
    cancel(uow, clock, first.id)
    assert book_monday(uow, clock, "09:00", "10:00", client_id=2).id != first.id


def test_a_provider_not_accepting_new_clients_refuses_a_new_client(uow, clock):
    with pytest.raises(errors.NotAcceptingNewClients):
        book_monday(uow, clock, "09:00", "10:00", provider_id=2)


def test_unknown_clients_and_providers_are_refused_as_unknown_references(uow, clock):
    with pytest.raises(errors.UnknownReference, match="client 99"):
        book_monday(uow, clock, "09:00", "10:00", client_id=99)
    with pytest.raises(errors.UnknownReference, match="provider 99"):
        book_monday(uow, clock, "09:00", "10:00", provider_id=99)


def test_the_same_idempotency_key_and_request_returns_the_first_appointment(uow, clock):
    first = book_monday(uow, clock, "09:00", "10:00", key="abc")
    again = book_monday(uow, clock, "09:00", "10:00", key="abc")
    assert again == first
    assert len(uow.appointments.table.rows) == 1


def test_the_same_idempotency_key_with_another_request_is_refused(uow, clock):
    book_monday(uow, clock, "09:00", "10:00", key="abc")
    with pytest.raises(errors.IdempotencyKeyReused):
        book_monday(uow, clock, "10:00", "11:00", key="abc")


def test_an_idempotency_key_older_than_a_day_is_treated_as_new(uow, clock):
    first = book_monday(uow, clock, "09:00", "10:00", key="abc")
    clock.advance(timedelta(hours=24, seconds=1))
    second = book_monday(uow, clock, "13:00", "14:00", key="abc")
    assert second.id != first.id
    assert uow.idempotency.get("abc").appointment_id == second.id


def test_listing_and_booking_agree_on_every_listed_slot(uow, clock):
    book_monday(uow, clock, "10:00", "10:30", client_id=2)
    listed = free_windows(
        uow, clock, 1, utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), timedelta(minutes=30)
    )
    assert len(listed) == 7
    for slot in listed:
        assert book(uow, clock, 1, 1, slot.start, slot.end).id is not None


def test_cancel_sets_canceled_and_repeating_it_keeps_the_first_time(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "10:00")
    clock.advance(timedelta(minutes=5))
    canceled = cancel(uow, clock, appointment.id)
    assert canceled.status is AppointmentStatus.CANCELED
    assert canceled.canceled_at == clock.now()
    clock.advance(timedelta(minutes=5))
    assert cancel(uow, clock, appointment.id).canceled_at == canceled.canceled_at


def test_canceling_an_unknown_appointment_is_not_found(uow, clock):
    with pytest.raises(errors.AppointmentNotFound):
        cancel(uow, clock, 42)


def test_a_refused_booking_leaves_nothing_behind(uow, clock):
    book_monday(uow, clock, "09:00", "10:00", key="k1")
    with pytest.raises(errors.ProviderConflict):
        book_monday(uow, clock, "09:00", "10:00", client_id=2, key="k2")
    assert uow.idempotency.get("k2") is None
    assert len(uow.appointments.table.rows) == 1


def test_a_provider_closed_to_new_clients_still_books_a_returning_client(uow, clock):
    uow.appointments.add(
        Appointment(1, 2, utc("2026-03-09 09:00"), utc("2026-03-09 10:00"), created_at=clock.now())
    )
    assert book_monday(uow, clock, "09:00", "10:00", provider_id=2).id is not None


def test_each_change_of_an_appointment_counts_in_its_sequence(uow, clock):
    booked = book_monday(uow, clock, "09:00", "09:30")
    moved = booked.moved(utc("2026-03-02 10:00"), utc("2026-03-02 10:30"))
    canceled = moved.canceled(clock.now())
    assert [booked.sequence, moved.sequence, canceled.sequence] == [1, 2, 3]
    assert canceled.canceled(clock.now()).sequence == 3  # canceling again changes nothing
