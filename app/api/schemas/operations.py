"""Availability sync reports and health."""

from __future__ import annotations

from marshmallow import (
    Schema,
    fields,
    validate,
)

from app.api.fields import (
    Id,
)

# --- sync and health --------------------------------------------------------------------


class SyncReportSchema(Schema):
    provider_id = Id(required=True)
    created = fields.Integer(required=True, metadata={"description": "Windows added."})
    updated = fields.Integer(required=True, metadata={"description": "Windows changed."})
    deleted = fields.Integer(required=True, metadata={"description": "Windows removed."})
    unchanged = fields.Integer(required=True, metadata={"description": "Windows kept as is."})


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]))
