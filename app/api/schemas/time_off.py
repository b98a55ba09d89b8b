"""Time off and extra availability."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import (
    Schema,
    fields,
    validates_schema,
)

from app.api.fields import (
    Id,
    UtcDateTime,
    text,
)
from app.api.schemas.appointments import AppointmentSchema
from app.api.schemas.common import (
    RangeQuerySchema,
    require_order,
)
from domain.model import MAX_REASON_LENGTH, OverrideKind

_KIND_DOC = (
    "`unavailable`: time off, subtracted from the weekly availability; `available`: extra "
    "availability, added to it for that span. Where both overlap, time off wins."
)


# --- time off and extra availability ---------------------------------------------------


class TimeOffSchema(Schema):
    id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    kind = fields.Enum(
        OverrideKind,
        by_value=True,
        required=True,
        metadata={"description": _KIND_DOC},
    )
    reason = fields.String(
        required=True, allow_none=True, metadata={"description": "As given; null if none."}
    )


class TimeOffCreatedSchema(TimeOffSchema):
    affected_appointments = fields.List(
        fields.Nested(AppointmentSchema),
        required=True,
        metadata={
            "description": "The provider's scheduled appointments this time off covers, by "
            "start. They are kept, not canceled: moving or canceling them is up to you. "
            "Always empty for extra availability."
        },
    )


class TimeOffCreateSchema(Schema):
    starts_at = UtcDateTime(required=True, metadata={"example": "2026-12-24T00:00:00Z"})
    ends_at = UtcDateTime(required=True, metadata={"example": "2026-12-27T00:00:00Z"})
    kind = fields.Enum(
        OverrideKind,
        by_value=True,
        load_default=OverrideKind.UNAVAILABLE,
        metadata={"description": _KIND_DOC + " Default `unavailable`."},
    )
    reason = text(
        MAX_REASON_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={"description": "Why, for the record (optional).", "example": "Holidays"},
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        require_order(data, "starts_at", "ends_at", "starts_at ends_at")


class TimeOffQuerySchema(RangeQuerySchema):
    """Optional ``from``/``to``: entries overlapping the range."""
