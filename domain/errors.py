"""Typed domain errors. Adapters translate these at their edge (HTTP: app/problems.py)."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every error the domain raises on purpose; ``reason`` is safe to show users."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidRequest(DomainError):
    """The request itself is malformed (e.g. an empty or reversed interval)."""


class InvalidWindows(InvalidRequest):
    """Weekly windows sent to replace a provider's own; ``problems`` names each bad one."""

    def __init__(self, reason: str, problems: Sequence[str]) -> None:
        super().__init__(reason)
        self.problems = list(problems)


class NotFound(DomainError):
    """A referenced entity does not exist."""

    entity = "entity"

    def __init__(self, entity_id: int) -> None:
        super().__init__(f"{self.entity} {entity_id} does not exist")
        self.entity_id = entity_id


class ProviderNotFound(NotFound):
    entity = "provider"


class ClientNotFound(NotFound):
    entity = "client"


class AppointmentNotFound(NotFound):
    entity = "appointment"


class OverrideNotFound(NotFound):
    entity = "time-off entry"


class WebhookNotFound(NotFound):
    entity = "webhook"


class ApiKeyNotFound(NotFound):
    entity = "API key"


class AppointmentTypeNotFound(NotFound):
    entity = "appointment type"


class RuleViolation(DomainError):
    """A booking rule refuses the request; retrying the same request will not help."""


class UnknownReference(RuleViolation):
    """The request names a client or provider that does not exist."""


class OutsideAvailability(RuleViolation):
    pass


class InThePast(RuleViolation):
    pass


class NotAcceptingNewClients(RuleViolation):
    pass


class TooLong(RuleViolation):
    pass


class TooShortNotice(RuleViolation):
    """The booking starts sooner than the provider's minimum notice allows."""


class BeyondHorizon(RuleViolation):
    """The booking ends later than the provider's booking horizon allows."""


class CancellationTooLate(RuleViolation):
    """The cancellation comes later than the provider's minimum cancellation notice."""


class IdempotencyKeyReused(RuleViolation):
    """An Idempotency-Key already used with a different request."""


class TypeNotBookable(RuleViolation):
    """The appointment type does not fit this booking: not offered by the provider, its
    modality not the provider's, archived, a length it does not allow, or not for this client."""


class Conflict(DomainError):
    """The request collides with the current state of a schedule."""


class SelfRevocation(Conflict):
    """A key asked to revoke itself: the caller would lock itself out mid-request."""


class ProviderConflict(Conflict):
    pass


class ClientConflict(Conflict):
    pass


class DuplicateEmail(Conflict):
    pass


class AppointmentCanceled(Conflict):
    """The appointment is canceled, so it cannot be changed."""


class PoolTaken(Conflict):
    """No provider of a pool can take the time, and some are available but booked then."""


class PoolRefused(RuleViolation):
    """No provider of a pool can take the time, and none is merely booked then."""


class PreconditionFailed(DomainError):
    """The caller's copy of the resource is stale: it changed since the caller read it."""


class FeedError(DomainError):
    """The availability feed is unreadable or invalid; nothing was changed."""

    def __init__(self, reason: str, problems: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.problems = list(problems) or [reason]


class StoreUnavailable(Exception):
    """A port's backing store (the database) cannot be reached; the request may be retried.

    Raised by adapters, never by domain rules; it carries no internals.
    """
