"""A provider's weekly availability over the API."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    Schema,
    fields,
    pre_dump,
    validate,
)

from app.api.fields import Id, text
from domain.use_cases.weekly_availability import (
    API_SOURCE,
    MAX_API_WINDOWS,
    MAX_WINDOW_ID_LENGTH,
)
from domain.windows import Weekday, WeekTime

# --- weekly availability ---------------------------------------------------------------


class WeekTimeSchema(Schema):
    """A moment of the week in the provider's wall-clock time."""

    day_of_week = fields.String(
        required=True,
        validate=validate.OneOf([day.name.lower() for day in Weekday]),
        metadata={"example": "monday"},
    )
    time = fields.String(
        required=True,
        validate=validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
        metadata={"description": "HH:MM, from 00:00 to 23:59.", "example": "09:00"},
    )

    @pre_dump
    def _from_domain(self, moment: Any, **_kwargs: Any) -> Any:
        if not isinstance(moment, WeekTime):
            return moment
        hours, minutes = divmod(moment.minute, 60)
        return {"day_of_week": moment.day.name.lower(), "time": f"{hours:02d}:{minutes:02d}"}


_WINDOW_DOC = (
    "From `starts_at` to `ends_at`, every week. A window may run past midnight or from "
    "Sunday into Monday; it may not have zero length."
)


FOREIGN_SOURCE = (
    "Only `api` windows can be set: the feed's windows (such as `calendly`) are kept by "
    "syncs; send back only the `api` windows you read."
)


class WeeklyWindowInSchema(Schema):
    """A window as GET answers it; `id` and `source` may be left out."""

    id = text(
        MAX_WINDOW_ID_LENGTH,
        metadata={
            "description": "The window's label, kept as its id: plain text (no control "
            f"characters, not blank), at most {MAX_WINDOW_ID_LENGTH} characters, unique among "
            "the windows sent. Left out, the id is made of the start and end "
            "(`monday-1300-monday-1700`).",
            "example": "monday-1300-monday-1700",
        },
    )
    starts_at = fields.Nested(WeekTimeSchema, required=True)
    ends_at = fields.Nested(
        WeekTimeSchema,
        required=True,
        metadata={"example": {"day_of_week": "monday", "time": "17:00"}},
    )
    source = fields.String(
        validate=validate.OneOf([API_SOURCE], error=FOREIGN_SOURCE),
        metadata={
            "description": "Only `api`, as GET answers it for the windows set with PUT; a "
            "window of another source is a 422.",
            "example": API_SOURCE,
        },
    )


class WeeklyWindowSchema(Schema):
    id = fields.String(
        required=True,
        attribute="external_id",
        metadata={
            "description": "The feed's id for a feed window; for an `api` window, the id PUT "
            "gave it, or else its start and end (`monday-0900-monday-1700`), stable while the "
            "window is kept. Unique within a source.",
            "example": "monday-0900-monday-1700",
        },
    )
    starts_at = fields.Nested(WeekTimeSchema, required=True, attribute="start")
    ends_at = fields.Nested(WeekTimeSchema, required=True, attribute="end")
    source = fields.String(
        required=True,
        metadata={
            "description": "Where the window comes from: `api` (set with PUT) or the feed's "
            "name, such as `calendly` (set by a sync).",
            "example": "api",
        },
    )


class WeeklyAvailabilitySchema(Schema):
    provider_id = Id(required=True, attribute="provider.id")
    timezone = fields.String(
        required=True,
        attribute="provider.timezone",
        metadata={"description": "The provider's IANA time zone, in which windows are read."},
    )
    windows = fields.List(
        fields.Nested(WeeklyWindowSchema),
        required=True,
        metadata={"description": "Every source's windows, ordered by start. " + _WINDOW_DOC},
    )


class WeeklyAvailabilityUpdateSchema(Schema):
    windows = fields.List(
        fields.Nested(WeeklyWindowInSchema),
        required=True,
        validate=validate.Length(max=MAX_API_WINDOWS),
        metadata={
            "description": f"The provider's `api` windows, at most {MAX_API_WINDOWS}; an "
            "empty list removes them all. Each in the shape GET answers: GET lists every "
            "source's windows, so send back only those whose `source` is `api`, edited or "
            "not. " + _WINDOW_DOC
        },
    )
