"""Versions of answers, for conditional requests: what decides an answer, without computing it.

The HTTP layer hashes a version into a strong ETag; an equal version means an identical
answer (docs/DECISIONS.md, "Conditional requests").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.model import Provider

#: A JSON-ready list of what decides an answer; bump the first item when the answer's
#: shape or the rules computing it change, so tags from older code are never current.
AvailabilityVersion = list[str | int | None]
_AVAILABILITY_FORMAT = "availability/2"  # 2: slots on the availability grid


def availability_version(
    provider: Provider,
    lower: datetime,
    upper: datetime,
    duration: timedelta | None,
    step: timedelta | None,
    now: datetime,
) -> AvailabilityVersion:
    """Everything the provider's free time in ``[lower, upper)`` depends on.

    Windows and time off move ``schedule_version``, bookings, moves and cancellations
    ``booking_version``, policies are read from the row itself. ``now`` matters only when
    the bookable span (now plus the minimum notice, to now plus the horizon) cuts the range;
    then it is part of the version, so every later instant is another version.
    """
    earliest, latest = provider.bookable_span(now)
    cut_by_now = earliest > lower or (latest is not None and latest < upper)
    return [
        _AVAILABILITY_FORMAT,
        provider.id,
        provider.timezone,
        provider.buffer_before,
        provider.buffer_after,
        provider.min_notice_minutes,
        provider.horizon_days,
        provider.schedule_version,
        provider.booking_version,
        _instant(lower),
        _instant(upper),
        _minutes(duration),
        _minutes(step),
        _instant(now) if cut_by_now else None,
    ]


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _minutes(length: timedelta | None) -> int | None:
    return None if length is None else int(length.total_seconds() // 60)
