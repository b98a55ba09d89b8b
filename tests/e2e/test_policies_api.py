"""Provider policies over HTTP: buffers, minimum notice, booking horizon, and slot steps.

Each policy is visible in GET availabilities and enforced by POST /appointments, whose
refusal names the rule it broke.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import (
    MONDAY,
    assert_problem,
    at,
    book,
    booking,
    free_times,
    moment,
    new_client,
    new_provider,
)

POLICIES = {
    "buffer_before": 5,
    "buffer_after": 10,
    "min_notice_minutes": 60,
    "horizon_days": 30,
    "min_cancel_notice_minutes": 120,
}


def set_policies(http, provider_id: int, **policies: Any) -> dict[str, Any]:
    response = http.patch(f"/providers/{provider_id}", json=policies)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


class TestPolicyFields:
    def test_policies_given_at_creation_are_stored_and_answered(self, http):
        provider = new_provider(http, **POLICIES)
        assert {name: provider[name] for name in POLICIES} == POLICIES
        assert http.get(f"/providers/{provider['id']}").get_json() == provider

    def test_patch_changes_only_the_policies_sent_and_null_removes_the_horizon(self, http):
        provider = new_provider(http, **POLICIES)
        changed = set_policies(http, provider["id"], buffer_after=0, horizon_days=None)
        assert changed == provider | {"buffer_after": 0, "horizon_days": None}
        assert http.get(f"/providers/{provider['id']}").get_json() == changed

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("buffer_before", 1440),
            ("buffer_after", 0),
            ("min_notice_minutes", 525600),
            ("horizon_days", 1),
            ("horizon_days", 3650),
            ("min_cancel_notice_minutes", 525600),
        ],
    )
    def test_policies_at_their_bounds_are_accepted(self, http, field, value):
        provider = new_provider(http)
        assert set_policies(http, provider["id"], **{field: value})[field] == value

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("buffer_before", -1),
            ("buffer_before", 1441),
            ("buffer_after", 1441),
            ("buffer_after", None),
            ("min_notice_minutes", 525601),
            ("min_notice_minutes", "60"),
            ("horizon_days", 0),
            ("horizon_days", 3651),
            ("horizon_days", 1.5),
            ("min_cancel_notice_minutes", -5),
            ("min_cancel_notice_minutes", True),
        ],
    )
    def test_a_policy_out_of_range_or_not_an_integer_is_a_422_naming_it(self, http, field, value):
        provider = new_provider(http, **POLICIES)
        response = http.patch(f"/providers/{provider['id']}", json={field: value})
        body = assert_problem(response, 422, "validation-error")
        assert list(body["errors"]) == [field]
        assert http.get(f"/providers/{provider['id']}").get_json() == provider
        response = http.post("/providers", json={"name": "Dr. X", field: value})
        assert list(assert_problem(response, 422, "validation-error")["errors"]) == [field]


class TestBuffers:
    @pytest.fixture
    def buffered(self, http, provider, customer):
        """The provider with 15 minutes before and 10 after, and a booking 10:00-10:30."""
        set_policies(http, provider["id"], buffer_before=15, buffer_after=10)
        return book(http, customer["id"], provider["id"], "10:00", "10:30")

    def test_free_windows_keep_the_larger_buffer_clear_on_both_sides(
        self, http, provider, buffered
    ):
        assert free_times(http, provider["id"]) == [
            ("09:00", "09:45"),
            ("10:45", "12:00"),
            ("13:00", "17:00"),
        ]

    def test_a_booking_inside_another_appointments_buffer_is_a_409_naming_the_buffer(
        self, http, provider, buffered
    ):
        other = new_client(http, "grace@example.com")
        for start, end in (("10:30", "11:00"), ("09:30", "10:00")):
            response = http.post(
                "/appointments", json=booking(other["id"], provider["id"], start, end)
            )
            assert "buffer" in assert_problem(response, 409, "conflict")["detail"]
        book(http, other["id"], provider["id"], "10:45", "11:15")
        book(http, other["id"], provider["id"], "09:00", "09:45")

    def test_buffers_may_extend_outside_availability(self, http, provider, customer):
        set_policies(http, provider["id"], buffer_before=30, buffer_after=30)
        book(http, customer["id"], provider["id"], "09:00", "09:30")
        book(http, customer["id"], provider["id"], "11:30", "12:00")
        assert free_times(http, provider["id"])[0] == ("10:00", "11:00")


class TestNoticeAndHorizon:
    def test_minimum_notice_clips_free_windows_and_refuses_sooner_bookings(
        self, http, provider, customer, clock
    ):
        set_policies(http, provider["id"], min_notice_minutes=120)
        clock.current = moment(at(MONDAY, "08:00"))
        assert free_times(http, provider["id"]) == [("10:00", "12:00"), ("13:00", "17:00")]
        response = http.post(
            "/appointments", json=booking(customer["id"], provider["id"], "09:30", "10:00")
        )
        assert "120 minutes' notice" in assert_problem(response, 422, "booking-refused")["detail"]
        book(http, customer["id"], provider["id"], "10:00", "10:30")

    def test_the_horizon_clips_free_windows_and_refuses_later_bookings(
        self, http, provider, customer
    ):
        set_policies(http, provider["id"], horizon_days=6)  # now + 6 days = Monday 12:00
        assert free_times(http, provider["id"]) == [("09:00", "12:00")]
        response = http.post(
            "/appointments", json=booking(customer["id"], provider["id"], "13:00", "13:30")
        )
        assert "6 days ahead" in assert_problem(response, 422, "booking-refused")["detail"]
        book(http, customer["id"], provider["id"], "11:30", "12:00")

    def test_a_time_in_the_past_is_refused_as_such_even_with_notice(
        self, http, provider, customer, clock
    ):
        set_policies(http, provider["id"], min_notice_minutes=60)
        clock.current = moment(at(MONDAY, "10:00"))
        response = http.post(
            "/appointments", json=booking(customer["id"], provider["id"], "09:00", "09:30")
        )
        assert "future" in assert_problem(response, 422, "booking-refused")["detail"]


class TestSteps:
    def test_a_step_shorter_than_the_duration_lists_overlapping_slots(self, http, provider):
        slots = free_times(http, provider["id"], duration=60, step=30)
        assert slots[:5] == [
            ("09:00", "10:00"),
            ("09:30", "10:30"),
            ("10:00", "11:00"),
            ("10:30", "11:30"),
            ("11:00", "12:00"),
        ]
        afternoon = ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"]
        assert [start for start, _ in slots[5:]] == afternoon

    def test_a_booking_drops_the_slots_it_cuts_and_the_rest_keep_the_windows_grid(
        self, http, provider, customer
    ):
        book(http, customer["id"], provider["id"], "09:00", "09:10")
        slots = free_times(http, provider["id"], duration=30, step=15)
        morning = [slot for slot in slots if slot[0] < "12:00"]
        assert [start for start, _ in morning] == [
            "09:15",
            "09:30",
            "09:45",
            "10:00",
            "10:15",
            "10:30",
            "10:45",
            "11:00",
            "11:15",
            "11:30",
        ]
        other = new_client(http, "grace@example.com")
        book(http, other["id"], provider["id"], "09:25", "09:55")  # any free time is bookable

    def test_without_a_step_slots_are_consecutive(self, http, provider):
        consecutive = free_times(http, provider["id"], duration=60)
        assert consecutive == free_times(http, provider["id"], duration=60, step=60)
        assert consecutive[:3] == [("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00")]

    @pytest.mark.parametrize(
        "params",
        [
            {"step": 15},
            {"duration": 30, "step": 4},
            {"duration": 30, "step": 1441},
            {"duration": 30, "step": "x"},
        ],
    )
    def test_a_step_without_duration_or_out_of_5_to_1440_minutes_is_a_422(
        self, http, provider, params
    ):
        query = {"from": at(MONDAY, "00:00"), "to": at(MONDAY, "23:00"), **params}
        response = http.get(f"/providers/{provider['id']}/availabilities", query_string=query)
        assert list(assert_problem(response, 422, "validation-error")["errors"]) == ["step"]
