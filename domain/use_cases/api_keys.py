"""Use cases for API keys: issue (the secret shown once), list, read, revoke, authenticate."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import errors
from domain.access import ApiKey
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules import keys

#: ``last_used_at`` is coarse: written at most this often per key, not on every request.
LAST_USED_GRAIN = timedelta(hours=1)


def create_key(
    uow: UnitOfWork,
    clock: Clock,
    name: str,
    scopes: tuple[str, ...],
    provider_id: int | None = None,
    client_id: int | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret, which is never stored and cannot be read again."""
    keys.check_scopes(scopes, provider_id, client_id)
    now = clock.now()
    secret = keys.new_secret()
    key = ApiKey(
        name=name,
        scopes=tuple(sorted(set(scopes))),
        digest=keys.digest(secret),
        hint=secret[-4:],
        created_at=now,
        provider_id=provider_id,
        client_id=client_id,
        expires_at=keys.expiry(now, expires_at),
    )
    with uow:
        uow.lock_for_writing()
        _check_bound_to_existing(uow, provider_id, client_id)
        key = uow.keys.add(key)
        uow.commit()
    return key, secret


def _check_bound_to_existing(
    uow: UnitOfWork, provider_id: int | None, client_id: int | None
) -> None:
    if provider_id is not None and uow.providers.get(provider_id) is None:
        raise errors.UnknownReference(f"provider {provider_id} does not exist")
    if client_id is not None and uow.clients.get(client_id) is None:
        raise errors.UnknownReference(f"client {client_id} does not exist")


def get_key(uow: UnitOfWork, key_id: int) -> ApiKey:
    with uow:
        key = uow.keys.get(key_id)
    if key is None:
        raise errors.ApiKeyNotFound(key_id)
    return key


def list_keys(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[ApiKey], int]:
    with uow:
        return uow.keys.list(offset, limit)


def revoke_key(uow: UnitOfWork, clock: Clock, key_id: int, by_key: int | None = None) -> ApiKey:
    """Revoke the key; revoking again keeps the first revocation's time. ``by_key``, the key
    asking, may not be the one revoked (docs/DECISIONS.md, "API keys and scopes")."""
    if by_key == key_id:
        raise errors.SelfRevocation(
            "a key cannot revoke itself: use another key with keys:manage, or "
            "flask --app wsgi api-keys revoke"
        )
    with uow:
        uow.lock_for_writing()
        if uow.keys.get(key_id) is None:
            raise errors.ApiKeyNotFound(key_id)
        uow.keys.revoke(key_id, clock.now())
        key = uow.keys.get(key_id)
        uow.commit()
    assert key is not None
    return key


def find_key(uow: UnitOfWork, secret: str) -> ApiKey | None:
    """The key whose secret this is, usable or not; None for anything else."""
    if not keys.well_formed(secret):
        return None
    with uow:
        return uow.keys.by_digest(keys.digest(secret))


def note_use(uow: UnitOfWork, clock: Clock, key: ApiKey) -> None:
    """Record that the key was used, if its ``last_used_at`` is older than the grain."""
    now = clock.now()
    if key.id is None or (key.last_used_at and now - key.last_used_at < LAST_USED_GRAIN):
        return
    with uow:
        uow.lock_for_writing()
        uow.keys.touch(key.id, now)
        uow.commit()
