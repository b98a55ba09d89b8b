"""The audit trail: the listing's filters and one event as answered."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.fields import Id, UtcDateTime
from app.api.schemas.common import RangeQuerySchema
from domain.audit import OUTCOMES, RESOURCES


class AuditQuerySchema(RangeQuerySchema):
    """``from``/``to`` here bound when the event happened: ``[from, to)``."""

    lower = UtcDateTime(
        data_key="from",
        metadata={"description": "Only events at or after this instant."},
    )
    upper = UtcDateTime(
        data_key="to",
        metadata={"description": "Only events before this instant."},
    )
    key_id = Id(strict=False, metadata={"description": "Only the requests of this API key."})
    resource = fields.String(
        validate=validate.OneOf(RESOURCES),
        metadata={"description": "Only events about this kind of resource."},
    )


class AuditEventSchema(Schema):
    occurred_at = UtcDateTime(required=True)
    key_id = Id(
        required=True,
        allow_none=True,
        metadata={"description": "The API key's id; null when none was usable (a 401)."},
    )
    request_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The request's X-Request-ID."}
    )
    operation_id = fields.String(
        required=True, metadata={"description": "The OpenAPI operationId of the request."}
    )
    resource = fields.String(required=True, validate=validate.OneOf(RESOURCES))
    resource_ids = fields.List(
        Id(),
        required=True,
        metadata={"description": "The ids the request named, changed or was answered."},
    )
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(OUTCOMES),
        metadata={
            "description": "`ok` (2xx, 3xx), `denied` (401, 403), `not_found` (404), "
            "`refused` (409, 412, 422), `rejected` (other 4xx), `failed` (5xx)."
        },
    )
    status = fields.Integer(
        required=True,
        validate=validate.Range(100, 599),
        metadata={"description": "The HTTP status answered."},
    )
