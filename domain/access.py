"""Who may do what: scopes, API keys, and the reach of a key bound to one provider or client.

See docs/DECISIONS.md, "API keys and scopes" and "Keys bound to a provider or a client".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

AVAILABILITY_READ = "availability:read"
PROVIDERS_WRITE = "providers:write"
CLIENTS_READ = "clients:read"
CLIENTS_WRITE = "clients:write"
APPOINTMENTS_READ = "appointments:read"
APPOINTMENTS_WRITE = "appointments:write"
WEBHOOKS_MANAGE = "webhooks:manage"
KEYS_MANAGE = "keys:manage"
AUDIT_READ = "audit:read"

SCOPES = (
    AVAILABILITY_READ,
    PROVIDERS_WRITE,
    CLIENTS_READ,
    CLIENTS_WRITE,
    APPOINTMENTS_READ,
    APPOINTMENTS_WRITE,
    WEBHOOKS_MANAGE,
    KEYS_MANAGE,
    AUDIT_READ,
)
#: Write implies read.
IMPLIED = {
    PROVIDERS_WRITE: AVAILABILITY_READ,
    CLIENTS_WRITE: CLIENTS_READ,
    APPOINTMENTS_WRITE: APPOINTMENTS_READ,
}
#: Scopes over the whole practice, which a key bound to one provider or client never holds.
PRACTICE_WIDE = frozenset({WEBHOOKS_MANAGE, KEYS_MANAGE, AUDIT_READ})
MAX_NAME_LENGTH = 100


def granted(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes given, with the reads their writes imply."""
    given = set(scopes)
    return frozenset(given | {IMPLIED[s] for s in given if s in IMPLIED})


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored: its secret only as a digest (docs/DECISIONS.md, "API keys and
    scopes")."""

    name: str
    scopes: tuple[str, ...]
    digest: str
    hint: str
    """The secret's last four characters, to tell keys apart in lists."""
    created_at: datetime
    provider_id: int | None = None
    client_id: int | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    id: int | None = None

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor expired at ``now``."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True, slots=True)
class Grant:
    """What the key of a request may do: its scopes and, if bound, the one object it reaches."""

    key_id: int
    scopes: frozenset[str]
    provider_id: int | None = None
    client_id: int | None = None

    @classmethod
    def of(cls, key: ApiKey) -> Grant:
        assert key.id is not None
        return cls(key.id, granted(key.scopes), key.provider_id, key.client_id)

    @property
    def bound(self) -> bool:
        return self.provider_id is not None or self.client_id is not None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def sees_provider(self, provider_id: int) -> bool:
        """A provider-bound key sees only its provider; a client-bound key sees them all."""
        return self.provider_id is None or self.provider_id == provider_id

    def changes_provider(self, provider_id: int) -> bool:
        """Only unbound keys and the provider's own key change a provider."""
        return self.client_id is None and self.sees_provider(provider_id)

    def sees_appointment(self, provider_id: int, client_id: int) -> bool:
        if self.client_id is not None:
            return self.client_id == client_id
        return self.sees_provider(provider_id)
