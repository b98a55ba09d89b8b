"""Providers (with their policies) and clients."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    Schema,
    fields,
    pre_dump,
    validate,
)

from app.api.fields import (
    Id,
    StrictBoolean,
    StrictInteger,
    email,
    text,
)
from app.api.schemas.common import (
    timezone,
)
from app.api.schemas.profiles import code_list, code_list_out
from domain.profiles import Kind
from domain.rules.limits import POLICY_BOUNDS

# --- providers and clients --------------------------------------------------------------


#: What each policy means (docs/DECISIONS.md, "Scheduling policies"); bounds are the domain's.
_POLICIES = {
    "buffer_before": "Minutes before each appointment that must stay free of other "
    "appointments (they may lie outside availability). Default 0.",
    "buffer_after": "Minutes after each appointment that must stay free of other "
    "appointments (they may lie outside availability). Default 0.",
    "min_notice_minutes": "Minimum notice: bookings must start at least this many minutes "
    "after now. Default 0.",
    "horizon_days": "Booking horizon: bookings must end within this many days of now; "
    "null (the default) means no limit.",
    "min_cancel_notice_minutes": "Minimum cancellation notice: cancellations must come at "
    "least this many minutes before the start. Default 0 (any time, even after the start).",
}
_POLICY_EXAMPLES = {
    "buffer_before": 0,
    "buffer_after": 10,
    "min_notice_minutes": 240,
    "horizon_days": 60,
    "min_cancel_notice_minutes": 1440,
}


def _policy(name: str, **kwargs: Any) -> StrictInteger:
    """A policy in a request: an integer within the domain's bounds (POLICY_BOUNDS)."""
    low, high = POLICY_BOUNDS[name]
    return StrictInteger(
        validate=validate.Range(low, high),
        allow_none=name == "horizon_days",
        metadata={"description": _POLICIES[name], "example": _POLICY_EXAMPLES[name]},
        **kwargs,
    )


def _policy_out(name: str) -> fields.Integer:
    return fields.Integer(
        required=True,
        allow_none=name == "horizon_days",
        metadata={"description": _POLICIES[name], "example": _POLICY_EXAMPLES[name]},
    )


class ProviderSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    timezone = fields.String(required=True)
    accepts_new_clients = fields.Boolean(required=True)
    buffer_before = _policy_out("buffer_before")
    buffer_after = _policy_out("buffer_after")
    min_notice_minutes = _policy_out("min_notice_minutes")
    horizon_days = _policy_out("horizon_days")
    min_cancel_notice_minutes = _policy_out("min_cancel_notice_minutes")
    specialties = code_list_out(Kind.SPECIALTY)
    languages = code_list_out(Kind.LANGUAGE)
    modalities = code_list_out(Kind.MODALITY)
    licensed_regions = code_list_out(Kind.REGION)
    payers = code_list_out(Kind.PAYER)

    @pre_dump
    def _flatten(self, obj: Any, **_kwargs: Any) -> Any:
        """A provider with its profile (directory.Profiled) is dumped as one object."""
        provider, profile = obj
        return {
            **{name: getattr(provider, name) for name in provider.__slots__},
            **{name: getattr(profile, name) for name in profile.__slots__},
        }


class ProviderCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Dr. Maya Thompson"})
    email = email(allow_none=True, load_default=None)
    timezone = timezone(load_default="UTC")
    accepts_new_clients = StrictBoolean(load_default=True)
    buffer_before = _policy("buffer_before", load_default=0)
    buffer_after = _policy("buffer_after", load_default=0)
    min_notice_minutes = _policy("min_notice_minutes", load_default=0)
    horizon_days = _policy("horizon_days", load_default=None)
    min_cancel_notice_minutes = _policy("min_cancel_notice_minutes", load_default=0)
    specialties = code_list(Kind.SPECIALTY, load_default=list)
    languages = code_list(Kind.LANGUAGE, load_default=list)
    modalities = code_list(Kind.MODALITY, load_default=list)
    licensed_regions = code_list(Kind.REGION, load_default=list)
    payers = code_list(Kind.PAYER, load_default=list)


class ProviderPatchSchema(Schema):
    name = text(200)
    email = email(allow_none=True)
    timezone = timezone()
    accepts_new_clients = StrictBoolean()
    buffer_before = _policy("buffer_before")
    buffer_after = _policy("buffer_after")
    min_notice_minutes = _policy("min_notice_minutes")
    horizon_days = _policy("horizon_days")
    min_cancel_notice_minutes = _policy("min_cancel_notice_minutes")
    specialties = code_list(Kind.SPECIALTY)
    languages = code_list(Kind.LANGUAGE)
    modalities = code_list(Kind.MODALITY)
    licensed_regions = code_list(Kind.REGION)
    payers = code_list(Kind.PAYER)


class ClientSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class ClientCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Ada Lovelace"})
    email = email(required=True, metadata={"example": "ada@example.com"})
