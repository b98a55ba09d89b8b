"""Reading appointments: one by id, or a filtered page."""

from __future__ import annotations

from domain import errors
from domain.model import Appointment
from domain.ports.appointments import AppointmentSearch
from domain.ports.unit_of_work import UnitOfWork


def get_appointment(uow: UnitOfWork, appointment_id: int) -> Appointment:
    with uow:
        appointment = uow.appointments.get(appointment_id)
    if appointment is None:
        raise errors.AppointmentNotFound(appointment_id)
    return appointment


def list_appointments(
    uow: UnitOfWork, criteria: AppointmentSearch, offset: int, limit: int
) -> tuple[list[Appointment], int]:
    """A page of appointments matching ``criteria``, ordered by start, and the total."""
    with uow:
        return uow.appointments.search(criteria, offset, limit)
