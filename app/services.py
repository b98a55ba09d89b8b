"""The adapters wired to the ports, as the views and commands reach them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from flask import Flask, current_app

from app.access.keycache import KeyCache
from app.config import WebhookConfig
from domain.audit import AuditContext
from domain.ports.audit import AuditLog
from domain.ports.clock import Clock
from domain.ports.delivery import DeliveryQueue, HostGuard
from domain.ports.feed import AvailabilityFeed
from domain.ports.unit_of_work import UnitOfWork

EXTENSION = "scheduling"


class Store(Protocol):
    """What the app needs from the database adapter."""

    def unit_of_work(
        self, request_id: str | None = None, audit: AuditContext | None = None
    ) -> UnitOfWork: ...

    def audit_log(self) -> AuditLog: ...

    def delivery_queue(self) -> DeliveryQueue: ...

    def webhook_figures(self) -> tuple[dict[str, int], int]: ...

    def ping(self) -> bool: ...

    def schema_revision(self) -> str | None: ...

    def schema_head(self) -> str | None: ...

    def dispose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Built once per app by ``create_app``; a fresh unit of work per use case call."""

    database: Store
    clock: Clock
    feed: AvailabilityFeed
    feed_path: str
    guard: HostGuard
    webhooks: WebhookConfig
    #: The id of the request being served, if any (app.observability), for recorded events.
    request_id: Callable[[], str | None] = lambda: None
    #: API keys by digest, re-read every few seconds (app/access/keycache.py).
    keys: KeyCache = field(default_factory=KeyCache)
    #: The audit context of the request being served, if audited (app/access/audit.py).
    audit: Callable[[], AuditContext | None] = lambda: None

    def uow(self) -> UnitOfWork:
        """A fresh unit of work; the use case takes the write lock it needs itself.

        See docs/DECISIONS.md, "Write locks in units that read then write". The events it
        records carry the id of the request being served, if any (sent as X-Request-ID); a
        change it commits carries the request's audit event (docs/DECISIONS.md, "Audit trail").
        """
        return self.database.unit_of_work(request_id=self.request_id(), audit=self.audit())


def install(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION] = services


def services() -> Services:
    """The current app's services."""
    found: Services = current_app.extensions[EXTENSION]
    return found
