"""Filtered searches over HTTP, on both databases: the answer is exactly the union of the
single-provider listings of the providers that match (AND across filters, OR within one)."""

from __future__ import annotations

import pytest

from tests.e2e.support import assert_problem, created
from tests.e2e.test_roster_api import WEEK, per_provider, roster, search  # noqa: F401

PROFILES = [
    {
        "languages": ["es"],
        "licensed_regions": ["US-TX"],
        "payers": ["aetna"],
        "modalities": ["video"],
    },
    {
        "languages": ["es", "de"],
        "licensed_regions": ["US-NM"],
        "modalities": ["video", "in_person"],
    },
    {
        "languages": ["en"],
        "licensed_regions": ["US-TX"],
        "payers": ["aetna"],
        "modalities": ["video"],
    },
]


@pytest.fixture
def profiled(http, roster):  # noqa: F811
    """The roster's three providers (UTC, Berlin, New York) with PROFILES; UTC and New York
    offer a 30- or 60-minute video intake."""
    for provider_id, profile in zip(roster, PROFILES, strict=True):
        assert http.patch(f"/providers/{provider_id}", json=profile).status_code == 200
    intake = {"name": "Video intake", "durations": [30, 60], "modality": "video"}
    kind = created(http.post("/appointment-types", json=intake))
    for provider_id in (roster[0], roster[2]):
        url = f"/providers/{provider_id}/appointment-types"
        assert http.put(url, json={"appointment_type_ids": [kind["id"]]}).status_code == 200
    return roster, kind["id"]


@pytest.mark.parametrize(
    ("filters", "matching"),
    [
        ({"language": "es", "region": "US-TX"}, [0]),
        ({"language": ["es", "en"]}, [0, 1, 2]),
        ({"region": ["US-TX", "US-NM"], "modality": "in_person"}, [1]),
        ({"payer": "aetna", "accepts_new_clients": "false"}, [2]),
        ({"language": "es-mx"}, []),
        ({"payer": "humana"}, []),
    ],
)
def test_a_filtered_search_answers_the_union_of_the_matching_providers_listings(
    http, profiled, filters, matching
):
    roster_ids, _ = profiled
    body = search(http, duration=30, limit=1000, **filters)
    assert body["slots"] == per_provider(http, [roster_ids[i] for i in matching], duration=30)
    as_body = {k: v if isinstance(v, list) else [v] for k, v in filters.items()}
    if "accepts_new_clients" in as_body:
        as_body["accepts_new_clients"] = filters["accepts_new_clients"] == "true"
    posted = http.post(
        "/availabilities/search", json={**WEEK, "duration": 30, "limit": 1000, **as_body}
    )
    assert posted.status_code == 200, posted.get_json()
    assert posted.get_json() == body


def test_a_search_by_type_takes_its_length_and_finds_only_its_providers(http, profiled):
    (utc, _, york), type_id = profiled
    body = search(http, appointment_type_id=type_id, limit=1000)
    assert body["duration"] == 30
    assert body["slots"] == per_provider(http, [utc, york], duration=30)
    longer = search(http, appointment_type_id=type_id, duration=60, limit=1000)
    assert longer["slots"] == per_provider(http, [utc, york], duration=60)
    first = http.get(
        "/availabilities/first", query_string={**WEEK, "appointment_type_id": type_id}
    ).get_json()
    assert sorted(s["provider_id"] for s in first["slots"]) == [utc, york]
    wrong = http.get(
        "/availabilities", query_string={**WEEK, "appointment_type_id": type_id, "duration": 45}
    )
    assert_problem(wrong, 422, "invalid-request")
    unknown = http.get("/availabilities", query_string={**WEEK, "appointment_type_id": 999})
    assert_problem(unknown, 422, "unknown-reference")
    no_length = http.get("/availabilities", query_string=WEEK)
    assert_problem(no_length, 422, "validation-error")


def test_filters_narrow_the_named_providers_too(http, profiled):
    (utc, berlin, york), _ = profiled
    body = search(http, duration=30, limit=1000, language="es", provider_id=[berlin, york])
    assert body["slots"] == per_provider(http, [berlin], duration=30)
    bad = http.get("/availabilities", query_string={**WEEK, "duration": 30, "region": "Texas"})
    assert_problem(bad, 422, "validation-error")
