"""Where API keys are kept."""

from __future__ import annotations

import abc
from datetime import datetime

from domain.access import ApiKey


class ApiKeyRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, key: ApiKey) -> ApiKey:
        """Store a new key and return it with its id."""

    @abc.abstractmethod
    def get(self, key_id: int) -> ApiKey | None: ...

    @abc.abstractmethod
    def by_digest(self, digest: str) -> ApiKey | None: ...

    @abc.abstractmethod
    def list(self, offset: int, limit: int) -> tuple[list[ApiKey], int]:
        """A page of keys by id, and the total count."""

    @abc.abstractmethod
    def revoke(self, key_id: int, at: datetime) -> None:
        """Set ``revoked_at`` unless the key was revoked already."""

    @abc.abstractmethod
    def touch(self, key_id: int, at: datetime) -> None:
        """Set ``last_used_at``."""
