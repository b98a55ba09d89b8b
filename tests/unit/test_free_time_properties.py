"""Properties of free time and booking, over random weekly windows, appointments and zones."""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import errors
from domain.intervals import Interval, clip, find_containing, merge, subtract
from domain.model import Appointment, DateOverride, OverrideKind, Provider
from domain.rules.scheduling import Schedule, check_booking, free_time
from domain.rules.weekly import expand, wall_to_utc
from domain.rules.zones import zone
from domain.windows import MINUTES_PER_WEEK, Weekday, WeeklyWindow, WeekTime
from tests.unit.builders import utc

ORIGIN = utc("2026-03-01 00:00")  # a week holding New York's and near Berlin's spring switch
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"]


@st.composite
def weekly_windows(draw):
    start = draw(st.integers(0, MINUTES_PER_WEEK - 1))
    length = draw(st.integers(1, 12 * 60))
    end = (start + length) % MINUTES_PER_WEEK
    return WeeklyWindow(
        1,
        f"w{start}-{length}",
        WeekTime(Weekday(start // 1440), start % 1440),
        WeekTime(Weekday(end // 1440), end % 1440),
    )


def moments(span_minutes=21 * 24 * 60):
    return st.integers(0, span_minutes).map(lambda m: ORIGIN + timedelta(minutes=m))


@st.composite
def spans(draw, max_minutes=24 * 60):
    start = draw(moments())
    return Interval(start, start + timedelta(minutes=draw(st.integers(1, max_minutes))))


@st.composite
def providers(draw):
    """Providers with random time zones and, half the time, random booking policies."""
    policies = draw(st.booleans())
    minutes = st.integers(0, 90) if policies else st.just(0)
    return Provider(
        "P",
        timezone=draw(st.sampled_from(ZONES)),
        id=1,
        buffer_before=draw(minutes),
        buffer_after=draw(minutes),
        min_notice_minutes=draw(st.integers(0, 3000) if policies else st.just(0)),
        horizon_days=draw(st.none() | st.integers(0, 15)) if policies else None,
    )


@st.composite
def overrides(draw):
    start, end = draw(spans(max_minutes=36 * 60))
    return DateOverride(1, start, end, draw(st.sampled_from(OverrideKind)))


@st.composite
def scenarios(draw):
    windows = draw(st.lists(weekly_windows(), max_size=8))
    booked = draw(st.lists(spans(max_minutes=180), max_size=10))
    appointments = [Appointment(2, 1, s, e, created_at=ORIGIN) for s, e in booked]
    dated = draw(st.lists(overrides(), max_size=4))
    lower, upper = sorted([draw(moments()), draw(moments())])
    upper += timedelta(minutes=1)
    now = draw(moments())
    return Schedule(draw(providers()), windows, appointments, dated), lower, upper, now


def covered(intervals, lower, upper):
    return clip(merge(intervals), lower, upper)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_free_windows_are_sorted_disjoint_and_inside_availability_and_the_range(scenario):
    schedule, lower, upper, now = scenario
    free = free_time(schedule, lower, upper, now)
    availability = schedule.availability(lower, upper)
    for window in free:
        assert lower <= window.start < window.end <= upper
        assert window.start >= now + timedelta(minutes=schedule.provider.min_notice_minutes)
        if schedule.provider.horizon_days is not None:
            assert window.end <= now + timedelta(days=schedule.provider.horizon_days)
        assert find_containing(availability, window) is not None
    for earlier, later in zip(free, free[1:], strict=False):
        assert earlier.end < later.start  # disjoint, and never touching: touching would merge


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_free_windows_keep_the_buffer_away_from_every_scheduled_appointment(scenario):
    schedule, lower, upper, now = scenario
    pad = schedule.provider.buffer
    for window in free_time(schedule, lower, upper, now):
        for booked in schedule.appointments:
            assert not window.overlaps(Interval(booked.starts_at - pad, booked.ends_at + pad))


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_free_time_and_booked_time_together_cover_exactly_the_availability(scenario):
    schedule, lower, upper, now = scenario
    start, latest = schedule.provider.bookable_span(now)
    start, upper = max(lower, start), upper if latest is None else min(upper, latest)
    if start >= upper:
        return
    availability = schedule.availability(start, upper)
    free = free_time(schedule, lower, upper, now)
    booked_inside = subtract(availability, subtract(availability, schedule.busy()))
    assert merge(free + booked_inside) == merge(availability)


@settings(max_examples=300, deadline=None)
@given(scenarios(), spans())
def test_a_booking_succeeds_exactly_when_it_lies_inside_one_free_window(scenario, wanted):
    schedule, _, _, now = scenario
    listed = free_time(
        schedule, wanted.start - timedelta(days=2), wanted.end + timedelta(days=2), now
    )
    try:
        check_booking(schedule, wanted, now, [], is_returning_client=True)
    except (errors.RuleViolation, errors.Conflict):
        accepted = False
    else:
        accepted = True
    assert accepted == (find_containing(listed, wanted) is not None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(weekly_windows(), min_size=1, max_size=6),
    st.sampled_from(ZONES + ["America/Santiago", "Pacific/Chatham", "Europe/Dublin"]),
    st.integers(0, 330),
)
def test_expansion_matches_converting_every_wall_time_one_by_one(windows, tz_name, day_offset):
    """The per-day fast path of ``expand``, over the windows merged in the week, covers what
    converting each window with ``wall_to_utc`` covers, around every switch."""
    lower = utc("2026-01-01 00:00") + timedelta(days=day_offset)
    upper = lower + timedelta(days=10)
    tz = zone(tz_name)
    expected = []
    local_day = (lower - timedelta(days=8)).astimezone(tz).date()
    while local_day <= upper.astimezone(tz).date() + timedelta(days=1):
        for window in windows:
            if window.start.day == local_day.weekday():
                wall = datetime.combine(local_day, datetime.min.time()) + timedelta(
                    minutes=window.start.minute
                )
                start = wall_to_utc(wall, tz)
                end = wall_to_utc(wall + timedelta(minutes=window.length_minutes), tz)
                if start < end and start < upper and end > lower:
                    expected.append(Interval(start, end))
        local_day += timedelta(days=1)
    found = expand(windows, tz_name, lower, upper)
    assert clip(merge(found), lower, upper) == clip(merge(expected), lower, upper)
