"""The roster search (GET /availabilities and its POST form) and the first available slots
(GET /availabilities/first and its POST form) over HTTP, on both databases: they agree with the
per-provider answers, filter, validate and page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import (
    MONDAY,
    assert_problem,
    at,
    book,
    new_client,
    new_provider,
    slot,
    working_week,
    write_feed,
)

WEEK = {"from": "2026-11-30T00:00:00Z", "to": "2026-12-07T00:00:00Z"}


@pytest.fixture
def roster(http: FlaskClient, feed_path: Path) -> list[int]:
    """Three providers: UTC with the working week and a booking, Berlin mornings with time off
    and a buffer, New York afternoons closed to new clients."""
    utc = new_provider(http)["id"]
    berlin = new_provider(http, timezone="Europe/Berlin", buffer_after=10)["id"]
    york = new_provider(http, timezone="America/New_York", accepts_new_clients=False)["id"]
    write_feed(
        feed_path,
        {
            utc: working_week(utc),
            berlin: [slot(berlin, f"b-{d}", d, "08:10", "12:00") for d in ("monday", "tuesday")],
            york: [slot(york, "y-mon", "monday", "09:00", "13:00")],
        },
    )
    for provider_id in (utc, berlin, york):
        assert http.post(f"/providers/{provider_id}/availability-sync").status_code == 200
    client = new_client(http)["id"]
    book(http, client, utc, "09:30", "10:15")
    book(http, client, berlin, "10:30", "11:00")
    time_off = {"starts_at": at("2026-12-01", "07:00"), "ends_at": at("2026-12-01", "09:00")}
    assert http.post(f"/providers/{berlin}/time-off", json=time_off).status_code == 201
    return [utc, berlin, york]


def search(http: FlaskClient, **params: Any) -> dict[str, Any]:
    response = http.get("/availabilities", query_string={**WEEK, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def per_provider(http: FlaskClient, provider_ids: list[int], **params: Any) -> list[Any]:
    """The roster answer rebuilt from GET /providers/{id}/availabilities of each provider."""
    found: dict[tuple[str, str], list[int]] = {}
    for provider_id in provider_ids:
        response = http.get(
            f"/providers/{provider_id}/availabilities", query_string={**WEEK, **params}
        )
        assert response.status_code == 200
        for s in response.get_json()["availabilities"]:
            found.setdefault((s["starts_at"], s["ends_at"]), []).append(provider_id)
    return [
        {"starts_at": s, "ends_at": e, "provider_ids": ids} for (s, e), ids in sorted(found.items())
    ]


@pytest.mark.parametrize("step", [None, 15, 25])
def test_the_roster_answer_is_the_union_of_the_per_provider_answers(http, roster, step):
    params = {"duration": 30} if step is None else {"duration": 30, "step": step}
    body = search(http, **params, limit=1000)
    assert body["slots"] == per_provider(http, roster, **params)
    assert body["next_from"] is None
    assert (body["from"], body["to"], body["duration"]) == (*WEEK.values(), 30)
    assert body["step"] == (step or 30)
    assert len({tuple(s["provider_ids"]) for s in body["slots"]}) > 1


def test_named_providers_and_new_client_policy_narrow_the_search(http, roster):
    utc, berlin, york = roster
    named = search(http, duration=45, provider_id=[york, utc], limit=1000)["slots"]
    assert named == per_provider(http, [utc, york], duration=45)
    open_only = search(http, duration=45, accepts_new_clients="true", limit=1000)["slots"]
    assert open_only == per_provider(http, [utc, berlin], duration=45)
    closed = search(http, duration=45, accepts_new_clients="false", limit=1000)["slots"]
    assert closed == per_provider(http, [york], duration=45)


def test_unknown_provider_ids_are_a_422_naming_them(http, roster):
    response = http.get(
        "/availabilities", query_string={**WEEK, "duration": 30, "provider_id": [roster[0], 99, 42]}
    )
    body = assert_problem(response, 422, "unknown-reference")
    assert "42, 99" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "duration"),
        ({"duration": 4}, "duration"),
        ({"duration": 30, "limit": 1001}, "limit"),
        ({"duration": 30, "limit": 0}, "limit"),
        ({"duration": 30, "step": 1441}, "step"),
        ({"duration": 30, "provider_id": "x"}, "provider_id.0"),
        ({"duration": 30, "accepts_new_clients": "yes"}, "accepts_new_clients"),
    ],
)
def test_invalid_parameters_are_a_422_naming_the_field(http, params, field):
    body = assert_problem(
        http.get("/availabilities", query_string={**WEEK, **params}), 422, "validation-error"
    )
    assert field in body["errors"], body


def test_a_range_longer_than_31_days_is_refused(http):
    query = {"from": "2026-11-30T00:00:00Z", "to": "2027-01-01T00:00:01Z", "duration": 30}
    body = assert_problem(http.get("/availabilities", query_string=query), 422, "invalid-request")
    assert "31 days" in body["detail"]


def test_more_than_a_thousand_provider_ids_are_refused(http):
    query = {**WEEK, "duration": 30, "provider_id": list(range(1, 1002))}
    body = assert_problem(http.get("/availabilities", query_string=query), 422, "validation-error")
    assert "provider_id" in body["errors"]


@pytest.mark.parametrize("step", [None, 20])
def test_paging_with_next_from_returns_every_slot_once(http, roster, step):
    params = {"duration": 30} if step is None else {"duration": 30, "step": step}
    whole = search(http, **params, limit=1000)["slots"]
    pages: list[Any] = []
    query = dict(WEEK)
    for _ in range(len(whole)):
        response = http.get("/availabilities", query_string={**query, **params, "limit": 4})
        body = response.get_json()
        assert 0 < len(body["slots"]) <= 4
        pages.extend(body["slots"])
        if body["next_from"] is None:
            break
        assert body["next_from"] == whole[len(pages)]["starts_at"]  # the first omitted slot
        query["from"] = body["next_from"]
    assert pages == whole
    assert len(whole) > 8


def test_the_roster_sees_a_new_booking_at_once(http, roster):
    utc = roster[0]
    before = search(http, duration=30, provider_id=utc)["slots"]
    client = new_client(http, email="late@example.com")["id"]
    first = before[0]
    book(http, client, utc, first["starts_at"][11:16], first["ends_at"][11:16], MONDAY)
    after = search(http, duration=30, provider_id=utc)["slots"]
    assert first not in after
    assert after[: len(before) - 1] == before[1:]


def test_slots_start_on_each_providers_grid_whatever_the_from_asked(http, roster):
    berlin = roster[1]  # 08:10-12:00 in Berlin: 07:10 UTC, then every 30 minutes
    query = {"from": "2026-11-30T07:25:00Z", "to": "2026-11-30T09:00:00Z", "duration": 30}
    body = http.get(f"/providers/{berlin}/availabilities", query_string=query).get_json()
    assert [s["starts_at"] for s in body["availabilities"]] == [
        "2026-11-30T07:40:00Z",
        "2026-11-30T08:10:00Z",
    ]


@pytest.mark.parametrize("step", [None, 20])
def test_the_post_search_answers_what_the_get_search_answers(http, roster, step):
    params = {"duration": 30} if step is None else {"duration": 30, "step": step}
    got = search(http, **params, provider_id=roster[:2], limit=5)
    body = {**WEEK, **params, "provider_ids": roster[:2], "limit": 5}
    posted = http.post("/availabilities/search", json=body)
    assert posted.status_code == 200, posted.get_data(as_text=True)
    assert posted.get_json() == got


def test_a_body_holds_a_thousand_provider_ids_and_names_the_unknown_ones(http, roster):
    ids = [*roster, *range(10_000, 10_997)]
    body = {**WEEK, "duration": 30, "provider_ids": ids}
    for path in ("/availabilities/search", "/availabilities/first/search"):
        problem = assert_problem(http.post(path, json=body), 422, "unknown-reference")
        assert "10000, 10001" in problem["detail"] and "10996" in problem["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"duration": "30"}, "duration"),
        ({"provider_ids": 3}, "provider_ids"),
        ({"provider_id": [3]}, "provider_id"),
        ({"accepts_new_clients": "true"}, "accepts_new_clients"),
        ({"limit": 1001}, "limit"),
    ],
)
def test_a_search_body_is_read_as_json_and_refused_naming_the_field(http, change, field):
    body = {**WEEK, "duration": 30, **change}
    for path in ("/availabilities/search", "/availabilities/first/search"):
        problem = assert_problem(http.post(path, json=body), 422, "validation-error")
        assert field in problem["errors"], problem


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_first_available_is_each_providers_first_listed_slot_soonest_first(http, roster, limit):
    firsts = []
    for provider_id in roster:
        listed = http.get(
            f"/providers/{provider_id}/availabilities", query_string={**WEEK, "duration": 45}
        ).get_json()["availabilities"]
        firsts.append({"provider_id": provider_id, **listed[0]})
    firsts.sort(key=lambda s: (s["starts_at"], s["provider_id"]))
    query = {**WEEK, "duration": 45, "limit": limit}
    got = http.get("/availabilities/first", query_string=query)
    assert got.status_code == 200, got.get_data(as_text=True)
    assert got.get_json()["slots"] == firsts[:limit]
    posted = http.post(
        "/availabilities/first/search", json={**WEEK, "duration": 45, "limit": limit}
    )
    assert posted.get_json() == got.get_json()


def test_first_available_leaves_out_providers_with_no_slot_in_the_range(http, roster):
    york = roster[2]  # Mondays only
    query = {"from": "2026-12-01T00:00:00Z", "to": "2026-12-05T00:00:00Z", "duration": 30}
    slots = http.get("/availabilities/first", query_string=query).get_json()["slots"]
    assert york not in {s["provider_id"] for s in slots}
    assert {s["provider_id"] for s in slots} == set(roster[:2])


@pytest.mark.parametrize("change", ["time off", "weekly hours", "buffer", "cancellation"])
def test_the_roster_and_first_available_see_a_change_at_once(http, roster, change):
    utc = roster[0]
    before = search(http, duration=30, limit=1000)
    if change == "time off":
        span = {"starts_at": at(MONDAY, "00:00"), "ends_at": at("2026-12-02", "00:00")}
        assert http.post(f"/providers/{utc}/time-off", json=span).status_code == 201
    elif change == "weekly hours":
        hours = {
            "windows": [
                {
                    "starts_at": {"day_of_week": "saturday", "time": "13:05"},
                    "ends_at": {"day_of_week": "saturday", "time": "15:00"},
                }
            ]
        }
        assert http.put(f"/providers/{utc}/weekly-availability", json=hours).status_code == 200
    elif change == "buffer":
        assert http.patch(f"/providers/{utc}", json={"buffer_before": 45}).status_code == 200
    else:
        listed = http.get("/appointments", query_string={"provider_id": utc}).get_json()
        cancel = {"canceled_by": "client"}
        assert http.delete(f"/appointments/{listed[0]['id']}", json=cancel).status_code == 200
    after = search(http, duration=30, limit=1000)
    assert after["slots"] == per_provider(http, roster, duration=30) != before["slots"]
    firsts = http.get("/availabilities/first", query_string={**WEEK, "duration": 30}).get_json()
    listed = per_provider(http, [utc], duration=30)
    assert {
        "provider_id": utc,
        "starts_at": listed[0]["starts_at"],
        "ends_at": listed[0]["ends_at"],
    } in firsts["slots"]
