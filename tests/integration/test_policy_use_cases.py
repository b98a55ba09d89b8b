"""The scheduling policies' use cases on the real databases: time off and extra time,
buffers, notice and horizon, rescheduling, cancellation details.

"Now" is Monday 7 January 2030, 08:00 UTC; the practice is open weekdays 09:00-17:00 UTC.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from adapters.sqlalchemy import Database
from domain import errors
from domain.intervals import Interval
from domain.model import Appointment, AppointmentStatus, CanceledBy, DateOverride, OverrideKind
from domain.ports.appointments import AppointmentSearch
from domain.use_cases import appointments, availability, booking, moves, time_off
from tests.integration.support import NOW, FixedClock, Practice, at, open_practice

CLOCK = FixedClock()
HOUR = timedelta(hours=1)


def _book(
    database: Database,
    practice: Practice,
    start: datetime,
    *,
    client_id: int | None = None,
    length: timedelta = HOUR,
) -> Appointment:
    return booking.book(
        database.unit_of_work(),
        CLOCK,
        practice.client_id if client_id is None else client_id,
        practice.provider_id,
        start,
        start + length,
    )


def _free(
    database: Database, practice: Practice, lower: datetime, upper: datetime
) -> list[Interval]:
    return availability.free_windows(
        database.unit_of_work(), CLOCK, practice.provider_id, lower, upper
    )


def _appointments(database: Database) -> list[Appointment]:
    return appointments.list_appointments(database.unit_of_work(), AppointmentSearch(), 0, 100)[0]


def _get(database: Database, appointment: Appointment) -> Appointment:
    return appointments.get_appointment(database.unit_of_work(), appointment.id or 0)


# Time off and extra availability


def test_time_off_keeps_and_reports_the_appointments_it_covers_until_it_is_deleted(
    database: Database,
) -> None:
    practice = open_practice(database)
    covered = _book(database, practice, at(8, 10))
    _book(database, practice, at(9, 10))  # the next day, not covered
    block, reported = time_off.add_override(
        database.unit_of_work(),
        DateOverride(practice.provider_id, at(8, 0), at(9, 0), reason="Conference"),
    )
    assert reported == [covered]
    assert _get(database, covered) == covered  # kept, still scheduled
    assert _free(database, practice, at(8, 0), at(9, 0)) == []
    with pytest.raises(errors.OutsideAvailability):
        _book(database, practice, at(8, 14), client_id=practice.other_client_id)
    listed = time_off.list_overrides(database.unit_of_work(), practice.provider_id)
    assert listed == [block]
    assert block.reason == "Conference" and block.kind is OverrideKind.UNAVAILABLE

    time_off.delete_override(database.unit_of_work(), practice.provider_id, block.id or 0)
    assert time_off.list_overrides(database.unit_of_work(), practice.provider_id) == []
    assert _free(database, practice, at(8, 0), at(9, 0)) == [
        Interval(at(8, 9), at(8, 10)),
        Interval(at(8, 11), at(8, 17)),
    ]
    with pytest.raises(errors.OverrideNotFound):
        time_off.delete_override(database.unit_of_work(), practice.provider_id, block.id or 0)


def test_overrides_are_listed_within_bounds_by_start(database: Database) -> None:
    practice = open_practice(database)
    unit = database.unit_of_work
    pid = practice.provider_id
    later, _ = time_off.add_override(unit(), DateOverride(pid, at(10, 9), at(10, 12)))
    sooner, _ = time_off.add_override(unit(), DateOverride(pid, at(8, 9), at(8, 12)))
    assert time_off.list_overrides(unit(), pid) == [sooner, later]
    assert time_off.list_overrides(unit(), pid, at(8, 12), at(10, 9)) == []
    assert time_off.list_overrides(unit(), pid, at(8, 11), None) == [sooner, later]
    assert time_off.list_overrides(unit(), pid, None, at(9, 0)) == [sooner]


def test_extra_availability_can_be_listed_and_booked(database: Database) -> None:
    practice = open_practice(database)
    saturday = DateOverride(practice.provider_id, at(12, 10), at(12, 12), OverrideKind.AVAILABLE)
    extra, reported = time_off.add_override(database.unit_of_work(), saturday)
    assert reported == []
    assert _free(database, practice, at(12, 0), at(13, 0)) == [Interval(at(12, 10), at(12, 12))]
    _book(database, practice, at(12, 10))
    assert _free(database, practice, at(12, 0), at(13, 0)) == [Interval(at(12, 11), at(12, 12))]
    assert extra.id is not None


def test_overrides_of_unknown_or_other_providers_are_not_found(database: Database) -> None:
    practice = open_practice(database)
    unknown = DateOverride(404, at(8, 9), at(8, 10))
    with pytest.raises(errors.ProviderNotFound):
        time_off.add_override(database.unit_of_work(), unknown)
    with pytest.raises(errors.ProviderNotFound):
        time_off.list_overrides(database.unit_of_work(), 404)
    block, _ = time_off.add_override(
        database.unit_of_work(), replace(unknown, provider_id=practice.provider_id)
    )
    with pytest.raises(errors.OverrideNotFound):
        time_off.delete_override(database.unit_of_work(), 404, block.id or 0)
    assert time_off.list_overrides(database.unit_of_work(), practice.provider_id) == [block]


# Buffers, notice and horizon


def test_buffers_keep_time_around_appointments_free_but_may_leave_the_window(
    database: Database,
) -> None:
    practice = open_practice(database, buffer_before=15, buffer_after=30)
    _book(database, practice, at(8, 10))
    assert _free(database, practice, at(8, 0), at(9, 0)) == [
        Interval(at(8, 9), at(8, 9, 30)),
        Interval(at(8, 11, 30), at(8, 17)),
    ]
    with pytest.raises(errors.ProviderConflict, match="buffer"):
        _book(database, practice, at(8, 11, 15), client_id=practice.other_client_id)
    # First and last slots of the window: their buffers lie outside it.
    _book(database, practice, at(8, 9), client_id=practice.other_client_id, length=HOUR / 2)
    _book(database, practice, at(8, 16), client_id=practice.other_client_id)
    assert len(_appointments(database)) == 3


def test_free_time_starts_after_the_notice_and_ends_at_the_horizon(database: Database) -> None:
    practice = open_practice(database, min_notice_minutes=150, horizon_days=2)
    assert _free(database, practice, at(7, 0), at(12, 0)) == [
        Interval(at(7, 10, 30), at(7, 17)),
        Interval(at(8, 9), at(8, 17)),
    ]
    with pytest.raises(errors.TooShortNotice):
        _book(database, practice, at(7, 10))
    with pytest.raises(errors.BeyondHorizon):
        _book(database, practice, at(9, 9))
    _book(database, practice, at(7, 10, 30))
    assert len(_appointments(database)) == 1


def test_every_listed_slot_around_buffers_and_time_off_can_be_booked(database: Database) -> None:
    practice = open_practice(database, buffer_after=15)
    _book(database, practice, at(7, 13))
    time_off.add_override(
        database.unit_of_work(), DateOverride(practice.provider_id, at(7, 15), at(7, 16))
    )
    slots = availability.free_windows(
        database.unit_of_work(),
        CLOCK,
        practice.provider_id,
        at(7, 14),
        at(7, 17),
        duration=timedelta(minutes=30),
        step=timedelta(minutes=15),
    )
    assert [slot.start for slot in slots] == [
        at(7, 14, 15),
        at(7, 14, 30),
        at(7, 16),
        at(7, 16, 15),
        at(7, 16, 30),
    ]
    for slot in slots:  # each alone: rebooking it must work every time
        booked = _book(
            database, practice, slot.start, client_id=practice.other_client_id, length=slot.duration
        )
        moves.cancel(database.unit_of_work(), CLOCK, booked.id or 0)


# Rescheduling


def test_a_rescheduled_appointment_moves_and_frees_its_old_time(database: Database) -> None:
    practice = open_practice(database)
    mine = _book(database, practice, at(8, 10))
    moved = moves.reschedule(database.unit_of_work(), CLOCK, mine.id or 0, at(8, 14), at(8, 15))
    assert moved == replace(mine, starts_at=at(8, 14), ends_at=at(8, 15))
    assert _get(database, mine) == moved
    _book(database, practice, at(8, 10), client_id=practice.other_client_id)
    assert len(_appointments(database)) == 2


def test_an_appointment_may_move_over_its_own_time_and_buffer(database: Database) -> None:
    practice = open_practice(database, buffer_before=30, buffer_after=30)
    mine = _book(database, practice, at(8, 10))
    moved = moves.reschedule(
        database.unit_of_work(), CLOCK, mine.id or 0, at(8, 10, 20), at(8, 11, 20)
    )
    assert (
        _get(database, mine)
        == moved
        == replace(mine, starts_at=at(8, 10, 20), ends_at=at(8, 11, 20))
    )


@pytest.mark.parametrize(
    ("start", "error"),
    [
        (at(8, 12, 30), errors.ProviderConflict),  # over the other client's appointment
        (at(12, 10), errors.OutsideAvailability),  # a Saturday
        (at(7, 7), errors.InThePast),
    ],
)
def test_a_refused_reschedule_changes_nothing(
    database: Database, start: datetime, error: type[Exception]
) -> None:
    practice = open_practice(database)
    _book(database, practice, at(8, 10))
    _book(database, practice, at(8, 12), client_id=practice.other_client_id)
    before = _appointments(database)
    with pytest.raises(error):
        moves.reschedule(database.unit_of_work(), CLOCK, before[0].id or 0, start, start + HOUR)
    assert _appointments(database) == before


def test_canceled_and_unknown_appointments_cannot_be_moved(database: Database) -> None:
    practice = open_practice(database)
    mine = _book(database, practice, at(8, 10))
    canceled = moves.cancel(database.unit_of_work(), CLOCK, mine.id or 0)
    with pytest.raises(errors.AppointmentCanceled):
        moves.reschedule(database.unit_of_work(), CLOCK, mine.id or 0, at(8, 14), at(8, 15))
    with pytest.raises(errors.AppointmentNotFound):
        moves.reschedule(database.unit_of_work(), CLOCK, 404, at(8, 14), at(8, 15))
    assert _get(database, mine) == canceled


# Cancellation details and notice


def test_a_cancellation_keeps_its_reason_and_canceler_and_the_first_one_wins(
    database: Database,
) -> None:
    practice = open_practice(database)
    mine = _book(database, practice, at(8, 10))
    canceled = moves.cancel(
        database.unit_of_work(), CLOCK, mine.id or 0, "Feeling better", CanceledBy.CLIENT
    )
    assert canceled == replace(
        mine,
        status=AppointmentStatus.CANCELED,
        canceled_at=NOW,
        cancel_reason="Feeling better",
        canceled_by=CanceledBy.CLIENT,
    )
    later = FixedClock(NOW + HOUR)
    again = moves.cancel(database.unit_of_work(), later, mine.id or 0, "Sick", CanceledBy.PROVIDER)
    assert again == canceled == _get(database, mine)


def test_a_cancellation_inside_the_providers_notice_is_refused_and_changes_nothing(
    database: Database,
) -> None:
    practice = open_practice(database, min_cancel_notice_minutes=180)
    soon = _book(database, practice, at(7, 10))  # two hours away
    exactly = _book(database, practice, at(7, 11), client_id=practice.other_client_id)
    with pytest.raises(errors.CancellationTooLate, match="180 minutes"):
        moves.cancel(database.unit_of_work(), CLOCK, soon.id or 0, "Too late")
    assert _get(database, soon) == soon
    canceled = moves.cancel(database.unit_of_work(), CLOCK, exactly.id or 0)
    assert canceled.status is AppointmentStatus.CANCELED and canceled.canceled_at == NOW
