"""API keys: what is sent to create one, and what is answered (the secret only once)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.fields import Id, StrictInteger, UtcDateTime, text
from domain.access import MAX_NAME_LENGTH, SCOPES

_SCOPE = fields.String(
    validate=validate.OneOf(SCOPES),
    metadata={"description": "One of: " + ", ".join(f"`{s}`" for s in SCOPES) + "."},
)


class ApiKeyCreateSchema(Schema):
    name = text(MAX_NAME_LENGTH, required=True, metadata={"example": "Front desk"})
    scopes = fields.List(
        _SCOPE,
        required=True,
        validate=validate.Length(1, len(SCOPES)),
        metadata={"example": ["availability:read", "appointments:write", "clients:write"]},
    )
    provider_id = Id(metadata={"description": "Bind the key to this provider."})
    client_id = Id(metadata={"description": "Bind the key to this client."})
    expires_in_days = StrictInteger(
        validate=validate.Range(1, 3650),
        metadata={"description": "The key stops working this many days from now."},
    )


class ApiKeySchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    hint = fields.String(
        required=True, metadata={"description": "The secret's last four characters."}
    )
    provider_id = Id(allow_none=True, required=True)
    client_id = Id(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(allow_none=True, required=True)
    revoked_at = UtcDateTime(allow_none=True, required=True)
    last_used_at = UtcDateTime(
        allow_none=True,
        required=True,
        metadata={"description": "When the key was last used, to the hour or so."},
    )


class NewApiKeySchema(ApiKeySchema):
    key = fields.String(
        required=True,
        metadata={
            "description": "The secret: shown this once and never again; only its SHA-256 "
            "is stored.",
            "example": "csk_5rJ0pW3kq1mD2cLx9VbN7sQeT4yUaZoH6gFiR8wXnEc",
        },
    )
