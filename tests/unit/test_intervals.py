from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.intervals import Interval, clip, find_containing, merge, split, subtract
from tests.unit.builders import utc


def iv(start: str, end: str) -> Interval:
    return Interval(utc(f"2026-03-02 {start}"), utc(f"2026-03-02 {end}"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], []),
        ([iv("09:00", "10:00")], [iv("09:00", "10:00")]),
        ([iv("09:00", "10:00"), iv("10:00", "11:00")], [iv("09:00", "11:00")]),
        ([iv("09:00", "10:30"), iv("10:00", "11:00")], [iv("09:00", "11:00")]),
        ([iv("09:00", "12:00"), iv("10:00", "11:00")], [iv("09:00", "12:00")]),
        (
            [iv("10:01", "11:00"), iv("09:00", "10:00")],
            [iv("09:00", "10:00"), iv("10:01", "11:00")],
        ),
        ([iv("09:00", "10:00"), iv("09:00", "10:00")], [iv("09:00", "10:00")]),
        ([iv("09:00", "09:00")], []),
    ],
    ids=["nothing", "one", "touching", "overlapping", "nested", "gap-kept", "duplicate", "empty"],
)
def test_merge_joins_overlapping_and_touching_windows_but_never_across_a_gap(given, expected):
    assert merge(given) == expected


def test_subtract_cuts_holes_out_of_each_window_and_keeps_the_rest():
    base = [iv("09:00", "12:00"), iv("13:00", "15:00")]
    holes = [iv("08:00", "09:30"), iv("10:00", "10:30"), iv("11:45", "13:15"), iv("14:00", "14:30")]
    assert subtract(base, holes) == [
        iv("09:30", "10:00"),
        iv("10:30", "11:45"),
        iv("13:15", "14:00"),
        iv("14:30", "15:00"),
    ]


def test_subtract_handles_a_long_hole_that_spans_several_windows_and_overlapping_holes():
    base = [iv("09:00", "10:00"), iv("11:00", "12:00"), iv("13:00", "14:00")]
    holes = [iv("09:30", "13:30"), iv("09:45", "09:50")]
    assert subtract(base, holes) == [iv("09:00", "09:30"), iv("13:30", "14:00")]


def test_a_back_to_back_hole_removes_nothing():
    assert subtract([iv("09:00", "10:00")], [iv("10:00", "11:00"), iv("08:00", "09:00")]) == [
        iv("09:00", "10:00")
    ]


def test_clip_cuts_to_the_range_and_drops_what_falls_outside():
    windows = [iv("08:00", "09:00"), iv("09:30", "11:00"), iv("12:00", "13:00")]
    assert clip(windows, utc("2026-03-02 10:00"), utc("2026-03-02 12:30")) == [
        iv("10:00", "11:00"),
        iv("12:00", "12:30"),
    ]


def test_split_cuts_consecutive_slots_from_each_start_and_drops_the_remainder():
    pieces = list(split([iv("09:00", "10:10"), iv("11:00", "11:20")], timedelta(minutes=30)))
    assert pieces == [iv("09:00", "09:30"), iv("09:30", "10:00")]


def test_find_containing_finds_the_window_that_wholly_holds_the_target():
    windows = [iv("09:00", "10:00"), iv("11:00", "12:00")]
    assert find_containing(windows, iv("11:15", "12:00")) == iv("11:00", "12:00")
    assert find_containing(windows, iv("09:30", "11:30")) is None
    assert find_containing(windows, iv("08:30", "09:30")) is None
    assert find_containing([], iv("08:30", "09:30")) is None


def test_touching_intervals_do_not_overlap():
    assert not iv("09:00", "10:00").overlaps(iv("10:00", "11:00"))
    assert iv("09:00", "10:01").overlaps(iv("10:00", "11:00"))


# Properties against an oracle: an interval set is the set of minutes it covers.

MINUTE = timedelta(minutes=1)
BASE = utc("2026-03-02 00:00")


def minutes_of(intervals: list[Interval]) -> set[int]:
    covered = set()
    for start, end in intervals:
        covered.update(range((start - BASE) // MINUTE, (end - BASE) // MINUTE))
    return covered


interval_lists = st.lists(
    st.tuples(st.integers(0, 300), st.integers(0, 60)).map(
        lambda t: Interval(BASE + t[0] * MINUTE, BASE + (t[0] + t[1]) * MINUTE)
    ),
    max_size=12,
)


@given(interval_lists)
def test_merge_covers_the_same_minutes_with_sorted_disjoint_non_touching_intervals(given_list):
    merged = merge(given_list)
    assert minutes_of(merged) == minutes_of(given_list)
    assert all(a.end < b.start for a, b in zip(merged, merged[1:], strict=False))
    assert all(i.start < i.end for i in merged)


@given(interval_lists, interval_lists)
def test_subtract_removes_exactly_the_minutes_of_the_holes(base, holes):
    result = subtract(merge(base), sorted(holes))
    assert minutes_of(result) == minutes_of(base) - minutes_of(holes)
    assert result == sorted(result)


@given(interval_lists, st.integers(0, 360), st.integers(0, 360))
def test_clip_keeps_exactly_the_minutes_inside_the_range(base, low, high):
    lower, upper = BASE + min(low, high) * MINUTE, BASE + max(low, high) * MINUTE
    result = clip(merge(base), lower, upper)
    window = set(range(min(low, high), max(low, high)))
    assert minutes_of(result) == minutes_of(base) & window
