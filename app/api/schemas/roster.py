"""The roster search and the first available slots: their queries, bodies and answers.

Each search comes as a query (``GET``) and as a JSON body (``POST .../search``) with the same
fields, the body taking ``provider_ids`` as a list: 1,000 ids do not fit in a request line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

from app.api.fields import Id, StrictBoolean, StrictInteger, UtcDateTime, in_utc
from app.api.schemas.availability import SlotRangeQuerySchema, minutes, range_end
from app.api.schemas.common import require_order
from app.api.schemas.filters import BodyFilters, QueryFilters
from app.api.schemas.lean import LeanSchema
from domain.rules.limits import MAX_LIMIT, MAX_PROVIDERS

_STEP = (
    "Minutes between the starts of a provider's candidate slots (default: `duration`), on "
    "the provider's grid as in `GET /providers/{provider_id}/availabilities`."
)
_FROM = "2026-12-07T00:00:00Z"
_DURATION = {
    "description": "Minutes each slot lasts. Required, except with `appointment_type_id`: "
    "then the type's default length if left out, else one of the type's lengths.",
    "example": 30,
}
_IDS = (
    "Search only these providers; every provider if absent. An unknown id is a 422 that names it."
)
_NEW = (
    "`true`: only providers open to new clients; `false`: only those closed to them; absent: both."
)
_SLOTS_LIMIT = "Most slots answered (default 100)."
_FIRST_LIMIT = "Most providers answered, each with its first slot (default 100)."


def _limit(description: str, strict: bool) -> StrictInteger:
    return StrictInteger(
        strict=strict,
        load_default=100,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": description, "example": 100},
    )


def _ids(description: str, strict: bool, **kwargs: Any) -> fields.List[Any]:
    return fields.List(
        Id(strict=strict),
        validate=validate.Length(1, MAX_PROVIDERS),
        metadata={"description": description, "example": [3, 7]},
        **kwargs,
    )


class RosterQuerySchema(SlotRangeQuerySchema, QueryFilters):  # type: ignore[valid-type,misc]
    upper = range_end(31)
    duration = minutes(_DURATION)
    step = minutes({"description": _STEP, "example": 15})
    provider_ids = _ids(f"{_IDS} Repeat it, up to 1,000 times.", False, data_key="provider_id")
    accepts_new_clients = fields.Boolean(
        truthy={"true"}, falsy={"false"}, metadata={"description": _NEW}
    )
    limit = _limit(_SLOTS_LIMIT, strict=False)


class FirstQuerySchema(RosterQuerySchema):
    limit = _limit(_FIRST_LIMIT, strict=False)


class RosterSearchSchema(BodyFilters):  # type: ignore[valid-type,misc]
    lower = UtcDateTime(data_key="from", required=True, metadata={"example": _FROM})
    upper = range_end(31)
    duration = minutes(_DURATION, strict=True)
    step = minutes({"description": _STEP, "example": 15}, strict=True)
    provider_ids = _ids(f"{_IDS} 1-1,000 ids.", True)
    accepts_new_clients = StrictBoolean(metadata={"description": _NEW})
    limit = _limit(_SLOTS_LIMIT, strict=True)

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        require_order(data, "lower", "upper", "from to")


class FirstSearchSchema(RosterSearchSchema):
    limit = _limit(_FIRST_LIMIT, strict=True)


class RosterSlotSchema(Schema):
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    provider_ids = fields.List(
        fields.Integer(),
        required=True,
        metadata={
            "description": "Every searched provider for whom exactly this slot is listed by "
            "`GET /providers/{provider_id}/availabilities` with the same query, ascending."
        },
    )


class _Answer(LeanSchema):
    lower = UtcDateTime(data_key="from", required=True)
    upper = UtcDateTime(data_key="to", required=True)
    duration = fields.Integer(required=True, metadata={"example": 30})
    step = fields.Integer(required=True, metadata={"example": 30})

    @staticmethod
    def head(obj: Any) -> dict[str, Any]:
        """The fields every search answer has; instants stay ``datetime``s in UTC, which the
        app's encoder writes as the field would (app/json_provider.py)."""
        return {
            "from": in_utc(obj["lower"]),
            "to": in_utc(obj["upper"]),
            "duration": obj["duration"],
            "step": obj["step"],
        }


class RosterSchema(_Answer):
    slots = fields.List(
        fields.Nested(RosterSlotSchema),
        required=True,
        metadata={"description": "Ordered by `starts_at`, then `ends_at`; at most `limit`."},
    )
    next_from = UtcDateTime(
        required=True,
        allow_none=True,
        metadata={
            "description": "When more slots exist: the first omitted slot's start, the `from` "
            "to ask next (everything else unchanged); paging through returns every slot once. "
            "Null on the last page."
        },
    )

    @staticmethod
    def lean(obj: Any) -> dict[str, Any]:
        """A page holds up to 1,000 slots of up to 1,000 providers each: dumped in one pass."""
        slots = [
            {
                "starts_at": in_utc(s.starts_at),
                "ends_at": in_utc(s.ends_at),
                "provider_ids": list(s.provider_ids),
            }
            for s in obj["slots"]
        ]
        upto = obj["next_from"]
        return {**_Answer.head(obj), "slots": slots, "next_from": upto and in_utc(upto)}


class FirstSlotSchema(Schema):
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)


class FirstSlotsSchema(_Answer):
    slots = fields.List(
        fields.Nested(FirstSlotSchema),
        required=True,
        metadata={
            "description": "Each searched provider's earliest slot in the range, the first "
            "of its `GET /providers/{provider_id}/availabilities` with the same query; by "
            "`starts_at`, then `provider_id`; providers with none left out; at most `limit`."
        },
    )

    @staticmethod
    def lean(obj: Any) -> dict[str, Any]:
        slots = [
            {
                "provider_id": s["provider_id"],
                "starts_at": in_utc(s["starts_at"]),
                "ends_at": in_utc(s["ends_at"]),
            }
            for s in obj["slots"]
        ]
        return {**_Answer.head(obj), "slots": slots}
