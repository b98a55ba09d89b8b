"""GET and PUT /providers/{provider_id}/weekly-availability."""

from __future__ import annotations

from typing import Any

from app.services import services
from domain.use_cases.weekly_availability import MAX_WINDOW_ID_LENGTH
from tests.e2e.conftest import build_app
from tests.e2e.support import (
    MONDAY,
    TUESDAY,
    assert_problem,
    free_times,
    new_provider,
    slot,
    write_feed,
)
from tests.e2e.test_metrics import samples, value
from tests.e2e.webhooks import subscribe

PUBLIC = "https://93.184.215.14/hooks"  # an address literal: the tests resolve nothing


def moment(day: str, time: str) -> dict[str, str]:
    return {"day_of_week": day, "time": time}


def window(day: str, start: str, end: str, end_day: str | None = None) -> dict[str, Any]:
    return {"starts_at": moment(day, start), "ends_at": moment(end_day or day, end)}


def url(provider_id: int) -> str:
    return f"/providers/{provider_id}/weekly-availability"


def put(http, provider_id: int, windows: list[dict[str, Any]], **kwargs: Any):
    return http.put(url(provider_id), json={"windows": windows}, **kwargs)


def listed(body: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (w["source"], w["id"], w["starts_at"]["time"], w["ends_at"]["time"])
        for w in body["windows"]
    ]


def test_the_feed_windows_are_listed_in_wall_clock_time_ordered_by_start(http, feed_path):
    pid = new_provider(http, timezone="America/New_York")["id"]
    write_feed(
        feed_path,
        {
            pid: [
                slot(pid, "pm", "monday", "13:00", "17:00"),
                slot(pid, "am", "monday", "09:00", "12:00"),
            ]
        },
    )
    assert http.post(f"/providers/{pid}/availability-sync").status_code == 200
    response = http.get(url(pid))
    assert response.status_code == 200
    assert response.get_json() == {
        "provider_id": pid,
        "timezone": "America/New_York",
        "windows": [
            {
                "id": "am",
                "starts_at": moment("monday", "09:00"),
                "ends_at": moment("monday", "12:00"),
                "source": "calendly",
            },
            {
                "id": "pm",
                "starts_at": moment("monday", "13:00"),
                "ends_at": moment("monday", "17:00"),
                "source": "calendly",
            },
        ],
    }


def test_a_put_sets_api_windows_which_merge_with_the_feeds_in_free_time(http, provider):
    pid = provider["id"]
    response = put(
        http, pid, [window("monday", "11:00", "14:00"), window("tuesday", "08:00", "09:30")]
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert listed(response.get_json()) == [
        ("calendly", f"p{pid}-mon-am", "09:00", "12:00"),
        ("api", "monday-1100-monday-1400", "11:00", "14:00"),
        ("calendly", f"p{pid}-mon-pm", "13:00", "17:00"),
        ("api", "tuesday-0800-tuesday-0930", "08:00", "09:30"),
        ("calendly", f"p{pid}-wed", "10:00", "11:00"),
    ]
    assert http.get(url(pid)).get_json() == response.get_json()
    assert free_times(http, pid) == [("09:00", "17:00")]
    assert free_times(http, pid, TUESDAY) == [("08:00", "09:30")]


def test_a_put_replaces_only_api_windows_and_a_sync_leaves_them_alone(http, provider, feed_path):
    pid = provider["id"]
    put(http, pid, [window("tuesday", "08:00", "09:30"), window("friday", "10:00", "11:00")])
    response = put(http, pid, [window("friday", "10:00", "11:00")])
    assert [w for w in listed(response.get_json()) if w[0] == "api"] == [
        ("api", "friday-1000-friday-1100", "10:00", "11:00")
    ]
    write_feed(feed_path, {pid: [slot(pid, "only", "monday", "07:00", "08:00")]})
    assert http.post(f"/providers/{pid}/availability-sync").status_code == 200
    assert listed(http.get(url(pid)).get_json()) == [
        ("calendly", "only", "07:00", "08:00"),
        ("api", "friday-1000-friday-1100", "10:00", "11:00"),
    ]
    assert free_times(http, pid, MONDAY) == [("07:00", "08:00")]
    assert listed(put(http, pid, []).get_json()) == [("calendly", "only", "07:00", "08:00")]


def test_malformed_windows_are_refused_by_field_and_change_nothing(http, provider):
    pid = provider["id"]
    before = http.get(url(pid)).get_json()
    bad = [window("funday", "09:00", "10:00"), window("monday", "9:00", "10:00")]
    body = assert_problem(put(http, pid, bad), 422, "validation-error")
    assert set(body["errors"]) == {
        "windows.0.starts_at.day_of_week",
        "windows.0.ends_at.day_of_week",
        "windows.1.starts_at.time",
    }
    extra = {**window("monday", "09:00", "10:00"), "source": "calendly"}
    assert (
        "windows.0.source"
        in assert_problem(put(http, pid, [extra]), 422, "validation-error")["errors"]
    )
    assert (
        "windows" in assert_problem(http.put(url(pid), json={}), 422, "validation-error")["errors"]
    )
    assert http.get(url(pid)).get_json() == before


def test_zero_length_and_duplicate_windows_are_a_422_naming_each_and_change_nothing(http, provider):
    pid = provider["id"]
    before = http.get(url(pid)).get_json()
    monday = window("monday", "18:00", "19:00")
    bad = [monday, window("friday", "09:00", "09:00"), monday]
    body = assert_problem(put(http, pid, bad), 422, "validation-error")
    problems = body["errors"]["windows"]
    assert [p.split(":")[0] for p in problems] == ["window 1", "window 2"]
    assert "zero length" in problems[0] and "duplicate" in problems[1]
    assert http.get(url(pid)).get_json() == before


def test_an_unknown_provider_is_a_404(http):
    assert_problem(http.get(url(999)), 404, "not-found")
    assert_problem(put(http, 999, [window("monday", "09:00", "10:00")]), 404, "not-found")


def test_a_put_through_one_worker_is_seen_at_once_by_another(
    http, provider, database_url, feed_path, clock
):
    other = build_app(database_url, feed_path, clock)
    try:
        second = other.test_client()
        pid = provider["id"]
        assert free_times(second, pid, TUESDAY) == []  # cached by the second worker
        put(http, pid, [window("tuesday", "08:00", "09:30")])
        assert free_times(second, pid, TUESDAY) == [("08:00", "09:30")]
        assert (
            "api",
            "tuesday-0800-tuesday-0930",
            "08:00",
            "09:30",
        ) in listed(second.get(url(pid)).get_json())
    finally:
        with other.app_context():
            services().database.dispose()


def own(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The `api` windows of a GET's answer, as they are sent back."""
    return [w for w in body["windows"] if w["source"] == "api"]


def pending(http) -> float:
    """Webhook deliveries written and not yet sent: one per event to the one subscriber."""
    return value(samples(http.get("/metrics").get_data(as_text=True)), "webhook_outbox_pending")


def test_the_api_windows_read_and_sent_back_unchanged_keep_the_etag_and_emit_no_event(
    http, provider
):
    pid = provider["id"]
    subscribe(http, PUBLIC, ["provider.schedule_changed"])
    put(
        http,
        pid,
        [window("tuesday", "08:00", "09:30"), {**window("friday", "10:00", "11:00"), "id": "fri"}],
    )
    assert pending(http) == 1
    read = http.get(url(pid))
    tag = read.headers["ETag"]
    sent = own(read.get_json())
    assert [w["id"] for w in sent] == ["tuesday-0800-tuesday-0930", "fri"]
    again = put(http, pid, sent, headers={"If-Match": tag})
    assert again.status_code == 200, again.get_data(as_text=True)
    assert again.headers["ETag"] == tag and again.get_json() == read.get_json()
    assert http.get(url(pid), headers={"If-None-Match": tag}).status_code == 304
    assert pending(http) == 1


def test_a_window_of_another_source_sent_back_is_refused_naming_it_and_changes_nothing(
    http, provider
):
    pid = provider["id"]
    put(http, pid, [window("tuesday", "08:00", "09:30")])
    read = http.get(url(pid))
    everything = read.get_json()["windows"]
    body = assert_problem(put(http, pid, everything), 422, "validation-error")
    foreign = [i for i, w in enumerate(everything) if w["source"] != "api"]
    assert len(foreign) == 3
    assert set(body["errors"]) == {f"windows.{i}.source" for i in foreign}
    (message,) = body["errors"][f"windows.{foreign[0]}.source"]
    assert "Only `api` windows can be set" in message and "calendly" in message
    assert http.get(url(pid)).headers["ETag"] == read.headers["ETag"]


def test_an_id_given_twice_is_refused_naming_the_window_and_changes_nothing(http, provider):
    pid = provider["id"]
    before = http.get(url(pid)).get_json()
    twice = [
        {**window("monday", "18:00", "19:00"), "id": "evening"},
        {**window("tuesday", "18:00", "19:00"), "id": "evening", "source": "api"},
    ]
    body = assert_problem(put(http, pid, twice), 422, "validation-error")
    assert body["errors"] == {"windows": ["window 1: duplicate id 'evening'"]}
    assert http.get(url(pid)).get_json() == before


def test_a_given_id_is_kept_answered_by_get_and_kept_when_the_window_is_edited(http, provider):
    pid = provider["id"]
    clinic = {**window("saturday", "09:00", "13:00"), "id": "Saturday clinic", "source": "api"}
    response = put(http, pid, [clinic, window("sunday", "10:00", "11:00")])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert own(http.get(url(pid)).get_json()) == [
        clinic,
        {**window("sunday", "10:00", "11:00"), "id": "sunday-1000-sunday-1100", "source": "api"},
    ]
    edited = {**clinic, "ends_at": moment("saturday", "14:00")}
    assert own(put(http, pid, [edited]).get_json()) == [edited]


def test_an_id_that_is_blank_too_long_or_not_plain_text_is_refused_by_field(http, provider):
    pid = provider["id"]
    for bad in ("", "  ", "x" * (MAX_WINDOW_ID_LENGTH + 1), "tab\there", "nul\x00", 7):
        sent = [{**window("monday", "18:00", "19:00"), "id": bad}]
        body = assert_problem(put(http, pid, sent), 422, "validation-error")
        assert set(body["errors"]) == {"windows.0.id"}, bad
    longest = [{**window("monday", "18:00", "19:00"), "id": "x" * MAX_WINDOW_ID_LENGTH}]
    assert put(http, pid, longest).status_code == 200
