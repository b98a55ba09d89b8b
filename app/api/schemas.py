"""Request and response schemas. Unknown fields are refused (marshmallow's RAISE default)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_dump,
    pre_load,
    validate,
    validates_schema,
)

from app.api.fields import (
    Id,
    StrictBoolean,
    StrictInteger,
    UtcDateTime,
    email,
    plain_text,
    text,
)
from domain.events import EventType
from domain.model import (
    MAX_REASON_LENGTH,
    AppointmentStatus,
    CanceledBy,
    OverrideKind,
    Weekday,
    WeekTime,
)
from domain.registry import POLICY_BOUNDS
from domain.webhooks import MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH
from domain.weekly import is_known_zone, known_zone_names
from domain.weekly_availability import MAX_API_WINDOWS

_PAGINATION = frozenset({"page", "page_size"})
#: Longest reason (a cancellation's or time off's), in characters; the database refuses longer
#: ones too (adapters/sqlalchemy/tables.py), so the API must not accept more.
_KIND_DOC = (
    "`unavailable`: time off, subtracted from the weekly availability; `available`: extra "
    "availability, added to it for that span. Where both overlap, time off wins."
)


def _known_zone(name: str) -> None:
    if "\x00" in name or not is_known_zone(name):
        raise ValidationError(f"Unknown IANA time zone: {name!r}.")


def _timezone(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=[validate.Length(1, 64), _known_zone],
        metadata={
            "description": "IANA time zone name.",
            "example": "Europe/Berlin",
            "enum_from": known_zone_names,  # listed when the document is built (app/api/base.py)
        },
        **kwargs,
    )


def _require_order(data: Mapping[str, Any], first: str, second: str, keys: str) -> None:
    """Refuse ``data[second] <= data[first]``; ``keys`` names them as the client does."""
    first_key, second_key = keys.split()
    if first in data and second in data and data[second] <= data[first]:
        raise ValidationError(f"Must be after {first_key}.", second_key)


class QuerySchema(Schema):
    """Query parameters: unknown ones are refused; ``page`` and ``page_size`` belong to
    the pagination decorator, which reads them itself."""

    @pre_load
    def _leave_pagination(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: data[key] for key in data if key not in _PAGINATION}


class PaginationMetadataSchema(Schema):
    """The X-Pagination header's JSON, as flask-smorest writes it (documentation only)."""

    total = fields.Integer(
        required=True, validate=validate.Range(0), metadata={"description": "Items in all."}
    )
    total_pages = fields.Integer(
        required=True, validate=validate.Range(0), metadata={"description": "Pages in all."}
    )
    first_page = fields.Integer(validate=validate.Range(1, 1), metadata={"description": "1."})
    last_page = fields.Integer(validate=validate.Range(1), metadata={"description": "The last."})
    page = fields.Integer(validate=validate.Range(1), metadata={"description": "This page."})
    previous_page = fields.Integer(validate=validate.Range(1), metadata={"description": "If any."})
    next_page = fields.Integer(validate=validate.Range(2), metadata={"description": "If any."})


class PageQuerySchema(QuerySchema):
    """Only ``page`` and ``page_size``."""


class RangeQuerySchema(QuerySchema):
    """Optional ``from``/``to``: keep what overlaps the range."""

    lower = UtcDateTime(
        data_key="from",
        metadata={"description": "Only those ending after this instant."},
    )
    upper = UtcDateTime(
        data_key="to",
        metadata={"description": "Only those starting before this instant."},
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "lower", "upper", "from to")


# --- availability -----------------------------------------------------------------------


class AvailabilityQuerySchema(QuerySchema):
    lower = UtcDateTime(
        data_key="from", required=True, metadata={"example": "2026-12-07T00:00:00Z"}
    )
    upper = UtcDateTime(
        data_key="to",
        required=True,
        metadata={"description": "End of the range (exclusive); at most 92 days after `from`."},
    )
    duration = StrictInteger(
        strict=False,
        validate=validate.Range(5, 1440),
        metadata={"description": "Cut free windows into slots of this many minutes."},
    )
    step = StrictInteger(
        strict=False,
        validate=validate.Range(5, 1440),
        metadata={
            "description": "Minutes between the starts of candidate slots; needs `duration` "
            "and defaults to it. A step shorter than `duration` lists overlapping slots. "
            "Starts align to each free window's start, not to the clock: a free window from "
            "09:10 with `duration=30&step=15` yields 09:10, 09:25, 09:40, ...",
            "example": 15,
        },
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "lower", "upper", "from to")

    @validates_schema
    def _step_needs_duration(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        if "step" in data and "duration" not in data:
            raise ValidationError("Needs a duration.", "step")


class WindowSchema(Schema):
    starts_at = UtcDateTime(attribute="start", required=True)
    ends_at = UtcDateTime(attribute="end", required=True)


class AvailabilitySchema(Schema):
    provider_id = Id(required=True)
    lower = UtcDateTime(data_key="from", required=True)
    upper = UtcDateTime(data_key="to", required=True)
    availabilities = fields.List(fields.Nested(WindowSchema), required=True)


# --- appointments -----------------------------------------------------------------------


class AppointmentSchema(Schema):
    id = Id(required=True)
    client_id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    status = fields.Enum(AppointmentStatus, by_value=True, required=True)
    created_at = UtcDateTime(required=True)
    canceled_at = UtcDateTime(required=True, allow_none=True)
    cancel_reason = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why it was canceled, as given when canceling; else null."},
    )
    canceled_by = fields.Enum(
        CanceledBy,
        by_value=True,
        required=True,
        allow_none=True,
        metadata={"description": "Who canceled it, as given when canceling; else null."},
    )
    sequence = fields.Integer(
        required=True,
        metadata={
            "description": "1 when booked; grows by one with every change (move, "
            "cancellation), so a newer copy always has a larger number.",
            "example": 1,
        },
    )


class BookingSchema(Schema):
    client_id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "starts_at", "ends_at", "starts_at ends_at")


class RescheduleSchema(Schema):
    starts_at = UtcDateTime(required=True, metadata={"example": "2026-12-07T15:00:00Z"})
    ends_at = UtcDateTime(required=True, metadata={"example": "2026-12-07T15:30:00Z"})

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "starts_at", "ends_at", "starts_at ends_at")


def _cancel_reason(**kwargs: Any) -> fields.String:
    return text(
        MAX_REASON_LENGTH,
        metadata={
            "description": "Why it is canceled; stored and answered as `cancel_reason`.",
            "example": "Feeling better, thanks",
        },
        **kwargs,
    )


def _canceled_by(**kwargs: Any) -> fields.Enum[CanceledBy]:
    return fields.Enum(
        CanceledBy,
        by_value=True,
        metadata={"description": "Who cancels it: the client or the provider."},
        **kwargs,
    )


class CancellationSchema(Schema):
    """Optional details of a cancellation, in the body."""

    reason = _cancel_reason(allow_none=True)
    canceled_by = _canceled_by(allow_none=True)


class CancellationQuerySchema(QuerySchema):
    """Optional details of a cancellation, in the query string."""

    reason = _cancel_reason()
    canceled_by = _canceled_by()


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=[
            validate.Length(1, 255),
            validate.Regexp(r"^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$"),
        ],
        metadata={
            "description": "Makes the booking safe to retry: the same key with the same body "
            "answers the first appointment again (201, nothing new is booked); the same key "
            "with a different body is a 422. Keys are kept 24 hours. 1-255 printable ASCII "
            "characters.",
            "example": "book-7f3c2a",
        },
    )


class AppointmentQuerySchema(RangeQuerySchema):
    provider_id = Id(strict=False)
    client_id = Id(strict=False)
    status = fields.Enum(AppointmentStatus, by_value=True)


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


class ProviderCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Dr. Maya Thompson"})
    email = email(allow_none=True, load_default=None)
    timezone = _timezone(load_default="UTC")
    accepts_new_clients = StrictBoolean(load_default=True)
    buffer_before = _policy("buffer_before", load_default=0)
    buffer_after = _policy("buffer_after", load_default=0)
    min_notice_minutes = _policy("min_notice_minutes", load_default=0)
    horizon_days = _policy("horizon_days", load_default=None)
    min_cancel_notice_minutes = _policy("min_cancel_notice_minutes", load_default=0)


class ProviderPatchSchema(Schema):
    name = text(200)
    email = email(allow_none=True)
    timezone = _timezone()
    accepts_new_clients = StrictBoolean()
    buffer_before = _policy("buffer_before")
    buffer_after = _policy("buffer_after")
    min_notice_minutes = _policy("min_notice_minutes")
    horizon_days = _policy("horizon_days")
    min_cancel_notice_minutes = _policy("min_cancel_notice_minutes")


class ClientSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class ClientCreateSchema(Schema):
    name = text(200, required=True, metadata={"example": "Ada Lovelace"})
    email = email(required=True, metadata={"example": "ada@example.com"})


# --- time off and extra availability ---------------------------------------------------


class TimeOffSchema(Schema):
    id = Id(required=True)
    provider_id = Id(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    kind = fields.Enum(
        OverrideKind,
        by_value=True,
        required=True,
        metadata={"description": _KIND_DOC},
    )
    reason = fields.String(
        required=True, allow_none=True, metadata={"description": "As given; null if none."}
    )


class TimeOffCreatedSchema(TimeOffSchema):
    affected_appointments = fields.List(
        fields.Nested(AppointmentSchema),
        required=True,
        metadata={
            "description": "The provider's scheduled appointments this time off covers, by "
            "start. They are kept, not canceled: moving or canceling them is up to you. "
            "Always empty for extra availability."
        },
    )


class TimeOffCreateSchema(Schema):
    starts_at = UtcDateTime(required=True, metadata={"example": "2026-12-24T00:00:00Z"})
    ends_at = UtcDateTime(required=True, metadata={"example": "2026-12-27T00:00:00Z"})
    kind = fields.Enum(
        OverrideKind,
        by_value=True,
        load_default=OverrideKind.UNAVAILABLE,
        metadata={"description": _KIND_DOC + " Default `unavailable`."},
    )
    reason = text(
        MAX_REASON_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={"description": "Why, for the record (optional).", "example": "Holidays"},
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        _require_order(data, "starts_at", "ends_at", "starts_at ends_at")


class TimeOffQuerySchema(RangeQuerySchema):
    """Optional ``from``/``to``: entries overlapping the range."""


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


class WeeklyWindowInSchema(Schema):
    starts_at = fields.Nested(WeekTimeSchema, required=True)
    ends_at = fields.Nested(
        WeekTimeSchema,
        required=True,
        metadata={"example": {"day_of_week": "monday", "time": "17:00"}},
    )


class WeeklyWindowSchema(Schema):
    id = fields.String(
        required=True,
        attribute="external_id",
        metadata={
            "description": "The feed's id for a feed window; for an `api` window, its start "
            "and end (`monday-0900-monday-1700`), stable while the window is kept. Unique "
            "within a source.",
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
            "empty list removes them all. " + _WINDOW_DOC
        },
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
