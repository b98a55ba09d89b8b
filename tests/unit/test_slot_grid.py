"""The slot grid: starts anchored to availability, never to ``from`` or to now."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.model import Appointment, DateOverride, OverrideKind, Provider
from domain.rules.grid import offered_slots
from domain.rules.scheduling import Schedule
from domain.windows import MINUTES_PER_WEEK, merged_spans
from tests.unit.builders import utc, window

LONG_AGO = utc("2026-01-01 00:00")
PROVIDER = Provider("Dr. Grid", id=1)
NINE_TO_FIVE = [window("monday", "09:00", "monday", "17:00")]
HALF_HOUR = timedelta(minutes=30)


def starts(schedule: Schedule, lower: str, upper: str, now: datetime = LONG_AGO, **kw) -> list:
    duration = kw.pop("duration", HALF_HOUR)
    found = offered_slots(schedule, utc(lower), utc(upper), now, duration, kw.get("step"))
    return [slot.start.strftime("%a %H:%M") for slot in found]


def test_slots_start_on_the_grid_whatever_the_from_asked():
    hours = Schedule(PROVIDER, NINE_TO_FIVE, [])
    found = starts(hours, "2026-03-02 09:07", "2026-03-02 11:00")
    assert found == ["Mon 09:30", "Mon 10:00", "Mon 10:30"]


def test_asked_now_the_first_slot_is_the_next_grid_point_to_the_second():
    hours = Schedule(PROVIDER, NINE_TO_FIVE, [])
    now = datetime.fromisoformat("2026-03-02T13:13:22.394488+00:00")
    found = offered_slots(hours, now - timedelta(hours=1), now + timedelta(hours=2), now, HALF_HOUR)
    assert [s.start.isoformat() for s in found[:2]] == [
        "2026-03-02T13:30:00+00:00",
        "2026-03-02T14:00:00+00:00",
    ]


def test_a_booking_drops_the_slots_it_cuts_and_shifts_none():
    booked = Appointment(5, 1, utc("2026-03-02 10:10"), utc("2026-03-02 10:40"), LONG_AGO)
    hours = Schedule(PROVIDER, NINE_TO_FIVE, [booked])
    found = starts(hours, "2026-03-02 09:00", "2026-03-02 12:00")
    assert found == ["Mon 09:00", "Mon 09:30", "Mon 11:00", "Mon 11:30"]


def test_time_off_and_notice_cut_slots_without_moving_the_grid():
    off = DateOverride(1, utc("2026-03-02 09:45"), utc("2026-03-02 10:15"))
    hours = Schedule(PROVIDER, NINE_TO_FIVE, [], [off])
    now = utc("2026-03-02 10:50")
    found = starts(hours, "2026-03-02 09:00", "2026-03-02 12:00", now=now)
    assert found == ["Mon 11:00", "Mon 11:30"]
    found = starts(hours, "2026-03-02 09:00", "2026-03-02 11:00")
    assert found == ["Mon 09:00", "Mon 10:30"]


def test_extra_availability_has_a_grid_of_its_own():
    extra = DateOverride(
        1, utc("2026-03-02 08:10"), utc("2026-03-02 09:00"), OverrideKind.AVAILABLE
    )
    hours = Schedule(PROVIDER, NINE_TO_FIVE, [], [extra])
    found = starts(hours, "2026-03-02 00:00", "2026-03-02 10:00")
    assert found == ["Mon 08:10", "Mon 08:40", "Mon 09:00", "Mon 09:30"]


def test_windows_that_touch_across_midnight_keep_one_grid():
    late = [
        window("monday", "22:00", "tuesday", "00:00"),
        window("tuesday", "00:00", "tuesday", "02:00"),
    ]
    hours = Schedule(PROVIDER, late, [])
    found = starts(hours, "2026-03-02 23:00", "2026-03-03 03:00", duration=timedelta(minutes=45))
    assert found == ["Mon 23:30", "Tue 00:15", "Tue 01:00"]


def test_a_provider_available_all_week_has_its_grid_from_monday_midnight_in_its_zone():
    always = [window(day, "00:00", nxt, "00:00") for day, nxt in _DAYS]
    hours = Schedule(Provider("Dr. Always", timezone="Asia/Kolkata", id=1), always, [])
    found = starts(hours, "2026-03-04 10:05", "2026-03-04 12:30", duration=timedelta(minutes=60))
    assert found == ["Wed 10:30", "Wed 11:30"]  # 16:00 and 17:00 in Kolkata (+05:30)


def test_a_window_keeps_its_wall_clock_grid_across_a_dst_switch():
    hours = Schedule(Provider("Dr. NY", timezone="America/New_York", id=1), _EVERY_NINE, [])
    found = starts(hours, "2026-03-06 00:00", "2026-03-10 00:00", duration=timedelta(minutes=60))
    assert found[0] == "Fri 14:00" and "Mon 13:00" in found  # 09:00 EST, then 09:00 EDT


def test_merged_spans_join_overlapping_touching_and_wrapping_windows():
    windows = [
        window("monday", "09:00", "monday", "12:00"),
        window("monday", "11:00", "monday", "13:00"),
        window("monday", "13:00", "monday", "14:00"),
        window("sunday", "23:00", "monday", "01:00"),
    ]
    assert merged_spans(windows) == [(9 * 60, 5 * 60), (MINUTES_PER_WEEK - 60, 120)]
    everything = [window(day, "00:00", nxt, "00:00") for day, nxt in _DAYS]
    assert merged_spans(everything) == [(0, MINUTES_PER_WEEK)]


_WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS = list(zip(_WEEK, _WEEK[1:] + _WEEK[:1], strict=True))
_EVERY_NINE = [window(day, "09:00", day, "10:00") for day in _WEEK]
