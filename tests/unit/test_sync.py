from dataclasses import replace

import pytest

from domain import errors
from domain.model import Provider
from domain.rules.feed import parse_slots
from domain.use_cases.weekly_availability import sync_availability
from tests.unit.builders import slot, window
from tests.unit.fakes import FakeFeed, FakeUnitOfWork

GOOD = [
    slot("early", "monday", "06:30", "monday", "07:00"),
    slot("late", "monday", "23:30", "tuesday", "00:15"),
    slot("wrap", "sunday", "23:00", "monday", "01:00"),
]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """Provider 1 exists and has no windows yet."""
    uow = FakeUnitOfWork()
    uow.providers.add(Provider("Dr. Ada Lovelace"))
    return uow


def test_a_first_sync_creates_every_window(uow):
    report = sync_availability(uow, FakeFeed({1: GOOD}), 1)
    assert (report.created, report.updated, report.deleted, report.unchanged) == (3, 0, 0, 0)
    stored = {w.external_id: w for w in uow.windows.for_provider(1)}
    assert set(stored) == {"early", "late", "wrap"}
    assert stored["wrap"].length_minutes == 120


def test_syncing_twice_changes_nothing_the_second_time(uow):
    sync_availability(uow, FakeFeed({1: GOOD}), 1)
    report = sync_availability(uow, FakeFeed({1: GOOD}), 1)
    assert (report.created, report.updated, report.deleted, report.unchanged) == (0, 0, 0, 3)
    assert not report.changed


def test_a_sync_updates_moved_windows_and_deletes_vanished_ones(uow):
    sync_availability(uow, FakeFeed({1: GOOD}), 1)
    moved = slot("early", "monday", "07:00", "monday", "07:30")
    report = sync_availability(uow, FakeFeed({1: [moved, GOOD[1]]}), 1)
    assert (report.created, report.updated, report.deleted, report.unchanged) == (0, 1, 1, 1)
    early = next(w for w in uow.windows.for_provider(1) if w.external_id == "early")
    assert early.start.minute == 7 * 60


def test_a_sync_deletes_only_windows_of_the_feeds_own_source(uow):
    uow.windows.add(replace(window("friday", "09:00", "friday", "10:00"), source="manual"))
    sync_availability(uow, FakeFeed({1: GOOD}), 1)
    report = sync_availability(uow, FakeFeed({1: []}), 1)
    assert report.deleted == 3
    assert [w.source for w in uow.windows.for_provider(1)] == ["manual"]


def test_an_invalid_feed_changes_nothing_and_reports_every_problem(uow):
    sync_availability(uow, FakeFeed({1: GOOD}), 1)
    before = dict(uow.windows.table.rows)
    bad = [
        slot("a", "funday", "09:00", "monday", "10:00"),
        slot("b", "monday", "24:00", "monday", "10:00"),
        slot("c", "monday", "09:00", "monday", "09:00"),
        slot("d", "monday", "09:00", "monday", "10:00", provider_id=2),
        slot("e", "monday", "9:00", "monday", "10:00"),
        slot("f", "monday", "09:00", "monday", "10:00"),
        slot("f", "tuesday", "09:00", "tuesday", "10:00"),
        *GOOD,
    ]
    with pytest.raises(errors.FeedError) as caught:
        sync_availability(uow, FakeFeed({1: bad}), 1)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "unknown day_of_week 'funday'",
        "'24:00' is not HH:MM",
        "zero length",
        "provider_id 2 does not match 1",
        "'9:00' is not HH:MM",
        "duplicate id",
    ):
        assert expected in problems
    assert len(caught.value.problems) == 6
    assert uow.windows.table.rows == before


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("not an object", "expected an object"),
        ({"provider_id": 1}, "'id' must be a non-empty string"),
        (
            {k: v for k, v in slot("x", "monday", "09:00", "monday", "10:00").items() if k != "id"},
            "'id' must be a non-empty string",
        ),
        (
            {"id": "x", "provider_id": 1, "starts_at": "monday 09:00"},
            "starts_at: expected an object",
        ),
        (
            {**slot("x", "monday", "09:00", "monday", "10:00"), "source": "acuity"},
            "source 'acuity'",
        ),
        (
            {**slot("x", "monday", "09:00", "monday", "10:00"), "provider_id": True},
            "provider_id True",
        ),
        (slot("x", "monday", "09:60", "monday", "10:00"), "'09:60' is not HH:MM"),
        (slot("x", "monday", "٠٩:٠٠", "monday", "10:00"), "is not HH:MM"),
    ],
)
def test_each_kind_of_bad_slot_is_named(raw, problem):
    with pytest.raises(errors.FeedError) as caught:
        parse_slots(1, [raw], "calendly")
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_day_names_ignore_case_and_a_missing_source_means_the_feeds_own():
    raw = slot("x", "Monday", "09:00", "MONDAY", "10:00")
    del raw["source"]
    (window,) = parse_slots(1, [raw], "calendly")
    assert window.source == "calendly"
    assert window.length_minutes == 60


def test_syncing_an_unknown_provider_is_not_found(uow):
    with pytest.raises(errors.ProviderNotFound):
        sync_availability(uow, FakeFeed({99: GOOD}), 99)
