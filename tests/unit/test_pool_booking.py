"""Booking any provider of a pool, and the rule that picks one (docs/DECISIONS.md)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from domain import errors
from domain.events import EventType
from domain.intervals import week_of
from domain.model import Appointment, Client, Provider
from domain.rules.roster import choose
from domain.use_cases.pool_booking import book_any
from tests.unit.builders import utc, window
from tests.unit.fakes import FakeUnitOfWork

MONDAY_9 = utc("2026-03-02 09:00")


def provider(pid: int, last_booked: str | None = None) -> Provider:
    booked_at = None if last_booked is None else utc(last_booked)
    return Provider(f"P{pid}", id=pid, last_booked_at=booked_at)


def test_the_week_of_a_moment_runs_from_monday_to_monday_in_utc():
    assert week_of(utc("2026-03-04 23:59")) == (utc("2026-03-02 00:00"), utc("2026-03-09 00:00"))
    assert week_of(utc("2026-03-02 00:00"))[0] == utc("2026-03-02 00:00")
    assert week_of(utc("2026-03-01 23:59"))[0] == utc("2026-02-23 00:00")


def test_the_provider_with_fewest_appointments_that_week_is_chosen():
    pool = [provider(1), provider(2), provider(3)]
    assert choose(pool, {1: 4, 2: 1, 3: 2}).id == 2


def test_a_tie_goes_to_the_least_recently_booked_and_never_booked_comes_first():
    pool = [provider(1, "2026-03-01 10:00"), provider(2, "2026-02-01 10:00"), provider(3)]
    assert choose(pool, {}).id == 3
    assert choose(pool[:2], {}).id == 2


def test_a_full_tie_goes_to_the_lowest_id():
    assert choose([provider(5), provider(3), provider(4)], {}).id == 3


@pytest.fixture
def practice() -> FakeUnitOfWork:
    """Providers 1-3 open Mondays 09:00-17:00 UTC; provider 4 has no windows; 9 clients."""
    uow = FakeUnitOfWork()
    for n in range(1, 5):
        uow.providers.add(Provider(f"P{n}"))
    for n in range(1, 4):
        uow.windows.add(window("monday", "09:00", "monday", "17:00", provider_id=n))
    for n in range(9):
        uow.clients.add(Client(f"C{n}", f"c{n}@example.com"))
    return uow


def book(uow, clock, client_id, pool, start=MONDAY_9, minutes=30, key=None):
    return book_any(uow, clock, client_id, pool, start, start + timedelta(minutes=minutes), key)


def test_a_run_of_bookings_is_spread_evenly_over_equally_free_providers(practice, clock):
    chosen = [
        book(practice, clock, n + 1, [3, 1, 2], MONDAY_9 + timedelta(minutes=30 * n)).provider_id
        for n in range(9)
    ]
    assert chosen == [1, 2, 3] * 3
    assert Counter(chosen) == {1: 3, 2: 3, 3: 3}


def test_providers_who_cannot_take_the_time_are_passed_over(practice, clock):
    practice.appointments.add(
        Appointment(9, 1, MONDAY_9, MONDAY_9 + timedelta(hours=1), clock.now())
    )
    appointment = book(practice, clock, 1, [1, 4, 2])
    assert appointment.provider_id == 2
    assert practice.committed == 1


def test_a_pool_taken_at_that_time_is_a_conflict_naming_the_reasons(practice, clock):
    practice.appointments.add(
        Appointment(9, 1, MONDAY_9, MONDAY_9 + timedelta(hours=1), clock.now())
    )
    with pytest.raises(errors.PoolTaken) as refused:
        book(practice, clock, 1, [1, 4])
    assert "1 of 2: the provider has another appointment at that time" in refused.value.reason
    assert "1 of 2: the requested time is not inside" in refused.value.reason


def test_a_pool_none_of_whom_is_available_is_a_rule_violation(practice, clock):
    with pytest.raises(errors.PoolRefused) as refused:
        book(practice, clock, 1, [1, 2, 4], utc("2026-03-03 09:00"))
    assert "3 of 3: the requested time is not inside" in refused.value.reason
    assert practice.committed == 0


def test_unknown_providers_in_a_pool_are_named(practice, clock):
    with pytest.raises(errors.UnknownReference, match="77, 99"):
        book(practice, clock, 1, [99, 1, 77])


def test_the_whole_pool_is_locked_in_ascending_order(practice, clock):
    book(practice, clock, 1, [3, 1, 2, 1])
    assert practice.locks == [(1, 1), (2, 1), (3, 1)]


def test_a_retried_pool_booking_answers_the_same_appointment(practice, clock):
    first = book(practice, clock, 1, [2, 3], key="k1")
    again = book(practice, clock, 1, [3, 2], key="k1")
    assert again == first
    assert len(practice.appointments.table.rows) == 1
    with pytest.raises(errors.IdempotencyKeyReused):
        book(practice, clock, 1, [1, 3], key="k1")


def test_a_busy_client_is_a_conflict_whatever_the_pool(practice, clock):
    book(practice, clock, 1, [1])
    with pytest.raises(errors.ClientConflict):
        book(practice, clock, 1, [2, 3])


def test_a_pool_booking_records_the_booked_event_and_a_refusal_records_none(practice, clock):
    appointment = book(practice, clock, 1, [2, 3])
    (event,) = practice.outbox.events
    assert (event.type, event.provider_id, event.appointment) == (
        EventType.APPOINTMENT_BOOKED,
        appointment.provider_id,
        appointment,
    )
    with pytest.raises(errors.PoolRefused):
        book(practice, clock, 2, [4])
    assert len(practice.outbox.events) == 1
