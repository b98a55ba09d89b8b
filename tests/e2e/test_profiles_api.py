"""Provider profiles over HTTP: set with POST and PATCH, answered normalized by GET."""

from __future__ import annotations

import pytest

from tests.e2e.support import assert_problem, created

PROFILE = {
    "specialties": ["couples", "anxiety", "anxiety"],
    "languages": ["es-mx", "en", "spa"],
    "modalities": ["video"],
    "licensed_regions": ["US-TX"],
    "payers": ["aetna"],
}


def test_a_profile_given_at_creation_is_answered_sorted_normalized_and_without_repeats(http):
    body = created(http.post("/providers", json={"name": "Dr. Ruiz", **PROFILE}))
    expected = {
        "specialties": ["anxiety", "couples"],
        "languages": ["en", "es", "es-MX"],
        "modalities": ["video"],
        "licensed_regions": ["US-TX"],
        "payers": ["aetna"],
    }
    assert {name: body[name] for name in expected} == expected
    assert http.get(f"/providers/{body['id']}").get_json() == body
    listed = http.get("/providers").get_json()
    assert [p for p in listed if p["id"] == body["id"]] == [body]


def test_a_patch_replaces_only_the_lists_it_names(http):
    body = created(http.post("/providers", json={"name": "Dr. Ruiz", **PROFILE}))
    response = http.patch(
        f"/providers/{body['id']}", json={"payers": ["bcbs-tx"], "modalities": []}
    )
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert (changed["payers"], changed["modalities"]) == (["bcbs-tx"], [])
    assert changed["specialties"] == ["anxiety", "couples"]
    assert changed["name"] == "Dr. Ruiz"


def test_a_patch_with_a_stale_tag_changes_no_profile(http):
    body = created(http.post("/providers", json={"name": "Dr. Ruiz", **PROFILE}))
    tag = http.get(f"/providers/{body['id']}").headers["ETag"]
    http.patch(f"/providers/{body['id']}", json={"payers": ["cigna"]})
    stale = http.patch(
        f"/providers/{body['id']}", json={"payers": ["bcbs-tx"]}, headers={"If-Match": tag}
    )
    assert_problem(stale, 412, "precondition-failed")
    assert http.get(f"/providers/{body['id']}").get_json()["payers"] == ["cigna"]


@pytest.mark.parametrize(
    "profile",
    [
        {"languages": ["klingon-xx"]},
        {"languages": ["zz"]},
        {"licensed_regions": ["US-XX"]},
        {"licensed_regions": ["us-tx"]},
        {"licensed_regions": ["Texas"]},
        {"modalities": ["carrier_pigeon"]},
        {"specialties": ["Anxiety"]},
        {"payers": ["-aetna"]},
        {"payers": ["x" * 65]},
        {"specialties": [f"s{i}" for i in range(21)]},
        {"payers": "aetna"},
        {"languages": [7]},
    ],
)
def test_an_invalid_profile_is_a_422_and_nothing_is_created(http, profile):
    response = http.post("/providers", json={"name": "Dr. X", **profile})
    assert_problem(response, 422, "validation-error")
    assert http.get("/providers").get_json() == []
