"""GET /providers/{provider_id}/availabilities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from tests.e2e.support import MONDAY, assert_problem, at, booking, created

URL = "/providers/{}/availabilities"


def windows(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(w["starts_at"], w["ends_at"]) for w in body["availabilities"]]


def monday(http: FlaskClient, provider_id: int, **params: Any) -> Any:
    query = {"from": at(MONDAY, "00:00"), "to": "2026-12-01T00:00:00Z", **params}
    return http.get(URL.format(provider_id), query_string=query)


def test_free_windows_are_the_providers_weekly_windows_in_utc(http, provider):
    response = monday(http, provider["id"])
    assert response.status_code == 200
    assert response.get_json() == {
        "provider_id": provider["id"],
        "from": "2026-11-30T00:00:00Z",
        "to": "2026-12-01T00:00:00Z",
        "availabilities": [
            {"starts_at": at(MONDAY, "09:00"), "ends_at": at(MONDAY, "12:00")},
            {"starts_at": at(MONDAY, "13:00"), "ends_at": at(MONDAY, "17:00")},
        ],
    }


def test_a_range_given_with_an_offset_is_answered_in_utc(http, provider):
    response = monday(http, provider["id"], **{"from": "2026-11-30T10:30:00+01:00"})
    body = response.get_json()
    assert body["from"] == "2026-11-30T09:30:00Z"
    assert windows(body)[0] == (at(MONDAY, "09:30"), at(MONDAY, "12:00"))


def test_duration_cuts_windows_into_slots_and_drops_the_remainder(http, provider):
    body = monday(http, provider["id"], duration=100).get_json()
    assert windows(body) == [
        (at(MONDAY, "09:00"), at(MONDAY, "10:40")),
        (at(MONDAY, "13:00"), at(MONDAY, "14:40")),
        (at(MONDAY, "14:40"), at(MONDAY, "16:20")),
    ]


def test_booked_time_is_subtracted_and_the_past_clipped(http, provider, customer, clock):
    created(
        http.post("/appointments", json=booking(customer["id"], provider["id"], "11:00", "11:30"))
    )
    clock.current = datetime.fromisoformat("2026-11-30T10:15:00+00:00")
    body = monday(http, provider["id"]).get_json()
    assert windows(body) == [
        (at(MONDAY, "10:15"), at(MONDAY, "11:00")),
        (at(MONDAY, "11:30"), at(MONDAY, "12:00")),
        (at(MONDAY, "13:00"), at(MONDAY, "17:00")),
    ]


def test_an_unknown_provider_is_a_404(http):
    assert_problem(monday(http, 999), 404, "not-found")


def test_a_naive_timestamp_is_refused_with_a_message_saying_so(http, provider):
    body = assert_problem(
        monday(http, provider["id"], to="2026-12-01T00:00:00"), 422, "validation-error"
    )
    assert "offset" in body["errors"]["to"][0]


def test_missing_or_unparseable_bounds_are_422(http, provider):
    response = http.get(URL.format(provider["id"]), query_string={"from": "next monday"})
    body = assert_problem(response, 422, "validation-error")
    assert set(body["errors"]) == {"from", "to"}


def test_to_not_after_from_is_422(http, provider):
    body = assert_problem(
        monday(http, provider["id"], to=at(MONDAY, "00:00")), 422, "validation-error"
    )
    assert "to" in body["errors"]


def test_a_range_longer_than_92_days_is_422(http, provider):
    response = monday(http, provider["id"], to="2027-03-02T00:00:01Z")
    assert "92 days" in assert_problem(response, 422, "invalid-request")["detail"]
    assert monday(http, provider["id"], to="2027-03-02T00:00:00Z").status_code == 200


def test_a_duration_outside_5_to_1440_minutes_is_422(http, provider):
    for duration in (4, 1441, "ten"):
        body = assert_problem(
            monday(http, provider["id"], duration=duration), 422, "validation-error"
        )
        assert "duration" in body["errors"]
    assert monday(http, provider["id"], duration=1440).status_code == 200
