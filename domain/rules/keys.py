"""API key secrets: a readable prefix and 256 random bits, kept only as a SHA-256 digest.

A secret this random needs no slow hash: nobody can guess one to test against the digest
(docs/DECISIONS.md, "API keys and scopes").
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from domain import errors
from domain.access import PRACTICE_WIDE, SCOPES

#: Found by secret scanners: ``csk_`` ("care scheduling key") and 43 URL-safe characters.
PREFIX = "csk_"
_RANDOM_BYTES = 32
_SHAPE = re.compile(rf"{PREFIX}[A-Za-z0-9_-]{{43}}")
MAX_LIFETIME = timedelta(days=3650)


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(_RANDOM_BYTES)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def well_formed(secret: str) -> bool:
    return _SHAPE.fullmatch(secret) is not None


def check_scopes(scopes: tuple[str, ...], provider_id: int | None, client_id: int | None) -> None:
    """A key needs known scopes; a bound key none of the practice-wide ones."""
    if not scopes:
        raise errors.InvalidRequest("a key needs at least one scope")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise errors.InvalidRequest(f"unknown scopes: {unknown}")
    if provider_id is not None and client_id is not None:
        raise errors.InvalidRequest("a key is bound to a provider or a client, not both")
    wide = sorted(set(scopes) & PRACTICE_WIDE)
    if wide and (provider_id is not None or client_id is not None):
        raise errors.InvalidRequest(f"a bound key cannot hold practice-wide scopes: {wide}")


def expiry(now: datetime, expires_at: datetime | None) -> datetime | None:
    if expires_at is not None and not now < expires_at <= now + MAX_LIFETIME:
        raise errors.InvalidRequest("expires_at must be in the future, within ten years")
    return expires_at
