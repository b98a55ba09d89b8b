"""Explicit translation between table rows and domain entities, both ways."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from domain.events import EventType
from domain.model import (
    Appointment,
    AppointmentStatus,
    CanceledBy,
    Client,
    DateOverride,
    IdempotencyRecord,
    OverrideKind,
    Provider,
)
from domain.webhooks import Attempt, Endpoint
from domain.windows import Weekday, WeeklyWindow, WeekTime

Values = dict[str, Any]


def provider(row: Row[Any]) -> Provider:
    return Provider(
        name=row.name,
        email=row.email,
        timezone=row.timezone,
        accepts_new_clients=row.accepts_new_clients,
        id=row.id,
        buffer_before=row.buffer_before,
        buffer_after=row.buffer_after,
        min_notice_minutes=row.min_notice_minutes,
        horizon_days=row.horizon_days,
        min_cancel_notice_minutes=row.min_cancel_notice_minutes,
        schedule_version=row.schedule_version,
        booking_version=row.booking_version,
        last_booked_at=row.last_booked_at,
    )


def provider_values(entity: Provider) -> Values:
    """The provider's own fields; its change stamps are only ever incremented in SQL."""
    return {
        "name": entity.name,
        "email": entity.email,
        "timezone": entity.timezone,
        "accepts_new_clients": entity.accepts_new_clients,
        "buffer_before": entity.buffer_before,
        "buffer_after": entity.buffer_after,
        "min_notice_minutes": entity.min_notice_minutes,
        "horizon_days": entity.horizon_days,
        "min_cancel_notice_minutes": entity.min_cancel_notice_minutes,
    }


def client(row: Row[Any]) -> Client:
    return Client(name=row.name, email=row.email, id=row.id)


def client_values(entity: Client) -> Values:
    return {"name": entity.name, "email": entity.email}


def window(row: Row[Any]) -> WeeklyWindow:
    return WeeklyWindow(
        provider_id=row.provider_id,
        external_id=row.external_id,
        start=WeekTime(Weekday(row.start_day), row.start_minute),
        end=WeekTime(Weekday(row.end_day), row.end_minute),
        source=row.source,
        id=row.id,
    )


def window_values(entity: WeeklyWindow) -> Values:
    return {
        "provider_id": entity.provider_id,
        "source": entity.source,
        "external_id": entity.external_id,
        "start_day": int(entity.start.day),
        "start_minute": entity.start.minute,
        "end_day": int(entity.end.day),
        "end_minute": entity.end.minute,
    }


def appointment(row: Row[Any]) -> Appointment:
    return Appointment(
        client_id=row.client_id,
        provider_id=row.provider_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        created_at=row.created_at,
        status=AppointmentStatus(row.status),
        canceled_at=row.canceled_at,
        id=row.id,
        cancel_reason=row.cancel_reason,
        canceled_by=None if row.canceled_by is None else CanceledBy(row.canceled_by),
        appointment_type_id=row.appointment_type_id,
        modality=row.modality,
        sequence=row.sequence,
    )


def appointment_values(entity: Appointment) -> Values:
    return {
        "client_id": entity.client_id,
        "provider_id": entity.provider_id,
        "starts_at": entity.starts_at,
        "ends_at": entity.ends_at,
        "created_at": entity.created_at,
        "status": entity.status.value,
        "canceled_at": entity.canceled_at,
        "cancel_reason": entity.cancel_reason,
        "canceled_by": None if entity.canceled_by is None else entity.canceled_by.value,
        "appointment_type_id": entity.appointment_type_id,
        "modality": entity.modality,
        "sequence": entity.sequence,
    }


def date_override(row: Row[Any]) -> DateOverride:
    return DateOverride(
        provider_id=row.provider_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        kind=OverrideKind(row.kind),
        reason=row.reason,
        id=row.id,
    )


def date_override_values(entity: DateOverride) -> Values:
    return {
        "provider_id": entity.provider_id,
        "starts_at": entity.starts_at,
        "ends_at": entity.ends_at,
        "kind": entity.kind.value,
        "reason": entity.reason,
    }


def idempotency_record(row: Row[Any]) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=row.key,
        fingerprint=row.fingerprint,
        appointment_id=row.appointment_id,
        created_at=row.created_at,
    )


def idempotency_values(record: IdempotencyRecord) -> Values:
    return {
        "key": record.key,
        "fingerprint": record.fingerprint,
        "appointment_id": record.appointment_id,
        "created_at": record.created_at,
    }


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def in_utc(entity: Appointment) -> Appointment:
    """``entity`` with its instants expressed in UTC, as they come back from the store."""
    return replace(
        entity,
        starts_at=entity.starts_at.astimezone(UTC),
        ends_at=entity.ends_at.astimezone(UTC),
        created_at=entity.created_at.astimezone(UTC),
        canceled_at=_utc(entity.canceled_at),
    )


def override_in_utc(entity: DateOverride) -> DateOverride:
    """``entity`` with its instants expressed in UTC, as they come back from the store."""
    return replace(
        entity, starts_at=entity.starts_at.astimezone(UTC), ends_at=entity.ends_at.astimezone(UTC)
    )


def endpoint(row: Row[Any], id_column: str = "id") -> Endpoint:
    return Endpoint(
        url=row.url,
        events=tuple(EventType(e) for e in json.loads(row.events)),
        secret=row.secret,
        created_at=row.created_at,
        description=row.description,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        previous_secret=row.previous_secret,
        previous_secret_expires_at=row.previous_secret_expires_at,
        failing_since=row.failing_since,
        id=getattr(row, id_column),
    )


def endpoint_values(entity: Endpoint) -> Values:
    return {
        "url": entity.url,
        "events": json.dumps([e.value for e in entity.events]),
        "description": entity.description,
        "secret": entity.secret,
        "previous_secret": entity.previous_secret,
        "previous_secret_expires_at": entity.previous_secret_expires_at,
        "enabled": entity.enabled,
        "disabled_reason": entity.disabled_reason,
        "failing_since": entity.failing_since,
        "created_at": entity.created_at,
    }


def attempt(row: Row[Any]) -> Attempt:
    return Attempt(
        event_id=row.event_id,
        event_type=EventType(row.event_type),
        attempt=row.attempt,
        attempted_at=row.attempted_at,
        status=row.status_code,
        error=row.error,
        duration_ms=row.duration_ms,
        next_attempt_at=row.next_attempt_at,
    )
