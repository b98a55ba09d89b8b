"""What every resource's schemas share: query conventions, ranges, pagination, zones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from app.api.fields import (
    UtcDateTime,
)
from domain.rules.zones import is_known_zone

_PAGINATION = frozenset({"page", "page_size"})


def known_zone(name: str) -> None:
    if "\x00" in name or not is_known_zone(name):
        raise ValidationError(f"Unknown IANA time zone: {name!r}.")


def timezone(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=[validate.Length(1, 64), known_zone],
        metadata={
            "description": "IANA time zone name; `GET /timezones` lists the accepted ones.",
            "example": "Europe/Berlin",
        },
        **kwargs,
    )


class TimeZonesSchema(Schema):
    timezones = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Every IANA time zone name a provider may have, sorted."},
    )


def require_order(data: Mapping[str, Any], first: str, second: str, keys: str) -> None:
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
        require_order(data, "lower", "upper", "from to")
