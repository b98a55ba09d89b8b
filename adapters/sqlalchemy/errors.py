"""Translate database errors into the domain's errors at the adapter's edge.

Only errors with a domain meaning are translated; anything else propagates untouched
(docs/DECISIONS.md, "Database errors at the adapter's edge").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from adapters.sqlalchemy import tables
from domain import errors
from domain.model import MAX_REASON_LENGTH

_UNAVAILABLE = "the database is unavailable; try again shortly"
REASON_TOO_LONG = f"a reason may be at most {MAX_REASON_LENGTH} characters long"

#: (text naming the violated constraint, error to raise). PostgreSQL reports constraint
#: names; SQLite reports an index name or the table's columns in its message.
_INTEGRITY: tuple[tuple[str, type[errors.DomainError], str], ...] = (
    (tables.PROVIDER_OVERLAP, errors.ProviderConflict, "the provider has another appointment"),
    (tables.CLIENT_OVERLAP, errors.ClientConflict, "the client has another appointment"),
    (tables.CLIENT_EMAIL_INDEX, errors.DuplicateEmail, "a client with this email exists"),
    ("uq_weekly_windows_", errors.Conflict, "a window with this source and id exists"),
    ("weekly_windows.external_id", errors.Conflict, "a window with this source and id exists"),
    # ck_appointments_cancel_reason_length, ck_date_overrides_reason_length
    ("reason_length", errors.InvalidRequest, REASON_TOO_LONG),
)


def is_unavailable(exc: sa_exc.DBAPIError) -> bool:
    """Whether ``exc`` means the database cannot be reached or used right now."""
    return exc.connection_invalidated or isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError
    )


def _violated(exc: sa_exc.IntegrityError) -> str:
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name if isinstance(name, str) else str(exc.orig)


def domain_error(exc: sa_exc.DBAPIError) -> Exception | None:
    """The domain error ``exc`` stands for, or None when it has no domain meaning."""
    if is_unavailable(exc):
        return errors.StoreUnavailable(_UNAVAILABLE)
    if isinstance(exc, sa_exc.IntegrityError):
        violated = _violated(exc)
        for marker, error, reason in _INTEGRITY:
            if marker in violated:
                return error(reason)
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise database errors that have a domain meaning as domain errors."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        mapped = domain_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    except sa_exc.TimeoutError as exc:  # no pooled connection came free in time
        raise errors.StoreUnavailable(_UNAVAILABLE) from exc
