"""POST, GET and DELETE /providers/{provider_id}/time-off: time off and extra availability."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import (
    MONDAY,
    TUESDAY,
    assert_problem,
    at,
    book,
    booking,
    created,
    free_times,
    new_client,
    new_provider,
)

URL = "/providers/{}/time-off"


def entry(start: str, end: str, day: str = MONDAY, **fields: Any) -> dict[str, Any]:
    return {"starts_at": at(day, start), "ends_at": at(day, end), **fields}


def add(http, provider_id: int, start: str, end: str, day: str = MONDAY, **fields: Any) -> Any:
    return created(http.post(URL.format(provider_id), json=entry(start, end, day, **fields)))


def listed(http, provider_id: int, **query: Any) -> list[dict[str, Any]]:
    response = http.get(URL.format(provider_id), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: list[dict[str, Any]] = response.get_json()
    return body


class TestTimeOff:
    def test_time_off_answers_201_with_its_location_and_leaves_free_time(self, http, provider):
        response = http.post(
            URL.format(provider["id"]), json=entry("10:00", "11:00", reason="Dentist")
        )
        body = created(response)
        assert body == {
            "id": body["id"],
            "provider_id": provider["id"],
            "starts_at": at(MONDAY, "10:00"),
            "ends_at": at(MONDAY, "11:00"),
            "kind": "unavailable",
            "reason": "Dentist",
            "affected_appointments": [],
        }
        assert response.headers["Location"] == f"/providers/{provider['id']}/time-off/{body['id']}"
        assert free_times(http, provider["id"]) == [
            ("09:00", "10:00"),
            ("11:00", "12:00"),
            ("13:00", "17:00"),
        ]

    def test_a_booking_inside_time_off_is_a_422(self, http, provider, customer):
        add(http, provider["id"], "10:00", "11:00")
        response = http.post(
            "/appointments", json=booking(customer["id"], provider["id"], "10:30", "11:30")
        )
        assert "availability" in assert_problem(response, 422, "booking-refused")["detail"]

    def test_time_off_reports_the_scheduled_appointments_it_covers_and_keeps_them(
        self, http, provider, customer
    ):
        covered = book(http, customer["id"], provider["id"], "09:00", "09:30")
        canceled = book(http, customer["id"], provider["id"], "10:00", "10:30")
        assert http.delete(f"/appointments/{canceled['id']}").status_code == 200
        outside = book(http, customer["id"], provider["id"], "13:00", "13:30")
        body = add(http, provider["id"], "09:15", "12:00", reason="Training")
        assert body["affected_appointments"] == [covered]
        assert http.get(f"/appointments/{covered['id']}").get_json() == covered
        assert http.get(f"/appointments/{outside['id']}").get_json() == outside

    def test_an_unknown_provider_is_a_404(self, http):
        assert_problem(http.post(URL.format(999), json=entry("10:00", "11:00")), 404, "not-found")
        assert_problem(http.get(URL.format(999)), 404, "not-found")

    @pytest.mark.parametrize(
        ("fields", "named"),
        [
            ({"starts_at": "2026-11-30T10:00:00"}, "starts_at"),
            ({"ends_at": at(MONDAY, "09:00")}, "ends_at"),
            ({"ends_at": None}, "ends_at"),
            ({"kind": "holiday"}, "kind"),
            ({"reason": ""}, "reason"),
            ({"reason": "x" * 501}, "reason"),
            ({"reason": "a\u0000b"}, "reason"),
            ({"note": "hi"}, "note"),
        ],
    )
    def test_invalid_time_off_is_a_422_naming_the_field(self, http, provider, fields, named):
        response = http.post(URL.format(provider["id"]), json=entry("10:00", "11:00") | fields)
        assert list(assert_problem(response, 422, "validation-error")["errors"]) == [named]
        assert listed(http, provider["id"]) == []

    def test_a_reason_of_500_characters_is_kept(self, http, provider):
        assert add(http, provider["id"], "10:00", "11:00", reason="r" * 500)["reason"] == "r" * 500


class TestExtraAvailability:
    def test_extra_availability_is_listed_and_bookable(self, http, provider, customer):
        payload = booking(customer["id"], provider["id"], "09:00", "09:30", day=TUESDAY)
        assert_problem(http.post("/appointments", json=payload), 422, "booking-refused")
        body = add(http, provider["id"], "09:00", "11:00", TUESDAY, kind="available")
        assert (body["kind"], body["reason"], body["affected_appointments"]) == (
            "available",
            None,
            [],
        )
        assert free_times(http, provider["id"], TUESDAY) == [("09:00", "11:00")]
        created(http.post("/appointments", json=payload))
        assert free_times(http, provider["id"], TUESDAY) == [("09:30", "11:00")]

    def test_extra_availability_merges_with_a_touching_window(self, http, provider):
        add(http, provider["id"], "12:00", "13:00", kind="available", reason="No lunch")
        assert free_times(http, provider["id"]) == [("09:00", "17:00")]

    def test_time_off_wins_where_it_overlaps_extra_availability(self, http, provider):
        add(http, provider["id"], "09:00", "12:00", TUESDAY, kind="available")
        add(http, provider["id"], "10:00", "11:00", TUESDAY)
        assert free_times(http, provider["id"], TUESDAY) == [("09:00", "10:00"), ("11:00", "12:00")]


class TestListingAndDeleting:
    @pytest.fixture
    def entries(self, http, provider):
        """Three entries added out of order: Tuesday extra time, Monday 13:00, Monday 09:00."""
        tuesday = add(http, provider["id"], "09:00", "10:00", TUESDAY, kind="available")
        afternoon = add(http, provider["id"], "13:00", "14:00")
        morning = add(http, provider["id"], "09:00", "10:00", reason="School run")
        return [
            {k: v for k, v in e.items() if k != "affected_appointments"}
            for e in (morning, afternoon, tuesday)
        ]

    def test_entries_are_listed_by_start(self, http, provider, entries):
        assert listed(http, provider["id"]) == entries

    def test_from_and_to_keep_the_entries_overlapping_the_range(self, http, provider, entries):
        morning, afternoon, tuesday = entries
        monday_pm = {"from": at(MONDAY, "09:59"), "to": at(MONDAY, "13:01")}
        assert listed(http, provider["id"], **monday_pm) == [morning, afternoon]
        assert listed(http, provider["id"], **{"from": at(MONDAY, "14:00")}) == [tuesday]
        assert listed(http, provider["id"], to=at(MONDAY, "09:00")) == []

    @pytest.mark.parametrize(
        "query",
        [
            {"from": "2026-11-30T09:00:00"},
            {"from": at(MONDAY, "10:00"), "to": at(MONDAY, "10:00")},
            {"kind": "available"},
        ],
    )
    def test_invalid_filters_are_a_422(self, http, provider, query):
        response = http.get(URL.format(provider["id"]), query_string=query)
        assert set(assert_problem(response, 422, "validation-error")["errors"]) <= {
            "from",
            "to",
            "kind",
        }

    def test_deleting_answers_204_and_gives_the_time_back(self, http, provider, entries):
        morning, afternoon, tuesday = entries
        assert free_times(http, provider["id"])[0] == ("10:00", "12:00")
        response = http.delete(f"{URL.format(provider['id'])}/{morning['id']}")
        assert response.status_code == 204 and response.data == b""
        assert free_times(http, provider["id"])[0] == ("09:00", "12:00")
        assert listed(http, provider["id"]) == [afternoon, tuesday]
        again = http.delete(f"{URL.format(provider['id'])}/{morning['id']}")
        assert "does not exist" in assert_problem(again, 404, "not-found")["detail"]

    def test_an_entry_is_read_at_its_location(self, http, provider, entries):
        morning = entries[0]
        response = http.get(f"{URL.format(provider['id'])}/{morning['id']}")
        assert response.status_code == 200
        assert response.get_json() == morning

    def test_an_entry_is_not_found_through_another_provider(self, http, provider, entries):
        other = new_provider(http, name="Dr. Barbara Liskov")
        response = http.delete(f"{URL.format(other['id'])}/{entries[0]['id']}")
        assert_problem(response, 404, "not-found")
        assert_problem(http.get(f"{URL.format(other['id'])}/{entries[0]['id']}"), 404, "not-found")
        assert listed(http, provider["id"]) == entries

    @pytest.mark.parametrize("entry_id", ["4242", "99999999999", "abc", "0"])
    def test_an_unknown_or_malformed_entry_id_is_a_404(self, http, provider, entry_id):
        response = http.delete(f"{URL.format(provider['id'])}/{entry_id}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"

    def test_a_deleted_extra_availability_is_no_longer_bookable(self, http, provider, entries):
        tuesday = entries[2]
        http.delete(f"{URL.format(provider['id'])}/{tuesday['id']}")
        client = new_client(http, "grace@example.com")
        payload = booking(client["id"], provider["id"], "09:00", "09:30", day=TUESDAY)
        assert_problem(http.post("/appointments", json=payload), 422, "booking-refused")
