"""API keys in the database (docs/DECISIONS.md, "API keys and scopes")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from adapters.sqlalchemy.repositories import _Repository
from adapters.sqlalchemy.tables import api_keys
from domain.access import ApiKey
from domain.ports import keys as port


class ApiKeyRepository(_Repository, port.ApiKeyRepository):
    table = api_keys

    def add(self, key: ApiKey) -> ApiKey:
        return replace(key, id=self._insert(_values(key), key.id))

    def get(self, key_id: int) -> ApiKey | None:
        return self._get(key_id, _key)

    def by_digest(self, digest: str) -> ApiKey | None:
        row = self._db.first(select(api_keys).where(api_keys.c.digest == digest))
        return None if row is None else _key(row)

    def list(self, offset: int, limit: int) -> tuple[list[ApiKey], int]:
        return self._page(offset, limit, _key)

    def revoke(self, key_id: int, at: datetime) -> None:
        mine = (api_keys.c.id == key_id) & api_keys.c.revoked_at.is_(None)
        self._db.run(update(api_keys).where(mine).values(revoked_at=at))

    def touch(self, key_id: int, at: datetime) -> None:
        self._update(key_id, {"last_used_at": at})


def _key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        name=row.name,
        scopes=tuple(row.scopes.split()),
        digest=row.digest,
        hint=row.hint,
        created_at=row.created_at,
        provider_id=row.provider_id,
        client_id=row.client_id,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        id=row.id,
    )


def _values(key: ApiKey) -> dict[str, Any]:
    return {
        "name": key.name,
        "scopes": " ".join(key.scopes),
        "digest": key.digest,
        "hint": key.hint,
        "provider_id": key.provider_id,
        "client_id": key.client_id,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "last_used_at": key.last_used_at,
    }
