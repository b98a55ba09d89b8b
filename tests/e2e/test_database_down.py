"""With the database unreachable, /health and every endpoint answer 503 problem details.

First through the Flask test client with a dead port; then through real gunicorn, with
PostgreSQL reached through a TCP proxy the test cuts and restores, and with a SQLite file
whose directory is missing and then appears: quick 503s, then recovery.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.e2e.conftest import build_app
from tests.e2e.load import (
    ONLY_POSTGRES,
    ONLY_SQLITE,
    booking,
    booking_day,
    instant,
    new_clients,
    open_providers,
)
from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import MONDAY, PROBLEM, FixedClock, assert_problem, at
from tests.e2e.support import booking as monday_booking
from tests.e2e.tcp_proxy import TcpProxy
from tests.keys import issue_key

DEAD = "postgresql://postgres@127.0.0.1:1/nothing_listens_here"
MOVE = {"starts_at": at(MONDAY, "10:00"), "ends_at": at(MONDAY, "10:30")}


@pytest.fixture(scope="module")
def down(tmp_path_factory):
    feed = tmp_path_factory.mktemp("feed") / "feed.json"
    feed.write_text("{}")
    return build_app(DEAD, feed, FixedClock()).test_client()


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/health", None),
        ("get", "/providers", None),
        ("post", "/providers", {"name": "Dr. X"}),
        ("get", "/providers/1", None),
        ("patch", "/providers/1", {"name": "Dr. Y"}),
        ("get", "/clients", None),
        ("post", "/clients", {"name": "A", "email": "a@example.com"}),
        ("get", "/clients/1", None),
        (
            "get",
            f"/providers/1/availabilities?from={at(MONDAY, '00:00')}&to={at(MONDAY, '23:00')}",
            None,
        ),
        ("post", "/appointments", monday_booking(1, 1, "09:00", "09:30")),
        ("get", "/appointments", None),
        ("get", "/appointments/1", None),
        ("patch", "/appointments/1", MOVE),
        ("delete", "/appointments/1", None),
        ("delete", "/appointments/1?reason=ill", {"canceled_by": "client"}),
        ("get", "/providers/1/time-off", None),
        ("post", "/providers/1/time-off", MOVE),
        ("delete", "/providers/1/time-off/1", None),
        ("post", "/providers/1/availability-sync", None),
        ("get", "/webhooks", None),
        ("post", "/webhooks", {"url": "https://93.184.215.14/h", "events": ["appointment.booked"]}),
        ("get", "/webhooks/1", None),
        ("patch", "/webhooks/1", {"enabled": False}),
        ("delete", "/webhooks/1", None),
        ("post", "/webhooks/1/rotate-secret", None),
        ("get", "/webhooks/1/deliveries", None),
        ("get", "/providers/1/weekly-availability", None),
        ("put", "/providers/1/weekly-availability", {"windows": []}),
        ("get", "/audit-events", None),
    ],
)
def test_every_endpoint_answers_503_with_retry_after(down, method, path, payload):
    response = getattr(down, method)(path, json=payload)
    body = assert_problem(response, 503, "service-unavailable")
    assert int(response.headers["Retry-After"]) > 0
    assert "127.0.0.1" not in body["detail"]


# --- Real gunicorn: the database goes away and comes back -------------------------------

#: Each request must be answered within this, database down or not: no hang.
ANSWER_WITHIN_S = 5.0
RECOVERY_S = 10.0
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@dataclass(frozen=True, slots=True)
class Ids:
    provider: int = 1
    client: int = 1
    appointment: int = 1
    moved: int = 2  # a second appointment, for PATCH: DELETE cancels the first
    time_off: int = 1
    removed_time_off: int = 2  # DELETE removes this one; GET reads the first
    webhook: int = 1
    removed_webhook: int = 2  # DELETE removes this one; the others use the first
    api_key: int = 2  # the server's own key is 1: the others are issued by seed()
    removed_api_key: int = 3
    appointment_type: int = 1


#: The documented operations that never read the database: they answer 200 throughout.
WITHOUT_DATABASE = (("GET", "/health/live"),)
#: Reads nothing but the key, which a worker that read it in the last 5 seconds still knows.
KEY_ONLY = {"/timezones"}


def documented_operations(live: Server) -> set[tuple[str, str]]:
    """Every (METHOD, path template) in the app's own OpenAPI document, but those above."""
    spec = live.call("GET", "/openapi.json").body
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    } - set(WITHOUT_DATABASE)


def valid_requests(ids: Ids, n: int) -> dict[tuple[str, str], tuple[str, Any, int]]:
    """A valid request per operation: (path, JSON body, status when the database is up).

    ``n`` keeps created names, emails and booked slots apart between rounds.
    """
    day = booking_day()
    provider, client, appointment = (
        f"/providers/{ids.provider}",
        f"/clients/{ids.client}",
        f"/appointments/{ids.appointment}",
    )
    window = f"from={instant(day, -60)}&to={instant(day, 600)}"
    search = {"from": instant(day, -60), "to": instant(day, 600), "duration": 30}
    slot = booking(ids.client, ids.provider, instant(day, 60 * n), instant(day, 60 * n + 30))
    move = {"starts_at": instant(day, 300 + 60 * n), "ends_at": instant(day, 330 + 60 * n)}
    time_off = f"{provider}/time-off"
    block = {"starts_at": instant(day, 660 + 60 * n), "ends_at": instant(day, 690 + 60 * n)}
    weekly = f"{provider}/weekly-availability"
    own_hours = {
        "windows": [
            {
                "starts_at": {"day_of_week": "sunday", "time": f"{n % 24:02d}:00"},
                "ends_at": {"day_of_week": "sunday", "time": f"{n % 24:02d}:30"},
            }
        ]
    }
    return {
        ("GET", "/providers/{provider_id}/time-off"): (time_off, None, 200),
        ("POST", "/providers/{provider_id}/time-off"): (time_off, block, 201),
        ("GET", "/providers/{provider_id}/time-off/{time_off_id}"): (
            f"{time_off}/{ids.time_off}",
            None,
            200,
        ),
        ("DELETE", "/providers/{provider_id}/time-off/{time_off_id}"): (
            f"{time_off}/{ids.removed_time_off}",
            None,
            204,
        ),
        ("PATCH", "/appointments/{appointment_id}"): (f"/appointments/{ids.moved}", move, 200),
        ("GET", "/health"): ("/health", None, 200),
        ("GET", "/providers"): ("/providers", None, 200),
        ("POST", "/providers"): ("/providers", {"name": f"Dr. Down {n}"}, 201),
        ("GET", "/providers/{provider_id}"): (provider, None, 200),
        ("PATCH", "/providers/{provider_id}"): (provider, {"name": f"Dr. Back {n}"}, 200),
        ("GET", "/providers/{provider_id}/weekly-availability"): (weekly, None, 200),
        ("PUT", "/providers/{provider_id}/weekly-availability"): (weekly, own_hours, 200),
        ("GET", "/providers/{provider_id}/availabilities"): (
            f"{provider}/availabilities?{window}",
            None,
            200,
        ),
        ("GET", "/availabilities"): (f"/availabilities?{window}&duration=30", None, 200),
        ("POST", "/availabilities/search"): ("/availabilities/search", search, 200),
        ("GET", "/availabilities/first"): (
            f"/availabilities/first?{window}&duration=30",
            None,
            200,
        ),
        ("POST", "/availabilities/first/search"): ("/availabilities/first/search", search, 200),
        ("POST", "/providers/{provider_id}/availability-sync"): (
            f"{provider}/availability-sync",
            None,
            200,
        ),
        ("GET", "/clients"): ("/clients", None, 200),
        ("POST", "/clients"): ("/clients", {"name": "Ada", "email": f"down{n}@example.com"}, 201),
        ("GET", "/clients/{client_id}"): (client, None, 200),
        ("GET", "/appointments"): ("/appointments", None, 200),
        ("POST", "/appointments"): ("/appointments", slot, 201),
        ("GET", "/appointments/{appointment_id}"): (appointment, None, 200),
        ("DELETE", "/appointments/{appointment_id}"): (appointment, None, 200),
        ("GET", "/audit-events"): ("/audit-events", None, 200),
        ("GET", "/timezones"): ("/timezones", None, 200),
        **webhook_requests(ids, n),
        **key_requests(ids),
        **type_requests(ids),
    }


INTAKE = {"name": "Video intake", "duration": 30, "modality": "video"}


def type_requests(ids: Ids) -> dict[tuple[str, str], tuple[str, Any, int]]:
    kind = f"/appointment-types/{ids.appointment_type}"
    offered = f"/providers/{ids.provider}/appointment-types"
    return {
        ("GET", "/appointment-types"): ("/appointment-types", None, 200),
        ("POST", "/appointment-types"): ("/appointment-types", INTAKE, 201),
        ("GET", "/appointment-types/{type_id}"): (kind, None, 200),
        ("PATCH", "/appointment-types/{type_id}"): (kind, {"name": "Intake"}, 200),
        ("GET", "/providers/{provider_id}/appointment-types"): (offered, None, 200),
        ("PUT", "/providers/{provider_id}/appointment-types"): (
            offered,
            {"appointment_type_ids": [ids.appointment_type]},
            200,
        ),
    }


def key_requests(ids: Ids) -> dict[tuple[str, str], tuple[str, Any, int]]:
    key = f"/api-keys/{ids.api_key}"
    return {
        ("GET", "/api-keys"): ("/api-keys", None, 200),
        ("POST", "/api-keys"): ("/api-keys", {"name": "down", "scopes": ["audit:read"]}, 201),
        ("GET", "/api-keys/{api_key_id}"): (key, None, 200),
        ("DELETE", "/api-keys/{api_key_id}"): (f"/api-keys/{ids.removed_api_key}", None, 200),
    }


#: A public address literal: registration resolves nothing, and no worker runs to send to it.
HOOK = {"url": "https://93.184.215.14/hooks", "events": ["appointment.booked"]}


def webhook_requests(ids: Ids, n: int) -> dict[tuple[str, str], tuple[str, Any, int]]:
    hook = f"/webhooks/{ids.webhook}"
    return {
        ("GET", "/webhooks"): ("/webhooks", None, 200),
        ("POST", "/webhooks"): ("/webhooks", HOOK, 201),
        ("GET", "/webhooks/{webhook_id}"): (hook, None, 200),
        ("PATCH", "/webhooks/{webhook_id}"): (hook, {"description": f"round {n}"}, 200),
        ("DELETE", "/webhooks/{webhook_id}"): (f"/webhooks/{ids.removed_webhook}", None, 204),
        ("POST", "/webhooks/{webhook_id}/rotate-secret"): (f"{hook}/rotate-secret", None, 200),
        ("GET", "/webhooks/{webhook_id}/deliveries"): (f"{hook}/deliveries", None, 200),
    }


def assert_every_operation_is_503_quickly(live: Server, ids: Ids) -> None:
    requests = valid_requests(ids, 1)
    assert set(requests) == documented_operations(live), "a valid request per operation"
    for operation in WITHOUT_DATABASE:
        assert live.call(*operation, timeout=ANSWER_WITHIN_S).status == 200, operation
    for (method, _template), (path, body, _up) in sorted(requests.items()):
        started = time.monotonic()
        reply = live.call(method, path, body, timeout=ANSWER_WITHIN_S)
        elapsed = time.monotonic() - started
        if path in KEY_ONLY and reply.status == 200:
            continue
        assert reply.status == 503, (method, path, reply)
        assert reply.content_type == PROBLEM, (method, path)
        assert reply.body["type"].endswith("/problems/service-unavailable")
        assert int(reply.headers["retry-after"]) > 0
        assert elapsed < ANSWER_WITHIN_S, (method, path, elapsed)


def assert_every_operation_works(live: Server, ids: Ids) -> None:
    """Each operation answers as usual again, retried on a 503 as its Retry-After invites.

    ``/health`` answering proves one worker recovered; another may still hand out a pooled
    connection that died in the outage, fail that one request with a 503, and recover.
    """
    live.wait_until_healthy(timeout=RECOVERY_S)
    deadline = time.monotonic() + RECOVERY_S
    for (method, _template), (path, body, status) in sorted(valid_requests(ids, 2).items()):
        reply = live.call(method, path, body)
        while reply.status == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
            reply = live.call(method, path, body)
        assert reply.status == status, (method, path, reply)


def seed(live: Server) -> Ids:
    """A provider open every day, a client and one appointment of theirs."""
    (provider,) = open_providers(live, live.feed)
    (client,) = new_clients(live, 1)
    day = booking_day()
    booked = []
    for start in (0, 240):
        body = booking(client, provider, instant(day, start), instant(day, start + 30))
        reply = live.call("POST", "/appointments", body)
        assert reply.status == 201, reply
        booked.append(reply.body["id"])
    blocks = []
    for start in (1200, 1260):
        block = {"starts_at": instant(day, start), "ends_at": instant(day, start + 30)}
        reply = live.call("POST", f"/providers/{provider}/time-off", block)
        assert reply.status == 201, reply
        blocks.append(reply.body["id"])
    hooks = [_created(live, "/webhooks", HOOK) for _ in range(2)]
    keys = [_created(live, "/api-keys", {"name": "k", "scopes": ["audit:read"]}) for _ in "ab"]
    kind = _created(live, "/appointment-types", INTAKE)
    return Ids(provider, client, booked[0], booked[1], blocks[0], blocks[1], *hooks, *keys, kind)


def _created(live: Server, path: str, body: Any) -> int:
    reply = live.call("POST", path, body)
    assert reply.status == 201, reply
    return int(reply.body["id"])


@ONLY_POSTGRES
def test_postgres_cut_off_makes_every_endpoint_a_quick_503_until_it_returns(
    database_url, feed_path
):
    url = make_url(database_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port)
        with gunicorn(proxied.render_as_string(hide_password=False), feed_path) as live:
            ids = seed(live)
            proxy.cut()
            assert_every_operation_is_503_quickly(live, ids)
            proxy.restore()
            assert_every_operation_works(live, ids)


@ONLY_SQLITE
def test_a_sqlite_file_out_of_reach_makes_every_endpoint_a_503_until_it_appears(
    database_url, feed_path, tmp_path
):
    here, away = tmp_path / "db", tmp_path / "db-away"
    away.mkdir()
    key = issue_key(database_url)  # into the file before it is copied away
    shutil.copyfile(make_url(database_url).database or "", away / "scheduling.sqlite3")
    url = f"sqlite:///{here / 'scheduling.sqlite3'}"
    with gunicorn(url, feed_path, healthy=False, key=key) as live:
        assert_every_operation_is_503_quickly(live, Ids())
        away.rename(here)
        assert_every_operation_works(live, seed(live))
