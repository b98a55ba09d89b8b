"""Entities of the scheduling domain."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from domain.errors import InvalidRequest

#: Longest appointment accepted; also bounds the lower side of overlap queries
#: (docs/DECISIONS.md, "Maximum appointment length").
MAX_APPOINTMENT_LENGTH = timedelta(hours=24)
#: Longest cancellation or time-off reason, in characters.
MAX_REASON_LENGTH = 500
#: How long an Idempotency-Key is honoured (docs/DECISIONS.md, "Idempotent booking").
IDEMPOTENCY_KEY_RETENTION = timedelta(hours=24)


class AppointmentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELED = "canceled"


class CanceledBy(enum.StrEnum):
    CLIENT = "client"
    PROVIDER = "provider"


class OverrideKind(enum.StrEnum):
    UNAVAILABLE = "unavailable"
    """Time off: subtracted from the weekly availability."""
    AVAILABLE = "available"
    """Extra availability: added to the weekly availability for that span."""


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider of care and their booking policy (docs/DECISIONS.md, "Scheduling policies")."""

    name: str
    email: str | None = None
    timezone: str = "UTC"
    accepts_new_clients: bool = True
    id: int | None = None
    buffer_before: int = 0
    """Minutes before each appointment that must be free of other appointments."""
    buffer_after: int = 0
    """Minutes after each appointment that must be free of other appointments."""
    min_notice_minutes: int = 0
    """Bookings must start at least this long after now."""
    horizon_days: int | None = None
    """Bookings must end within this many days of now; ``None`` means no limit."""
    min_cancel_notice_minutes: int = 0
    """Cancellations must come at least this long before the start."""
    # Stamps kept by the store in the same transaction as the changes they count
    # (docs/DECISIONS.md, "Change stamps"); not part of a provider's identity or equality.
    schedule_version: int = field(default=0, compare=False)
    """Grows with every change to the provider's windows, time off or extra time."""
    booking_version: int = field(default=0, compare=False)
    """Grows with every booking, move or cancellation of the provider's appointments."""
    last_booked_at: datetime | None = field(default=None, compare=False)
    """When the provider's latest appointment was booked; None if never."""

    @property
    def buffer(self) -> timedelta:
        """How far another appointment must stay away, whichever side it is on."""
        return timedelta(minutes=max(self.buffer_before, self.buffer_after))

    def bookable_span(self, now: datetime) -> tuple[datetime, datetime | None]:
        """The earliest start and latest end a booking made ``now`` may have."""
        earliest = now + timedelta(minutes=self.min_notice_minutes)
        if self.horizon_days is None:
            return earliest, None
        return earliest, now + timedelta(days=self.horizon_days)


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    email: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Appointment:
    client_id: int
    provider_id: int
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    canceled_at: datetime | None = None
    id: int | None = None
    cancel_reason: str | None = None
    canceled_by: CanceledBy | None = None
    appointment_type_id: int | None = None
    modality: str | None = None
    """The booked type's modality (a ``domain.profiles.Modality`` value); None without a type."""
    sequence: int = field(default=1, compare=False)
    """1 when booked; grows by one with every change (docs/DECISIONS.md, "Change stamps")."""

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise InvalidRequest("ends_at must be after starts_at")
        _check_reason(self.cancel_reason)

    @property
    def is_scheduled(self) -> bool:
        return self.status is AppointmentStatus.SCHEDULED

    def canceled(
        self, now: datetime, reason: str | None = None, by: CanceledBy | None = None
    ) -> Appointment:
        """Return this appointment canceled at ``now``; canceling twice keeps the first time."""
        if not self.is_scheduled:
            return self
        return replace(
            self,
            status=AppointmentStatus.CANCELED,
            canceled_at=now,
            cancel_reason=reason,
            canceled_by=by,
            sequence=self.sequence + 1,
        )

    def moved(self, starts_at: datetime, ends_at: datetime) -> Appointment:
        """Return this appointment at another time, as its next change."""
        return replace(self, starts_at=starts_at, ends_at=ends_at, sequence=self.sequence + 1)


class BookedTime(NamedTuple):
    """When a provider is booked: a scheduled appointment's time, without its details.

    What free time needs of an appointment (``domain.rules.scheduling.Booked``); the roster search
    reads only this, for every provider at once.
    """

    starts_at: datetime
    ends_at: datetime
    is_scheduled: bool = True


@dataclass(frozen=True, slots=True)
class DateOverride:
    """A dated change to a provider's availability, in UTC: time off, or extra time."""

    provider_id: int
    starts_at: datetime
    ends_at: datetime
    kind: OverrideKind = OverrideKind.UNAVAILABLE
    reason: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise InvalidRequest("ends_at must be after starts_at")
        _check_reason(self.reason)


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """A booking made under a client-chosen Idempotency-Key, and what was asked."""

    key: str
    fingerprint: str
    appointment_id: int
    created_at: datetime


def _check_reason(reason: str | None) -> None:
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise InvalidRequest(f"a reason may be at most {MAX_REASON_LENGTH} characters long")
