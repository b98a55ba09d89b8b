"""Weekly availability set over the API: validated like a feed, confined to the api source."""

from __future__ import annotations

import pytest

from domain import errors
from domain.events import EventType
from domain.use_cases.weekly_availability import (
    API_SOURCE,
    MAX_WINDOW_ID_LENGTH,
    replace_weekly_availability,
    sync_availability,
    weekly_availability,
)
from domain.windows import WeeklyWindow, WeekTime
from tests.unit.builders import slot
from tests.unit.fakes import FakeFeed


def api_window(start_day: str, start: str, end_day: str, end: str) -> dict[str, object]:
    return {
        "starts_at": {"day_of_week": start_day, "time": start},
        "ends_at": {"day_of_week": end_day, "time": end},
    }


TUESDAY = api_window("tuesday", "09:00", "tuesday", "12:00")
LATE_SUNDAY = api_window("sunday", "22:00", "monday", "02:00")


def as_read(window: WeeklyWindow) -> dict[str, object]:
    """The window in the shape the weekly availability is read in (its id and source)."""

    def moment(at: WeekTime) -> dict[str, str]:
        hours, minutes = divmod(at.minute, 60)
        return {"day_of_week": at.day.name.lower(), "time": f"{hours:02d}:{minutes:02d}"}

    return {
        "id": window.external_id,
        "starts_at": moment(window.start),
        "ends_at": moment(window.end),
        "source": window.source,
    }


def schedule_events(uow) -> int:
    return sum(event.type is EventType.SCHEDULE_CHANGED for event in uow.outbox.events)


def test_the_weekly_availability_lists_every_source_ordered_by_start(uow):
    replace_weekly_availability(uow, 1, [TUESDAY, LATE_SUNDAY])
    weekly = weekly_availability(uow, 1)
    assert weekly.provider.id == 1
    assert [(w.source, w.external_id) for w in weekly.windows] == [
        ("calendly", "morning"),
        ("calendly", "afternoon"),
        (API_SOURCE, "tuesday-0900-tuesday-1200"),
        (API_SOURCE, "sunday-2200-monday-0200"),
    ]


def test_a_put_replaces_only_the_api_windows_and_keeps_ids_of_windows_sent_again(uow):
    first = replace_weekly_availability(uow, 1, [TUESDAY, LATE_SUNDAY])
    kept = next(w for w in first.windows if w.external_id == "tuesday-0900-tuesday-1200")
    second = replace_weekly_availability(uow, 1, [TUESDAY])
    assert [w.external_id for w in second.windows if w.source == API_SOURCE] == [kept.external_id]
    assert next(w for w in second.windows if w.source == API_SOURCE).id == kept.id
    assert [w.external_id for w in second.windows if w.source != API_SOURCE] == [
        "morning",
        "afternoon",
    ]
    emptied = replace_weekly_availability(uow, 1, [])
    assert {w.source for w in emptied.windows} == {"calendly"}


def test_a_sync_never_touches_api_windows(uow):
    replace_weekly_availability(uow, 1, [TUESDAY])
    sync_availability(uow, FakeFeed({1: [slot("only", "friday", "09:00", "friday", "10:00")]}), 1)
    windows = weekly_availability(uow, 1).windows
    assert [(w.source, w.external_id) for w in windows] == [
        (API_SOURCE, "tuesday-0900-tuesday-1200"),
        ("calendly", "only"),
    ]


def test_bad_windows_are_each_named_and_nothing_changes(uow):
    replace_weekly_availability(uow, 1, [TUESDAY])
    bad = [
        api_window("funday", "09:00", "monday", "10:00"),
        TUESDAY,
        api_window("monday", "25:00", "monday", "10:00"),
        api_window("monday", "09:00", "monday", "09:00"),
        TUESDAY,
    ]
    with pytest.raises(errors.InvalidWindows) as raised:
        replace_weekly_availability(uow, 1, bad)
    problems = raised.value.problems
    assert [p.split(":")[0] for p in problems] == ["window 0", "window 2", "window 3", "window 4"]
    assert "unknown day_of_week 'funday'" in problems[0]
    assert "not HH:MM" in problems[1]
    assert "zero length" in problems[2]
    assert "duplicate" in problems[3]
    api = [w for w in weekly_availability(uow, 1).windows if w.source == API_SOURCE]
    assert [w.external_id for w in api] == ["tuesday-0900-tuesday-1200"]


def test_an_unknown_provider_is_not_found(uow):
    with pytest.raises(errors.ProviderNotFound):
        replace_weekly_availability(uow, 99, [TUESDAY])
    with pytest.raises(errors.ProviderNotFound):
        weekly_availability(uow, 99)


def test_a_put_expecting_another_state_changes_nothing(uow):
    with pytest.raises(errors.PreconditionFailed):
        replace_weekly_availability(uow, 1, [TUESDAY], expected=lambda _current: False)
    assert {w.source for w in weekly_availability(uow, 1).windows} == {"calendly"}
    seen = []
    replace_weekly_availability(
        uow, 1, [TUESDAY], expected=lambda current: seen.append(current) or True
    )
    assert len(seen[0].windows) == 2 and uow.locks[-1] == (1, None)


def test_the_api_windows_sent_back_as_read_change_nothing_and_record_no_event(uow):
    first = replace_weekly_availability(uow, 1, [TUESDAY, {**LATE_SUNDAY, "id": "late"}])
    events = schedule_events(uow)
    sent = [as_read(w) for w in first.windows if w.source == API_SOURCE]
    again = replace_weekly_availability(uow, 1, sent)
    assert again == first
    assert schedule_events(uow) == events == 1


def test_a_given_id_is_kept_and_an_edited_window_keeps_its_row(uow):
    first = replace_weekly_availability(uow, 1, [{**TUESDAY, "id": "clinic", "source": "api"}])
    (clinic,) = [w for w in first.windows if w.source == API_SOURCE]
    assert clinic.external_id == "clinic"
    longer = api_window("tuesday", "09:00", "tuesday", "13:00")
    second = replace_weekly_availability(uow, 1, [{**longer, "id": "clinic"}])
    (edited,) = [w for w in second.windows if w.source == API_SOURCE]
    assert (edited.id, edited.external_id, edited.length_minutes) == (clinic.id, "clinic", 240)
    assert schedule_events(uow) == 2


def test_an_id_used_twice_or_too_long_and_a_foreign_source_are_each_named(uow):
    bad = [
        {**TUESDAY, "id": "clinic"},
        {**LATE_SUNDAY, "id": "clinic"},
        {**TUESDAY, "id": "x" * (MAX_WINDOW_ID_LENGTH + 1)},
        {**LATE_SUNDAY, "id": "mon-am", "source": "calendly"},
        {**TUESDAY, "id": " "},
    ]
    with pytest.raises(errors.InvalidWindows) as raised:
        replace_weekly_availability(uow, 1, bad)
    assert raised.value.problems == [
        "window 1: duplicate id 'clinic'",
        f"window 2: 'id' is longer than {MAX_WINDOW_ID_LENGTH} characters",
        "window 3: source 'calendly' is not 'api'",
        "window 4: 'id' must be a non-empty string",
    ]
    assert {w.source for w in weekly_availability(uow, 1).windows} == {"calendly"}


def test_a_window_without_an_id_takes_the_id_of_its_start_and_end_beside_given_ones(uow):
    weekly = replace_weekly_availability(uow, 1, [TUESDAY, {**LATE_SUNDAY, "id": "late"}])
    assert [w.external_id for w in weekly.windows if w.source == API_SOURCE] == [
        "tuesday-0900-tuesday-1200",
        "late",
    ]
