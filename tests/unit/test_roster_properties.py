"""The roster search agrees with the single-provider listing, and its pages with the whole.

Random rosters: providers in several zones with random windows, time off and extra time,
buffers, notice, horizons and appointments; random ranges, durations, steps and limits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.model import Appointment, Client, DateOverride, OverrideKind, Provider
from domain.use_cases.availability import free_windows
from domain.use_cases.roster import first_free_slots, search_free_slots
from domain.windows import MINUTES_PER_WEEK, Weekday, WeeklyWindow, WeekTime
from tests.unit.builders import utc
from tests.unit.fakes import FakePlans, FakeUnitOfWork, FixedClock

ORIGIN = utc("2026-03-01 00:00")  # holds New York's spring switch, near Berlin's
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"]
#: Windows, ranges, bookings and overrides are drawn on one of these grids, from the clock's
#: (a minute) to a clinic's (half an hour).
GRIDS = st.sampled_from([1, 5, 15, 30])


def minutes(grid: int, low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low // grid, high // grid).map(lambda n: n * grid)


@st.composite
def weekly_window(draw: st.DrawFn, grid: int) -> WeeklyWindow:
    start = draw(minutes(grid, 0, MINUTES_PER_WEEK - grid))
    end = (start + draw(minutes(grid, grid, 10 * 60))) % MINUTES_PER_WEEK
    return WeeklyWindow(
        0,
        f"w{start}-{end}",
        WeekTime(Weekday(start // 1440), start % 1440),
        WeekTime(Weekday(end // 1440), end % 1440),
    )


@st.composite
def span(draw: st.DrawFn, grid: int, longest: int) -> tuple[object, object]:
    start = ORIGIN + timedelta(minutes=draw(minutes(grid, 0, 14 * 24 * 60)))
    return start, start + timedelta(minutes=draw(minutes(grid, grid, longest)))


@st.composite
def provider_data(draw: st.DrawFn, grid: int) -> dict[str, object]:
    policies = draw(st.booleans())
    small = minutes(5, 0, 60) if policies else st.just(0)
    provider = Provider(
        "P",
        timezone=draw(st.sampled_from(ZONES)),
        accepts_new_clients=draw(st.booleans()),
        buffer_before=draw(small),
        buffer_after=draw(small),
        min_notice_minutes=draw(st.integers(0, 3000) if policies else st.just(0)),
        horizon_days=draw(st.none() | st.integers(1, 15)) if policies else None,
    )
    return {
        "provider": provider,
        "windows": draw(st.lists(weekly_window(grid), max_size=6)),
        "overrides": [
            (*draw(span(grid, 36 * 60)), kind)
            for kind in draw(st.lists(st.sampled_from(OverrideKind), max_size=3))
        ],
        "booked": draw(st.lists(span(grid, 120), max_size=6)),
    }


@st.composite
def rosters(draw: st.DrawFn) -> tuple[FakeUnitOfWork, dict[str, object]]:
    grid = draw(GRIDS)
    uow = FakeUnitOfWork()
    uow.plans = FakePlans(admitting=draw(st.booleans()))  # kept week plans, or straight
    client = uow.clients.add(Client("C", "c@example.com"))
    assert client.id is not None
    for data in draw(st.lists(provider_data(grid), min_size=1, max_size=5)):
        provider = uow.providers.add(data["provider"])  # type: ignore[arg-type]
        assert provider.id is not None
        for w in data["windows"]:  # type: ignore[attr-defined]
            uow.windows.add(replace(w, provider_id=provider.id))
        for start, end, kind in data["overrides"]:  # type: ignore[attr-defined]
            uow.overrides.add(DateOverride(provider.id, start, end, kind))
        for start, end in data["booked"]:  # type: ignore[attr-defined]
            uow.appointments.add(Appointment(client.id, provider.id, start, end, ORIGIN))
    lower = ORIGIN + timedelta(minutes=draw(minutes(grid, 0, 7 * 24 * 60)))
    query = {
        "lower": lower,
        "upper": lower + timedelta(minutes=draw(minutes(grid, grid, 10 * 24 * 60))),
        "duration": timedelta(minutes=draw(minutes(5, 5, 120))),
        "step": draw(st.none() | minutes(5, 5, 90).map(lambda m: timedelta(minutes=m))),
    }
    return uow, query


#: The unpaged answer a paging is compared with: its first WHOLE slots (its next_from says
#: where the rest begins), so that one example pages at most WHOLE times.
WHOLE = 200
CLOCK = st.integers(-3 * 24 * 60, 10 * 24 * 60).map(
    lambda m: FixedClock(ORIGIN + timedelta(minutes=m))
)


@settings(max_examples=150, deadline=None)
@given(roster=rosters(), clock=CLOCK)
def test_the_roster_answer_is_the_union_of_the_per_provider_answers(roster, clock):
    uow, query = roster
    found = search_free_slots(uow, clock, **query, limit=1000)
    expected: dict[tuple[object, object], list[int]] = {}
    for provider_id in sorted(uow.providers.table.rows):
        for slot in free_windows(uow, clock, provider_id, **query):
            expected.setdefault((slot.start, slot.end), []).append(provider_id)
    answered = [(s.starts_at, s.ends_at, list(s.provider_ids)) for s in found.slots]
    if found.next_from is None:
        assert answered == [(s, e, ids) for (s, e), ids in sorted(expected.items())]
    else:  # more than 1,000 slots: the page is the beginning of the whole
        assert (
            answered == [(s, e, ids) for (s, e), ids in sorted(expected.items())][: len(answered)]
        )


@settings(max_examples=150, deadline=None)
@given(roster=rosters(), clock=CLOCK, limit=st.integers(1, 8))
def test_paging_through_returns_every_slot_of_the_unpaged_answer_once(roster, clock, limit):
    uow, query = roster
    whole = search_free_slots(uow, clock, **query, limit=WHOLE)
    pages, lower = [], query["lower"]
    while len(pages) < len(whole.slots):
        found = search_free_slots(uow, clock, **{**query, "lower": lower}, limit=limit)
        assert len(found.slots) <= limit
        assert found.next_from is None or found.next_from > lower
        taken = len(whole.slots) - len(pages)
        pages.extend(found.slots[:taken])
        if len(pages) == len(whole.slots):  # the last page, or as far as the whole was cut
            rest = found.slots[taken].starts_at if len(found.slots) > taken else found.next_from
            assert rest == whole.next_from  # what follows is where the whole's rest begins
            break
        assert found.next_from == whole.slots[len(pages)].starts_at  # the first omitted slot
        lower = found.next_from
    event(f"several pages: {len(pages) > limit}")
    assert pages == whole.slots


@settings(max_examples=150, deadline=None)
@given(roster=rosters(), clock=CLOCK, limit=st.integers(1, 8))
def test_first_available_is_each_providers_first_listed_slot(roster, clock, limit):
    uow, query = roster
    found = first_free_slots(uow, clock, **query, limit=limit)
    firsts = []
    for provider_id in sorted(uow.providers.table.rows):
        listed = free_windows(uow, clock, provider_id, **query)
        if listed:
            firsts.append((provider_id, listed[0]))
    firsts.sort(key=lambda pair: (pair[1].start, pair[0]))
    assert found == firsts[:limit]


@settings(max_examples=150, deadline=None)
@given(roster=rosters(), clock=CLOCK, later=st.integers(0, 3 * 24 * 60))
def test_a_providers_slots_do_not_depend_on_the_from_asked(roster, clock, later):
    uow, query = roster
    lower = query["lower"] + timedelta(minutes=later)
    if lower >= query["upper"]:
        return
    for provider_id in sorted(uow.providers.table.rows):
        earlier = free_windows(uow, clock, provider_id, **query)
        asked_later = free_windows(uow, clock, provider_id, **{**query, "lower": lower})
        assert asked_later == [s for s in earlier if s.start >= lower]
