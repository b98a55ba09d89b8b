"""DELETE /appointments/{appointment_id} with a reason, who cancels, and minimum notice."""

from __future__ import annotations

import pytest

from tests.e2e.support import MONDAY, assert_problem, at, book, moment


@pytest.fixture
def appointment(http, provider, customer):
    return book(http, customer["id"], provider["id"], "09:00", "09:30")


def cancel(http, appointment, **kwargs):
    return http.delete(f"/appointments/{appointment['id']}", **kwargs)


def canceled(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "canceled"
    return body


def test_a_reason_and_canceler_in_the_body_are_stored_and_answered(http, appointment):
    body = canceled(
        cancel(http, appointment, json={"reason": "Feeling better", "canceled_by": "client"})
    )
    assert (body["cancel_reason"], body["canceled_by"]) == ("Feeling better", "client")
    assert http.get(f"/appointments/{appointment['id']}").get_json() == body


def test_a_reason_and_canceler_in_the_query_are_stored_and_answered(http, appointment):
    query = {"reason": "Provider is ill", "canceled_by": "provider"}
    body = canceled(cancel(http, appointment, query_string=query))
    assert (body["cancel_reason"], body["canceled_by"]) == ("Provider is ill", "provider")
    listed = http.get("/appointments", query_string={"status": "canceled"}).get_json()
    assert listed == [body]


def test_the_body_and_the_query_may_each_carry_one_detail(http, appointment):
    response = cancel(
        http, appointment, json={"canceled_by": "client"}, query_string={"reason": "Moved away"}
    )
    body = canceled(response)
    assert (body["cancel_reason"], body["canceled_by"]) == ("Moved away", "client")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"data": "", "content_type": "application/json"},
        {"json": {}},
        {"json": {"reason": None}},
    ],
    ids=["no-body", "empty-json-body", "empty-object", "null-reason"],
)
def test_without_details_both_are_null(http, appointment, kwargs):
    body = canceled(cancel(http, appointment, **kwargs))
    assert (body["cancel_reason"], body["canceled_by"]) == (None, None)


def test_canceling_again_keeps_the_first_reason(http, appointment, clock):
    first = canceled(cancel(http, appointment, json={"reason": "First", "canceled_by": "client"}))
    clock.current = moment("2026-11-25T08:00:00Z")
    again = cancel(http, appointment, json={"reason": "Second", "canceled_by": "provider"})
    assert canceled(again) == first


def test_a_detail_given_in_both_the_body_and_the_query_is_a_422(http, appointment):
    response = cancel(http, appointment, json={"reason": "One"}, query_string={"reason": "Other"})
    assert list(assert_problem(response, 422, "validation-error")["errors"]) == ["reason"]
    assert http.get(f"/appointments/{appointment['id']}").get_json() == appointment


@pytest.mark.parametrize(
    ("where", "details", "named"),
    [
        ("json", {"canceled_by": "nurse"}, "canceled_by"),
        ("json", {"reason": ""}, "reason"),
        ("json", {"reason": "x" * 501}, "reason"),
        ("json", {"reason": 42}, "reason"),
        ("json", {"note": "hi"}, "note"),
        ("query_string", {"canceled_by": "nurse"}, "canceled_by"),
        ("query_string", {"reason": "x" * 501}, "reason"),
        ("query_string", {"why": "no"}, "why"),
    ],
)
def test_invalid_details_are_a_422_naming_the_field(http, appointment, where, details, named):
    response = cancel(http, appointment, **{where: details})
    assert list(assert_problem(response, 422, "validation-error")["errors"]) == [named]
    assert http.get(f"/appointments/{appointment['id']}").get_json() == appointment


def test_a_reason_of_500_characters_is_kept(http, appointment):
    assert canceled(cancel(http, appointment, json={"reason": "r" * 500}))["cancel_reason"] == (
        "r" * 500
    )


def test_a_body_that_is_not_json_is_a_415(http, appointment):
    response = cancel(http, appointment, data="reason=x", content_type="text/plain")
    assert_problem(response, 415, "unsupported-media-type")


class TestMinimumCancellationNotice:
    @pytest.fixture
    def day_ahead(self, http, provider, appointment):
        """The provider wants 24 hours' notice of cancellations."""
        response = http.patch(
            f"/providers/{provider['id']}", json={"min_cancel_notice_minutes": 1440}
        )
        assert response.status_code == 200
        return appointment

    def test_a_later_cancellation_is_a_422_and_keeps_the_appointment(self, http, day_ahead, clock):
        clock.current = moment("2026-11-29T09:00:01Z")
        response = cancel(http, day_ahead, json={"reason": "Too late?"})
        detail = assert_problem(response, 422, "cancellation-refused")["detail"]
        assert "1440 minutes" in detail
        assert http.get(f"/appointments/{day_ahead['id']}").get_json() == day_ahead

    def test_a_cancellation_with_exactly_the_notice_is_accepted(self, http, day_ahead, clock):
        clock.current = moment("2026-11-29T09:00:00Z")
        canceled(cancel(http, day_ahead, query_string={"canceled_by": "client"}))

    def test_without_a_notice_even_a_started_appointment_can_be_canceled(
        self, http, appointment, clock
    ):
        clock.current = moment(at(MONDAY, "09:15"))
        body = canceled(cancel(http, appointment, json={"reason": "No-show"}))
        assert body["canceled_at"] == at(MONDAY, "09:15")
