"""Hostile input is a clear 4xx problem, never a 500: oversized and deeply nested bodies,
absurd numbers for every id, NUL bytes, lone surrogates and odd unicode, time zone strings of
every kind and malformed timestamps. Inputs that are in fact valid (a unicode name, a zone
alias, a lowercase ``z``) succeed. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient

from tests.e2e.support import MONDAY, PROBLEM, at, booking

LIMIT = 64 * 1024
#: Refusing a hostile body must be cheap: well under this, even on a busy 2-core machine.
CHEAP_S = 1.0
#: The operations that read a JSON body, each with a valid body ({provider} is filled in).
BODY_OPERATIONS = (
    ("post", "/providers", {"name": "Dr. Who"}),
    ("patch", "/providers/{provider}", {"name": "Dr. Who"}),
    ("put", "/providers/{provider}/weekly-availability", {"windows": []}),
    ("post", "/clients", {"name": "Ada", "email": "new@example.com"}),
    ("post", "/appointments", None),  # a booking, built per test
)
#: Every path with an id.
ID_PATHS = (
    ("get", "/providers/{}"),
    ("patch", "/providers/{}"),
    ("get", "/providers/{}/availabilities?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z"),
    ("post", "/providers/{}/availability-sync"),
    ("get", "/providers/{}/weekly-availability"),
    ("get", "/clients/{}"),
    ("get", "/appointments/{}"),
    ("delete", "/appointments/{}"),
)
#: JSON number tokens (and non-numbers) no id may be; each is a 4xx wherever an id goes.
BAD_ID_TOKENS = (
    "1" + "0" * 100,
    "1e400",
    "-1e400",
    "-1",
    "0",
    "-0",
    str(2**63),
    str(-(2**63) - 1),
    "1.5",
    "1.0",
    "1E2",
    "NaN",
    "Infinity",
    '"1"',
    "true",
    "null",
    "[1]",
    "9" * 5000,  # past Python's int-parsing digit limit
)
#: Ids in range but naming no row: a 404/422 about the row, never an integer overflow.
ABSENT_IDS = (2**31 - 1, 2**31, 2**63 - 1)


class Findings:
    """Collects every response that breaks the rule, to report them all at once."""

    def __init__(self) -> None:
        self.bad: list[str] = []

    def check(self, label: str, response: Any, allowed: Iterable[int]) -> None:
        allowed = set(allowed)
        status = response.status_code
        if status not in allowed:
            self.bad.append(f"{label}: {status} not in {sorted(allowed)}: {_text(response)}")
        elif status >= 400 and not _is_problem(response, status):
            self.bad.append(f"{label}: {status} is not problem details: {_text(response)}")

    def assert_none(self) -> None:
        assert not self.bad, "\n".join(self.bad)


def _text(response: Any) -> str:
    return ascii(response.get_data(as_text=True)[:300])


def _is_problem(response: Any, status: int) -> bool:
    if response.mimetype != PROBLEM:
        return False
    body = json.loads(response.get_data(as_text=True))
    return body.get("status") == status and all(k in body for k in ("type", "title", "detail"))


def send(http: FlaskClient, method: str, path: str, raw: str | bytes) -> Any:
    return getattr(http, method)(path, data=raw, content_type="application/json")


def monday_booking(customer: dict[str, Any], provider: dict[str, Any]) -> dict[str, Any]:
    return booking(customer["id"], provider["id"], "09:00", "09:30")


def body_operations(provider, customer) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path.format(provider=provider["id"]), body or monday_booking(customer, provider))
        for method, path, body in BODY_OPERATIONS
    ]


# --- size and shape ---------------------------------------------------------------------


def test_bodies_over_the_limit_are_413_on_every_operation_that_reads_one(http, provider, customer):
    findings = Findings()
    padding = {"x": "y" * LIMIT}
    for method, path, body in body_operations(provider, customer):
        for label, raw, content_type in (
            ("just over", json.dumps({**body, **padding}), "application/json"),
            ("1 MiB", "[" + "1," * (512 * 1024) + "1]", "application/json"),
            ("not even JSON", "x" * (LIMIT + 1), "text/plain"),
        ):
            response = getattr(http, method)(path, data=raw, content_type=content_type)
            findings.check(f"{method} {path} {label}", response, {413})
        # Chunked, as gunicorn presents it: no Content-Length, the server ends the stream.
        # The first 64 KiB alone are valid JSON, so a body cut off there would be accepted.
        response = getattr(http, method)(
            path,
            input_stream=io.BytesIO(json.dumps(body).encode() + b" " * LIMIT),
            content_type="application/json",
            headers={"Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
        findings.check(f"{method} {path} chunked", response, {413})
    findings.assert_none()


def _nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + "1" + closing * depth


HOSTILE_BODIES = {
    "100k levels of arrays": (_nested(100_000), {413}),
    "60 KiB of nested arrays": (_nested(30_000), {400}),
    "60 KiB of nested objects": (_nested(9_000, '{"a":', "}"), {400}),
    "a nested name": ('{"name": ' + _nested(25_000) + "}", {400}),
    "unterminated nesting": ("[" * 60_000, {400}),
    "60 KiB flat array": ("[" + "1," * 30_000 + "1]", {422}),
    "4000 unknown fields": (json.dumps({f"f{n}": n for n in range(4000)}), {422}),
    "a 60 KiB string": (json.dumps({"name": "n" * 60_000}), {422}),
    "a 20k-digit number": ('{"name": ' + "7" * 20_000 + "}", {400}),
}


def test_deeply_nested_or_huge_json_is_refused_cheaply(http, provider, customer):
    findings = Findings()
    for kind, (raw, allowed) in HOSTILE_BODIES.items():
        for method, path, _ in body_operations(provider, customer):
            started = time.perf_counter()
            response = send(http, method, path, raw)
            elapsed = time.perf_counter() - started
            findings.check(f"{kind}: {method} {path}", response, allowed)
            if elapsed > CHEAP_S:
                findings.bad.append(f"{kind}: {method} {path}: took {elapsed:.2f}s")
    findings.assert_none()


# --- numbers ----------------------------------------------------------------------------


def test_absurd_numbers_for_ids_in_a_booking_body_are_422(http, provider, customer):
    findings = Findings()
    body = monday_booking(customer, provider)
    for field in ("client_id", "provider_id"):
        for token in BAD_ID_TOKENS:
            raw = json.dumps({**body, field: "@"}).replace('"@"', token)
            allowed = {400} if token == "9" * 5000 else {422}
            findings.check(
                f"{field}={token[:20]}", send(http, "post", "/appointments", raw), allowed
            )
        for absent in ABSENT_IDS:
            response = http.post("/appointments", json={**body, field: absent})
            findings.check(f"{field}={absent}", response, {422})
            if response.status_code == 422:
                assert response.get_json()["type"].endswith("/unknown-reference")
    findings.assert_none()


def test_absurd_ids_in_paths_are_404(http, provider, customer):
    findings = Findings()
    tokens = [quote(t) for t in BAD_ID_TOKENS[:12]] + [str(i) for i in ABSENT_IDS]
    tokens += ["%00", "1%00", "%F0%9F%98%80", "%EF%BC%91", "0x1", "+1", "1_000", " 1"]
    for method, template in ID_PATHS:
        for token in tokens:
            path = template.format(token)
            response = getattr(http, method)(
                path, json={"name": "x"} if method == "patch" else None
            )
            findings.check(f"{method} {path}", response, {404})
    findings.assert_none()


#: Text that int() would read as a number, but that is no id.
ID_TEXT = ["%EF%BC%91", "%D9%A1", "1_0", "%201%20", "%2B1", "0x1", "1e3"]
QUERY_NUMBERS = ["1" + "0" * 100, "1e400", "-1", "0", str(2**63), "1.5", "NaN", "%00", "1%00"]


QUERY_NUMBER_PARAMETERS = (
    ("/appointments?", ("provider_id", "client_id", "page", "page_size")),
    ("/providers?", ("page", "page_size")),
    ("/clients?", ("page", "page_size")),
    (
        f"/providers/1/availabilities?from={at(MONDAY, '00:00')}&to={at(MONDAY, '23:00')}&",
        ("duration",),
    ),
)


def test_absurd_numbers_in_query_strings_are_422(http, provider):
    findings = Findings()
    for path, name in ((path, name) for path, names in QUERY_NUMBER_PARAMETERS for name in names):
        for token in QUERY_NUMBERS:
            allowed = {200, 422} if name == "page" and token.isdigit() else {422}
            findings.check(f"{path}{name}={token}", http.get(f"{path}{name}={token}"), allowed)
        for token in ID_TEXT if name.endswith("_id") else ():
            findings.check(f"{path}{name}={token}", http.get(f"{path}{name}={token}"), {422})
        for absent in ABSENT_IDS:
            allowed = {422} if name in ("page_size", "duration") else {200}
            findings.check(f"{path}{name}={absent}", http.get(f"{path}{name}={absent}"), allowed)
    findings.assert_none()


# --- strings ----------------------------------------------------------------------------

#: Text no name, email or other string field may hold.
BAD_TEXT = (
    "\x00",
    "Ada\x00Lovelace",
    "\ud800",
    "Ada\udfff",
    "\x1b[31mred",
    "line\nbreak",
    "",
    "   ",
    "\t",
)
#: Legitimate unicode names: stored and answered exactly as sent.
GOOD_NAMES = (
    "Zoë Ångström",
    "李小龍",
    "مريم الأحمد",  # right-to-left
    "דוד בן־גוריון",
    "Ada 👩\u200d💻 Lovelace",  # emoji with a zero-width joiner
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",  # astral plane
    "e\u0301",  # combining accent
)


def test_nul_bytes_surrogates_and_control_characters_in_text_are_422(http, provider):
    findings = Findings()
    for text in BAD_TEXT:
        cases = [
            ("post", "/providers", {"name": text}),
            ("patch", f"/providers/{provider['id']}", {"name": text}),
            ("post", "/clients", {"name": text, "email": "x@example.com"}),
        ]
        if text:  # inside an email address, "" would leave a valid one
            cases += [
                ("post", "/providers", {"name": "P", "email": f"a{text}@example.com"}),
                ("post", "/clients", {"name": "C", "email": f"{text}@example.com"}),
                ("post", "/clients", {"name": "C", "email": f"c@{text}.example.com"}),
            ]
        for method, path, body in cases:
            response = send(http, method, path, json.dumps(body))  # surrogates as \\u escapes
            findings.check(f"{method} {path} {ascii(body)}", response, {422})
    findings.check("invalid UTF-8", send(http, "post", "/clients", b'{"name": "\xff"}'), {400})
    findings.check(
        "UTF-8 encoded surrogate",
        send(http, "post", "/clients", b'{"name": "\xed\xa0\x80", "email": "s@example.com"}'),
        {400},
    )
    findings.assert_none()


def test_unicode_names_are_stored_and_answered_exactly(http, provider):
    for n, name in enumerate(GOOD_NAMES):
        created = http.post("/clients", json={"name": name, "email": f"u{n}@example.com"})
        assert created.status_code == 201, (name, created.get_data(as_text=True))
        assert http.get(f"/clients/{created.get_json()['id']}").get_json()["name"] == name
        patched = http.patch(f"/providers/{provider['id']}", json={"name": name})
        assert patched.status_code == 200 and patched.get_json()["name"] == name
        assert http.get(f"/providers/{provider['id']}").get_json()["name"] == name


QUERY_TEXT = ("%00", "a%00b", "%ED%A0%80", "%FF", "%E2%80%AE", "%F0%9F%98%80", "%C0%80", "'%3B--")


QUERY_NAMES = ("status", "from", "to", "provider_id", "unknown", "%00", "%F0%9F%98%80")


def test_odd_bytes_in_query_parameters_are_422(http, provider):
    findings = Findings()
    for name in QUERY_NAMES:
        for value in QUERY_TEXT:
            for path in (f"/appointments?{name}={value}", f"/providers?{name}={value}"):
                findings.check(path, http.get(path), {422})
    findings.assert_none()


IDEMPOTENCY_KEYS = {
    "\x00": 422,
    "key\x00": 422,
    "\u202ekey": 422,
    "😀": 422,
    "\xed\xa0\x80": 422,  # the bytes of a UTF-8 encoded lone surrogate, as WSGI presents them
    "é": 422,
    " key": 422,
    "key ": 422,
    "k" * 256: 422,
    "k" * 255: 201,
    "key with inner spaces": 201,
}


def test_an_idempotency_key_outside_printable_ascii_is_422(http, provider, customer):
    findings = Findings()
    body = monday_booking(customer, provider)
    for key, status in IDEMPOTENCY_KEYS.items():
        response = http.post("/appointments", json=body, headers={"Idempotency-Key": key})
        findings.check(f"Idempotency-Key {ascii(key)[:40]}", response, {status})
        if response.status_code == 201:
            assert http.delete(f"/appointments/{response.get_json()['id']}").status_code == 200
    findings.assert_none()


# --- time zones -------------------------------------------------------------------------

VALID_ZONES = (
    "UTC",
    "Etc/UTC",
    "GMT",
    "Europe/Berlin",
    "America/Argentina/Buenos_Aires",
    "EST5EDT",
    "US/Eastern",  # a link (alias)
    "Asia/Calcutta",  # a backward link
    "Etc/GMT+5",
)
INVALID_ZONES: tuple[Any, ...] = (
    "",
    " ",
    "UTC ",
    " UTC",
    "utc",
    "europe/berlin",
    "../etc/passwd",
    "/etc/localtime",
    "/usr/share/zoneinfo/UTC",
    "Europe/../Europe/Berlin",
    "Europe//Berlin",
    "Europe/Berlin/",
    "Europe\\Berlin",
    "Europe/Berlin\x00",
    "\x00",
    "+05:00",
    "UTC+5",
    "Z",
    "posix/Europe/Berlin",
    "right/UTC",
    "right/Europe/Berlin",
    "posixrules",
    "localtime",
    "zone.tab",
    "tzdata.zi",
    "Europe",
    "__init__.py",
    "a" * 300,
    "Europe/" + "B" * 293,
    "Europe/Zürich",
    "Ευρώπη/Αθήνα",
    "\u202eUTC",
    "\ud800",
    "🙂",
    5,
    True,
    None,
    ["UTC"],
    {"name": "UTC"},
)


def test_time_zone_strings_of_every_kind_are_422_unless_they_name_an_iana_zone(http, provider):
    findings = Findings()
    path = f"/providers/{provider['id']}"
    for zone in VALID_ZONES:
        created = http.post("/providers", json={"name": "Z", "timezone": zone})
        findings.check(f"POST {zone!r}", created, {201})
        findings.check(f"PATCH {zone!r}", http.patch(path, json={"timezone": zone}), {200})
        assert http.get(path).get_json()["timezone"] == zone
    for zone in INVALID_ZONES:
        raw = json.dumps({"name": "Z", "timezone": zone})
        findings.check(f"POST {ascii(zone)[:40]}", send(http, "post", "/providers", raw), {422})
        raw = json.dumps({"timezone": zone})
        findings.check(f"PATCH {ascii(zone)[:40]}", send(http, "patch", path, raw), {422})
    findings.assert_none()


# --- timestamps -------------------------------------------------------------------------

INVALID_TIMESTAMPS: tuple[Any, ...] = (
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
    "1969-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
    "10000-01-01T00:00:00Z",
    "2026-11-30T09:00:00",  # no offset
    "2026-11-30 09:00:00",
    "2026-11-30 09:00:00Z",  # RFC 3339 section 5.6, as OpenAPI's date-time: a T, not a space
    "2026-11-30T09:00:00+25:00",
    "2026-11-30T09:00:00+24:00",
    "2026-11-30T09:00:00+05:60",
    "2026-11-30T09:00:00+0100",
    "2026-11-30T09:00:00 Z",
    "2026-11-30T09:00:00UTC",
    "2026-11-30T09:00:00\u221201:00",  # a minus sign that is not a hyphen
    "2026-11-30T23:59:60Z",  # leap second
    "2026-12-31T23:59:60Z",
    "2026-11-30T24:00:00Z",
    "2026-02-29T09:00:00Z",
    "2026-13-01T09:00:00Z",
    "2026-11-30T09:00Z",
    "2026-11-30",
    "20261130T090000Z",
    "２０２６-11-30T09:00:00Z",
    "2026-11-30T09:00:00Z\n",
    "2026-11-30T09:00:00Z\x00",
    "",
    1764493200,
    None,
)
#: Valid, if unusual: lowercase z and t, 9 fraction digits, the largest offsets.
#: Every one names Monday 09:00 UTC (to the second).
VALID_TIMESTAMPS = (
    "2026-11-30T09:00:00z",
    "2026-11-30t09:00:00z",
    "2026-11-30T09:00:00.000000000Z",
    "2026-11-30T09:00:00.123456789Z",
    "2026-11-30T10:00:00+01:00",
    "2026-12-01T08:59:00+23:59",
    "2026-11-29T09:01:00-23:59",
)


def test_malformed_timestamps_are_422_naming_the_field(http, provider, customer):
    findings = Findings()
    body = monday_booking(customer, provider)
    for stamp in INVALID_TIMESTAMPS:
        for field in ("starts_at", "ends_at"):
            response = send(http, "post", "/appointments", json.dumps({**body, field: stamp}))
            _check_names(findings, f"book {field}={ascii(stamp)}", response, field)
        if isinstance(stamp, str):
            for path, field in _query_paths(provider, quote(stamp)):
                _check_names(findings, f"GET {path}", http.get(path), field)
    findings.assert_none()


def _check_names(findings: Findings, label: str, response: Any, field: str) -> None:
    findings.check(label, response, {422})
    if response.status_code == 422 and field not in response.get_json().get("errors", {}):
        findings.bad.append(f"{label}: errors do not name {field}: {_text(response)}")


def _query_paths(provider: dict[str, Any], stamp: str) -> list[tuple[str, str]]:
    week = f"/providers/{provider['id']}/availabilities?"
    return [
        (f"{week}from={stamp}&to={at(MONDAY, '23:00')}", "from"),
        (f"{week}from={at(MONDAY, '00:00')}&to={stamp}", "to"),
        (f"/appointments?from={stamp}", "from"),
        (f"/appointments?to={stamp}", "to"),
    ]


def test_unusual_but_valid_timestamps_are_accepted(http, provider, customer):
    for stamp in VALID_TIMESTAMPS:
        for path, _ in _query_paths(provider, quote(stamp)):
            response = http.get(path)
            assert response.status_code == 200, (path, response.get_json())
        body = {**monday_booking(customer, provider), "starts_at": stamp}
        response = http.post("/appointments", json=body)
        assert response.status_code == 201, (stamp, response.get_json())
        assert response.get_json()["starts_at"].startswith("2026-11-30T09:00:00")
        assert http.delete(f"/appointments/{response.get_json()['id']}").status_code == 200
