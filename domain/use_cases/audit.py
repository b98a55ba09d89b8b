"""Reading the audit trail; events are written by the units of work and the HTTP edge."""

from __future__ import annotations

from domain import errors
from domain.audit import AuditEvent, AuditQuery
from domain.ports.audit import AuditLog


def list_events(
    log: AuditLog, query: AuditQuery, offset: int, limit: int
) -> tuple[list[AuditEvent], int]:
    """Events matching ``query``, newest first."""
    if query.since is not None and query.until is not None and query.until <= query.since:
        raise errors.InvalidRequest("`to` must be after `from`")
    return log.page(query, offset, limit)
