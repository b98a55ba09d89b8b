"""Provider policies at the heart of free time: overrides, buffers, notice, horizon, steps."""

from dataclasses import replace
from datetime import timedelta

import pytest

from domain import errors
from domain.intervals import Interval
from domain.model import Appointment, DateOverride, OverrideKind, Provider
from domain.rules.grid import offered_slots
from domain.rules.scheduling import Schedule, check_booking, free_time
from tests.unit.builders import utc, window

MONDAY = [window("monday", "09:00", "monday", "12:00")]
DAY = (utc("2026-03-02 00:00"), utc("2026-03-03 00:00"))
LONG_AGO = utc("2026-01-01 00:00")
PROVIDER = Provider("Dr. Ada", id=1)


def at(clock: str):
    return utc(f"2026-03-02 {clock}")


def span(start: str, end: str) -> Interval:
    return Interval(at(start), at(end))


def appointment(start: str, end: str) -> Appointment:
    return Appointment(9, 1, at(start), at(end), created_at=LONG_AGO)


def free(provider=PROVIDER, appointments=(), overrides=(), now=LONG_AGO):
    return free_time(Schedule(provider, MONDAY, list(appointments), list(overrides)), *DAY, now)


def refusal(provider=PROVIDER, wanted=None, appointments=(), overrides=(), now=LONG_AGO):
    schedule = Schedule(provider, MONDAY, list(appointments), list(overrides))
    wanted = wanted or span("09:00", "09:30")
    try:
        check_booking(schedule, wanted, now, [], is_returning_client=True)
    except errors.DomainError as error:
        return error
    return None


def test_time_off_is_subtracted_from_availability():
    off = DateOverride(1, at("10:00"), at("10:30"), OverrideKind.UNAVAILABLE, "dentist")
    assert free(overrides=[off]) == [span("09:00", "10:00"), span("10:30", "12:00")]
    assert isinstance(
        refusal(wanted=span("10:00", "10:30"), overrides=[off]), errors.OutsideAvailability
    )


def test_extra_availability_is_added_and_merges_with_touching_windows():
    extra = DateOverride(1, at("12:00"), at("13:00"), OverrideKind.AVAILABLE)
    assert free(overrides=[extra]) == [span("09:00", "13:00")]
    assert refusal(wanted=span("11:30", "12:30"), overrides=[extra]) is None


def test_time_off_wins_over_extra_availability_where_they_overlap():
    extra = DateOverride(1, at("14:00"), at("16:00"), OverrideKind.AVAILABLE)
    off = DateOverride(1, at("15:00"), at("17:00"), OverrideKind.UNAVAILABLE)
    assert free(overrides=[extra, off]) == [span("09:00", "12:00"), span("14:00", "15:00")]


def test_buffers_keep_other_appointments_away_on_both_sides():
    provider = replace(PROVIDER, buffer_before=15, buffer_after=10)
    assert free(provider, [appointment("10:00", "10:30")]) == [
        span("09:00", "09:45"),
        span("10:45", "12:00"),
    ]
    error = refusal(provider, span("10:30", "11:00"), [appointment("10:00", "10:30")])
    assert isinstance(error, errors.ProviderConflict)
    assert "buffer" in error.reason


def test_buffers_may_extend_outside_the_availability_window():
    provider = replace(PROVIDER, buffer_before=30, buffer_after=30)
    assert refusal(provider, span("09:00", "09:30")) is None
    assert refusal(provider, span("11:30", "12:00")) is None


def test_a_buffer_across_a_time_off_block_still_counts_only_appointments():
    provider = replace(PROVIDER, buffer_before=20)
    off = DateOverride(1, at("10:00"), at("10:30"))
    # The buffer before 10:30 lies in time off, which is not an appointment: allowed.
    assert refusal(provider, span("10:30", "11:00"), overrides=[off]) is None
    # But an appointment just before the time off still pushes its buffer past it.
    assert free(provider, [appointment("09:30", "10:00")], [off]) == [
        span("09:00", "09:10"),
        span("10:30", "12:00"),
    ]


def test_minimum_notice_moves_the_first_free_moment_and_refuses_sooner_bookings():
    provider = replace(PROVIDER, min_notice_minutes=120)
    now = at("08:00")
    assert free(provider, now=now) == [span("10:00", "12:00")]
    error = refusal(provider, span("09:30", "10:00"), now=now)
    assert isinstance(error, errors.TooShortNotice)
    assert "120 minutes" in error.reason


def test_minimum_notice_is_real_time_across_a_dst_switch():
    # New York springs forward at 2026-03-08 07:00Z; 3 hours' notice from 05:00Z ends 08:00Z,
    # which is 04:00 local (only two wall-clock hours later).
    provider = Provider("NY", timezone="America/New_York", id=1, min_notice_minutes=180)
    sunday = [window("sunday", "00:00", "sunday", "06:00")]
    now = utc("2026-03-08 05:00")
    found = free_time(Schedule(provider, sunday, []), now, now + timedelta(days=1), now)
    assert found == [Interval(utc("2026-03-08 08:00"), utc("2026-03-08 10:00"))]


def test_the_booking_horizon_ends_free_time_and_refuses_later_bookings():
    provider = replace(PROVIDER, horizon_days=1)
    now = utc("2026-03-01 10:30")
    assert free(provider, now=now) == [span("09:00", "10:30")]
    error = refusal(provider, span("10:00", "11:00"), now=now)
    assert isinstance(error, errors.BeyondHorizon)
    assert "1 days" in error.reason


def test_a_booking_in_the_past_says_so_before_any_notice_rule():
    provider = replace(PROVIDER, min_notice_minutes=60)
    assert isinstance(refusal(provider, span("09:00", "09:30"), now=at("09:10")), errors.InThePast)


def _slots(start: str, end: str, duration: timedelta, step: timedelta | None) -> list[Interval]:
    hours = Schedule(PROVIDER, [window("monday", start, "monday", end)], [])
    return offered_slots(hours, at("00:00"), at("23:59"), LONG_AGO, duration, step)


def test_slots_with_a_step_overlap_and_align_to_the_window_start():
    found = _slots("09:10", "10:10", timedelta(minutes=30), timedelta(minutes=15))
    assert [s.start.strftime("%H:%M") for s in found] == ["09:10", "09:25", "09:40"]
    assert all(s.duration == timedelta(minutes=30) for s in found)


@pytest.mark.parametrize("step", [None, timedelta(minutes=30)])
def test_without_a_step_slots_are_consecutive(step):
    found = _slots("09:00", "10:00", timedelta(minutes=30), step)
    assert found == [span("09:00", "09:30"), span("09:30", "10:00")]
