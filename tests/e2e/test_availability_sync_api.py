"""POST /providers/{provider_id}/availability-sync."""

from __future__ import annotations

from tests.e2e.support import assert_problem, slot, working_week, write_feed


def sync(http, provider_id):
    return http.post(f"/providers/{provider_id}/availability-sync")


def free_on_wednesday(http, provider_id):
    query = {"from": "2026-12-02T00:00:00Z", "to": "2026-12-03T00:00:00Z"}
    response = http.get(f"/providers/{provider_id}/availabilities", query_string=query)
    return [(w["starts_at"], w["ends_at"]) for w in response.get_json()["availabilities"]]


def test_sync_reports_counts_and_a_second_sync_changes_nothing(http, provider, feed_path):
    pid = provider["id"]
    assert sync(http, pid).get_json() == {
        "provider_id": pid,
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": 3,
    }
    week = working_week(pid)
    week[2] = slot(pid, week[2]["id"], "wednesday", "14:00", "15:00")  # moved
    write_feed(feed_path, {pid: [*week[1:], slot(pid, "new", "friday", "09:00", "10:00")]})
    response = sync(http, pid)
    assert response.status_code == 200
    assert response.get_json() == {
        "provider_id": pid,
        "created": 1,
        "updated": 1,
        "deleted": 1,
        "unchanged": 1,
    }
    assert free_on_wednesday(http, pid) == [("2026-12-02T14:00:00Z", "2026-12-02T15:00:00Z")]


def test_an_unknown_provider_is_a_404(http, feed_path):
    write_feed(feed_path, {999: working_week(999)})
    assert_problem(sync(http, 999), 404, "not-found")


def test_an_invalid_feed_is_a_502_listing_its_problems_and_changes_nothing(
    http, provider, feed_path
):
    pid = provider["id"]
    bad = working_week(pid)
    bad[0]["starts_at"]["day_of_week"] = "funday"
    bad[2]["ends_at"]["time"] = "25:00"
    write_feed(feed_path, {pid: bad[:1] + bad[2:]})
    body = assert_problem(sync(http, pid), 502, "feed-error")
    assert len(body["errors"]["feed"]) == 2
    assert any("funday" in problem for problem in body["errors"]["feed"])
    assert free_on_wednesday(http, pid) == [("2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z")]


def test_an_unreadable_feed_is_a_502_without_server_paths(http, provider, feed_path):
    feed_path.write_text("{not json")
    body = assert_problem(sync(http, provider["id"]), 502, "feed-error")
    assert "invalid JSON" in body["detail"]
    assert str(feed_path.parent) not in body["detail"]
    feed_path.unlink()
    body = assert_problem(sync(http, provider["id"]), 502, "feed-error")
    assert "does not exist" in body["detail"]
    assert str(feed_path.parent) not in str(body)
