"""Moving and canceling an appointment, each under its schedules' locks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from domain import errors
from domain.events import EventType
from domain.intervals import Interval
from domain.model import Appointment, CanceledBy
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import require_aware
from domain.use_cases.common import appointment_changed, check_bookable, load_provider


def _locked_appointment(uow: UnitOfWork, appointment_id: int) -> Appointment:
    """The appointment, read again after locking its provider's and client's schedules."""
    uow.lock_for_writing()
    appointment = uow.appointments.get(appointment_id)
    if appointment is None:
        raise errors.AppointmentNotFound(appointment_id)
    uow.lock_schedules(appointment.provider_id, appointment.client_id)
    fresh = uow.appointments.get(appointment_id)
    assert fresh is not None  # appointments are never deleted
    return fresh


def reschedule(
    uow: UnitOfWork,
    clock: Clock,
    appointment_id: int,
    starts_at: datetime,
    ends_at: datetime,
    expected: Callable[[Appointment], bool] | None = None,
) -> Appointment:
    """Move a scheduled appointment, checked like a new booking but ignoring its own time.

    With ``expected``, the appointment must satisfy it (If-Match), checked under the lock.
    """
    require_aware(starts_at, ends_at)
    request = Interval(starts_at, ends_at)
    with uow:
        current = _locked_appointment(uow, appointment_id)
        if expected is not None and not expected(current):
            raise errors.PreconditionFailed("the appointment changed since you read it")
        if not current.is_scheduled:
            raise errors.AppointmentCanceled("a canceled appointment cannot be moved")
        provider = load_provider(uow, current.provider_id)
        now = clock.now()
        check_bookable(uow, provider, current.client_id, request, now, moving=appointment_id)
        moved = uow.appointments.update(current.moved(starts_at, ends_at))
        appointment_changed(uow, EventType.APPOINTMENT_RESCHEDULED, moved, now)
        uow.commit()
    return moved


def cancel(
    uow: UnitOfWork,
    clock: Clock,
    appointment_id: int,
    reason: str | None = None,
    canceled_by: CanceledBy | None = None,
) -> Appointment:
    """Soft-cancel; canceling twice keeps the first ``canceled_at``, reason and canceler.

    A provider's minimum cancellation notice refuses later cancellations
    (docs/DECISIONS.md, "Cancellation notice").
    """
    with uow:
        appointment = _locked_appointment(uow, appointment_id)
        if not appointment.is_scheduled:
            return appointment
        now = clock.now()
        notice = timedelta(
            minutes=load_provider(uow, appointment.provider_id).min_cancel_notice_minutes
        )
        if notice and now > appointment.starts_at - notice:
            raise errors.CancellationTooLate(
                f"cancellations must come at least {notice.total_seconds() / 60:.0f} minutes "
                "before the appointment starts"
            )
        appointment = uow.appointments.update(appointment.canceled(now, reason, canceled_by))
        appointment_changed(uow, EventType.APPOINTMENT_CANCELED, appointment, now)
        uow.commit()
    return appointment
