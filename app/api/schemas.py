"""Request and response schemas. Unknown fields are refused (marshmallow's RAISE default)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.api.fields import Id, StrictBoolean, UtcDateTime, email, text
from domain.model import AppointmentStatus
from domain.weekly import is_known_zone

_PAGINATION = frozenset({"page", "page_size"})


def _known_zone(name: str) -> None:
    if "\x00" in name or not is_known_zone(name):
        raise ValidationError(f"Unknown IANA time zone: {name!r}.")


def _timezone(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=[validate.Length(1, 64), _known_zone],
        metadata={"description": "IANA time zone name.", "example": "Europe/Berlin"},
        **kwargs,
    )


def _require_order(data: Mapping[str, Any], first: str, second: str, keys: str) -> None:
    """Refuse ``data[second] <= data[first]``; ``keys`` names them as the client does."""
    first_key, second_key = keys.split()
    if first in data and second in data and data[second] <= data[first]:
        raise ValidationError(f"Must be after {first_key}.", second_key)


class QuerySchema(Schema):
    """Query parameters: unknown ones are refused; ``page`` and ``page_size`` belong to
    the pagination decorator, which reads them itself."""

    @pre_load
    def _leave_pagination(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: data[key] for key in data if key not in _PAGINATION}


class PageQuerySchema(QuerySchema):
    """Only ``page`` and ``page_size``."""


# --- availability -----------------------------------------------------------------------


class AvailabilityQuerySchema(QuerySchema):
    lower = UtcDateTime(
        data_key="from", required=True, metadata={"example": "2026-12-07T00:00:00Z"}
    )
    upper = UtcDateTime(
        data_key="to",
        required=True,
        metadata={"description": "End of the range (exclusive); at most 92 days after `from`."},
    )
    duration = fields.Integer(
        validate=validate.Range(5, 1440),
        metadata={"description": "Cut free windows into slots of this many minutes."},
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "lower", "upper", "from to")


class WindowSchema(Schema):
    starts_at = UtcDateTime(attribute="start", required=True)
    ends_at = UtcDateTime(attribute="end", required=True)


class AvailabilitySchema(Schema):
    provider_id = Id(required=True)
    lower = UtcDateTime(data_key="from", required=True)
    upper = UtcDateTime(data_key="to", required=True)
    availabilities = fields.List(fields.Nested(WindowSchema), required=True)


# --- appointments -----------------------------------------------------------------------


class AppointmentSchema(Schema):
    id = Id(required=True)
    client_id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    status = fields.Enum(AppointmentStatus, by_value=True, required=True)
    created_at = UtcDateTime(required=True)
    canceled_at = UtcDateTime(required=True, allow_none=True)


class BookingSchema(Schema):
    client_id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "starts_at", "ends_at", "starts_at ends_at")


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


class AppointmentQuerySchema(QuerySchema):
    provider_id = Id(strict=False)
    client_id = Id(strict=False)
    status = fields.Enum(AppointmentStatus, by_value=True)
    lower = UtcDateTime(
        data_key="from",
        metadata={"description": "Only appointments ending after this instant."},
    )
    upper = UtcDateTime(
        data_key="to",
        metadata={"description": "Only appointments starting before this instant."},
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "lower", "upper", "from to")


# --- providers and clients --------------------------------------------------------------


class ProviderSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    timezone = fields.String(required=True)
    accepts_new_clients = fields.Boolean(required=True)


class ProviderCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Dr. Maya Thompson"})
    email = email(allow_none=True, load_default=None)
    timezone = _timezone(load_default="UTC")
    accepts_new_clients = StrictBoolean(load_default=True)


class ProviderPatchSchema(Schema):
    name = text(200)
    email = email(allow_none=True)
    timezone = _timezone()
    accepts_new_clients = StrictBoolean()


class ClientSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class ClientCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Ada Lovelace"})
    email = email(required=True, metadata={"example": "ada@example.com"})


# --- sync and health --------------------------------------------------------------------


class SyncReportSchema(Schema):
    provider_id = Id(required=True)
    created = fields.Integer(required=True, metadata={"description": "Windows added."})
    updated = fields.Integer(required=True, metadata={"description": "Windows changed."})
    deleted = fields.Integer(required=True, metadata={"description": "Windows removed."})
    unchanged = fields.Integer(required=True, metadata={"description": "Windows kept as is."})


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]))
