"""OpenAPI documentation helpers: the problem responses each operation may answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from app.api.base import Blueprint
from app.api.examples import DEFAULTS
from app.problems import PROBLEM_MIMETYPE, RETRY_AFTER_SECONDS, ProblemSchema

F = TypeVar("F", bound=Callable[..., Any])

#: The problems of any operation that reads a JSON body.
BODY_PROBLEMS: Mapping[int, str | None] = {400: None, 413: None, 415: None}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "example": RETRY_AFTER_SECONDS},
    }
}

_CHALLENGE = {
    "WWW-Authenticate": {
        "description": "`Bearer`: the scheme to authenticate with (RFC 6750).",
        "schema": {"type": "string", "example": 'Bearer realm="scheduling"'},
    }
}


def _rate_fields(policy: str, quota: int, remaining: int) -> dict[str, Any]:
    """RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers-10), as sent on
    every answer counted against a rate limit (docs/API.md, "Rate limits")."""
    return {
        "RateLimit-Policy": {
            "description": "The rate limit this request was counted in: `key` (per API key), "
            "`address` (without a key) or `auth-failures` (failed authentications, per "
            "address); `q` requests per `w` seconds.",
            "schema": {"type": "string", "example": f'"{policy}";q={quota};w=60'},
        },
        "RateLimit": {
            "description": "Where it stands: `r` requests left, `t` seconds until the window "
            "resets.",
            "schema": {"type": "string", "example": f'"{policy}";r={remaining};t=42'},
        },
    }


_RATE_LIMITED = {
    "Retry-After": {
        "description": "Seconds until the window resets and requests are counted again.",
        "schema": {"type": "integer", "example": 42},
    },
    **_rate_fields("key", 600, 0),
}
_HEADERS = {
    401: {**_CHALLENGE, **_rate_fields("auth-failures", 20, 19)},
    429: _RATE_LIMITED,
    503: _RETRY_AFTER,
}


def problems(
    blp: Blueprint,
    *groups: Mapping[int, str | None],
    examples: Mapping[int, dict[str, Any]] | None = None,
) -> Callable[[F], F]:
    """Document problem responses: ``{status: description, or None for the default}``.

    ``examples`` gives named examples for a status instead of its default one. Every
    operation answers 503 when the database is down, so that is always added.
    """
    responses: dict[int, str | None] = {}
    for group in groups:
        responses.update(group)
    responses.setdefault(503, None)

    def decorate(func: F) -> F:
        for status, description in sorted(responses.items(), reverse=True):
            default, example = DEFAULTS[status]
            named = (examples or {}).get(status)
            func = blp.alt_response(
                status,
                schema=ProblemSchema,
                content_type=PROBLEM_MIMETYPE,
                description=description or default,
                example=None if named else example,
                examples=named,
                headers=_HEADERS.get(status),
            )(func)
        return func

    return decorate


def counted(func: F) -> F:
    """Document the ``key`` policy's fields on the success answers of ``func`` (a protected
    operation, below ``problems``: its 401 and 429 have their own)."""
    responses = func._apidoc["response"]["responses"]  # type: ignore[attr-defined]
    for status in func._apidoc.get("success_status_codes", []):  # type: ignore[attr-defined]
        for doc in responses[status]:
            doc["headers"] = {**(doc.get("headers") or {}), **_rate_fields("key", 600, 599)}
    return func


def links(
    blp: Blueprint, *operation_ids: str, status: int = 201, **parameters: str
) -> Callable[[F], F]:
    """Document OpenAPI links from this operation's ``status`` answer to ``operation_ids``,
    each taking ``parameters`` (``{parameter: field of the answer's body}``), e.g.
    ``@links(blp, "getClient", client_id="id")``. Clients and schemathesis's stateful
    tests follow them from a created resource to the operations that take its id
    (docs/DECISIONS.md, "Operation ids and links")."""
    values = {name: f"$response.body#/{field}" for name, field in parameters.items()}
    filled = [f"`{field}` as `{name}`" for name, field in parameters.items()]
    described = {
        operation_id: {
            "operationId": operation_id,
            "parameters": values,
            "description": "The answer's " + ", ".join(filled) + f", for {operation_id}.",
        }
        for operation_id in operation_ids
    }
    return blp.doc(responses={status: {"links": described}})
