"""A filtered roster search answers exactly the union of the single-provider answers over the
providers that match (docs/DECISIONS.md, "Provider matching").

Random rosters of tests/unit/test_roster_properties.py, each provider with a random profile and
random offered types; random filters, with or without a type (whose policies then apply).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.profiles import AppointmentType, ClientRule, Filters, Modality, Profile
from domain.rules.types import with_type_policies
from domain.use_cases.availability import free_windows
from domain.use_cases.matching import match_providers
from domain.use_cases.roster import first_free_slots, search_free_slots
from tests.unit.test_roster_properties import CLOCK, rosters

CODES = {
    "specialties": ["anxiety", "couples", "grief"],
    "languages": ["en", "es", "fr"],
    "modalities": [m.value for m in Modality],
    "licensed_regions": ["US-TX", "US-NM", "US-CA"],
    "payers": ["aetna", "cigna", "bcbs"],
}
TYPES = [
    AppointmentType("Intake", (60, 90), Modality.VIDEO, ClientRule.NEW, buffer_after=15),
    AppointmentType("Call", (30,), Modality.PHONE, min_notice_minutes=600),
    AppointmentType("Visit", (45,), Modality.IN_PERSON, buffer_before=30, buffer_after=5),
]


def subset(values: list[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(values), max_size=2)


@st.composite
def profiled(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    """A roster whose providers have random profiles and offer random types, and filters."""
    uow, query = draw(rosters())
    for kind in TYPES:
        uow.appointment_types.add(kind)
    for provider_id in uow.providers.table.rows:
        lists = {name: draw(st.lists(st.sampled_from(v), max_size=3)) for name, v in CODES.items()}
        uow.profiles.replace(provider_id, Profile.of(**lists))
        uow.appointment_types.offer(provider_id, draw(st.lists(st.sampled_from([1, 2, 3]))))
    codes = {name: draw(subset(values)) for name, values in CODES.items()}
    type_id = draw(st.none() | st.sampled_from([1, 2, 3]))
    if type_id is not None:
        codes["modalities"] = frozenset()  # the type brings its own
    new = draw(st.none() | st.booleans())
    filters = Filters(**codes, appointment_type_id=type_id, accepts_new_clients=new)
    return uow, query, filters


def _matches(uow, filters: Filters, provider_id: int) -> bool:  # type: ignore[no-untyped-def]
    """The filters checked on one provider alone, as the issue states them."""
    profile = uow.profiles.rows.get(provider_id, Profile())
    offered = uow.appointment_types.offered_by(provider_id)
    provider = uow.providers.table.rows[provider_id]
    if filters.accepts_new_clients not in (None, provider.accepts_new_clients):
        return False
    if filters.appointment_type_id is not None:
        kind = uow.appointment_types.get(filters.appointment_type_id)
        if kind.modality.value not in profile.modalities:
            return False
    return filters.matches(profile, offered)


@settings(max_examples=150, deadline=None)
@given(case=profiled(), clock=CLOCK)
def test_the_filtered_answer_is_the_union_of_the_answers_of_exactly_the_matching_providers(
    case, clock
):
    uow, query, filters = case
    kind = None if filters.appointment_type_id is None else TYPES[filters.appointment_type_id - 1]
    asked = None if kind is None else timedelta(minutes=kind.durations[-1])
    matched, length = match_providers(uow, filters, None, asked or query["duration"])
    search = {**query, "duration": length}
    found = search_free_slots(uow, clock, **search, limit=1000, matched=matched)
    first = first_free_slots(uow, clock, **search, limit=1000, matched=matched)
    matching = [pid for pid in sorted(uow.providers.table.rows) if _matches(uow, filters, pid)]
    assert [p.id for p in uow.profiles.matching(matched.filters, None)] == matching
    event(f"matching {min(len(matching), 2)}, typed {kind is not None}")
    if kind is not None:  # the single-provider listing, under the type's policies
        for pid in matching:
            provider = uow.providers.table.rows[pid]
            uow.providers.table.rows[pid] = with_type_policies(provider, kind)
    expected: dict[tuple[object, object], list[int]] = {}
    earliest = []
    for provider_id in matching:
        slots = free_windows(uow, clock, provider_id, **search)
        for slot in slots:
            expected.setdefault((slot.start, slot.end), []).append(provider_id)
        if slots:
            earliest.append((slots[0].start, provider_id, slots[0]))
    answered = [(s.starts_at, s.ends_at, list(s.provider_ids)) for s in found.slots]
    whole = [(s, e, ids) for (s, e), ids in sorted(expected.items())]
    assert answered == (whole if found.next_from is None else whole[: len(answered)])
    assert first == [(pid, slot) for _, pid, slot in sorted(earliest)]
