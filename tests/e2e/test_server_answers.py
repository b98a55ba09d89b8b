"""What the shipped gunicorn answers before the app is reached: problem details, not HTML.

Raw bytes over a socket to real gunicorn on 127.0.0.1: only a socket sends a malformed
request. tests/integration/test_gunicorn_errors.py holds every error class gunicorn names.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.sqlalchemy.migrate import upgrade
from tests.e2e.conftest import build_app
from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import PROBLEM, FixedClock, write_feed

ROSTER_OF_1000 = "/availabilities?" + "&".join(f"provider_id={i}" for i in range(1, 1001))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn -w 2 with the shipped gunicorn.conf.py on a migrated SQLite file."""
    tmp = tmp_path_factory.mktemp("gunicorn-answers")
    database_url = f"sqlite:///{tmp / 'scheduling.sqlite3'}"
    upgrade(database_url)
    write_feed(tmp / "calendly_slots.json", {})
    with gunicorn(database_url, tmp / "calendly_slots.json", workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def address(server: Server) -> tuple[str, int]:
    host, port = server.base.removeprefix("http://").split(":")
    return host, int(port)


def exchange(address: tuple[str, int], request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as it is; the status, headers (lower-case names) and body answered."""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def problem(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, Any]:
    """The answer is a whole problem of ``status`` (about:blank) on a closed connection."""
    got, headers, body = answer
    assert got == status, body
    assert headers["content-type"] == PROBLEM
    assert int(headers["content-length"]) == len(body)
    assert headers["connection"] == "close"
    found: dict[str, Any] = json.loads(body)
    assert set(found) == {"type", "title", "status", "detail"}
    assert (found["type"], found["status"]) == ("about:blank", status)
    return found


def get(path: str, *headers: bytes) -> bytes:
    return b"\r\n".join([f"GET {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", *headers, b"", b""])


def test_a_roster_search_over_the_request_line_limit_is_a_414_problem_naming_the_body_form(
    address,
):
    found = problem(exchange(address, get(ROSTER_OF_1000)), 414)
    assert found["title"] == "URI Too Long"
    assert "8190 bytes" in found["detail"]
    assert "POST their ids to /availabilities/search" in found["detail"]


def test_the_414_is_the_one_the_openapi_document_shows_for_the_roster_search(address, tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path / "f.json", FixedClock())
    spec = app.test_client().get("/openapi.json").get_json()
    documented = spec["paths"]["/availabilities"]["get"]["responses"]["414"]
    example = documented["content"][PROBLEM]["example"]
    assert problem(exchange(address, get(ROSTER_OF_1000)), 414) == example


def test_a_header_over_the_field_size_limit_is_a_431_problem(address):
    found = problem(exchange(address, get("/health/live", b"X-Big: " + b"a" * 9000)), 431)
    assert found["title"] == "Request Header Fields Too Large"
    assert "at most 50 fields, each line at most 8190 bytes" in found["detail"]


def test_more_headers_than_the_limit_is_a_431_problem(address):
    many = [b"X-Field-%d: 1" % i for i in range(60)]
    problem(exchange(address, get("/health/live", *many)), 431)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"NONSENSE\r\n\r\n",
        b"GET /health/live?reason=private HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        b"GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n",
        get("/health/live", b"Bad Name: 1"),
        get("/health/live", b"X-Key: private\x00value"),
        get("/health/live", b"Content-Length: 1", b"Content-Length: 2"),
    ],
    ids=[
        "no-request-line",
        "extra-word",
        "http-version",
        "header-name",
        "nul-in-value",
        "two-lengths",
    ],
)
def test_a_malformed_request_is_a_400_problem_that_quotes_nothing_of_it(address, request_bytes):
    found = problem(exchange(address, request_bytes), 400)
    assert found["title"] == "Bad Request"
    assert "private" not in found["detail"]


def test_a_refused_request_is_logged_by_its_error_class_only(server, address):
    problem(exchange(address, get("/health/live", b"X-Key: private\x00value")), 400)
    # The worker writes (and flushes) its line before it answers.
    refused = [line for line in server.log_tail(20_000).splitlines() if "request_refused" in line]
    assert refused and "private" not in server.log.read_text()
    line = json.loads(refused[-1])
    assert (line["status"], line["error"], line["level"]) == (400, "InvalidHeader", "warning")


def test_the_server_still_answers_the_app_after_refusing_requests(address):
    status, headers, body = exchange(address, get("/health/live"))
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["content-type"] == "application/json"
