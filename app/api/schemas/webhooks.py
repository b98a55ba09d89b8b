"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    Schema,
    fields,
    validate,
)

from app.api.fields import (
    Id,
    StrictBoolean,
    UtcDateTime,
    plain_text,
    text,
)
from domain.events import EventType
from domain.webhooks import MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH

# --- webhooks ---------------------------------------------------------------------------

_URL_DOC = (
    "Where deliveries are POSTed: `http` or `https`, no credentials, at most 2,048 "
    "characters. A host that is or resolves to a loopback, private, link-local, multicast or "
    "reserved address is refused unless the server sets WEBHOOK_ALLOW_PRIVATE_HOSTS=true."
)
_EVENTS_DOC = "Event types to receive (at least one; duplicates are ignored)."


def _webhook_url(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=[
            validate.Length(1, MAX_URL_LENGTH),
            validate.Regexp(r"^https?://[^\s]+$"),
            plain_text,
        ],
        metadata={"description": _URL_DOC, "example": "https://example.com/hooks/scheduling"},
        **kwargs,
    )


def _event_types(**kwargs: Any) -> fields.List[Any]:
    return fields.List(
        fields.Enum(EventType, by_value=True),
        validate=validate.Length(1, 20),
        metadata={"description": _EVENTS_DOC, "example": ["appointment.booked"]},
        **kwargs,
    )


def _webhook_description(**kwargs: Any) -> fields.String:
    return text(
        MAX_DESCRIPTION_LENGTH,
        allow_none=True,
        metadata={"description": "A note for people; optional.", "example": "Reminders"},
        **kwargs,
    )


class WebhookSchema(Schema):
    id = Id(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.Enum(EventType, by_value=True), required=True)
    description = fields.String(required=True, allow_none=True)
    enabled = fields.Boolean(required=True)
    disabled_reason = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why the endpoint is disabled; null while it is enabled."},
    )
    created_at = UtcDateTime(required=True)


class WebhookSecretSchema(WebhookSchema):
    secret = fields.String(
        required=True,
        metadata={
            "description": "The signing secret, `whsec_` and base64: shown only here and when "
            'rotated. Verify deliveries with it (docs/API.md, "Webhooks").'
        },
    )


class WebhookCreateSchema(Schema):
    url = _webhook_url(required=True)
    events = _event_types(required=True)
    description = _webhook_description(load_default=None)


class WebhookPatchSchema(Schema):
    url = _webhook_url()
    events = _event_types()
    enabled = StrictBoolean(
        metadata={
            "description": "false stops deliveries; true resumes them and clears the "
            "failure record."
        }
    )
    description = _webhook_description()


class WebhookAttemptSchema(Schema):
    event_id = fields.String(required=True, metadata={"example": "evt_5f2b..."})
    event_type = fields.Enum(EventType, by_value=True, required=True)
    attempt = fields.Integer(required=True, metadata={"description": "1 for the first."})
    attempted_at = UtcDateTime(required=True)
    status = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The receiver's HTTP status; null if it did not answer."},
    )
    error = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why the attempt failed without a status, or a redirect."},
    )
    duration_ms = fields.Integer(required=True)
    next_attempt_at = UtcDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "When the next attempt is due; null if none will follow."},
    )
