"""Webhook endpoints, their deliveries and attempts: the data the outbox and the worker share.

The retry policy that decides what follows an attempt is ``domain.rules.retries``
(docs/DECISIONS.md, "Webhook delivery").
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.events import EventType

SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 2048
MAX_DESCRIPTION_LENGTH = 500
#: How long the previous secret still signs deliveries after a rotation.
SECRET_OVERLAP = timedelta(hours=24)


def new_secret() -> str:
    """``whsec_`` and the base64 of 32 random bytes (the Standard Webhooks format)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A receiver subscribed to some event types."""

    url: str
    events: tuple[EventType, ...]
    secret: str
    created_at: datetime
    description: str | None = None
    enabled: bool = True
    disabled_reason: str | None = None
    previous_secret: str | None = None
    previous_secret_expires_at: datetime | None = None
    failing_since: datetime | None = None
    id: int | None = None

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets that sign a delivery made ``now``: the current one, and the previous
        one during the overlap after a rotation."""
        expires = self.previous_secret_expires_at
        if self.previous_secret and expires is not None and now < expires:
            return [self.secret, self.previous_secret]
        return [self.secret]


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery leased to one worker for one attempt (number ``attempt``, 1 for the first)."""

    delivery_id: int
    lease_token: str
    attempt: int
    event_id: str
    event_type: EventType
    body: str
    request_id: str | None
    endpoint: Endpoint


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one attempt went: the receiver's status, or an error if there was no answer."""

    status: int | None
    error: str | None = None
    retry_after: timedelta | None = None
    duration_ms: int = 0
    #: What went wrong, as a word fit for logs and metrics: ``timeout``, ``connection``,
    #: ``refused_address``, ``request`` or ``redirect`` (None: the receiver answered).
    error_type: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Attempt:
    """One line of an endpoint's delivery log."""

    event_id: str
    event_type: EventType
    attempt: int
    attempted_at: datetime
    status: int | None
    error: str | None
    duration_ms: int
    next_attempt_at: datetime | None


@dataclass(frozen=True, slots=True)
class Decision:
    """What follows an attempt: retry at ``next_attempt_at``, or stop (delivered or failed);
    ``disable`` names why the endpoint must be disabled, if it must."""

    delivered: bool
    next_attempt_at: datetime | None
    disable: str | None = None


@dataclass(frozen=True, slots=True)
class Finished:
    """An attempt made: what the receiver did, what follows, and when it ended."""

    claim: Claim
    outcome: Outcome
    decision: Decision
    at: datetime
