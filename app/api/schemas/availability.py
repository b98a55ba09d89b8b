"""Free windows and the roster search: their queries and answers."""

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

from app.api.fields import (
    Id,
    StrictInteger,
    UtcDateTime,
    in_utc,
)
from app.api.schemas.common import (
    QuerySchema,
    require_order,
)
from app.api.schemas.lean import LeanQuery, LeanSchema
from domain.rules.limits import MAX_LIMIT, MAX_PROVIDERS

# --- availability -----------------------------------------------------------------------


def _range_end(days: int) -> UtcDateTime:
    return UtcDateTime(
        data_key="to",
        required=True,
        metadata={
            "description": f"End of the range (exclusive); at most {days} days after `from`."
        },
    )


def _minutes(metadata: dict[str, Any], **kwargs: Any) -> StrictInteger:
    """A slot length or step in a query: whole minutes, 5 to 1440."""
    return StrictInteger(
        strict=False, validate=validate.Range(5, 1440), metadata=metadata, **kwargs
    )


class SlotRangeQuerySchema(QuerySchema):
    """A required ``[from, to)`` range, ``from`` before ``to``."""

    lower = UtcDateTime(
        data_key="from", required=True, metadata={"example": "2026-12-07T00:00:00Z"}
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        require_order(data, "lower", "upper", "from to")


class AvailabilityQuerySchema(SlotRangeQuerySchema, LeanQuery):
    upper = _range_end(92)
    duration = _minutes({"description": "Cut free windows into slots of this many minutes."})
    step = _minutes(
        {
            "description": "Minutes between the starts of candidate slots; needs `duration` "
            "and defaults to it. A step shorter than `duration` lists overlapping slots. "
            "Starts align to each free window's start, not to the clock: a free window from "
            "09:10 with `duration=30&step=15` yields 09:10, 09:25, 09:40, ...",
            "example": 15,
        }
    )

    @validates_schema
    def _step_needs_duration(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        if "step" in data and "duration" not in data:
            raise ValidationError("Needs a duration.", "step")

    def lean_valid(self, values: Mapping[str, Any]) -> bool:
        """What the full load checks beyond each field (required, ordered, step with duration)."""
        if "lower" not in values or "upper" not in values:
            return False
        return values["upper"] > values["lower"] and ("step" not in values or "duration" in values)


class RosterQuerySchema(SlotRangeQuerySchema):
    upper = _range_end(31)
    duration = _minutes({"description": "Minutes each slot lasts.", "example": 30}, required=True)
    step = _minutes(
        {
            "description": "Minutes between the starts of a provider's candidate slots "
            "(default: `duration`), counted from each free window's start, as in "
            "`GET /providers/{provider_id}/availabilities`.",
            "example": 15,
        }
    )
    provider_ids = fields.List(
        Id(strict=False),
        data_key="provider_id",
        validate=validate.Length(1, MAX_PROVIDERS),
        metadata={
            "description": "Search only these providers (repeat the parameter, up to 1,000 "
            "times); every provider if absent. An unknown id is a 422 that names it.",
            "example": [3, 7],
        },
    )
    accepts_new_clients = fields.Boolean(
        truthy={"true"},
        falsy={"false"},
        metadata={
            "description": "`true`: only providers open to new clients; `false`: only those "
            "closed to them; absent: both."
        },
    )
    limit = StrictInteger(
        strict=False,
        load_default=100,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": "Most slots answered (default 100).", "example": 100},
    )


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


class RosterSchema(Schema):
    lower = UtcDateTime(data_key="from", required=True)
    upper = UtcDateTime(data_key="to", required=True)
    duration = fields.Integer(required=True, metadata={"example": 30})
    step = fields.Integer(required=True, metadata={"example": 30})
    slots = fields.List(
        fields.Nested(RosterSlotSchema),
        required=True,
        metadata={"description": "Ordered by `starts_at`, then `ends_at`; at most `limit`."},
    )
    next_from = UtcDateTime(
        required=True,
        allow_none=True,
        metadata={
            "description": "When more slots exist: the `from` to ask next (everything else "
            "unchanged); paging through returns every slot once. Null on the last page."
        },
    )


class WindowSchema(Schema):
    starts_at = UtcDateTime(attribute="start", required=True)
    ends_at = UtcDateTime(attribute="end", required=True)


class AvailabilitySchema(LeanSchema):
    provider_id = Id(required=True)
    lower = UtcDateTime(data_key="from", required=True)
    upper = UtcDateTime(data_key="to", required=True)
    availabilities = fields.List(fields.Nested(WindowSchema), required=True)

    @staticmethod
    def lean(obj: Any) -> dict[str, Any]:
        """Instants stay ``datetime``s in UTC, which the app's encoder writes as the field
        would (app/json_provider.py): the longest answer's formatting, done in C."""
        return {
            "provider_id": obj["provider_id"],
            "from": in_utc(obj["lower"]),
            "to": in_utc(obj["upper"]),
            "availabilities": [
                {"starts_at": in_utc(w.start), "ends_at": in_utc(w.end)}
                for w in obj["availabilities"]
            ],
        }
