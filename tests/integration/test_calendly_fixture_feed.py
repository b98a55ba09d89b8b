"""The Calendly fixture adapter: both file shapes, fresh reads, and every way a file is bad."""

from __future__ import annotations

import json
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest

from adapters.calendly_fixture import MAX_FEED_BYTES, CalendlyFixtureFeed
from domain.errors import FeedError
from domain.ports.feed import AvailabilityFeed
from domain.rules.feed import parse_slots
from domain.windows import MINUTES_PER_WEEK, Weekday, WeeklyWindow

SHIPPED_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "calendly_slots.json"


def _slot(
    slot_id: str, provider_id: int, start: str = "09:00", end: str = "10:00"
) -> dict[str, Any]:
    return {
        "id": slot_id,
        "provider_id": provider_id,
        "starts_at": {"day_of_week": "monday", "time": start},
        "ends_at": {"day_of_week": "monday", "time": end},
        "source": "calendly",
    }


def _feed_with(tmp_path: Path, content: object) -> CalendlyFixtureFeed:
    path = tmp_path / "slots.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return CalendlyFixtureFeed(path)


def _feed_error(feed: CalendlyFixtureFeed) -> FeedError:
    with pytest.raises(FeedError) as caught:
        feed.fetch(1)
    return caught.value


# Shapes


def test_the_keyed_shape_gives_each_provider_its_own_raw_slots(tmp_path: Path) -> None:
    first, second, third = _slot("a", 1), _slot("b", 1, "10:00", "11:00"), _slot("c", 2)
    feed = _feed_with(tmp_path, {"1": [first, second], "2": [third]})

    assert feed.fetch(1) == [first, second]
    assert feed.fetch(2) == [third]


def test_the_flat_shape_groups_slots_by_their_provider_id_in_file_order(tmp_path: Path) -> None:
    first, other, second = _slot("a", 1), _slot("b", 2), _slot("c", 1, "11:00", "12:00")
    feed = _feed_with(tmp_path, [first, other, second])

    assert feed.fetch(1) == [first, second]
    assert feed.fetch(2) == [other]


def test_slot_contents_are_passed_through_for_the_domain_to_validate(tmp_path: Path) -> None:
    odd = {"id": "odd", "provider_id": 1, "starts_at": "whenever"}
    feed = _feed_with(tmp_path, {"1": [odd, "not even an object"]})

    assert feed.fetch(1) == [odd, "not even an object"]


def test_a_provider_the_feed_does_not_mention_has_no_slots(tmp_path: Path) -> None:
    assert _feed_with(tmp_path, {"1": [_slot("a", 1)]}).fetch(7) == []
    assert _feed_with(tmp_path, [_slot("a", 1)]).fetch(7) == []


def test_provider_ids_lists_every_key_of_the_keyed_shape_ascending(tmp_path: Path) -> None:
    feed = _feed_with(tmp_path, {"3": [], "1": [_slot("a", 1)], "20": []})

    assert feed.provider_ids() == [1, 3, 20]


def test_provider_ids_lists_every_provider_of_the_flat_shape_once(tmp_path: Path) -> None:
    feed = _feed_with(tmp_path, [_slot("a", 2), _slot("b", 1), _slot("c", 2, "11:00", "12:00")])

    assert feed.provider_ids() == [1, 2]


def test_an_empty_feed_mentions_no_providers(tmp_path: Path) -> None:
    assert _feed_with(tmp_path, {}).provider_ids() == []
    assert _feed_with(tmp_path, []).provider_ids() == []


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    content = "\ufeff" + json.dumps({"1": [_slot("a", 1)]})
    feed = _feed_with(tmp_path, content.encode("utf-8"))

    assert feed.fetch(1) == [_slot("a", 1)]


def test_the_adapter_satisfies_the_feed_port(tmp_path: Path) -> None:
    feed: AvailabilityFeed = _feed_with(tmp_path, {"1": [_slot("a", 1)]})

    assert feed.source == "calendly"
    assert [w.external_id for w in parse_slots(1, feed.fetch(1), feed.source)] == ["a"]


# Fresh reads


def test_every_fetch_reads_the_file_again(tmp_path: Path) -> None:
    feed = _feed_with(tmp_path, {"1": [_slot("a", 1)]})
    assert [slot["id"] for slot in feed.fetch(1)] == ["a"]

    _feed_with(tmp_path, [_slot("b", 1), _slot("c", 2)])

    assert [slot["id"] for slot in feed.fetch(1)] == ["b"]
    assert feed.provider_ids() == [1, 2]


def test_a_file_that_turns_bad_between_fetches_is_reported_on_the_next_one(
    tmp_path: Path,
) -> None:
    feed = _feed_with(tmp_path, {"1": [_slot("a", 1)]})
    assert len(feed.fetch(1)) == 1

    _feed_with(tmp_path, b"{")

    assert "invalid JSON" in _feed_error(feed).reason


# Errors


def test_a_missing_file_is_a_feed_error_that_says_so(tmp_path: Path) -> None:
    feed = CalendlyFixtureFeed(tmp_path / "nowhere.json")

    error = _feed_error(feed)

    assert "does not exist" in error.reason
    assert str(tmp_path) not in error.reason  # messages may reach API clients: no paths
    with pytest.raises(FeedError):
        feed.provider_ids()


def test_a_directory_instead_of_a_file_is_a_feed_error(tmp_path: Path) -> None:
    error = _feed_error(CalendlyFixtureFeed(tmp_path))

    assert "directory" in error.reason


def test_invalid_json_is_a_feed_error_that_points_at_the_line(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, b'{\n  "1": [,]\n}'))

    assert "invalid JSON" in error.reason
    assert "line 2" in error.reason


def test_an_empty_file_is_invalid_json(tmp_path: Path) -> None:
    assert "invalid JSON" in _feed_error(_feed_with(tmp_path, b"")).reason


def test_bytes_that_are_not_utf8_are_a_feed_error(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, b'{"1": ["caf\xe9"]}'))

    assert "not UTF-8" in error.reason


@pytest.mark.parametrize("scalar", [42, "slots", True, None], ids=repr)
def test_a_scalar_at_the_top_level_is_a_feed_error(tmp_path: Path, scalar: object) -> None:
    error = _feed_error(_feed_with(tmp_path, scalar))

    assert "expected an object or a list" in error.reason


def test_a_provider_whose_value_is_not_a_list_is_a_feed_error(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, {"1": [], "2": {"id": "a"}}))

    assert any("provider 2" in p and "expected a list" in p for p in error.problems)


@pytest.mark.parametrize("key", ["abc", "1.5", "-1", "0", "01", " 1", ""])
def test_a_key_that_is_not_a_provider_id_is_a_feed_error(tmp_path: Path, key: str) -> None:
    error = _feed_error(_feed_with(tmp_path, {key: [], "1": []}))

    assert error.problems == [f"key {key!r} is not a provider id (a positive integer)"]


def test_every_shape_problem_is_listed_at_once(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, {"x": [], "2": "nope", "y": []}))

    assert len(error.problems) == 3


def test_a_key_repeated_in_one_object_is_a_feed_error(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, b'{"1": [], "1": []}'))

    assert "more than once" in error.reason


@pytest.mark.parametrize("provider_id", [None, "1", 1.0, True, 0, -3], ids=repr)
def test_a_flat_entry_without_an_integer_provider_id_is_a_feed_error(
    tmp_path: Path, provider_id: object
) -> None:
    entry = _slot("b", 1)
    if provider_id is None:
        del entry["provider_id"]
    else:
        entry["provider_id"] = provider_id

    error = _feed_error(_feed_with(tmp_path, [_slot("a", 1), entry]))

    assert len(error.problems) == 1
    assert error.problems[0].startswith("entry 1: 'provider_id' must be a positive integer")


def test_a_flat_entry_that_is_not_an_object_is_a_feed_error(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, [_slot("a", 1), ["b"]]))

    assert error.problems == ["entry 1: expected a slot object, got a list"]


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    # Valid JSON padded past the limit, so size is the only thing wrong with it.
    error = _feed_error(_feed_with(tmp_path, b"[" + b" " * MAX_FEED_BYTES + b"]"))

    assert "larger than" in error.reason


def test_absurdly_deep_nesting_is_a_feed_error(tmp_path: Path) -> None:
    error = _feed_error(_feed_with(tmp_path, b"[" * 100_000 + b"]" * 100_000))

    assert "too deeply nested" in error.reason


# The shipped fixture


def _shipped_windows() -> dict[int, list[WeeklyWindow]]:
    feed = CalendlyFixtureFeed(SHIPPED_FIXTURE)
    return {pid: parse_slots(pid, feed.fetch(pid), feed.source) for pid in feed.provider_ids()}


def _span(window: WeeklyWindow) -> tuple[int, int]:
    start = window.start.minute_of_week
    return start, start + window.length_minutes


def _overlap(a: WeeklyWindow, b: WeeklyWindow) -> bool:
    (a_start, a_end), (b_start, b_end) = _span(a), _span(b)
    shifts = (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)
    return any(a_start < b_end + s and b_start + s < a_end for s in shifts)


def _pairs(windows: dict[int, list[WeeklyWindow]]) -> list[tuple[WeeklyWindow, WeeklyWindow]]:
    return [pair for same_provider in windows.values() for pair in permutations(same_provider, 2)]


def test_the_shipped_fixture_is_valid_for_providers_one_to_three() -> None:
    windows = _shipped_windows()

    assert sorted(windows) == [1, 2, 3]
    assert all(windows.values())
    ids = [w.external_id for same_provider in windows.values() for w in same_provider]
    assert len(ids) == len(set(ids))


def test_the_shipped_fixture_has_a_window_crossing_midnight_within_the_week() -> None:
    windows = [w for ws in _shipped_windows().values() for w in ws]

    assert any(w.start.day < w.end.day for w in windows)


def test_the_shipped_fixture_has_a_window_wrapping_from_sunday_to_monday() -> None:
    windows = [w for ws in _shipped_windows().values() for w in ws]

    assert any(w.start.day is Weekday.SUNDAY and w.end.day is Weekday.MONDAY for w in windows)


def test_the_shipped_fixture_has_a_pair_of_touching_windows() -> None:
    assert any(a.end == b.start for a, b in _pairs(_shipped_windows()))


def test_the_shipped_fixture_has_a_pair_of_overlapping_windows() -> None:
    assert any(_overlap(a, b) for a, b in _pairs(_shipped_windows()))


def _within_one_day(window: WeeklyWindow) -> bool:
    return window.start.day == window.end.day and window.start.minute < window.end.minute


def test_the_shipped_fixture_has_same_day_windows_separated_by_a_gap() -> None:
    assert any(
        _within_one_day(a) and _within_one_day(b) and a.end < b.start and a.end.day == b.start.day
        for a, b in _pairs(_shipped_windows())
    )


def test_the_shipped_fixture_has_a_window_wholly_within_the_weekend() -> None:
    weekend = {Weekday.SATURDAY, Weekday.SUNDAY}
    windows = [w for ws in _shipped_windows().values() for w in ws]

    assert any(
        w.start.day in weekend and w.start.minute_of_week + w.length_minutes <= MINUTES_PER_WEEK
        for w in windows
    )


def test_the_shipped_fixture_offers_availability_on_most_weekdays() -> None:
    windows = [w for ws in _shipped_windows().values() for w in ws]
    weekdays_with_windows = {w.start.day for w in windows} - {Weekday.SATURDAY, Weekday.SUNDAY}

    assert len(weekdays_with_windows) >= 4
