"""Use cases for webhook subscriptions: register, read, change, delete, rotate the secret."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from domain import errors
from domain.events import EventType
from domain.ports.clock import Clock
from domain.ports.delivery import HostGuard
from domain.ports.unit_of_work import UnitOfWork
from domain.webhooks import MAX_URL_LENGTH, SECRET_OVERLAP, Attempt, Endpoint, new_secret

_FIELDS = frozenset({"url", "events", "enabled", "description"})


def check_url(url: str, guard: HostGuard) -> None:
    """``http`` or ``https``, a host, no credentials, at most 2,048 characters, and a host
    the guard allows (docs/DECISIONS.md, "Webhook URLs")."""
    if len(url) > MAX_URL_LENGTH:
        raise errors.InvalidRequest(f"the URL may be at most {MAX_URL_LENGTH} characters long")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port out of range
    except ValueError as exc:
        raise errors.InvalidRequest("the URL is not valid") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.InvalidRequest("the URL must be http or https and name a host")
    if parts.username is not None or parts.password is not None:
        raise errors.InvalidRequest("the URL must not carry credentials")
    guard.check(url)


def _events(events: list[str] | tuple[str, ...]) -> tuple[EventType, ...]:
    if not events:
        raise errors.InvalidRequest("subscribe to at least one event type")
    try:
        return tuple(dict.fromkeys(EventType(e) for e in events))
    except ValueError as exc:
        raise errors.InvalidRequest("unknown event type") from exc


def create_endpoint(
    uow: UnitOfWork,
    clock: Clock,
    guard: HostGuard,
    url: str,
    events: list[str],
    description: str | None = None,
) -> Endpoint:
    """Register an endpoint; the answer is the only time its secret is shown, with rotation's."""
    check_url(url, guard)
    endpoint = Endpoint(url, _events(events), new_secret(), clock.now(), description)
    with uow:
        uow.lock_for_writing()
        endpoint = uow.webhooks.add(endpoint)
        uow.commit()
    return endpoint


def get_endpoint(uow: UnitOfWork, endpoint_id: int) -> Endpoint:
    with uow:
        endpoint = uow.webhooks.get(endpoint_id)
    if endpoint is None:
        raise errors.WebhookNotFound(endpoint_id)
    return endpoint


def list_endpoints(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[Endpoint], int]:
    with uow:
        return uow.webhooks.list(offset, limit)


def update_endpoint(
    uow: UnitOfWork, guard: HostGuard, endpoint_id: int, changes: dict[str, Any]
) -> Endpoint:
    """Change the URL, events, description or ``enabled``; enabling clears the failure record."""
    unknown = set(changes) - _FIELDS
    if unknown:
        raise errors.InvalidRequest(f"unknown webhook fields: {sorted(unknown)}")
    if "url" in changes:
        check_url(changes["url"], guard)
    if "events" in changes:
        changes = {**changes, "events": _events(changes["events"])}
    if changes.get("enabled"):
        changes = {**changes, "disabled_reason": None, "failing_since": None}
    elif changes.get("enabled") is False:
        changes = {**changes, "disabled_reason": "disabled by request"}
    with uow:
        uow.lock_for_writing()
        current = uow.webhooks.get(endpoint_id)
        if current is None:
            raise errors.WebhookNotFound(endpoint_id)
        endpoint = uow.webhooks.update(replace(current, **changes))
        uow.commit()
    return endpoint


def delete_endpoint(uow: UnitOfWork, endpoint_id: int) -> None:
    with uow:
        uow.lock_for_writing()
        if uow.webhooks.get(endpoint_id) is None:
            raise errors.WebhookNotFound(endpoint_id)
        uow.webhooks.delete(endpoint_id)
        uow.commit()


def rotate_secret(uow: UnitOfWork, clock: Clock, endpoint_id: int) -> Endpoint:
    """A new secret; the old one keeps signing deliveries beside it for 24 hours."""
    with uow:
        uow.lock_for_writing()
        current = uow.webhooks.get(endpoint_id)
        if current is None:
            raise errors.WebhookNotFound(endpoint_id)
        rotated = replace(
            current,
            secret=new_secret(),
            previous_secret=current.secret,
            previous_secret_expires_at=clock.now() + SECRET_OVERLAP,
        )
        endpoint = uow.webhooks.update(rotated)
        uow.commit()
    return endpoint


def list_attempts(
    uow: UnitOfWork, endpoint_id: int, offset: int, limit: int
) -> tuple[list[Attempt], int]:
    """The endpoint's delivery log, newest first."""
    with uow:
        if uow.webhooks.get(endpoint_id) is None:
            raise errors.WebhookNotFound(endpoint_id)
        return uow.webhooks.attempts(endpoint_id, offset, limit)
