"""The audit trail's vocabulary: who did what to which objects, by ids only.

See docs/DECISIONS.md, "Audit trail".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

APPOINTMENT, CLIENT, PROVIDER, TIME_OFF = "appointment", "client", "provider", "time_off"
API_KEY, WEBHOOK, AUDIT_EVENT, TIMEZONE = "api_key", "webhook", "audit_event", "timezone"
APPOINTMENT_TYPE, OTHER = "appointment_type", "other"
RESOURCES = (
    APPOINTMENT_TYPE,
    APPOINTMENT,
    CLIENT,
    PROVIDER,
    TIME_OFF,
    API_KEY,
    WEBHOOK,
    AUDIT_EVENT,
    TIMEZONE,
    OTHER,
)

OK, DENIED, NOT_FOUND, REFUSED, REJECTED, FAILED = (
    "ok",
    "denied",
    "not_found",
    "refused",
    "rejected",
    "failed",
)
OUTCOMES = (OK, DENIED, NOT_FOUND, REFUSED, REJECTED, FAILED)
#: A refused change: it conflicts (409), was changed since (412), or breaks a rule (422).
_REFUSALS = frozenset({409, 412, 422})


def outcome_of(status: int) -> str:
    """What an answer's status says happened."""
    if status < 400:
        return OK
    if status in (401, 403):
        return DENIED
    if status == 404:
        return NOT_FOUND
    if status in _REFUSALS:
        return REFUSED
    return REJECTED if status < 500 else FAILED


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audited request: never a name, an e-mail, a reason or a secret."""

    occurred_at: datetime
    key_id: int | None
    """None when no usable key was presented (a 401)."""
    request_id: str | None
    operation_id: str
    resource: str
    resource_ids: tuple[int, ...]
    outcome: str
    status: int


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which events to list: all filters optional, ``[since, until)``."""

    key_id: int | None = None
    resource: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(slots=True)
class AuditContext:
    """The audit of the request being served, carried by its units of work.

    A unit that writes appends the request's event in its own transaction, with the ids it
    wrote, and marks it ``recorded``: the edge then writes no second one.
    """

    key_id: int | None
    request_id: str | None
    operation_id: str
    resource: str
    resource_ids: tuple[int, ...]
    status: int
    """The operation's success status, which a committed change answers."""
    recorded: bool = False

    def change(self, occurred_at: datetime, written: tuple[int, ...]) -> AuditEvent:
        """The event of the change this request committed."""
        ids = tuple(sorted({*self.resource_ids, *written}))
        return AuditEvent(
            occurred_at,
            self.key_id,
            self.request_id,
            self.operation_id,
            self.resource,
            ids,
            OK,
            self.status,
        )
