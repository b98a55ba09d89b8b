"""Outbox and delivery: events recorded with their change, then sent to webhook receivers.

See docs/DECISIONS.md, "Transactional outbox" and "Webhook delivery".
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from domain.events import Event
from domain.webhooks import Claim, Finished, Outcome


class EventOutbox(abc.ABC):
    @abc.abstractmethod
    def add(self, event: Event) -> None:
        """Record ``event`` in the unit's transaction: it exists if and only if the unit commits,
        with one delivery for each enabled endpoint subscribed to its type."""


class DeliveryQueue(abc.ABC):
    """Deliveries waiting for an attempt, shared by every worker (docs/DECISIONS.md,
    "Webhook delivery")."""

    @abc.abstractmethod
    def claim(
        self,
        limit: int,
        now: datetime,
        lease: timedelta,
        busy: Mapping[int, int],
        per_endpoint: int,
    ) -> list[Claim]:
        """Lease up to ``limit`` due deliveries of enabled endpoints until ``now + lease``.

        No delivery is leased to two workers at once. ``busy`` counts the attempts this worker
        has in flight per endpoint; no endpoint gets more than ``per_endpoint`` in all.
        """

    @abc.abstractmethod
    def finish(self, finished: Sequence[Finished]) -> None:
        """Log each attempt and apply its decision to the delivery and its endpoint, all in
        one transaction; an attempt whose lease was lost changes no delivery."""


class WebhookSender(Protocol):
    def send(self, claim: Claim, now: datetime) -> Outcome:
        """Make the claimed attempt, signed at ``now``; never raises for the receiver's faults."""
        ...


class HostGuard(Protocol):
    def check(self, url: str) -> None:
        """Raise InvalidRequest if ``url``'s host is or resolves to a refused address."""
        ...
