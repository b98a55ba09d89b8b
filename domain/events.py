"""What each change tells other systems: the events, written to the outbox in the change's unit.

A use case records one with ``domain.use_cases.common.appointment_changed`` or
``schedule_changed`` inside the unit of work that makes the change, so it is stored if and
only if the change commits (docs/DECISIONS.md, "Transactional outbox"). The outbox renders
its body; the domain only says what happened to what.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.model import Appointment


class EventType(enum.StrEnum):
    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
    APPOINTMENT_CANCELED = "appointment.canceled"
    SCHEDULE_CHANGED = "provider.schedule_changed"


class ScheduleChange(enum.StrEnum):
    """What part of a provider's schedule changed."""

    WEEKLY_AVAILABILITY = "weekly_availability"
    TIME_OFF_ADDED = "time_off_added"
    TIME_OFF_REMOVED = "time_off_removed"
    EXTRA_AVAILABILITY_ADDED = "extra_availability_added"
    EXTRA_AVAILABILITY_REMOVED = "extra_availability_removed"
    POLICIES = "policies"


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


@dataclass(frozen=True, slots=True)
class Event:
    """One change: to an appointment (``appointment`` as it is after the change), or to the
    schedule of provider ``provider_id`` (``changes`` says what changed)."""

    type: EventType
    provider_id: int
    appointment: Appointment | None = None
    changes: tuple[ScheduleChange, ...] = ()
    occurred_at: datetime | None = None
    """When it happened; None lets the outbox stamp the time it records the event."""
    id: str = field(default_factory=new_event_id)
