"""Booking, reading, listing and cancelling appointments."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, problems
from app.api.examples import BOOKING_422
from app.api.pages import page_of
from app.api.schemas import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    IdempotencyHeaderSchema,
)
from app.services import services
from domain.model import Appointment
from domain.ports import AppointmentSearch
from domain.services import book, cancel, get_appointment, list_appointments

blp = Blueprint("appointments", __name__, description="Book, read, list and cancel appointments.")

_BOOKING = {
    "client_id": 1,
    "provider_id": 1,
    "starts_at": "2026-12-07T14:00:00Z",
    "ends_at": "2026-12-07T14:30:00Z",
}
_APPOINTMENT = {
    "id": 1,
    **_BOOKING,
    "status": "scheduled",
    "created_at": "2026-11-24T10:00:00Z",
    "canceled_at": None,
}
_CANCELED = {**_APPOINTMENT, "status": "canceled", "canceled_at": "2026-11-25T08:00:00Z"}
_LOCATION = {
    "Location": {
        "description": "The appointment's URL.",
        "schema": {"type": "string", "example": "/appointments/1"},
    }
}


@blp.route("/appointments")
class Appointments(MethodView):
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentSchema(many=True), example=[_APPOINTMENT])
    @blp.paginate()
    @blp.doc(
        description="Filters combine; `from`/`to` keep appointments overlapping [from, to). "
        "Ordered by `starts_at`. Pagination metadata is in the `X-Pagination` header."
    )
    @problems(blp, {422: "Invalid filters or pagination parameters."})
    def get(
        self, query: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[Appointment]:
        """List appointments, filtered and paginated."""
        criteria = AppointmentSearch(**query)
        return page_of(
            pagination_parameters,
            lambda offset, limit: list_appointments(services().uow(), criteria, offset, limit),
        )

    @blp.arguments(BookingSchema, example=_BOOKING)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.response(201, AppointmentSchema, example=_APPOINTMENT, headers=_LOCATION)
    @blp.doc(
        description="The time must lie inside the provider's free time, in the future. "
        "With an `Idempotency-Key`, a retried request answers the first appointment again."
    )
    @problems(
        blp,
        BODY_PROBLEMS,
        {
            409: "The provider or the client has another appointment at that time.",
            422: "Invalid fields, an unknown client or provider, a time outside the "
            "provider's availability or in the past, a provider not accepting new clients, "
            "or an Idempotency-Key already used with a different body.",
        },
        examples={422: BOOKING_422},
    )
    def post(
        self, booking: dict[str, Any], headers: dict[str, Any]
    ) -> tuple[Appointment, int, dict[str, str]]:
        """Book an appointment."""
        svc = services()
        appointment = book(
            svc.uow(), svc.clock, idempotency_key=headers.get("idempotency_key"), **booking
        )
        return appointment, 201, {"Location": _url(appointment)}


@blp.route(f"/appointments/<{ID}:appointment_id>")
class AppointmentById(MethodView):
    @blp.response(200, AppointmentSchema, example=_APPOINTMENT)
    @problems(blp, {404: "No appointment has this id."})
    def get(self, appointment_id: int) -> Appointment:
        """Read an appointment."""
        return get_appointment(services().uow(), appointment_id)

    @blp.response(200, AppointmentSchema, example=_CANCELED)
    @blp.doc(
        description="The appointment is kept with `status: canceled`; canceling again "
        "answers 200 with the first `canceled_at`."
    )
    @problems(blp, {404: "No appointment has this id."})
    def delete(self, appointment_id: int) -> Appointment:
        """Cancel an appointment (soft: the record is kept)."""
        svc = services()
        return cancel(svc.uow(writes=True), svc.clock, appointment_id)


def _url(appointment: Appointment) -> str:
    return url_for("appointments.AppointmentById", appointment_id=appointment.id)
