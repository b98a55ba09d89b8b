"""Appointment types, and the types a provider offers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from app.api.fields import Id, StrictBoolean, StrictInteger, text
from domain.profiles import AppointmentType, ClientRule, Modality
from domain.rules.limits import MAX_DURATIONS, MAX_PROVIDERS, POLICY_BOUNDS

_MODALITY = "How the appointment happens: `in_person`, `video` or `phone`."
_CLIENTS = (
    "Who may book it: `any` client, only `new` ones (no scheduled appointment with the "
    "provider) or only `existing` ones (at least one). Default `any`."
)
_DURATION = "The length in minutes, when the type allows only one (5-1440)."
_DURATIONS = (
    f"The lengths allowed, in minutes (1-{MAX_DURATIONS} different ones, each 5-1440); the "
    "first is the default, which a booking without `ends_at` takes."
)
_OVERRIDE = {
    "buffer_before": "Replaces the provider's `buffer_before` for this type; null: the "
    "provider's own.",
    "buffer_after": "Replaces the provider's `buffer_after` for this type; null: the "
    "provider's own.",
    "min_notice_minutes": "Replaces the provider's `min_notice_minutes` for this type; null: "
    "the provider's own.",
}
_ARCHIVED = (
    "An archived type stays on the appointments booked with it, but cannot be booked, searched "
    "or newly offered."
)


def _length(**kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=validate.Range(5, 1440), **kwargs)


def _override(name: str, **kwargs: Any) -> StrictInteger:
    low, high = POLICY_BOUNDS[name]
    return StrictInteger(
        validate=validate.Range(low, high),
        allow_none=True,
        metadata={"description": _OVERRIDE[name], "example": 10},
        **kwargs,
    )


def _durations(**kwargs: Any) -> fields.List[Any]:
    return fields.List(
        _length(),
        validate=validate.Length(1, MAX_DURATIONS),
        metadata={"description": _DURATIONS, "example": [60, 90]},
        **kwargs,
    )


def _modality(**kwargs: Any) -> fields.String:
    choices = validate.OneOf([m.value for m in Modality])
    return fields.String(validate=choices, metadata={"description": _MODALITY}, **kwargs)


def _clients(**kwargs: Any) -> fields.String:
    choices = validate.OneOf([c.value for c in ClientRule])
    return fields.String(validate=choices, metadata={"description": _CLIENTS}, **kwargs)


class AppointmentTypeCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Video intake"})
    duration = _length(metadata={"description": _DURATION, "example": 60})
    durations = _durations()
    modality = _modality(required=True)
    clients = _clients(load_default=ClientRule.ANY.value)
    buffer_before = _override("buffer_before", load_default=None)
    buffer_after = _override("buffer_after", load_default=None)
    min_notice_minutes = _override("min_notice_minutes", load_default=None)

    @validates_schema
    def _one_length(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        if ("duration" in data) == ("durations" in data):
            raise ValidationError("Give either duration or durations.", "durations")
        if len(set(data.get("durations", ()))) != len(data.get("durations", ())):
            raise ValidationError("Durations must differ.", "durations")

    @post_load
    def _made(self, data: dict[str, Any], **_kwargs: Any) -> AppointmentType:
        lengths = data.pop("durations", None) or [data.pop("duration")]
        return AppointmentType(
            durations=tuple(lengths),
            modality=Modality(data.pop("modality")),
            clients=ClientRule(data.pop("clients")),
            **data,
        )


class AppointmentTypePatchSchema(Schema):
    name = text(200)
    durations = _durations()
    modality = _modality()
    clients = _clients()
    buffer_before = _override("buffer_before")
    buffer_after = _override("buffer_after")
    min_notice_minutes = _override("min_notice_minutes")
    archived = StrictBoolean(metadata={"description": _ARCHIVED})

    @post_load
    def _typed(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if "durations" in data:
            if len(set(data["durations"])) != len(data["durations"]):
                raise ValidationError("Durations must differ.", "durations")
            data["durations"] = tuple(data["durations"])
        if "modality" in data:
            data["modality"] = Modality(data["modality"])
        if "clients" in data:
            data["clients"] = ClientRule(data["clients"])
        return data


class AppointmentTypeSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    duration = fields.Integer(required=True, metadata={"description": "The default length."})
    durations = fields.List(fields.Integer(), required=True, metadata={"description": _DURATIONS})
    modality = fields.String(required=True, metadata={"description": _MODALITY})
    clients = fields.String(required=True, metadata={"description": _CLIENTS})
    buffer_before = fields.Integer(required=True, allow_none=True)
    buffer_after = fields.Integer(required=True, allow_none=True)
    min_notice_minutes = fields.Integer(required=True, allow_none=True)
    archived = fields.Boolean(required=True, metadata={"description": _ARCHIVED})


_OFFERED = "The ids of the appointment types the provider offers, ascending."


class OfferedTypesUpdateSchema(Schema):
    appointment_type_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(max=MAX_PROVIDERS),
        metadata={"description": _OFFERED + " Replaces the list; repeats are dropped."},
    )


class OfferedTypesSchema(Schema):
    provider_id = Id(required=True)
    appointment_type_ids = fields.List(
        fields.Integer(), required=True, metadata={"description": _OFFERED}
    )
