"""Appointments: booking, moving, cancelling, listing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from app.access.authentication import current_grant
from app.api.fields import (
    Id,
    StrictBoolean,
    UtcDateTime,
    format_utc,
    text,
)
from app.api.schemas.common import (
    QuerySchema,
    RangeQuerySchema,
    require_order,
)
from app.api.schemas.filters import NAMES, BodyFilters
from app.api.schemas.lean import LeanSchema
from domain.model import MAX_REASON_LENGTH, AppointmentStatus, CanceledBy
from domain.rules.limits import MAX_PROVIDERS

# --- appointments -----------------------------------------------------------------------


class AppointmentSchema(LeanSchema):
    id = Id(required=True)
    client_id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    status = fields.Enum(AppointmentStatus, by_value=True, required=True)
    created_at = UtcDateTime(required=True)
    canceled_at = UtcDateTime(required=True, allow_none=True)
    cancel_reason = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why it was canceled, as given when canceling; else null."},
    )
    canceled_by = fields.Enum(
        CanceledBy,
        by_value=True,
        required=True,
        allow_none=True,
        metadata={"description": "Who canceled it, as given when canceling; else null."},
    )
    appointment_type_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The appointment type booked; null if booked without one."},
    )
    modality = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The booked type's modality (`in_person`, `video`, `phone`); null "
            "without a type.",
        },
    )
    sequence = fields.Integer(
        required=True,
        metadata={
            "description": "1 when booked; grows by one with every change (move, "
            "cancellation), so a newer copy always has a larger number.",
            "example": 1,
        },
    )

    @staticmethod
    def lean(obj: Any) -> dict[str, Any]:
        canceled_at, canceled_by = obj.canceled_at, obj.canceled_by
        return {
            "id": obj.id,
            "client_id": obj.client_id,
            "provider_id": obj.provider_id,
            "starts_at": format_utc(obj.starts_at),
            "ends_at": format_utc(obj.ends_at),
            "status": obj.status.value,
            "created_at": format_utc(obj.created_at),
            "canceled_at": None if canceled_at is None else format_utc(canceled_at),
            "cancel_reason": obj.cancel_reason,
            "canceled_by": None if canceled_by is None else canceled_by.value,
            "appointment_type_id": obj.appointment_type_id,
            "modality": obj.modality,
            "sequence": obj.sequence,
        }


_CLIENT_MISSING = "Missing data for required field (a key bound to a client fills it in)."


class BookingSchema(BodyFilters):  # type: ignore[valid-type,misc]
    client_id = Id(
        metadata={
            "description": "The client booking. Required, except with a key bound to a client, "
            "which fills in its own."
        }
    )
    provider_id = Id(
        metadata={"description": "The provider to book; give this or `provider_ids`, not both."}
    )
    provider_ids = fields.List(
        Id(),
        validate=validate.Length(1, MAX_PROVIDERS),
        metadata={
            "description": "A pool: book whichever of these providers can take the time "
            '(docs/DECISIONS.md, "Choosing from a pool"); give this or `provider_id`, not '
            "both. 1-1,000 ids.",
            "example": [1, 2, 3],
        },
    )
    appointment_type_id = Id(
        metadata={
            "description": "Book this appointment type: the provider (for a pool, each "
            "candidate) must offer it in its modality, it must be for this client (`clients`), "
            "and its policies replace the provider's; the appointment records it and its "
            "modality."
        }
    )
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(
        metadata={
            "description": "Required without `appointment_type_id`; with it, the type's "
            "default length if left out, else it must give one of the type's lengths."
        }
    )
    accepts_new_clients = StrictBoolean(
        metadata={
            "description": "With `provider_ids`: only providers open (or closed) to new clients."
        }
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        require_order(data, "starts_at", "ends_at", "starts_at ends_at")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _client_named(self, data: Mapping[str, Any], original: Any, **_kwargs: Any) -> None:
        """Only a key bound to a client books without naming one: its own."""
        if not isinstance(original, Mapping) or "client_id" in original:
            return
        if current_grant().client_id is None:
            raise ValidationError(_CLIENT_MISSING, "client_id")

    @validates_schema
    def _one_provider_field(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        given = [name for name in ("provider_id", "provider_ids") if name in data]
        if len(given) != 1:
            raise ValidationError("Give exactly one of provider_id and provider_ids.")
        if "ends_at" not in data and "appointment_type_id" not in data:
            raise ValidationError("Required without appointment_type_id.", "ends_at")
        filters = [*NAMES.values(), "accepts_new_clients"]
        if "provider_id" in data and any(name in data for name in filters):
            raise ValidationError("Filters choose among provider_ids, not one provider_id.")


class RescheduleSchema(Schema):
    starts_at = UtcDateTime(required=True, metadata={"example": "2026-12-07T15:00:00Z"})
    ends_at = UtcDateTime(required=True, metadata={"example": "2026-12-07T15:30:00Z"})

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        require_order(data, "starts_at", "ends_at", "starts_at ends_at")


def _cancel_reason(**kwargs: Any) -> fields.String:
    return text(
        MAX_REASON_LENGTH,
        metadata={
            "description": "Why it is canceled; stored and answered as `cancel_reason`.",
            "example": "Feeling better, thanks",
        },
        **kwargs,
    )


def _canceled_by(**kwargs: Any) -> fields.Enum[CanceledBy]:
    return fields.Enum(
        CanceledBy,
        by_value=True,
        metadata={"description": "Who cancels it: the client or the provider."},
        **kwargs,
    )


class CancellationSchema(Schema):
    """Optional details of a cancellation, in the body."""

    reason = _cancel_reason(allow_none=True)
    canceled_by = _canceled_by(allow_none=True)


class CancellationQuerySchema(QuerySchema):
    """Optional details of a cancellation, in the query string."""

    reason = _cancel_reason()
    canceled_by = _canceled_by()


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=[
            validate.Length(1, 255),
            validate.Regexp(r"^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$"),
        ],
        metadata={
            "description": "Makes the booking safe to retry: the same key with the same body "
            "answers the first appointment again (201, nothing new is booked); the same key "
            "with a different body is a 422. Keys are kept 24 hours. 1-255 printable ASCII "
            "characters.",
            "example": "book-7f3c2a",
        },
    )


class AppointmentQuerySchema(RangeQuerySchema):
    provider_id = Id(strict=False)
    client_id = Id(strict=False)
    status = fields.Enum(AppointmentStatus, by_value=True)
