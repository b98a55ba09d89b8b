from datetime import timedelta

import pytest

from domain.errors import InvalidRequest
from domain.intervals import Interval
from domain.rules.weekly import expand, wall_to_utc
from domain.rules.zones import zone
from tests.unit.builders import utc, window


def occurrences(windows, tz, lower, upper):
    return sorted(expand(windows, tz, utc(lower), utc(upper)))


def test_a_window_that_crosses_midnight_is_one_interval():
    found = occurrences(
        [window("monday", "23:30", "tuesday", "00:15")],
        "UTC",
        "2026-03-02 00:00",
        "2026-03-04 00:00",
    )
    assert found == [Interval(utc("2026-03-02 23:30"), utc("2026-03-03 00:15"))]


def test_a_window_that_wraps_from_sunday_to_monday_is_one_interval():
    found = occurrences(
        [window("sunday", "23:00", "monday", "01:00")],
        "UTC",
        "2026-03-08 00:00",
        "2026-03-10 00:00",
    )
    assert found == [Interval(utc("2026-03-08 23:00"), utc("2026-03-09 01:00"))]


def test_a_window_that_began_before_the_range_is_included_for_the_caller_to_clip():
    found = occurrences(
        [window("sunday", "23:00", "monday", "01:00")],
        "UTC",
        "2026-03-09 00:30",
        "2026-03-09 12:00",
    )
    assert found == [Interval(utc("2026-03-08 23:00"), utc("2026-03-09 01:00"))]


def test_a_window_repeats_every_week_of_the_range():
    found = occurrences(
        [window("tuesday", "09:00", "tuesday", "10:00")],
        "UTC",
        "2026-03-01 00:00",
        "2026-03-22 00:00",
    )
    assert [i.start for i in found] == [
        utc("2026-03-03 09:00"),
        utc("2026-03-10 09:00"),
        utc("2026-03-17 09:00"),
    ]


def test_a_window_that_ends_before_the_range_or_starts_after_it_is_left_out():
    found = occurrences(
        [window("monday", "09:00", "monday", "10:00")],
        "UTC",
        "2026-03-02 10:00",
        "2026-03-09 09:00",
    )
    assert found == []


@pytest.mark.parametrize(
    ("tz", "local_monday", "expected_utc_start"),
    [
        ("America/New_York", "2026-01-05", "2026-01-05 14:00"),
        ("America/New_York", "2026-07-06", "2026-07-06 13:00"),
        ("Europe/Berlin", "2026-01-05", "2026-01-05 08:00"),
        ("Europe/Berlin", "2026-07-06", "2026-07-06 07:00"),
        ("Australia/Sydney", "2026-07-06", "2026-07-05 23:00"),  # southern winter, UTC+10
        ("Australia/Sydney", "2026-01-05", "2026-01-04 22:00"),  # southern summer, UTC+11
    ],
)
def test_nine_to_ten_follows_the_local_clock_in_winter_and_summer(
    tz, local_monday, expected_utc_start
):
    monday = [window("monday", "09:00", "monday", "10:00")]
    start = utc(expected_utc_start)
    found = sorted(expand(monday, tz, start - timedelta(hours=12), start + timedelta(hours=12)))
    assert found == [Interval(start, start + timedelta(hours=1))]
    assert start.astimezone(zone(tz)).date().isoformat() == local_monday


def test_a_window_across_the_spring_forward_jump_is_an_hour_shorter_in_real_time():
    # New York springs forward on Sunday 2026-03-08 at 02:00 local (07:00Z).
    found = occurrences(
        [window("sunday", "01:00", "sunday", "04:00")],
        "America/New_York",
        "2026-03-08 00:00",
        "2026-03-09 00:00",
    )
    assert found == [Interval(utc("2026-03-08 06:00"), utc("2026-03-08 08:00"))]


def test_a_window_across_the_fall_back_jump_is_an_hour_longer_in_real_time():
    # New York falls back on Sunday 2026-11-01 at 02:00 local (06:00Z).
    found = occurrences(
        [window("sunday", "00:00", "sunday", "03:00")],
        "America/New_York",
        "2026-11-01 00:00",
        "2026-11-02 00:00",
    )
    assert found == [Interval(utc("2026-11-01 04:00"), utc("2026-11-01 08:00"))]


def test_a_wall_time_that_occurs_twice_means_its_first_occurrence():
    tz = zone("America/New_York")
    assert wall_to_utc(utc("2026-11-01 01:30").replace(tzinfo=None), tz) == utc("2026-11-01 05:30")


def test_a_wall_time_that_does_not_exist_means_the_instant_the_clocks_jump():
    tz = zone("Europe/Berlin")  # 2026-03-29 02:00 local does not exist; the jump is at 01:00Z
    assert wall_to_utc(utc("2026-03-29 02:30").replace(tzinfo=None), tz) == utc("2026-03-29 01:00")


def test_a_window_wholly_inside_the_skipped_hour_is_offered_nowhere():
    found = occurrences(
        [window("sunday", "02:00", "sunday", "02:45")],
        "Europe/Berlin",
        "2026-03-28 00:00",
        "2026-03-30 00:00",
    )
    assert found == []


def test_a_window_starting_inside_the_skipped_hour_starts_at_the_jump():
    found = occurrences(
        [window("sunday", "02:30", "sunday", "03:10")],
        "Europe/Berlin",
        "2026-03-28 00:00",
        "2026-03-30 00:00",
    )
    assert found == [Interval(utc("2026-03-29 01:00"), utc("2026-03-29 01:10"))]


def test_the_southern_hemisphere_falls_back_in_april():
    # Sydney leaves daylight time on Sunday 2026-04-05 at 03:00 local (16:00Z the day before).
    found = occurrences(
        [window("sunday", "01:00", "sunday", "04:00")],
        "Australia/Sydney",
        "2026-04-04 00:00",
        "2026-04-06 00:00",
    )
    assert found == [Interval(utc("2026-04-04 14:00"), utc("2026-04-04 18:00"))]


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(InvalidRequest, match="unknown time zone"):
        zone("Mars/Olympus_Mons")
