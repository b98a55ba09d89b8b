"""Example problem bodies for the OpenAPI document, one per status and per problem type."""

from __future__ import annotations

from typing import Any

from app.problems import (
    BOOKING_REFUSED,
    CANCELLATION_REFUSED,
    CONFLICT,
    FEED_ERROR,
    FORBIDDEN,
    IDEMPOTENCY_KEY_REUSED,
    INVALID_REQUEST,
    MALFORMED_JSON,
    NOT_FOUND,
    PRECONDITION_FAILED,
    RATE_LIMITED,
    UNAUTHORIZED,
    UNAVAILABLE,
    UNKNOWN_REFERENCE,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION,
    ProblemType,
)
from app.server_errors import PHRASES, line_too_long

#: gunicorn.conf.py's ``limit_request_line``; tests/e2e/test_server_answers.py holds the
#: documented 414 equal to what the shipped gunicorn answers.
SHIPPED_REQUEST_LINE = 8190


def example(kind: ProblemType, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind.uri, "title": kind.title, "status": kind.status, "detail": detail, **extra}


DEFAULTS: dict[int, tuple[str, dict[str, Any]]] = {
    400: (
        "The body is not valid JSON.",
        example(MALFORMED_JSON, "The request body is not valid JSON."),
    ),
    401: (
        "No API key, or one that is malformed, unknown, revoked or expired; the answer does "
        "not say which. Send `Authorization: Bearer <key>`.",
        example(UNAUTHORIZED, "Send a valid API key: Authorization: Bearer <key>."),
    ),
    403: (
        "The key lacks the scope this operation needs; `detail` names it.",
        example(FORBIDDEN, "This key lacks the scope appointments:write."),
    ),
    404: (
        "No such resource.",
        example(NOT_FOUND, "provider 42 does not exist"),
    ),
    409: (
        "The request collides with existing data.",
        example(CONFLICT, "the provider has another appointment at that time"),
    ),
    412: (
        "`If-Match` names a stale tag: the resource changed since it was read. Nothing "
        "changed; read it again.",
        example(PRECONDITION_FAILED, "the provider changed since you read it"),
    ),
    413: (
        "The body is larger than the limit (64 KiB by default).",
        {
            "type": "about:blank",
            "title": "Request Entity Too Large",
            "status": 413,
            "detail": "The request body is larger than the limit of 65536 bytes.",
        },
    ),
    414: (
        "The request line (path and query string) is longer than the server allows "
        f"({SHIPPED_REQUEST_LINE:,} bytes as shipped); the server answers before the app.",
        {
            "type": "about:blank",
            "title": PHRASES[414],
            "status": 414,
            "detail": line_too_long(SHIPPED_REQUEST_LINE),
        },
    ),
    415: (
        "The body is not `application/json`.",
        example(UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
    ),
    422: (
        "Invalid parameters or body; `errors` lists the messages per field.",
        example(
            VALIDATION,
            "Some fields are invalid; see errors.",
            errors={
                "starts_at": ["The timestamp has no UTC offset; add Z or an offset such as +01:00."]
            },
        ),
    ),
    429: (
        "Too many requests: the key's rate limit is spent (or, without a valid key, the "
        "address's; failed authentications have a stricter one). Retry after `Retry-After` "
        "seconds; `RateLimit-Policy` and `RateLimit` name the limit and where it stands.",
        example(
            RATE_LIMITED,
            "Too many requests with this API key (600 per 60 s); retry after 42 seconds.",
        ),
    ),
    502: (
        "The availability feed is unreadable or invalid; nothing was changed.",
        example(
            FEED_ERROR,
            "the feed for provider 1 is invalid",
            errors={"feed": ["slot 'mon-am': unknown day_of_week 'funday'"]},
        ),
    ),
    503: (
        "The database is unavailable; retry after `Retry-After` seconds.",
        example(UNAVAILABLE, "The database is unavailable; retry later."),
    ),
}


def named(*examples: tuple[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """OpenAPI ``examples``: ``{name: {"summary", "value"}}``."""
    return {name: {"summary": value["detail"], "value": value} for name, value in examples}


VALIDATION_EXAMPLE = DEFAULTS[422][1]
OUTSIDE_AVAILABILITY = example(
    BOOKING_REFUSED, "the requested time is not inside the provider's availability"
)
SHORT_NOTICE = example(BOOKING_REFUSED, "the provider needs at least 240 minutes' notice")
BEYOND_HORIZON = example(BOOKING_REFUSED, "the provider takes bookings at most 60 days ahead")
PROVIDER_BUSY = DEFAULTS[409][1]
BUFFER = example(
    CONFLICT, "the provider needs a buffer between appointments: another appointment is too close"
)
BOOKING_422 = named(
    ("validation-error", VALIDATION_EXAMPLE),
    ("unknown-reference", example(UNKNOWN_REFERENCE, "client 42 does not exist")),
    ("outside-availability", OUTSIDE_AVAILABILITY),
    ("short-notice", SHORT_NOTICE),
    ("beyond-horizon", BEYOND_HORIZON),
    (
        "idempotency-key-reused",
        example(
            IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was already used with a different request",
        ),
    ),
)
BOOKING_409 = named(
    ("provider-busy", PROVIDER_BUSY),
    ("buffer", BUFFER),
    ("client-busy", example(CONFLICT, "the client has another appointment at that time")),
)
MOVE_422 = named(
    ("validation-error", VALIDATION_EXAMPLE),
    ("outside-availability", OUTSIDE_AVAILABILITY),
    ("short-notice", SHORT_NOTICE),
    ("beyond-horizon", BEYOND_HORIZON),
)
MOVE_409 = named(
    ("provider-busy", PROVIDER_BUSY),
    ("buffer", BUFFER),
    ("canceled", example(CONFLICT, "a canceled appointment cannot be moved")),
)
CANCEL_422 = named(
    (
        "validation-error",
        example(
            VALIDATION,
            "Some fields are invalid; see errors.",
            errors={"canceled_by": ["Must be one of: client, provider."]},
        ),
    ),
    (
        "cancellation-refused",
        example(
            CANCELLATION_REFUSED,
            "cancellations must come at least 1440 minutes before the appointment starts",
        ),
    ),
)
RANGE_422 = named(
    ("validation-error", VALIDATION_EXAMPLE),
    ("invalid-request", example(INVALID_REQUEST, "the range may span at most 92 days")),
)
ROSTER_422 = named(
    ("validation-error", VALIDATION_EXAMPLE),
    ("invalid-request", example(INVALID_REQUEST, "the range may span at most 31 days")),
    ("unknown-reference", example(UNKNOWN_REFERENCE, "no provider has the id(s) 42, 77")),
)
POOL_422 = named(
    (
        "no-provider-available",
        example(
            BOOKING_REFUSED,
            "no listed provider can take this time (3 of 3: the requested time is not inside "
            "the provider's availability)",
        ),
    ),
    ("unknown-reference", example(UNKNOWN_REFERENCE, "no provider has the id(s) 42")),
)
POOL_409 = named(
    (
        "pool-taken",
        example(
            CONFLICT,
            "no listed provider can take this time (2 of 3: the provider has another "
            "appointment at that time; 1 of 3: the requested time is not inside the "
            "provider's availability)",
        ),
    ),
)
