from datetime import timedelta

from domain.intervals import Interval
from domain.model import Appointment, AppointmentStatus, Provider
from domain.rules.grid import offered_slots
from domain.rules.scheduling import Schedule, free_time
from tests.unit.builders import utc, window

PROVIDER = Provider("Dr. Ada", timezone="UTC", id=1)
LONG_AGO = utc("2026-01-01 00:00")


def booked(start: str, end: str, status=AppointmentStatus.SCHEDULED) -> Appointment:
    return Appointment(7, 1, utc(start), utc(end), created_at=LONG_AGO, status=status)


def schedule(windows, appointments=()) -> Schedule:
    return Schedule(PROVIDER, list(windows), list(appointments))


MONDAY = [
    window("monday", "09:00", "monday", "10:00"),
    window("monday", "10:00", "monday", "11:00"),  # touches the first
    window("monday", "10:30", "monday", "12:00"),  # overlaps the second
    window("monday", "13:00", "monday", "14:00"),  # after a gap
]


def test_free_time_merges_touching_and_overlapping_windows_and_keeps_gaps():
    free = free_time(schedule(MONDAY), utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), LONG_AGO)
    assert free == [
        Interval(utc("2026-03-02 09:00"), utc("2026-03-02 12:00")),
        Interval(utc("2026-03-02 13:00"), utc("2026-03-02 14:00")),
    ]


def test_scheduled_appointments_are_subtracted_and_canceled_ones_free_their_time():
    appointments = [
        booked("2026-03-02 09:30", "2026-03-02 10:00"),
        booked("2026-03-02 13:00", "2026-03-02 14:00", AppointmentStatus.CANCELED),
    ]
    free = free_time(
        schedule(MONDAY, appointments), utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), LONG_AGO
    )
    assert free == [
        Interval(utc("2026-03-02 09:00"), utc("2026-03-02 09:30")),
        Interval(utc("2026-03-02 10:00"), utc("2026-03-02 12:00")),
        Interval(utc("2026-03-02 13:00"), utc("2026-03-02 14:00")),
    ]


def test_free_time_is_clipped_to_the_requested_range():
    free = free_time(schedule(MONDAY), utc("2026-03-02 09:15"), utc("2026-03-02 13:30"), LONG_AGO)
    assert free == [
        Interval(utc("2026-03-02 09:15"), utc("2026-03-02 12:00")),
        Interval(utc("2026-03-02 13:00"), utc("2026-03-02 13:30")),
    ]


def test_time_in_the_past_is_never_free():
    now = utc("2026-03-02 11:20")
    free = free_time(schedule(MONDAY), utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), now)
    assert free == [
        Interval(now, utc("2026-03-02 12:00")),
        Interval(utc("2026-03-02 13:00"), utc("2026-03-02 14:00")),
    ]


def test_a_range_wholly_in_the_past_has_no_free_time():
    now = utc("2026-03-09 00:00")
    assert free_time(schedule(MONDAY), utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), now) == []


def test_a_provider_without_windows_has_no_free_time():
    assert free_time(schedule([]), utc("2026-03-02 00:00"), utc("2026-03-09 00:00"), LONG_AGO) == []


def test_free_windows_are_expanded_in_the_providers_time_zone():
    berlin = Schedule(Provider("Dr. B", timezone="Europe/Berlin", id=1), MONDAY[:1], [])
    free = free_time(berlin, utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), LONG_AGO)
    assert free == [Interval(utc("2026-03-02 08:00"), utc("2026-03-02 09:00"))]


def test_slots_cut_each_free_window_into_consecutive_pieces_and_drop_remainders():
    mornings = schedule([window("monday", "09:00", "monday", "10:40")])
    found = offered_slots(
        mornings, utc("2026-03-02 00:00"), utc("2026-03-03 00:00"), LONG_AGO, timedelta(minutes=45)
    )
    assert found == [
        Interval(utc("2026-03-02 09:00"), utc("2026-03-02 09:45")),
        Interval(utc("2026-03-02 09:45"), utc("2026-03-02 10:30")),
    ]
