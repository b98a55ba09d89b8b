"""Marshmallow fields for the API's conventions: ids, integers, UTC timestamps, booleans, text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

MAX_ID = 2**63 - 1
#: Accepted timestamps (docs/DECISIONS.md, "Timestamps on the wire").
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
_DATE = r"((?:19[7-9][0-9]|[2-9][0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))"
_TIME = r"((?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(\.[0-9]+)?"
_OFFSET = r"([Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"  # RFC 3339: hours 00-23, minutes 00-59
#: What UtcDateTime reads; the offset is optional here only to say "no offset" when it lacks.
_RFC3339 = re.compile(f"{_DATE}[Tt]{_TIME}{_OFFSET}?")
#: The same, offset required, for the OpenAPI document (an ECMA-262 regex, as JSON Schema's;
#: docs/DECISIONS.md, "An exact OpenAPI document").
TIMESTAMP_PATTERN = f"^{_DATE}[Tt]{_TIME}{_OFFSET}$"
_DIGITS = re.compile(r"-?[0-9]+")
_TIMESTAMP_DOC = "RFC 3339 with an offset (`Z` or `±hh:mm`); answered in UTC with `Z`."


def in_utc(moment: datetime) -> datetime:
    """The same instant with UTC as its zone (unchanged if it already is)."""
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """``2026-12-07T09:00:00Z``; fractions of a second only when there are some."""
    return in_utc(moment).isoformat()[:-6] + "Z"  # an instant in UTC ends with "+00:00"


class UtcDateTime(fields.DateTime):
    """An RFC 3339 timestamp that must carry an offset; loaded and dumped in UTC."""

    default_error_messages = {
        "invalid": "Not a valid RFC 3339 timestamp, e.g. 2026-12-07T09:00:00Z.",
        "naive": "The timestamp has no UTC offset; add Z or an offset such as +01:00.",
        "range": "The timestamp must be between 1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z.",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "description": _TIMESTAMP_DOC,
            "pattern": TIMESTAMP_PATTERN,
            **kwargs.pop("metadata", {}),
        }
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


_CONTROL = r"\x00-\x1f\x7f-\x9f"
#: What ``str.strip`` removes, less the control characters refused anyway.
_SPACE = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Plain text: no control character, and at least one character that is not a space.
PLAIN_TEXT_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
_PLAIN_TEXT = re.compile(PLAIN_TEXT_PATTERN)


def plain_text(value: str) -> None:
    """Refuse blank text, control characters (NUL included) and lone surrogates.

    The OpenAPI document states the same as ``PLAIN_TEXT_PATTERN``; lone surrogates, which
    a JSON Schema pattern cannot name, are the one rule it leaves unsaid.
    """
    if not value.strip():
        raise ValidationError("Must not be blank.")
    if not _PLAIN_TEXT.fullmatch(value) or any(unicodedata.category(c) == "Cs" for c in value):
        raise ValidationError("Must not contain control characters or invalid unicode.")


def text(max_length: int, **kwargs: Any) -> fields.String:
    metadata = {"pattern": PLAIN_TEXT_PATTERN, **kwargs.pop("metadata", {})}
    validators: list[Callable[[Any], Any]] = [validate.Length(1, max_length), plain_text]
    return fields.String(validate=validators, metadata=metadata, **kwargs)


def email(**kwargs: Any) -> fields.Email:
    return fields.Email(validate=[validate.Length(3, 254), plain_text], **kwargs)
