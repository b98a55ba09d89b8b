"""Logs and request ids: one JSON object per line, one line per request, no personal data."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.config import Config
from app.observability import current_request_id, logs
from app.services import services
from tests.e2e.support import MONDAY, book, booking, new_client, working_week, write_feed
from tests.keys import UNKNOWN_KEY, bearer, keyed

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def captured() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def log_lines(app: Flask, captured: io.StringIO) -> Lines:
    """Every line the process logs from now on, each parsed as one JSON object."""
    logs.configure("json", "info", stream=captured)
    return lambda: [json.loads(line) for line in captured.getvalue().splitlines()]


def requests_logged(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"] == "request"]


def test_every_line_is_a_json_object_with_ts_level_event_and_logger(http, log_lines):
    http.get("/health")
    http.get("/nowhere")
    lines = log_lines()
    assert lines
    for line in lines:
        assert {"ts", "level", "event", "logger"} <= set(line)
        assert line["ts"].endswith("Z") and line["ts"][10] == "T"


def test_one_line_per_request_names_the_route_status_duration_and_request_id(
    http, provider, log_lines
):
    query = {"from": f"{MONDAY}T00:00:00Z", "to": f"{MONDAY}T23:00:00Z"}
    response = http.get(
        f"/providers/{provider['id']}/availabilities",
        query_string=query,
        headers={"X-Request-ID": "trace-1"},
    )
    assert response.status_code == 200
    (line,) = requests_logged(log_lines())
    assert line["method"] == "GET"
    assert line["route"] == "/providers/{provider_id}/availabilities"
    assert line["provider_id"] == provider["id"]
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == "trace-1"
    assert line["logger"] == "scheduling.http" and line["level"] == "info"
    assert "problem_type" not in line


def test_an_error_line_names_the_problem_type(http, log_lines):
    http.get("/providers/99")
    (line,) = requests_logged(log_lines())
    assert (line["route"], line["status"]) == ("/providers/{provider_id}", 404)
    assert line["problem_type"].endswith("/problems/not-found")


def test_personal_data_and_idempotency_keys_never_reach_the_logs(
    http, provider, captured, log_lines
):
    name, email = "Zebulon Quixote", "zebulon.quixote@example.org"
    reason, other_reason = "Private medical reason XYZZY", "Second secret PLUGH"
    key = "idem-key-5f2d9c"
    client = new_client(http, email=email, name=name)
    assert http.post("/clients", json={"name": name, "email": email}).status_code == 409
    first = http.post(
        "/appointments",
        json=booking(client["id"], provider["id"], "09:00", "09:30"),
        headers={"Idempotency-Key": key},
    )
    assert first.status_code == 201
    second = book(http, client["id"], provider["id"], "10:00", "10:30")
    canceled = http.delete(f"/appointments/{first.get_json()['id']}", json={"reason": reason})
    assert canceled.status_code == 200
    canceled = http.delete(f"/appointments/{second['id']}", query_string={"reason": other_reason})
    assert canceled.status_code == 200
    http.get(f"/clients/{client['id']}")
    http.get(f"/nowhere/{email}")
    text = captured.getvalue()
    assert [line["event"] for line in log_lines()].count("appointment_canceled") == 2
    for secret in (name, email, reason, other_reason, key, "XYZZY", "PLUGH", "zebulon"):
        assert secret.lower() not in text.lower()


def test_booking_and_cancellation_events_are_logged_with_the_rule_not_the_details(
    http, provider, customer, log_lines
):
    appointment = book(http, customer["id"], provider["id"], "09:00", "09:30")
    taken = http.post(
        "/appointments", json=booking(customer["id"], provider["id"], "09:00", "09:30")
    )
    assert taken.status_code == 409
    assert http.delete(f"/appointments/{appointment['id']}").status_code == 200
    events = {line["event"]: line for line in log_lines() if line["logger"] == "scheduling.events"}
    assert events["booking_accepted"]["appointment_id"] == appointment["id"]
    refused = events["booking_refused"]
    assert refused["outcome"] == "conflict" and refused["rule"] == taken.get_json()["detail"]
    assert events["appointment_canceled"]["appointment_id"] == appointment["id"]
    request_ids = {line["request_id"] for line in events.values()}
    assert len(request_ids) == 3


@pytest.mark.parametrize(
    "sent",
    ["abc", "A.b_c:d-9", "x" * 128],
)
def test_a_safe_request_id_from_the_caller_is_kept_and_echoed(http, sent):
    assert http.get("/health/live", headers={"X-Request-ID": sent}).headers["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent",
    ["", "x" * 129, "has space", "semi;colon", "new\u00e9", "a/b"],
)
def test_an_unsafe_request_id_is_replaced_by_a_new_one(http, sent):
    echoed = http.get("/health/live", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert echoed and echoed != sent and len(echoed) == 32
    again = http.get("/health/live", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert again != echoed


def test_problem_documents_carry_the_request_id_too(http):
    for response in (
        http.get("/nowhere", headers={"X-Request-ID": "r-404"}),
        http.post(
            "/appointments",
            data="{",
            content_type="application/json",
            headers={"X-Request-ID": "r-400"},
        ),
        http.get("/appointments", query_string={"bogus": 1}, headers={"X-Request-ID": "r-422"}),
    ):
        assert response.mimetype == "application/problem+json"
        assert response.headers["X-Request-ID"] == f"r-{response.status_code}"


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """The app with two extra routes: one that fails unexpectedly, one that tells its id."""

    def fail() -> str:
        raise RuntimeError("internal detail 7e3a")

    app.add_url_rule("/test-only/fail", "fail", fail)
    app.add_url_rule("/test-only/id", "id", lambda: current_request_id() or "")
    return app


def test_an_unexpected_error_is_logged_once_with_traceback_and_request_id(
    failing_app, captured, log_lines
):
    http = failing_app.test_client()
    response = http.get("/test-only/fail", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "boom-1"
    assert "7e3a" not in response.get_data(as_text=True)
    lines = log_lines()
    with_traceback = [line for line in lines if "exception" in line]
    assert len(with_traceback) == 1
    (error,) = with_traceback
    assert error["level"] == "error" and error["request_id"] == "boom-1"
    assert "Traceback" in error["exception"] and "internal detail 7e3a" in error["exception"]
    (line,) = requests_logged(lines)
    assert (line["status"], line["request_id"]) == (500, "boom-1")


def test_current_request_id_is_the_one_of_the_request_being_served(failing_app):
    http = failing_app.test_client()
    assert http.get("/test-only/id", headers={"X-Request-ID": "mine"}).get_data() == b"mine"
    assert current_request_id() is None


@pytest.fixture
def app_with(database_url, feed_path, clock) -> Iterator[Callable[..., Flask]]:
    """Build apps with some settings changed; each is disposed of after the test."""
    built: list[Flask] = []

    def build(**changes: Any) -> Flask:
        config = Config(database_url=database_url, calendly_fixture_path=str(feed_path))
        built.append(keyed(create_app(replace(config, **changes), clock=clock)))
        return built[-1]

    yield build
    for app in built:
        with app.app_context():
            services().database.dispose()


def test_console_format_gives_readable_lines(app_with, captured):
    http = app_with(log_format="console").test_client()
    logs.configure("console", "info", stream=captured)
    http.get("/health/live")
    text = captured.getvalue()
    assert "request" in text and "route=/health/live" in text and "status=200" in text
    with pytest.raises(ValueError):
        json.loads(text.splitlines()[0])


def test_a_higher_log_level_drops_the_request_lines(app_with, captured):
    http = app_with(log_level="warning").test_client()
    logs.configure("json", "warning", stream=captured)
    assert http.get("/health/live").status_code == 200
    assert http.get("/nowhere").status_code == 404
    assert captured.getvalue() == ""


def test_the_sync_command_logs_its_counts_as_json(app, feed_path, log_lines):
    http = app.test_client()
    provider = new_provider_id(http)
    write_feed(feed_path, {provider: working_week(provider)})
    result = app.test_cli_runner().invoke(args=["sync-availability"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in log_lines() if line["event"] == "availability_synced"]
    assert line["logger"] == "scheduling.cli"
    assert (line["provider_id"], line["created"], line["deleted"]) == (provider, 3, 0)


def new_provider_id(http) -> int:
    response = http.post("/providers", json={"name": "Dr. Quiet", "timezone": "UTC"})
    assert response.status_code == 201
    return int(response.get_json()["id"])


def test_a_database_outage_is_logged_by_cause_names_only(app_with, captured):
    http = app_with(database_url="postgresql://postgres@127.0.0.1:1/nothing").test_client()
    logs.configure("json", "info", stream=captured)
    headers = {"X-Request-ID": "down-1", **bearer(UNKNOWN_KEY)}
    response = http.get("/providers", headers=headers)
    assert response.status_code == 503
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    (outage,) = [line for line in lines if line["event"] == "database_unavailable"]
    assert outage["level"] == "error" and outage["request_id"] == "down-1"
    assert outage["causes"] and all(name.isidentifier() for name in outage["causes"])
    assert "127.0.0.1" not in captured.getvalue()


def test_the_request_line_carries_the_key_id_and_a_401_line_carries_none(
    app, http, customer, log_lines
):
    with app.app_context():
        from app.api.api_keys import issue

        desk, desk_secret = issue("desk", ["clients:read"])
    key_id = desk.id
    assert http.get(f"/clients/{customer['id']}", headers=bearer(desk_secret)).status_code == 200
    assert http.get("/clients", headers=bearer(UNKNOWN_KEY)).status_code == 401
    read, refused = requests_logged(log_lines())
    assert (read["key_id"], read["status"]) == (key_id, 200)
    assert "key_id" not in refused and refused["status"] == 401


def test_keys_never_reach_the_logs_the_problems_or_the_audit_trail(
    app, http, customer, captured, log_lines
):
    with app.app_context():
        from app.api.api_keys import issue

        _, narrow = issue("narrow", ["availability:read"])
        revoked_key, revoked = issue("revoked", ["clients:read"])
    created = http.post("/api-keys", json={"name": "shown once", "scopes": ["clients:read"]})
    shown = created.get_json()["key"]
    assert http.delete(f"/api-keys/{revoked_key.id}").status_code == 200
    answers = [
        http.get(f"/clients/{customer['id']}", headers=bearer(narrow)),  # 403
        http.get("/clients", headers=bearer(revoked)),  # 401 (revoked)
        http.get("/clients", headers=bearer(narrow + "x")),  # 401 (malformed)
        http.get("/clients", headers=bearer(shown)),
    ]
    assert [a.status_code for a in answers] == [403, 401, 401, 200]
    trail = http.get("/audit-events", query_string={"page_size": 100}).get_data(as_text=True)
    texts = [captured.getvalue(), trail] + [a.get_data(as_text=True) for a in answers[:3]]
    secrets = [narrow, revoked, shown, app.config["TEST_API_KEY"]]
    for text in texts:
        for secret in secrets:
            assert secret not in text and secret[4:] not in text
    assert len(requests_logged(log_lines())) == 7
