"""Rate limits at the HTTP edge: per key, per address without a key, stricter on failed
authentication; a refusal is a 429 problem. docs/DECISIONS.md, "Rate limits".

- A valid key: ``admit_key`` (from ``current_grant``), the ``key`` policy, by key id.
- A failed authentication: ``refused``, the ``auth-failures`` policy, by client address;
  once it is spent, ``before_lookup`` refuses an address's unknown keys unread.
- Anything else but the exempt paths (health, metrics): the ``address`` policy, before the
  view (``/docs``, ``/openapi.json``, unknown paths).

Every answer counted carries its policy's ``RateLimit-Policy`` and ``RateLimit`` fields.
"""

from __future__ import annotations

import structlog
from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from app.access.limits import Limiter, Policy, Rate
from app.config import RateLimitConfig
from app.problems import RATE_LIMITED, Problem

EXTENSION = "rate_limits"
#: Probes and the scraper: refusing them would take a healthy server out of rotation.
EXEMPT_PATHS = frozenset({"/health", "/health/live", "/metrics"})
#: The attribute ``requires`` (app/access/scopes.py) sets on a protected view method.
SCOPE_MARK = "required_scope"
_WHAT = {
    "key": "with this API key",
    "address": "without an API key from this address",
    "auth-failures": "that failed authentication from this address",
}


def install(app: Flask, config: RateLimitConfig) -> None:
    app.extensions[EXTENSION] = Limiter(config)
    app.before_request(_limit_unkeyed)
    app.after_request(_add_fields)


def limiter() -> Limiter:
    found: Limiter = current_app.extensions[EXTENSION]
    return found


def admit_key(key_id: int) -> None:
    """Count a request with a valid key; 429 once the key's quota is spent."""
    _admit(limiter().per_key, str(key_id))


def before_lookup() -> None:
    """An unknown key from an address whose failures are spent: 429, without reading it."""
    rate = limiter().peek(limiter().auth_failures, client_address())
    if rate is not None and not rate.allowed:
        g.rate = rate
        raise too_many(rate)


def refused(unauthorized: Problem) -> Problem:
    """What to answer a failed authentication: its 401, or a 429 once the address has
    failed too often."""
    rate = _count(limiter().auth_failures, client_address())
    return unauthorized if rate is None or rate.allowed else too_many(rate)


def too_many(rate: Rate) -> Problem:
    quota = f"{rate.policy.item.amount} per {rate.policy.item.get_expiry()} s"
    detail = (
        f"Too many requests {_WHAT[rate.policy.name]} ({quota}); retry after {rate.reset} seconds."
    )
    return Problem(RATE_LIMITED, detail, headers={"Retry-After": str(rate.reset)})


def client_address() -> str:
    """The peer's address; behind ``trusted_proxies`` proxies, the one they saw."""
    hops = limiter().trusted_proxies
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    if hops and len(forwarded) >= hops and forwarded[-hops]:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def _admit(policy: Policy, identity: str) -> None:
    rate = _count(policy, identity)
    if rate is not None and not rate.allowed:
        raise too_many(rate)


def _count(policy: Policy, identity: str) -> Rate | None:
    rate = limiter().hit(policy, identity)
    if rate is None:
        structlog.get_logger().bind(logger="scheduling.http").warning(
            "rate_limit_storage_unavailable", policy=policy.name
        )
        return None
    g.rate = rate
    return rate


def _limit_unkeyed() -> None:
    if request.path in EXEMPT_PATHS or _protected():
        return
    _admit(limiter().per_address, client_address())


def _protected() -> bool:
    """Whether the request goes to a view method that authenticates (``requires``)."""
    view = current_app.view_functions.get(request.endpoint or "")
    method = "get" if request.method == "HEAD" else request.method.lower()
    return hasattr(getattr(getattr(view, "view_class", None), method, None), SCOPE_MARK)


def _add_fields(response: Response) -> Response:
    rate: Rate | None = g.get("rate")
    if rate is not None:
        response.headers.update(rate.headers())
    return response
