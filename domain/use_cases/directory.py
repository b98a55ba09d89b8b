"""Use cases for the directory of providers and clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

from domain import errors
from domain.events import ScheduleChange
from domain.model import Client, Provider
from domain.ports.appointments import AppointmentSearch
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import FIELDS, Profile, check_profile
from domain.rules.limits import POLICY_BOUNDS, check_provider
from domain.use_cases.common import schedule_changed

_PROVIDER_FIELDS = frozenset({"name", "email", "timezone", "accepts_new_clients", *POLICY_BOUNDS})
_PROFILE_FIELDS = frozenset(FIELDS.values())
#: Fields whose change alters the provider's free time (the time zone places the windows).
_FREE_TIME_FIELDS = (
    "timezone",
    "buffer_before",
    "buffer_after",
    "min_notice_minutes",
    "horizon_days",
)


class Profiled(NamedTuple):
    """A provider with its profile, as the directory answers it."""

    provider: Provider
    profile: Profile


def create_provider(
    uow: UnitOfWork, provider: Provider, profile: Profile | None = None
) -> Provider:
    """Store a new provider, with ``profile`` (default: an empty one)."""
    check_provider(provider)
    if profile is not None:
        check_profile(profile)
    with uow:
        uow.lock_for_writing()
        provider = uow.providers.add(provider)
        assert provider.id is not None
        if profile is not None:
            uow.profiles.replace(provider.id, profile)
        uow.commit()
    return provider


def update_provider(
    uow: UnitOfWork,
    provider_id: int,
    changes: dict[str, Any],
    expected: Callable[[Provider], bool] | None = None,
) -> Provider:
    """``update_profiled``'s provider; ``expected`` checks the provider alone."""
    check = None if expected is None else (lambda current: expected(current.provider))
    return update_profiled(uow, provider_id, changes, check).provider


def update_profiled(
    uow: UnitOfWork,
    provider_id: int,
    changes: dict[str, Any],
    expected: Callable[[Profiled], bool] | None = None,
) -> Profiled:
    """Change any of the provider's descriptive fields, policies and profile lists (each
    list given replaces the old one).

    With ``expected``, the current provider must satisfy it (If-Match), checked under the
    provider's lock so that no other change slips in between.
    """
    unknown = set(changes) - _PROVIDER_FIELDS - _PROFILE_FIELDS
    if unknown:
        raise errors.InvalidRequest(f"unknown provider fields: {sorted(unknown)}")
    own = {k: v for k, v in changes.items() if k in _PROVIDER_FIELDS}
    listed = {k: tuple(sorted(set(v))) for k, v in changes.items() if k in _PROFILE_FIELDS}
    with uow:
        uow.lock_schedules(provider_id)
        current = _profiled(uow, provider_id)
        if expected is not None and not expected(current):
            raise errors.PreconditionFailed("the provider changed since you read it")
        changed, profile = replace(current.provider, **own), replace(current.profile, **listed)
        check_provider(changed)
        check_profile(profile)
        provider = uow.providers.update(changed)
        if listed:
            uow.profiles.replace(provider_id, profile)
        if any(getattr(current.provider, f) != getattr(changed, f) for f in _FREE_TIME_FIELDS):
            schedule_changed(uow, provider_id, ScheduleChange.POLICIES)
        uow.commit()
    return Profiled(provider, profile)


def _profiled(uow: UnitOfWork, provider_id: int) -> Profiled:
    provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    return Profiled(provider, uow.profiles.for_providers([provider_id])[provider_id])


def get_provider(uow: UnitOfWork, provider_id: int) -> Provider:
    with uow:
        provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    return provider


def get_profiled(uow: UnitOfWork, provider_id: int) -> Profiled:
    with uow:
        return _profiled(uow, provider_id)


def list_providers(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[Provider], int]:
    with uow:
        return uow.providers.list(offset, limit)


def list_profiled(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[Profiled], int]:
    """A page of providers by id with their profiles, and the total count."""
    with uow:
        page, total = uow.providers.list(offset, limit)
        profiles = uow.profiles.for_providers([p.id for p in page if p.id is not None])
    return [Profiled(p, profiles[p.id]) for p in page if p.id is not None], total


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
