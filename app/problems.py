"""RFC 9457 problem details: the one error shape of the API.

Every error answers ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; validation errors add ``errors`` as ``{field: [messages]}``. Domain errors are
translated to HTTP here and nowhere else. See docs/DECISIONS.md, "Status codes" and
"Problem types".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from flask import Flask, current_app
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.services import services
from domain import errors

PROBLEM_MIMETYPE = "application/problem+json"
#: Problem type URIs are identifiers, not links (docs/DECISIONS.md, "Problem types").
TYPE_BASE = "https://scheduling.example/problems/"
RETRY_AFTER_SECONDS = 5
_LOCATION_LABELS = {"json": "body", "query": "query", "querystring": "query", "headers": "headers"}


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One kind of problem: a stable ``type`` URI, its status and its title."""

    slug: str
    status: int
    title: str

    @property
    def uri(self) -> str:
        return TYPE_BASE + self.slug


VALIDATION = ProblemType("validation-error", 422, "Invalid request parameters")
MALFORMED_JSON = ProblemType("malformed-json", 400, "Malformed JSON body")
UNSUPPORTED_MEDIA_TYPE = ProblemType("unsupported-media-type", 415, "Unsupported media type")
NOT_FOUND = ProblemType("not-found", 404, "Resource not found")
INVALID_REQUEST = ProblemType("invalid-request", 422, "Invalid request")
UNKNOWN_REFERENCE = ProblemType("unknown-reference", 422, "Unknown client or provider")
BOOKING_REFUSED = ProblemType("booking-refused", 422, "Booking refused")
CANCELLATION_REFUSED = ProblemType("cancellation-refused", 422, "Cancellation refused")
IDEMPOTENCY_KEY_REUSED = ProblemType("idempotency-key-reused", 422, "Idempotency-Key reused")
CONFLICT = ProblemType("conflict", 409, "Conflict")
PRECONDITION_FAILED = ProblemType("precondition-failed", 412, "Precondition failed")
FEED_ERROR = ProblemType("feed-error", 502, "Availability feed unusable")
UNAVAILABLE = ProblemType("service-unavailable", 503, "Service unavailable")
UNAUTHORIZED = ProblemType("unauthorized", 401, "Unauthorized")
FORBIDDEN = ProblemType("forbidden", 403, "Forbidden")
RATE_LIMITED = ProblemType("rate-limited", 429, "Too many requests")

ALL_TYPES = (
    VALIDATION,
    MALFORMED_JSON,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_FOUND,
    INVALID_REQUEST,
    UNKNOWN_REFERENCE,
    BOOKING_REFUSED,
    CANCELLATION_REFUSED,
    IDEMPOTENCY_KEY_REUSED,
    CONFLICT,
    PRECONDITION_FAILED,
    FEED_ERROR,
    UNAVAILABLE,
    UNAUTHORIZED,
    FORBIDDEN,
    RATE_LIMITED,
)
_TYPE_DOC = (
    'A URI identifying the kind of problem (docs/API.md, "Problem types"): `about:blank` for a '
    "plain HTTP error (router 404, 405, 413, 500; the server's own 400, 414, 431) whose title is "
    "the status phrase, or one of "
    + ", ".join(f"`{kind.uri}` ({kind.status})" for kind in ALL_TYPES)
    + "."
)

#: Most specific first; Flask picks the handler of the closest class anyway. Booking rules
#: (notice and horizon included) share ``booking-refused`` and name the rule in ``detail``.
DOMAIN_PROBLEMS: tuple[tuple[type[errors.DomainError], ProblemType], ...] = (
    (errors.OverrideNotFound, NOT_FOUND),
    (errors.NotFound, NOT_FOUND),
    (errors.IdempotencyKeyReused, IDEMPOTENCY_KEY_REUSED),
    (errors.UnknownReference, UNKNOWN_REFERENCE),
    (errors.CancellationTooLate, CANCELLATION_REFUSED),
    (errors.TooShortNotice, BOOKING_REFUSED),
    (errors.BeyondHorizon, BOOKING_REFUSED),
    (errors.RuleViolation, BOOKING_REFUSED),
    (errors.InvalidRequest, INVALID_REQUEST),
    (errors.AppointmentCanceled, CONFLICT),
    (errors.Conflict, CONFLICT),
    (errors.PreconditionFailed, PRECONDITION_FAILED),
)


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(
        required=True,
        metadata={"description": _TYPE_DOC, "example": CONFLICT.uri},
    )
    title = fields.String(
        required=True,
        metadata={"description": "Short summary of the problem kind.", "example": CONFLICT.title},
    )
    status = fields.Integer(
        required=True, metadata={"description": "The HTTP status code.", "example": 409}
    )
    detail = fields.String(
        required=True,
        metadata={
            "description": "What went wrong with this request, safe to show to users.",
            "example": "the provider has another appointment at that time",
        },
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Validation errors by field (`body`, `query` and `headers` for "
            "errors about the whole location); for a 502, the feed's problems under `feed`.",
            "example": {"starts_at": ["The timestamp has no UTC offset."]},
        },
    )


class Problem(Exception):
    """Raised by the HTTP layer to answer with a problem of ``kind``."""

    def __init__(
        self,
        kind: ProblemType,
        detail: str,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail
        self.errors, self.headers = errors, headers


def problem_response(
    type_uri: str,
    status: int,
    title: str,
    detail: str,
    errors: Mapping[str, list[str]] | None = None,
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
) -> Response:
    body: dict[str, Any] = {"type": type_uri, "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = dict(errors)
    return current_app.response_class(
        json.dumps(body, separators=(",", ":")) + "\n",
        status=status,
        mimetype=PROBLEM_MIMETYPE,
        headers=headers,
    )


def kind_response(
    kind: ProblemType,
    detail: str,
    errors: Mapping[str, list[str]] | None = None,
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
) -> Response:
    return problem_response(kind.uri, kind.status, kind.title, detail, errors, headers)


def http_problem(error: HTTPException) -> Response:
    """Any HTTPException (router 404, 405, 413, webargs 422, and 500) as a problem.

    This is the last-resort handler too: Flask turns an unhandled exception into an
    InternalServerError (after logging it) and hands it here; no internals leak.
    """
    status = error.code or 500
    data: Mapping[str, Any] = getattr(error, "data", None) or {}
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    headers.extend((data.get("headers") or {}).items())
    if status == 422 and "messages" in data:
        detail = "Some fields are invalid; see errors."
        return kind_response(VALIDATION, detail, flatten(data["messages"]), headers)
    return problem_response(
        "about:blank", status, error.name, _detail(error, status), None, headers
    )


def _detail(error: HTTPException, status: int) -> str:
    if status >= 500:
        return "The server met an unexpected error; it has been logged."
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return f"The request body is larger than the limit of {limit} bytes."
    return error.description or error.name


def flatten(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    """webargs' ``{location: {field: messages}}`` as ``{field: [messages]}``.

    Nested fields are dotted (``availabilities.0.starts_at``); errors about a whole
    location are listed under ``body``, ``query`` or ``headers``.
    """
    flat: dict[str, list[str]] = {}
    for location, value in messages.items():
        _walk(value, "", _LOCATION_LABELS.get(location, location), flat)
    return flat


def _walk(value: Any, name: str, root: str, flat: dict[str, list[str]]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            child = name if key == "_schema" else f"{name}.{key}" if name else str(key)
            _walk(inner, child, root, flat)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, name, root, flat)
    else:
        flat.setdefault(name or root, []).append(str(value))


def _domain_problem(kind: ProblemType) -> Callable[[errors.DomainError], Response]:
    def handle(error: errors.DomainError) -> Response:
        return kind_response(kind, error.reason)

    return handle


def _raised_problem(problem: Problem) -> Response:
    return kind_response(problem.kind, problem.detail, problem.errors, problem.headers or {})


def _feed_problem(error: errors.FeedError) -> Response:
    """502: the feed is unusable; its problems are listed, with server paths reduced to names."""
    path = services().feed_path
    return kind_response(
        FEED_ERROR, _scrub(error.reason, path), {"feed": [_scrub(p, path) for p in error.problems]}
    )


def _scrub(text: str, path: str) -> str:
    return text.replace(str(path), Path(path).name) if path else text


def _invalid_windows(error: errors.InvalidWindows) -> Response:
    """422 naming each bad window, as a feed's problems are named (domain/rules/feed.py)."""
    return kind_response(
        VALIDATION, "Some windows are invalid; see errors.", {"windows": error.problems}
    )


def store_unavailable(error: errors.StoreUnavailable) -> Response:
    """503. Logged with the names of the causes only: a driver's message may quote data."""
    causes: list[str] = []
    cause = error.__cause__
    while cause is not None and len(causes) < 5:
        causes.append(type(cause).__name__)
        cause = cause.__cause__
    structlog.get_logger().bind(logger="scheduling.http").error(
        "database_unavailable", causes=causes
    )
    return kind_response(
        UNAVAILABLE,
        "The database is unavailable; retry later.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def register(app: Flask) -> None:
    """Install the problem handlers; HTTPException's is installed by the Api (app.api)."""
    for error_class, kind in DOMAIN_PROBLEMS:
        app.register_error_handler(error_class, _domain_problem(kind))
    app.register_error_handler(errors.FeedError, _feed_problem)
    app.register_error_handler(errors.InvalidWindows, _invalid_windows)
    app.register_error_handler(errors.StoreUnavailable, store_unavailable)
    app.register_error_handler(Problem, _raised_problem)
