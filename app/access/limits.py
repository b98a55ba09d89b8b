"""Rate limit counting: fixed windows in the configured storage, and the draft's header fields.

``memory://`` counts in each worker on its own; ``redis://`` counts in one place, so a limit
holds exactly across workers and hosts: each hit is one atomic INCR (with its EXPIRE, in one
Lua script). docs/DECISIONS.md, "Rate limits"; the fields are those of
draft-ietf-httpapi-ratelimit-headers-10.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string

from app.config import RateLimitConfig

#: A Redis that does not answer within this many seconds is treated as unavailable.
REDIS_TIMEOUT_S = 0.5


@dataclass(frozen=True, slots=True)
class Policy:
    """One limit under a name (``key``, ``address``, ``auth-failures``)."""

    name: str
    item: RateLimitItem

    @property
    def field(self) -> str:
        """The policy as a RateLimit-Policy list member: quota and window in seconds."""
        return f'"{self.name}";q={self.item.amount};w={self.item.get_expiry()}'


@dataclass(frozen=True, slots=True)
class Rate:
    """Where one identity stands in a policy's current window."""

    policy: Policy
    remaining: int
    reset: int
    """Whole seconds until the window ends (at least 1)."""
    allowed: bool

    def headers(self) -> dict[str, str]:
        name = self.policy.name
        return {
            "RateLimit-Policy": self.policy.field,
            "RateLimit": f'"{name}";r={self.remaining};t={self.reset}',
        }


class Limiter:
    """The three policies over one storage; ``None`` answers mean the storage is down.

    A fixed window per identity, as ``limits``' FixedWindowRateLimiter counts it, but read
    from the storage's own atomic increment: each request learns the count it made, so
    ``remaining`` is exact per request, even under concurrency.
    """

    def __init__(self, config: RateLimitConfig) -> None:
        options: dict[str, float | str | bool] = {"wrap_exceptions": True}
        if config.storage_uri.startswith(("redis://", "rediss://", "unix://")):
            options.update(
                key_prefix=config.key_prefix,
                socket_timeout=REDIS_TIMEOUT_S,
                socket_connect_timeout=REDIS_TIMEOUT_S,
            )
        storage = storage_from_string(config.storage_uri, **options)
        if not isinstance(storage, Storage):
            raise ValueError("RATELIMIT_STORAGE_URI must name a synchronous storage")
        self._storage = storage
        self.per_key = Policy("key", parse(config.per_key))
        self.per_address = Policy("address", parse(config.per_address))
        self.auth_failures = Policy("auth-failures", parse(config.auth_failures))
        self.trusted_proxies = config.trusted_proxies

    def hit(self, policy: Policy, identity: str) -> Rate | None:
        """Count one request of ``identity``; ``allowed`` is False once over the quota."""
        key = policy.item.key_for(policy.name, identity)
        try:
            count = self._storage.incr(key, policy.item.get_expiry())
            return self._rate(policy, key, count)
        except StorageError:
            return None

    def peek(self, policy: Policy, identity: str) -> Rate | None:
        """Where ``identity`` stands, counting nothing."""
        key = policy.item.key_for(policy.name, identity)
        try:
            count = self._storage.get(key)
            if not count:
                return _untouched(policy)
            return replace(self._rate(policy, key, count), allowed=count < policy.item.amount)
        except StorageError:
            return None

    def _rate(self, policy: Policy, key: str, count: int) -> Rate:
        """``count``: the requests of the window, this one included."""
        reset = max(1, math.ceil(self._storage.get_expiry(key) - time.time()))
        return Rate(policy, max(0, policy.item.amount - count), reset, count <= policy.item.amount)


def _untouched(policy: Policy) -> Rate:
    """No window open: the whole quota, a whole window ahead."""
    return Rate(policy, policy.item.amount, policy.item.get_expiry(), True)
