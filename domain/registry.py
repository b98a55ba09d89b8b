"""Use cases for the directory of providers and clients."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain import errors
from domain.model import Client, Provider
from domain.ports import UnitOfWork
from domain.weekly import is_known_zone

_PROVIDER_FIELDS = frozenset({"name", "email", "timezone", "accepts_new_clients"})


def _check_zone(name: str) -> None:
    if not is_known_zone(name):
        raise errors.InvalidRequest(f"unknown time zone: {name!r}")


def create_provider(uow: UnitOfWork, provider: Provider) -> Provider:
    _check_zone(provider.timezone)
    with uow:
        provider = uow.providers.add(provider)
        uow.commit()
    return provider


def update_provider(uow: UnitOfWork, provider_id: int, changes: dict[str, Any]) -> Provider:
    """Change any of name, email, timezone and accepts_new_clients."""
    unknown = set(changes) - _PROVIDER_FIELDS
    if unknown:
        raise errors.InvalidRequest(f"unknown provider fields: {sorted(unknown)}")
    if "timezone" in changes:
        _check_zone(changes["timezone"])
    with uow:
        current = uow.providers.get(provider_id)
        if current is None:
            raise errors.ProviderNotFound(provider_id)
        provider = uow.providers.update(replace(current, **changes))
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
        if uow.clients.get_by_email(client.email) is not None:
            raise errors.DuplicateEmail(f"a client with email {client.email!r} already exists")
        client = uow.clients.add(client)
        uow.commit()
    return client


def get_client(uow: UnitOfWork, client_id: int) -> Client:
    with uow:
        client = uow.clients.get(client_id)
    if client is None:
        raise errors.ClientNotFound(client_id)
    return client


def list_clients(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[Client], int]:
    with uow:
        return uow.clients.list(offset, limit)
