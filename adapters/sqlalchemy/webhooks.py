"""The outbox and the webhook endpoints, in the unit of work's transaction.

docs/DECISIONS.md, "Transactional outbox".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, Integer, bindparam, delete, func, insert, literal, select, update

from adapters.sqlalchemy import rows
from adapters.sqlalchemy.gateway import Gateway
from adapters.sqlalchemy.prepared import Prepared
from adapters.sqlalchemy.queries import Query
from adapters.sqlalchemy.repositories import _Repository, storable
from adapters.sqlalchemy.tables import (
    providers,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)
from domain import errors
from domain.events import Event
from domain.model import Appointment
from domain.ports import delivery as delivery_port
from domain.ports import repositories as port
from domain.webhooks import Attempt, Endpoint

#: Renders an appointment as the API answers it; the app passes its own (app/__init__.py).
AppointmentRenderer = Callable[[Appointment], dict[str, Any]]
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

_INSERT_EVENT = insert(webhook_events)
_INSERT_DELIVERY = insert(webhook_deliveries)
#: Read by every booking: on the driver's cursor (adapters/sqlalchemy/prepared.py).
_ENABLED_ENDPOINTS = Prepared(
    select(webhook_endpoints.c.id, webhook_endpoints.c.events).where(
        webhook_endpoints.c.enabled.is_(True)
    )
)
_NEW_EVENT = (
    insert(webhook_events)
    .values({column.name: bindparam(column.name, type_=column.type) for column in webhook_events.c})
    .returning(webhook_events.c.id, webhook_events.c.occurred_at)
    .cte("new_event")
)
#: PostgreSQL: the event and its deliveries in one statement, one round trip instead of two
#: (docs/DECISIONS.md, "Outbox writes on the booking path").
_INSERT_EVENT_AND_DELIVERIES = (
    insert(webhook_deliveries)
    .from_select(
        ["event_id", "endpoint_id", "status", "attempts", "next_attempt_at"],
        select(
            _NEW_EVENT.c.id,
            webhook_endpoints.c.id,
            literal(PENDING),
            literal(0),
            _NEW_EVENT.c.occurred_at,
        )
        .select_from(_NEW_EVENT)
        .join(
            webhook_endpoints,
            # One array parameter, not an expanding IN: the SQL text stays as compiled.
            webhook_endpoints.c.id == func.any(bindparam("endpoint_ids", type_=ARRAY(Integer))),
        ),
    )
    .add_cte(_NEW_EVENT)
)
_NEXT_SCHEDULE_VERSION = (
    update(providers)
    .where(providers.c.id == bindparam("provider_id"))
    .values(schedule_version=providers.c.schedule_version + 1)
    .returning(providers.c.schedule_version)
)


def utc_text(moment: datetime) -> str:
    """``2026-12-07T09:00:00Z``, as the API writes instants."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def plain_appointment(appointment: Appointment) -> dict[str, Any]:
    """A stand-in renderer for adapters used without the app (integration tests)."""
    fields = {name: getattr(appointment, name) for name in Appointment.__slots__}
    return {k: utc_text(v) if isinstance(v, datetime) else v for k, v in fields.items()}


class Outbox(delivery_port.EventOutbox):
    """Writes each event and its deliveries with the unit's other changes."""

    def __init__(
        self, gateway: Gateway, render: AppointmentRenderer, request_id: str | None
    ) -> None:
        self._db = gateway
        self._render = render
        self.request_id = request_id

    def add(self, event: Event) -> None:
        """Nothing is written when no enabled endpoint subscribes: nobody would receive it."""
        subscribed = [
            endpoint_id
            for endpoint_id, events in self._db.fetch(_ENABLED_ENDPOINTS, {})
            if event.type.value in json.loads(events)
        ]
        if not subscribed:
            return
        occurred_at = event.occurred_at or datetime.now(UTC)
        values = self._event_values(event, occurred_at)
        if self._db.dialect == "postgresql":
            both = {**values, "endpoint_ids": subscribed}
            self._db.run(Query(_INSERT_EVENT_AND_DELIVERIES, both))
            return
        self._db.run(Query(_INSERT_EVENT, values))
        deliveries = [
            {
                "event_id": event.id,
                "endpoint_id": endpoint_id,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": occurred_at,
            }
            for endpoint_id in subscribed
        ]
        # One subscriber (the common case) is one plain INSERT, not an executemany.
        self._db.run(Query(_INSERT_DELIVERY, deliveries[0] if len(deliveries) == 1 else deliveries))

    def _event_values(self, event: Event, occurred_at: datetime) -> dict[str, Any]:
        """The event's row, with the body its deliveries will send."""
        body = {
            "id": event.id,
            "type": event.type.value,
            "occurred_at": utc_text(occurred_at),
            "data": self._data(event),
        }
        return {
            "id": event.id,
            "type": event.type.value,
            "provider_id": event.provider_id,
            "appointment_id": event.appointment.id if event.appointment else None,
            "body": json.dumps(body, separators=(",", ":")),
            "occurred_at": occurred_at,
            "request_id": self.request_id,
        }

    def _data(self, event: Event) -> dict[str, Any]:
        if event.appointment is not None:
            return self._render(event.appointment)
        # A schedule event carries the provider's schedule version, bumped for it, as its
        # sequence (docs/DECISIONS.md, "Event sequence numbers").
        self._db.changed_schedule()
        version = self._db.scalar(Query(_NEXT_SCHEDULE_VERSION, {"provider_id": event.provider_id}))
        return {
            "provider_id": event.provider_id,
            "changes": [change.value for change in event.changes],
            "sequence": int(version),
        }


class WebhookEndpointRepository(_Repository, port.WebhookEndpointRepository):
    table = webhook_endpoints

    def get(self, endpoint_id: int) -> Endpoint | None:
        return self._get(endpoint_id, rows.endpoint)

    def add(self, endpoint: Endpoint) -> Endpoint:
        return replace(endpoint, id=self._insert(rows.endpoint_values(endpoint), endpoint.id))

    def update(self, endpoint: Endpoint) -> Endpoint:
        if not self._update(endpoint.id, rows.endpoint_values(endpoint)):
            raise errors.WebhookNotFound(endpoint.id or 0)
        return endpoint

    def delete(self, endpoint_id: int) -> None:
        if not storable(endpoint_id):
            return
        for table in (webhook_attempts, webhook_deliveries):
            self._db.run(delete(table).where(table.c.endpoint_id == endpoint_id))
        self._db.run(delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))

    def attempts(self, endpoint_id: int, offset: int, limit: int) -> tuple[list[Attempt], int]:
        if not storable(endpoint_id):
            return [], 0
        mine = webhook_attempts.c.endpoint_id == endpoint_id
        page = (
            select(webhook_attempts)
            .where(mine)
            .order_by(webhook_attempts.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        total = self._db.scalar(select(func.count()).select_from(webhook_attempts).where(mine))
        return [rows.attempt(row) for row in self._db.all(page)], int(total)

    def list(self, offset: int, limit: int) -> tuple[list[Endpoint], int]:
        return self._page(offset, limit, rows.endpoint)
