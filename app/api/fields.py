"""Marshmallow fields for the API's conventions: ids, integers, UTC timestamps, booleans, text."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

MAX_ID = 2**63 - 1
#: Accepted timestamps (docs/DECISIONS.md, "Timestamps on the wire").
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"  # offsets: hours 00-23, minutes 00-59
)
_DIGITS = re.compile(r"-?[0-9]+")
_TIMESTAMP_DOC = "RFC 3339 with an offset (`Z` or `±hh:mm`); answered in UTC with `Z`."


def format_utc(moment: datetime) -> str:
    """``2026-12-07T09:00:00Z``; fractions of a second only when there are some."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


class UtcDateTime(fields.DateTime):
    """An RFC 3339 timestamp that must carry an offset; loaded and dumped in UTC."""

    default_error_messages = {
        "invalid": "Not a valid RFC 3339 timestamp, e.g. 2026-12-07T09:00:00Z.",
        "naive": "The timestamp has no UTC offset; add Z or an offset such as +01:00.",
        "range": "The timestamp must be between 1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z.",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"description": _TIMESTAMP_DOC, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_utc(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise self.make_error("invalid")
        day, clock, fraction, offset = match.groups()
        if offset is None:
            raise self.make_error("naive")
        micro = (fraction or ".")[1:7].ljust(6, "0")
        offset = "+00:00" if offset in ("Z", "z") else offset
        try:
            parsed = datetime.fromisoformat(f"{day}T{clock}.{micro}{offset}")
            moment = parsed.astimezone(UTC)
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        except OverflowError as exc:
            raise self.make_error("range") from exc
        if not EARLIEST <= moment < LATEST:
            raise self.make_error("range")
        return moment


class StrictInteger(fields.Integer):
    """In a JSON body only a genuine integer (no bool, float, string); ``strict=False`` for
    query strings, where every value is text.

    As text, only ASCII digits: ``int()`` alone would also read ``"1_000"``, ``" 7 "`` and
    other scripts' digits (a fullwidth one, U+FF11).
    """

    def __init__(self, *, strict: bool = True, **kwargs: Any) -> None:
        super().__init__(strict=strict, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool) or (isinstance(value, str) and not _DIGITS.fullmatch(value)):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Id(StrictInteger):
    """A positive 64-bit id; in a JSON body only a genuine integer (no bool, float, string)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Range(1, MAX_ID), **kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON ``true`` or ``false``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def plain_text(value: str) -> None:
    """Refuse blank text, control characters (NUL included) and lone surrogates."""
    if not value.strip():
        raise ValidationError("Must not be blank.")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        raise ValidationError("Must not contain control characters or invalid unicode.")


def text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(1, max_length), plain_text], **kwargs)


def email(**kwargs: Any) -> fields.Email:
    return fields.Email(validate=[validate.Length(3, 254), plain_text], **kwargs)
