"""Use cases for the directory of providers and clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from domain import errors
from domain.events import ScheduleChange
from domain.model import Client, Provider
from domain.ports.appointments import AppointmentSearch
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import POLICY_BOUNDS, check_provider
from domain.use_cases.common import schedule_changed

_PROVIDER_FIELDS = frozenset({"name", "email", "timezone", "accepts_new_clients", *POLICY_BOUNDS})
#: Fields whose change alters the provider's free time (the time zone places the windows).
_FREE_TIME_FIELDS = (
    "timezone",
    "buffer_before",
    "buffer_after",
    "min_notice_minutes",
    "horizon_days",
)


def create_provider(uow: UnitOfWork, provider: Provider) -> Provider:
    check_provider(provider)
    with uow:
        uow.lock_for_writing()
        provider = uow.providers.add(provider)
        uow.commit()
    return provider


def update_provider(
    uow: UnitOfWork,
    provider_id: int,
    changes: dict[str, Any],
    expected: Callable[[Provider], bool] | None = None,
) -> Provider:
    """Change any of the provider's descriptive fields and policies.

    With ``expected``, the current provider must satisfy it (If-Match), checked under the
    provider's lock so that no other change slips in between.
    """
    unknown = set(changes) - _PROVIDER_FIELDS
    if unknown:
        raise errors.InvalidRequest(f"unknown provider fields: {sorted(unknown)}")
    with uow:
        uow.lock_schedules(provider_id)
        current = uow.providers.get(provider_id)
        if current is None:
            raise errors.ProviderNotFound(provider_id)
        if expected is not None and not expected(current):
            raise errors.PreconditionFailed("the provider changed since you read it")
        changed = replace(current, **changes)
        check_provider(changed)
        provider = uow.providers.update(changed)
        if any(getattr(current, f) != getattr(changed, f) for f in _FREE_TIME_FIELDS):
            schedule_changed(uow, provider_id, ScheduleChange.POLICIES)
        uow.commit()
    return provider


def get_provider(uow: UnitOfWork, provider_id: int) -> Provider:
    with uow:
        provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    return provider


def list_providers(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[Provider], int]:
    with uow:
        return uow.providers.list(offset, limit)


def create_client(uow: UnitOfWork, client: Client) -> Client:
    """Register a client; an email already taken (ignoring case) is a DuplicateEmail."""
    with uow:
        uow.lock_for_writing()
        if uow.clients.get_by_email(client.email) is not None:
            raise errors.DuplicateEmail(f"a client with email {client.email!r} already exists")
        client = uow.clients.add(client)
        uow.commit()
    return client


def get_client(uow: UnitOfWork, client_id: int, provider_id: int | None = None) -> Client:
    """The client; with ``provider_id``, only one who has an appointment with that provider
    (docs/DECISIONS.md, "Keys bound to a provider or a client")."""
    with uow:
        client = uow.clients.get(client_id)
        if client is not None and provider_id is not None:
            theirs = AppointmentSearch(provider_id=provider_id, client_id=client_id)
            if not uow.appointments.search(theirs, 0, 1)[1]:
                client = None
    if client is None:
        raise errors.ClientNotFound(client_id)
    return client


def list_clients(
    uow: UnitOfWork, offset: int, limit: int, provider_id: int | None = None
) -> tuple[list[Client], int]:
    """A page of clients; with ``provider_id``, of those with an appointment with it."""
    with uow:
        return uow.clients.list(offset, limit, provider_id)
