"""Strong ETags, If-None-Match (304) and If-Match (412) on both databases.

A 304 must never be stale: each input of an answer is changed in turn, and the old tag must
then get a 200 with a new tag.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.services import services
from tests.e2e.conftest import build_app
from tests.e2e.support import (
    MONDAY,
    assert_problem,
    at,
    book,
    created,
    slot,
    write_feed,
)

NEXT_MONDAY = "2026-12-07"
RANGE = {"from": at(MONDAY, "00:00"), "to": at(NEXT_MONDAY, "00:00")}


def availability(provider_id: int) -> str:
    query = "&".join(f"{key}={value}" for key, value in RANGE.items())
    return f"/providers/{provider_id}/availabilities?{query}"


def tag_of(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    tag, weak = response.get_etag()
    assert tag and not weak
    return str(tag)


def current_tag(http, url: str) -> str:
    return tag_of(http.get(url))


def assert_not_modified(http, url: str, tag: str) -> None:
    response = http.get(url, headers={"If-None-Match": f'"{tag}"'})
    assert response.status_code == 304, response.get_data(as_text=True)
    assert response.get_data() == b""
    assert response.get_etag() == (tag, False)


def assert_changed(http, url: str, tag: str) -> str:
    """The old tag gets a full 200 with a new tag, which is then current; returns it."""
    response = http.get(url, headers={"If-None-Match": f'"{tag}"'})
    new = tag_of(response)
    assert new != tag
    assert response.get_json()
    assert_not_modified(http, url, new)
    return new


class TestAvailability:
    def test_a_current_tag_is_a_304_and_each_input_changing_makes_a_new_tag(
        self, http, provider, customer, feed_path
    ):
        pid = provider["id"]
        url = availability(pid)
        tag = current_tag(http, url)
        assert_not_modified(http, url, tag)

        windows = {
            "windows": [
                {
                    "starts_at": {"day_of_week": "tuesday", "time": "08:00"},
                    "ends_at": {"day_of_week": "tuesday", "time": "09:00"},
                }
            ]
        }
        assert http.put(f"/providers/{pid}/weekly-availability", json=windows).status_code == 200
        tag = assert_changed(http, url, tag)

        write_feed(feed_path, {pid: [slot(pid, "only", "monday", "09:00", "17:00")]})
        assert http.post(f"/providers/{pid}/availability-sync").status_code == 200
        tag = assert_changed(http, url, tag)

        block = {"starts_at": at(MONDAY, "09:00"), "ends_at": at(MONDAY, "10:00")}
        time_off = created(http.post(f"/providers/{pid}/time-off", json=block))
        tag = assert_changed(http, url, tag)
        assert http.delete(f"/providers/{pid}/time-off/{time_off['id']}").status_code == 204
        tag = assert_changed(http, url, tag)

        assert http.patch(f"/providers/{pid}", json={"buffer_after": 15}).status_code == 200
        tag = assert_changed(http, url, tag)

        appointment = book(http, customer["id"], pid, "10:00", "10:30")
        tag = assert_changed(http, url, tag)
        move = {"starts_at": at(MONDAY, "11:00"), "ends_at": at(MONDAY, "11:30")}
        assert http.patch(f"/appointments/{appointment['id']}", json=move).status_code == 200
        tag = assert_changed(http, url, tag)
        assert http.delete(f"/appointments/{appointment['id']}").status_code == 200
        assert_changed(http, url, tag)

    def test_changes_that_cannot_change_the_answer_keep_the_tag(self, http, provider, clock):
        pid = provider["id"]
        url = availability(pid)
        tag = current_tag(http, url)
        assert http.patch(f"/providers/{pid}", json={"name": "Dr. Renamed"}).status_code == 200
        assert http.post(f"/providers/{pid}/availability-sync").status_code == 200  # unchanged
        clock.current += timedelta(hours=1)  # still before the range: now does not matter
        assert_not_modified(http, url, tag)

    def test_the_passage_of_time_makes_a_new_tag_when_the_booking_window_cuts_the_range(
        self, http, provider, clock
    ):
        pid = provider["id"]
        url = availability(pid)
        notice = {"min_notice_minutes": 7 * 24 * 60}  # now + notice lies inside the range
        assert http.patch(f"/providers/{pid}", json=notice).status_code == 200
        tag = current_tag(http, url)
        assert_not_modified(http, url, tag)
        clock.current += timedelta(minutes=1)
        tag = assert_changed(http, url, tag)

        horizon = {"min_notice_minutes": 0, "horizon_days": 8}  # now + horizon inside the range
        assert http.patch(f"/providers/{pid}", json=horizon).status_code == 200
        tag = current_tag(http, url)
        clock.current += timedelta(seconds=1)
        assert_changed(http, url, tag)

    def test_a_booking_through_another_worker_makes_a_new_tag(
        self, http, provider, customer, database_url, feed_path, clock
    ):
        other = build_app(database_url, feed_path, clock)
        try:
            url = availability(provider["id"])
            tag = current_tag(http, url)
            book(other.test_client(), customer["id"], provider["id"], "09:00", "09:30")
            assert_changed(http, url, tag)
        finally:
            with other.app_context():
                services().database.dispose()

    def test_the_tag_depends_on_the_query(self, http, provider):
        url = availability(provider["id"])
        tag = current_tag(http, url)
        assert current_tag(http, url + "&duration=30") != tag
        moved = url.replace("T00:00:00Z", "T01:00:00%2B01:00")  # the same instants
        assert_not_modified(http, moved, tag)


class TestResources:
    def test_a_provider_is_a_304_until_it_changes(self, http, provider):
        url = f"/providers/{provider['id']}"
        tag = current_tag(http, url)
        assert_not_modified(http, url, tag)
        patched = http.patch(url, json={"horizon_days": 30})
        assert tag_of(patched) != tag
        assert assert_changed(http, url, tag) == tag_of(patched)

    def test_an_appointment_is_a_304_until_it_moves_or_is_canceled(self, http, provider, customer):
        appointment = book(http, customer["id"], provider["id"], "10:00", "10:30")
        url = f"/appointments/{appointment['id']}"
        tag = current_tag(http, url)
        assert_not_modified(http, url, tag)
        move = {"starts_at": at(MONDAY, "11:00"), "ends_at": at(MONDAY, "11:30")}
        assert http.patch(url, json=move).status_code == 200
        tag = assert_changed(http, url, tag)
        assert http.delete(url).status_code == 200
        assert_changed(http, url, tag)

    def test_the_weekly_availability_is_a_304_until_a_put_or_a_sync_changes_it(
        self, http, provider, feed_path
    ):
        url = f"/providers/{provider['id']}/weekly-availability"
        tag = current_tag(http, url)
        assert_not_modified(http, url, tag)
        assert http.put(url, json={"windows": []}).status_code == 200  # no api windows: same
        assert_not_modified(http, url, tag)
        one = {
            "starts_at": {"day_of_week": "friday", "time": "08:00"},
            "ends_at": {"day_of_week": "friday", "time": "09:00"},
        }
        assert http.put(url, json={"windows": [one]}).status_code == 200
        tag = assert_changed(http, url, tag)
        pid = provider["id"]
        write_feed(feed_path, {pid: [slot(pid, "only", "monday", "09:00", "10:00")]})
        assert http.post(f"/providers/{pid}/availability-sync").status_code == 200
        assert_changed(http, url, tag)


class TestIfMatch:
    def test_a_provider_patch_with_a_stale_tag_is_a_412_and_changes_nothing(self, http, provider):
        url = f"/providers/{provider['id']}"
        stale = current_tag(http, url)
        fresh = tag_of(http.patch(url, json={"name": "Dr. First Desk"}))
        refused = http.patch(
            url, json={"name": "Dr. Second Desk"}, headers={"If-Match": f'"{stale}"'}
        )
        assert_problem(refused, 412, "precondition-failed")
        assert http.get(url).get_json()["name"] == "Dr. First Desk"
        accepted = http.patch(
            url, json={"name": "Dr. Second Desk"}, headers={"If-Match": f'"{fresh}"'}
        )
        assert accepted.get_json()["name"] == "Dr. Second Desk"
        assert tag_of(accepted) == current_tag(http, url)
        assert (
            http.patch(url, json={"name": "Dr. Any"}, headers={"If-Match": "*"}).status_code == 200
        )

    def test_an_appointment_move_with_a_stale_tag_is_a_412_and_changes_nothing(
        self, http, provider, customer
    ):
        appointment = book(http, customer["id"], provider["id"], "10:00", "10:30")
        url = f"/appointments/{appointment['id']}"
        stale = current_tag(http, url)
        assert http.delete(url).status_code == 200  # another desk cancels it
        move = {"starts_at": at(MONDAY, "11:00"), "ends_at": at(MONDAY, "11:30")}
        refused = http.patch(url, json=move, headers={"If-Match": f'"{stale}"'})
        assert_problem(refused, 412, "precondition-failed")
        other = book(http, customer["id"], provider["id"], "13:00", "13:30")
        other_url = f"/appointments/{other['id']}"
        moved = http.patch(
            other_url, json=move, headers={"If-Match": f'"{current_tag(http, other_url)}"'}
        )
        assert moved.status_code == 200 and moved.get_json()["sequence"] == 2

    def test_a_weekly_availability_put_with_a_stale_tag_is_a_412_and_changes_nothing(
        self, http, provider
    ):
        url = f"/providers/{provider['id']}/weekly-availability"
        stale = current_tag(http, url)
        one = {
            "starts_at": {"day_of_week": "friday", "time": "08:00"},
            "ends_at": {"day_of_week": "friday", "time": "09:00"},
        }
        assert http.put(url, json={"windows": [one]}).status_code == 200
        refused = http.put(url, json={"windows": []}, headers={"If-Match": f'"{stale}"'})
        assert_problem(refused, 412, "precondition-failed")
        assert len(http.get(url).get_json()["windows"]) == 4

    @pytest.mark.parametrize("header", ['"not-a-tag"', 'W/"weak"'])
    def test_an_unknown_tag_is_a_412(self, http, provider, header):
        response = http.patch(
            f"/providers/{provider['id']}", json={"name": "X"}, headers={"If-Match": header}
        )
        assert_problem(response, 412, "precondition-failed")
