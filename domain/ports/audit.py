"""The audit log: append-only, durable before ``append`` returns (docs/DECISIONS.md,
"Audit trail")."""

from __future__ import annotations

import abc

from domain.audit import AuditEvent, AuditQuery


class AuditLog(abc.ABC):
    """Events outside any change's transaction (reads, denials, refusals); and the listing."""

    @abc.abstractmethod
    def append(self, event: AuditEvent) -> None:
        """Store ``event`` durably before returning."""

    @abc.abstractmethod
    def page(self, query: AuditQuery, offset: int, limit: int) -> tuple[list[AuditEvent], int]:
        """Matching events, newest first, and how many match in all."""
