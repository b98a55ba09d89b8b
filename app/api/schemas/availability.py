"""Free windows of one provider: the query and the answer (the roster's: schemas/roster.py)."""

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

# --- availability -----------------------------------------------------------------------


def range_end(days: int) -> UtcDateTime:
    return UtcDateTime(
        data_key="to",
        required=True,
        metadata={
            "description": f"End of the range (exclusive); at most {days} days after `from`."
        },
    )


def minutes(metadata: dict[str, Any], strict: bool = False, **kwargs: Any) -> StrictInteger:
    """A slot length or step: whole minutes, 5 to 1440; ``strict`` in a JSON body."""
    return StrictInteger(
        strict=strict, validate=validate.Range(5, 1440), metadata=dict(metadata), **kwargs
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
    upper = range_end(92)
    duration = minutes({"description": "Cut free windows into slots of this many minutes."})
    step = minutes(
        {
            "description": "Minutes between the starts of candidate slots; needs `duration` "
            "and defaults to it. A step shorter than `duration` lists overlapping slots. "
            "Starts lie on the provider's grid: each availability window's start plus whole "
            "steps, whatever the `from` asked, so windows from 09:00 with `duration=30` give "
            "09:00, 09:30, ... and a slot that a booking, time off or the notice cuts is "
            'left out, never shifted (docs/DECISIONS.md, "Slots and steps").',
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
