"""Booking, reading, listing, moving and cancelling appointments."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access import reach
from app.access.authentication import current_grant
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.examples import (
    BOOKING_409,
    BOOKING_422,
    CANCEL_422,
    MOVE_409,
    MOVE_422,
    POOL_409,
    POOL_422,
)
from app.api.pages import page_of
from app.api.schemas import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancellationQuerySchema,
    CancellationSchema,
    IdempotencyHeaderSchema,
    RescheduleSchema,
)
from app.api.schemas.filters import filters_of
from app.problems import VALIDATION, Problem
from app.services import services
from domain.access import APPOINTMENTS_READ, APPOINTMENTS_WRITE
from domain.model import Appointment
from domain.ports.appointments import AppointmentSearch
from domain.use_cases.appointments import get_appointment, list_appointments
from domain.use_cases.booking import book
from domain.use_cases.moves import cancel, reschedule
from domain.use_cases.pool_booking import book_any

blp = Blueprint(
    "appointments", __name__, description="Book, read, list, move and cancel appointments."
)

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
    "cancel_reason": None,
    "canceled_by": None,
    "appointment_type_id": None,
    "modality": None,
    "sequence": 1,
}
_POOL_BOOKING = {
    **{k: v for k, v in _BOOKING.items() if k != "provider_id"},
    "provider_ids": [1, 2, 3],
}
_BOOKINGS = {
    "one-provider": {"summary": "Book a given provider.", "value": _BOOKING},
    "any-of-a-pool": {
        "summary": "Book whichever of these providers can take the time.",
        "value": _POOL_BOOKING,
    },
}
_MOVE = {"starts_at": "2026-12-07T15:00:00Z", "ends_at": "2026-12-07T15:30:00Z"}
_CANCELLATION = {"reason": "Feeling better, thanks", "canceled_by": "client"}
_CANCELED = {
    **_APPOINTMENT,
    "status": "canceled",
    "canceled_at": "2026-11-25T08:00:00Z",
    "cancel_reason": _CANCELLATION["reason"],
    "canceled_by": _CANCELLATION["canceled_by"],
    "sequence": 2,
}
_NOT_FOUND = {404: "No appointment has this id."}
_LOCATION = {
    "Location": {
        "description": "The appointment's URL.",
        "schema": {"type": "string", "example": "/appointments/1"},
    }
}


@blp.route("/appointments")
class Appointments(MethodView):
    @requires(blp, APPOINTMENTS_READ)
    @blp.arguments(AppointmentQuerySchema(), location="query")
    @blp.response(200, AppointmentSchema(many=True), example=[_APPOINTMENT])
    @blp.paginate()
    @blp.doc(
        description="Filters combine; `from`/`to` keep appointments overlapping [from, to). "
        "Ordered by `starts_at`. Pagination metadata is in the `X-Pagination` header."
    )
    @problems(blp, {422: "Invalid filters or pagination parameters."})
    @blp.doc(operationId="listAppointments")
    def get(
        self, query: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[Appointment]:
        """List appointments, filtered and paginated."""
        criteria = _in_reach(AppointmentSearch(**query))
        return page_of(
            pagination_parameters,
            lambda offset, limit: list_appointments(services().uow(), criteria, offset, limit),
        )

    @requires(blp, APPOINTMENTS_WRITE)
    @blp.arguments(BookingSchema(), examples=_BOOKINGS)
    @blp.arguments(IdempotencyHeaderSchema(), location="headers")
    @blp.response(201, AppointmentSchema, example=_APPOINTMENT, headers=_LOCATION)
    @blp.doc(
        description="The time must lie inside the provider's free time (see the "
        "availabilities): inside availability and not in time off, after now plus the "
        "provider's minimum notice, within the booking horizon, and clear of other "
        "appointments and their buffers. A refusal's `detail` names the rule it broke. "
        "With an `Idempotency-Key`, a retried request answers the first appointment again."
        "\n\nWith `provider_ids` instead of `provider_id`, the time is booked with one "
        "provider of that pool for whom every rule above allows it: the one with the fewest "
        "scheduled appointments in that UTC calendar week (Monday to Monday), then the one "
        "booked least recently (never booked first), then the lowest id "
        '(docs/DECISIONS.md, "Choosing from a pool"). If none can, the answer is a 409 when '
        "some are available but booked at that time, else a 422; `detail` counts the reasons."
    )
    @problems(
        blp,
        BODY_PROBLEMS,
        {
            409: "The provider or the client has another appointment at that time, or "
            "another appointment is within the provider's buffer; for a pool, no provider "
            "can take the time and some are available but booked then.",
            422: "Invalid fields, an unknown client or provider, a time outside the "
            "provider's availability or in time off, in the past, sooner than the minimum "
            "notice or beyond the booking horizon, a provider not accepting new clients, "
            "or an Idempotency-Key already used with a different body; both or neither of "
            "`provider_id` and `provider_ids`; for a pool, no provider available then.",
        },
        examples={409: {**BOOKING_409, **POOL_409}, 422: {**BOOKING_422, **POOL_422}},
    )
    @blp.doc(operationId="bookAppointment")
    @links(blp, "getAppointment", "rescheduleAppointment", "cancelAppointment", appointment_id="id")
    def post(
        self, booking: dict[str, Any], headers: dict[str, Any]
    ) -> tuple[Appointment, int, dict[str, str]]:
        """Book an appointment."""
        svc = services()
        key = headers.get("idempotency_key")
        booking = reach.booking_in_reach(booking)
        if "provider_ids" in booking:
            type_id = booking.pop("appointment_type_id", None)
            filters = filters_of(booking)
            appointment = book_any(
                svc.uow(),
                svc.clock,
                idempotency_key=key,
                filters=filters,
                **booking,
                appointment_type_id=type_id,
            )
        else:
            appointment = book(svc.uow(), svc.clock, idempotency_key=key, **booking)
        return appointment, 201, {"Location": _url(appointment)}


@blp.route(f"/appointments/<{ID}:appointment_id>")
class AppointmentById(MethodView):
    @requires(blp, APPOINTMENTS_READ)
    @blp.etag
    @blp.response(200, AppointmentSchema, example=_APPOINTMENT)
    @problems(blp, _NOT_FOUND)
    @blp.doc(operationId="getAppointment")
    def get(self, appointment_id: int) -> Appointment:
        """Read an appointment."""
        return reach.see_appointment(get_appointment(services().uow(), appointment_id))

    @requires(blp, APPOINTMENTS_WRITE)
    @blp.etag
    @blp.arguments(RescheduleSchema(), example=_MOVE)
    @blp.response(200, AppointmentSchema, example={**_APPOINTMENT, **_MOVE, "sequence": 2})
    @blp.doc(
        description="Moves a scheduled appointment in one transaction. The new time is "
        "checked like a new booking, except that the appointment's own current time and "
        "buffers are ignored, so it may move into part of its old span. On any refusal "
        'nothing changes (docs/DECISIONS.md, "Rescheduling"). With `If-Match` (the `ETag` '
        "of a GET), it moves only if nobody changed the appointment since: otherwise 412."
    )
    @problems(
        blp,
        BODY_PROBLEMS,
        _NOT_FOUND,
        {
            412: None,
            409: "The appointment is canceled, or the new time collides with another "
            "appointment of the provider or the client, or with the provider's buffers.",
            422: "Invalid fields, or a booking rule refuses the new time: outside "
            "availability or in time off, in the past, sooner than the minimum notice or "
            "beyond the booking horizon.",
        },
        examples={409: MOVE_409, 422: MOVE_422},
    )
    @blp.doc(operationId="rescheduleAppointment")
    def patch(self, move: dict[str, Any], appointment_id: int) -> Appointment:
        """Move an appointment to another time."""
        svc = services()
        reach.see_appointment(get_appointment(svc.uow(), appointment_id))
        expected = blp.if_match(AppointmentSchema)
        return reschedule(svc.uow(), svc.clock, appointment_id, **move, expected=expected)

    @requires(blp, APPOINTMENTS_WRITE)
    @blp.arguments(CancellationSchema(), required=False, example=_CANCELLATION)
    @blp.arguments(CancellationQuerySchema(), location="query")
    @blp.response(200, AppointmentSchema, example=_CANCELED)
    @blp.doc(
        description="The appointment is kept with `status: canceled`. `reason` and "
        "`canceled_by` are optional, in a JSON body or in the query string (each in one "
        "place only); they are answered as `cancel_reason` and `canceled_by`. Canceling "
        "again answers 200 with the first cancellation unchanged. A provider's minimum "
        "cancellation notice refuses later cancellations with a 422."
    )
    @problems(
        blp,
        BODY_PROBLEMS,
        _NOT_FOUND,
        {
            422: "Invalid `reason` or `canceled_by`, one given both in the body and the "
            "query, or too late for the provider's minimum cancellation notice."
        },
        examples={422: CANCEL_422},
    )
    @blp.doc(operationId="cancelAppointment")
    def delete(
        self, body: dict[str, Any], query: dict[str, Any], appointment_id: int
    ) -> Appointment:
        """Cancel an appointment (soft: the record is kept)."""
        svc = services()
        reach.see_appointment(get_appointment(svc.uow(), appointment_id))
        details = _one_place(body, query)
        return cancel(svc.uow(), svc.clock, appointment_id, **details)


def _in_reach(criteria: AppointmentSearch) -> AppointmentSearch:
    """A bound key's own appointments only: a filter on another owner finds none (0 is an
    id no row has)."""
    grant = current_grant()
    if grant.provider_id is not None:
        asked = criteria.provider_id
        own = grant.provider_id if asked in (None, grant.provider_id) else 0
        criteria = replace(criteria, provider_id=own)
    if grant.client_id is not None:
        asked = criteria.client_id
        own = grant.client_id if asked in (None, grant.client_id) else 0
        criteria = replace(criteria, client_id=own)
    return criteria


def _one_place(body: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    """The cancellation details from the body or the query; a field in both is refused."""
    twice = sorted(set(body) & set(query))
    if twice:
        message = ["Given both in the body and in the query string; send it once."]
        raise Problem(
            VALIDATION, "Some fields are invalid; see errors.", {name: message for name in twice}
        )
    return body | query


def _url(appointment: Appointment) -> str:
    return url_for("appointments.AppointmentById", appointment_id=appointment.id)
